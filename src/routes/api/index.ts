import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { auditApi } from "./audit";
import { blueprintsApi } from "./blueprints";
import { validationHook } from "./common";
import { entitiesApi } from "./entities";
import { templatesApi } from "./templates";

/** The JSON API under /v1, with its OpenAPI document generated from the same zod schemas. */
export const api = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

api.route("/blueprints/:blueprint/entities", entitiesApi);
api.route("/blueprints", blueprintsApi);
api.route("/audit-log", auditApi);
api.route("/templates", templatesApi);

api.doc31("/openapi.json", {
  openapi: "3.1.0",
  info: {
    title: "Edge Portal API",
    version: "1",
    description:
      "Software catalog (blueprints, entities, relations) with Port-compatible shapes. Errors are `{ok:false, error:{code, message, details:[{path, message}]}}`.",
  },
  servers: [{ url: "/" }],
});
