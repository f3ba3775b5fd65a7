import type { MiddlewareHandler } from "hono";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env";
import { constantTimeEqual } from "../lib/crypto";
import { AppError } from "../lib/errors";

/** Header htmx sends on every request (set once on <body> with hx-headers). */
export const CSRF_HEADER = "x-csrf-token";
/** Hidden field plain forms carry. */
export const CSRF_FIELD = "_csrf";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const PRE_SESSION_FORMS = new Set(["/login", "/setup", "/invite"]);

/**
 * Two locks on unsafe browser requests. Hono's `csrf()` refuses form posts from another origin (this
 * covers sign-in, before a session exists). And a request authenticated by the session cookie must carry
 * the session's CSRF token, in the `X-CSRF-Token` header or the `_csrf` form field. Requests with a bearer
 * token are exempt, as are anonymous API calls: neither carries ambient browser credentials.
 *
 * @example app.use(csrfProtection())
 */
export function csrfProtection(): MiddlewareHandler<AppEnv> {
  const sameOrigin = csrf();
  return async function checkCsrf(c, next) {
    if (!UNSAFE.has(c.req.method)) return next();
    const principal = c.get("principal");
    const viaBrowser = principal ? principal.via === "session" || principal.via === "cloudflare-access" : !c.req.path.startsWith("/v1/");
    if (!viaBrowser) return next();
    try {
      await sameOrigin(c, async () => {});
    } catch (error) {
      if (error instanceof HTTPException && error.status === 403) {
        throw new AppError(403, "csrf_failed", "Cross-site form submissions are refused: submit the form from the portal itself");
      }
      throw error;
    }
    // The sign-in, first-run and invitation forms are posted before a session exists (or to replace one),
    // so they carry no session token; the same-origin check above guards them.
    if (principal?.via === "session" && !PRE_SESSION_FORMS.has(c.req.path)) {
      let given = c.req.header(CSRF_HEADER);
      const type = c.req.header("content-type") ?? "";
      if (given === undefined && (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data"))) {
        const field = (await c.req.parseBody())[CSRF_FIELD];
        given = typeof field === "string" ? field : undefined;
      }
      if (!given || !principal.csrfToken || !constantTimeEqual(given, principal.csrfToken)) {
        throw new AppError(403, "csrf_failed", "This form has expired or did not come from the portal; reload the page and try again");
      }
    }
    return next();
  };
}
