import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { AppError } from "../lib/errors";

/**
 * Decides who is calling. Until users and credentials exist, the only way in is local mode:
 * `AUTH_MODE=open` (written to .dev.vars by `npm run dev`, never set in wrangler.toml) makes every request
 * act as the local developer. Anywhere else every request is refused, so a deployment is closed by default.
 * Credentials (bearer tokens, sessions, Cloudflare Access) plug in here and set the same `actor`.
 *
 * @example app.use("/v1/*", authenticate())
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async function identifyActor(c, next) {
    if (c.env.AUTH_MODE === "open") {
      c.set("actor", { id: "local-dev", kind: "local-dev" });
      return next();
    }
    throw new AppError(401, "unauthenticated", "Authentication required: this portal is not in local (open) mode");
  };
}
