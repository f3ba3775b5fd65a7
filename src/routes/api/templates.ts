import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { requireAdmin } from "../../domain/access/guards";
import { applyTemplate } from "../../domain/templates/apply-template";
import { previewTemplate } from "../../domain/templates/preview-template";
import { findTemplate, TEMPLATES, templateContents } from "../../domain/templates/registry";
import type { AppEnv } from "../../env";
import { runtimeFor } from "../../platform/runtime";
import { errorResponses, jsonResponse, principalOf, validationHook, writeContext } from "./common";

/** `/v1/templates`: ready-made blueprints, demo entities, and action packs. */
export const templatesApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const nameParam = z.object({ name: z.string().openapi({ param: { name: "name", in: "path" }, example: "sdlc" }) });

templatesApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Templates"],
    summary: "List templates",
    description: "Every template and action pack with what it creates (blueprints, entities, actions, automations, scorecards).",
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true), templates: z.array(z.looseObject({})) }), "Templates") },
  }),
  (c) => c.json({ ok: true as const, templates: TEMPLATES.map(templateContents) }, 200),
);

templatesApi.openapi(
  createRoute({
    method: "get",
    path: "/{name}",
    tags: ["Templates"],
    summary: "Preview a template",
    description:
      "What the template contains, and what applying it would do now without writing anything: per template " +
      "(the ones it requires first), what would be created and what already exists. Admins only, like apply.",
    request: { params: nameParam },
    responses: {
      200: jsonResponse(
        z.object({
          ok: z.literal(true),
          template: z.looseObject({}),
          state: z.enum(["applied", "partly-applied", "not-applied"]),
          preview: z.array(z.looseObject({})),
        }),
        "Contents and preview",
      ),
      ...errorResponses,
    },
  }),
  async (c) => {
    requireAdmin(principalOf(c), "preview templates");
    const { name } = c.req.valid("param");
    const template = templateContents(findTemplate(name));
    const { state, plans } = await previewTemplate(database(c.env.DB), name);
    return c.json({ ok: true as const, template, state, preview: plans }, 200);
  },
);

templatesApi.openapi(
  createRoute({
    method: "post",
    path: "/{name}/apply",
    tags: ["Templates"],
    summary: "Apply a template (idempotent)",
    description:
      "Applies the templates it requires first, then creates the template's blueprints, entities, actions, automations " +
      "and scorecards that do not exist yet; existing ones are left as they are. `requirements` lists what the " +
      "required templates did.",
    request: { params: nameParam },
    responses: { 200: jsonResponse(z.looseObject({ ok: z.literal(true) }), "What was created"), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(principalOf(c), "apply templates");
    const result = await applyTemplate(database(c.env.DB), runtimeFor(c.env), c.req.valid("param").name, writeContext(c, "TEMPLATE"));
    return c.json({ ok: true as const, ...result }, 200);
  },
);
