import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { requireAdmin } from "../../domain/access/guards";
import { applyTemplate, listTemplates } from "../../domain/templates/apply-template";
import type { AppEnv } from "../../env";
import { runtimeFor } from "../../platform/runtime";
import { errorResponses, jsonResponse, principalOf, validationHook, writeContext } from "./common";

/** `/v1/templates`: ready-made blueprints and demo entities. */
export const templatesApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

templatesApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Templates"],
    summary: "List templates",
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true), templates: z.array(z.looseObject({})) }), "Templates") },
  }),
  (c) => c.json({ ok: true as const, templates: listTemplates() }, 200),
);

templatesApi.openapi(
  createRoute({
    method: "post",
    path: "/{name}/apply",
    tags: ["Templates"],
    summary: "Apply a template (idempotent)",
    description: "Creates the template's blueprints that do not exist yet and its entities that are missing.",
    request: { params: z.object({ name: z.string().openapi({ param: { name: "name", in: "path" }, example: "sdlc" }) }) },
    responses: { 200: jsonResponse(z.looseObject({ ok: z.literal(true) }), "What was created"), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(principalOf(c), "apply templates");
    const result = await applyTemplate(database(c.env.DB), runtimeFor(c.env), c.req.valid("param").name, writeContext(c, "TEMPLATE"));
    return c.json({ ok: true as const, ...result }, 200);
  },
);
