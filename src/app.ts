// First: zod schemas get `.openapi()` only if they are created after this extension loads, and domain
// modules (imported through the middleware below) create some at import time.
import "@hono/zod-openapi";
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./env";
import { authenticate, requireSignedIn } from "./middleware/authenticate";
import { csrfProtection } from "./middleware/csrf";
import { dispatchEventsAfterChanges } from "./middleware/dispatch-events";
import { handleError, handleNotFound } from "./middleware/errors";
import { formBodyGuard } from "./middleware/form-body";
import { jsonBodyGuard } from "./middleware/json-body";
import { requestIdMiddleware } from "./middleware/request-id";
import { api } from "./routes/api";
import { actionBuilderPages } from "./routes/ui/action-builder";
import { actionPages } from "./routes/ui/actions";
import { authPages } from "./routes/ui/auth";
import { blueprintBuilderPages } from "./routes/ui/blueprint-builder";
import { builderPages } from "./routes/ui/builder";
import { catalogPages } from "./routes/ui/catalog";
import { docsPages } from "./routes/ui/docs";
import { eventPages } from "./routes/ui/events";
import { initiativePages } from "./routes/ui/initiatives";
import { integrationPages } from "./routes/ui/integrations";
import { runPages } from "./routes/ui/runs";
import { scorecardBuilderPages } from "./routes/ui/scorecard-builder";
import { scorecardPages } from "./routes/ui/scorecards";
import { searchPages } from "./routes/ui/search";
import { settingsPages } from "./routes/ui/settings";
import { templatePages } from "./routes/ui/templates";

/**
 * The HTTP application. Order matters: the request id first (errors name it), security headers,
 * authentication (who), a form body that parses (else 400), CSRF (was it really them), the sign-in
 * requirement outside public pages, then the JSON body guard for the API. Handlers live in routes/.
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
  app.use(formBodyGuard());
  app.use(csrfProtection());
  app.use(requireSignedIn());
  app.use(dispatchEventsAfterChanges());
  app.use("/v1/*", jsonBodyGuard());
  app.route("/v1", api);
  app.route("/docs", docsPages);
  app.route("/settings", settingsPages);
  app.route("/", authPages);
  app.route("/", catalogPages);
  app.route("/", searchPages);
  app.route("/", actionBuilderPages);
  app.route("/", actionPages);
  app.route("/", runPages);
  app.route("/", eventPages);
  app.route("/", scorecardPages);
  app.route("/", initiativePages);
  app.route("/", integrationPages);
  app.route("/", builderPages);
  app.route("/", blueprintBuilderPages);
  app.route("/", scorecardBuilderPages);
  app.route("/", templatePages);
  app.onError(handleError);
  app.notFound(handleNotFound);
  return app;
}
