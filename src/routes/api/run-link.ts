import type { MiddlewareHandler } from "hono";
import { database } from "../../db/client";
import { checkRunForLink, linkEntityToRun } from "../../domain/actions/runs";
import type { AppEnv } from "../../env";
import { runtimeFor } from "../../platform/runtime";
import { principalOf } from "./common";

/** Identifiers of the entities a successful entity write answered with (single, bulk, or delete). */
async function writtenIdentifiers(res: Response, pathIdentifier: string | undefined): Promise<string[]> {
  const body = (await res
    .clone()
    .json()
    .catch(() => null)) as {
    entity?: { identifier?: string };
    entities?: { identifier?: string }[];
    deleted?: unknown;
  } | null;
  if (body?.entity?.identifier) return [body.entity.identifier];
  if (Array.isArray(body?.entities)) return body.entities.flatMap((e) => (e.identifier ? [e.identifier] : []));
  return pathIdentifier ? [pathIdentifier] : [];
}

/**
 * Entity writes with `?run_id=r_…` (Port's way for a backend to say "this run made that"): the run is
 * checked before the write (an unknown run is a 400 and nothing is written) and every entity written is
 * linked to it afterwards, so the run page lists its affected entities live.
 */
export function linkWritesToRun(): MiddlewareHandler<AppEnv> {
  return async function linkWritesToRunMiddleware(c, next) {
    const runId = c.req.query("run_id");
    if (!runId || c.req.method === "GET" || c.req.method === "HEAD") return next();
    const db = database(c.env.DB);
    const principal = principalOf(c);
    await checkRunForLink(db, principal, runId);
    await next();
    if (!c.res.ok) return;
    // Middleware does not see the handler's path params: read them from the path itself.
    const match = /\/blueprints\/([^/]+)\/entities(?:\/([^/]+))?/.exec(new URL(c.req.url).pathname);
    const blueprint = decodeURIComponent(match?.[1] ?? "");
    const pathIdentifier = match?.[2] && match[2] !== "bulk" ? decodeURIComponent(match[2]) : undefined;
    const runtime = runtimeFor(c.env);
    for (const identifier of await writtenIdentifiers(c.res, pathIdentifier)) {
      await linkEntityToRun(db, runtime, runId, blueprint, identifier);
    }
  };
}
