import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { AppError } from "../lib/errors";
import { parseJsonBody } from "../lib/json-parse";

/** Largest request body the JSON API accepts. */
export const MAX_BODY_BYTES = 1024 * 1024;

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;.*)?$/i;

/**
 * Guards JSON API writes before any route sees them: refuses bodies over 1 MiB (413), bodies that are
 * not `application/json` (415), and text that is not JSON (400 naming line and column). A body that
 * passes is re-readable by the route's validator (Hono caches it).
 *
 * @example app.use("/v1/*", jsonBodyGuard())
 */
export function jsonBodyGuard(): MiddlewareHandler<AppEnv> {
  return async function guardJsonBody(c, next) {
    if (!["POST", "PUT", "PATCH"].includes(c.req.method)) return next();
    const declared = Number(c.req.header("content-length") ?? "0");
    if (declared > MAX_BODY_BYTES) throw tooLarge();
    const text = await c.req.text();
    if (text.length === 0) return next();
    if (utf8Length(text) > MAX_BODY_BYTES) throw tooLarge();
    const type = c.req.header("content-type") ?? "";
    if (!JSON_TYPE.test(type)) {
      throw new AppError(415, "unsupported_media_type", `Send the body as application/json (got '${type || "no content type"}')`);
    }
    // Parse once and hand the result to Hono's body cache, so the route's validator does not parse again.
    const parsed = parseJsonBody(text);
    c.req.bodyCache.json = Promise.resolve(parsed);
    return next();
  };
}

/** UTF-8 byte length without copying the text (a UTF-16 unit is 1–3 bytes; a surrogate pair is 4). */
function utf8Length(text: string): number {
  if (text.length > MAX_BODY_BYTES) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdbff ? 2 : 3;
  }
  return bytes;
}

function tooLarge(): AppError {
  return new AppError(
    413,
    "payload_too_large",
    `Request body is larger than ${MAX_BODY_BYTES} bytes (1 MiB); split it into smaller requests`,
  );
}
