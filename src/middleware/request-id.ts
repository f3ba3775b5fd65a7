import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { requestId } from "../lib/ids";

const ACCEPTABLE = /^[A-Za-z0-9._:-]{8,100}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when it looks sane), echoes it in the response,
 * and stores it for audit rows and error bodies.
 *
 * @example app.use(requestIdMiddleware())
 */
export function requestIdMiddleware(): MiddlewareHandler<AppEnv> {
  return async function assignRequestId(c, next) {
    const given = c.req.header("x-request-id");
    const id = given && ACCEPTABLE.test(given) ? given : requestId();
    c.set("requestId", id);
    await next();
    c.header("X-Request-Id", id);
  };
}
