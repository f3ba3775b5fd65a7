import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { AppError } from "../lib/errors";

const FORM_TYPE = /^(multipart\/form-data|application\/x-www-form-urlencoded)\s*(;|$)/i;
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Reads form bodies once, before the CSRF check and the handlers do: a multipart body the runtime cannot
 * parse (a part without a name, control characters in its headers) makes `formData()` throw a TypeError,
 * which would reach the client as a 500. Here it becomes a 400. A body that parses stays cached (Hono
 * keeps the parsed FormData), so later `parseBody()` calls cost nothing.
 *
 * @example app.use(formBodyGuard())
 */
export function formBodyGuard(): MiddlewareHandler<AppEnv> {
  return async function guardFormBody(c, next) {
    if (!UNSAFE.has(c.req.method) || !FORM_TYPE.test(c.req.header("content-type") ?? "")) return next();
    try {
      await c.req.parseBody();
    } catch (error) {
      throw new AppError(400, "invalid_form", `The form data could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
    return next();
  };
}
