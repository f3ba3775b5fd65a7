import type { MiddlewareHandler } from "hono";
import { database } from "../db/client";
import { kickDispatch } from "../domain/events/dispatch";
import type { AppEnv } from "../env";
import { runtimeFor } from "../platform/runtime";

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * After a request that may have changed something, hands the new events (audit rows written in the
 * change's own batch) to the queue — after the response, so no request waits for it. Timers, automations
 * and webhook subscriptions are driven from there.
 *
 * @example app.use(dispatchEventsAfterChanges())
 */
export function dispatchEventsAfterChanges(): MiddlewareHandler<AppEnv> {
  return async function dispatchEventsAfterChangesMiddleware(c, next) {
    await next();
    if (READS.has(c.req.method) || c.res.status >= 400) return;
    const kick = kickDispatch(database(c.env.DB), runtimeFor(c.env)).catch((error: unknown) => {
      // The cron trigger dispatches whatever this missed; nothing is lost.
      console.error(JSON.stringify({ level: "error", event: "dispatch_kick_failed", error: String(error) }));
    });
    try {
      c.executionCtx.waitUntil(kick);
    } catch {
      await kick; // no execution context (some test harnesses): finish before answering
    }
  };
}
