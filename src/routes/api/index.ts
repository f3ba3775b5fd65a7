import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { accessApi, permissionsApi } from "./access";
import { actionsApi } from "./actions";
import { auditApi } from "./audit";
import { authApi } from "./auth";
import { automationsApi } from "./automations";
import { blueprintsApi } from "./blueprints";
import { validationHook } from "./common";
import { entitiesApi } from "./entities";
import { ingestApi } from "./ingest";
import { initiativesApi } from "./initiatives";
import { integrationsApi } from "./integrations";
import { runsApi } from "./runs";
import { allScorecardsApi, scorecardsApi } from "./scorecards";
import { searchApi } from "./search";
import { teamsApi } from "./teams";
import { templatesApi } from "./templates";
import { usersApi } from "./users";
import { eventsApi, webhooksApi } from "./webhooks";

/** The JSON API under /v1, with its OpenAPI document generated from the same zod schemas. */
export const api = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

api.route("/auth", authApi);
api.route("/users", usersApi);
api.route("/teams", teamsApi);
api.route("/", searchApi);
api.route("/blueprints/:blueprint/entities", entitiesApi);
api.route("/blueprints/:blueprint/permissions", permissionsApi);
api.route("/blueprints/:blueprint/scorecards", scorecardsApi);
api.route("/scorecards", allScorecardsApi);
api.route("/initiatives", initiativesApi);
api.route("/access", accessApi);
api.route("/blueprints", blueprintsApi);
api.route("/audit-log", auditApi);
api.route("/templates", templatesApi);
// Runs first: `/actions/runs` must not be read as an action called "runs".
api.route("/actions/runs", runsApi);
api.route("/actions", actionsApi);
api.route("/automations", automationsApi);
api.route("/webhooks", webhooksApi);
api.route("/events", eventsApi);
api.route("/integrations", integrationsApi);
api.route("/ingest", ingestApi);

api.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
  type: "http",
  scheme: "bearer",
  description: "An access token from POST /v1/auth/access_token, or a personal API token (epat_…)",
});

api.doc31("/openapi.json", {
  openapi: "3.1.0",
  info: {
    title: "Edge Portal API",
    version: "1",
    description:
      "Software catalog (blueprints, entities, relations) with Port-compatible shapes. Errors are `{ok:false, error:{code, message, details:[{path, message}]}}`.",
  },
  servers: [{ url: "/v1" }],
  security: [{ bearer: [] }],
});
