import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ErrorNotice, ErrorPage } from "../../views/pages/error-page";
import { database } from "../db/client";
import { auditDenial } from "../domain/access/denials";
import type { AppEnv } from "../env";
import { AppError, type ErrorDetail } from "../lib/errors";
import { wantsFragment } from "../routes/ui/action-support";
import { viewerOf } from "../routes/ui/viewer";

function wantsJson(c: Context<AppEnv>): boolean {
  return c.req.path.startsWith("/v1/") || c.req.path === "/v1";
}

function respond(c: Context<AppEnv>, status: ContentfulStatusCode, code: string, message: string, details: ErrorDetail[]) {
  if (wantsJson(c)) {
    return c.json({ ok: false, error: { code, message, details, requestId: c.get("requestId") } }, status);
  }
  const props = { status, message, details, requestId: c.get("requestId") };
  // An htmx fragment request gets a notice for the page's #flash area; a page load or boosted navigation the whole page.
  if (wantsFragment(c)) return c.html(ErrorNotice(props), status);
  return c.html(ErrorPage({ ...props, viewer: viewerOf(c) }), status);
}

/**
 * Renders every thrown error: our AppErrors with their status and details, Hono's HTTPExceptions with
 * theirs, and anything else as a 500 that names the request id (the cause goes to the log, not the client).
 */
export const handleError: ErrorHandler<AppEnv> = async (err, c) => {
  if (err instanceof AppError) {
    if (err.status === 403) await recordDenial(c, err.message);
    return respond(c, err.status, err.code, err.message, err.details);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const message = err.message || "Request could not be processed";
    return respond(c, status, status === 400 ? "invalid_input" : "http_error", message, []);
  }
  console.error(
    JSON.stringify({ level: "error", requestId: c.get("requestId"), path: c.req.path, error: String(err), stack: (err as Error).stack }),
  );
  return respond(c, 500, "internal_error", `Something went wrong on our side (request ${c.get("requestId")})`, []);
};

/** Every 403 is audited; a failure to audit must not hide the 403 itself. */
async function recordDenial(c: Context<AppEnv>, reason: string): Promise<void> {
  const principal = c.get("principal");
  try {
    await auditDenial(
      database(c.env.DB),
      { actor: principal?.email ?? "anonymous", origin: "API", requestId: c.get("requestId"), now: new Date().toISOString() },
      { method: c.req.method, path: c.req.path, reason },
    );
  } catch (error) {
    console.error(JSON.stringify({ level: "error", event: "denial_not_audited", requestId: c.get("requestId"), error: String(error) }));
  }
}

export const handleNotFound: NotFoundHandler<AppEnv> = (c) =>
  respond(c, 404, "not_found", `No route for ${c.req.method} ${c.req.path}`, []);
