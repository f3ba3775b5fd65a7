import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./env";
import { authenticate } from "./middleware/authenticate";
import { handleError, handleNotFound } from "./middleware/errors";
import { jsonBodyGuard } from "./middleware/json-body";
import { requestIdMiddleware } from "./middleware/request-id";
import { api } from "./routes/api";
import { catalogPages } from "./routes/ui/catalog";
import { docsPages } from "./routes/ui/docs";

/**
 * The HTTP application. Order matters: the request id first (errors name it), security headers, then
 * authentication, then the JSON body guard for the API. Handlers live in routes/.
 */
export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(requestIdMiddleware());
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  app.use(authenticate());
  app.use("/v1/*", jsonBodyGuard());
  app.route("/v1", api);
  app.route("/docs", docsPages);
  app.route("/", catalogPages);
  app.onError(handleError);
  app.notFound(handleNotFound);
  return app;
}
