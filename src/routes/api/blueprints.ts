import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { blueprintsWithVisibleCounts } from "../../domain/access/authorized-catalog";
import { requireAdmin, requireAdminOrModerator } from "../../domain/access/guards";
import { blueprintBodySchema } from "../../domain/catalog/blueprint-definition";
import { createBlueprint, deleteBlueprint, getBlueprint, patchBlueprint, replaceBlueprint } from "../../domain/catalog/blueprints";
import type { AppEnv } from "../../env";
import {
  accessOf,
  errorResponses,
  expectedVersion,
  jsonBody,
  jsonResponse,
  principalOf,
  queryFlag,
  setVersionTag,
  validationHook,
  writeContext,
} from "./common";

const Blueprint = blueprintBodySchema.openapi("Blueprint");
const BlueprintResult = z.object({ ok: z.literal(true), blueprint: z.looseObject({}) });
const IdParam = z.object({ identifier: z.string().openapi({ param: { name: "identifier", in: "path" }, example: "service" }) });
const VersionQuery = z.object({ version: z.string().optional().openapi({ description: "Alternative to If-Match" }) });

/** `/v1/blueprints`: Port's blueprint API. */
export const blueprintsApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

blueprintsApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Blueprints"],
    summary: "List blueprints",
    responses: {
      200: jsonResponse(z.object({ ok: z.literal(true), blueprints: z.array(z.looseObject({})) }), "All blueprints, with entityCount"),
    },
  }),
  async (c) => {
    const db = database(c.env.DB);
    const rows = await blueprintsWithVisibleCounts(db, await accessOf(c));
    return c.json({ ok: true as const, blueprints: rows.map((r) => ({ ...r.blueprint, entityCount: r.entityCount })) }, 200);
  },
);

blueprintsApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Blueprints"],
    summary: "Create a blueprint",
    request: { body: jsonBody(Blueprint) },
    responses: { 201: jsonResponse(BlueprintResult, "Created"), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(principalOf(c), "create blueprints");
    const blueprint = await createBlueprint(database(c.env.DB), c.req.valid("json"), writeContext(c));
    setVersionTag(c, blueprint.version);
    return c.json({ ok: true as const, blueprint }, 201);
  },
);

blueprintsApi.openapi(
  createRoute({
    method: "get",
    path: "/{identifier}",
    tags: ["Blueprints"],
    summary: "Get a blueprint",
    request: { params: IdParam },
    responses: { 200: jsonResponse(BlueprintResult, "The blueprint; ETag carries its version"), ...errorResponses },
  }),
  async (c) => {
    principalOf(c);
    const blueprint = await getBlueprint(database(c.env.DB), c.req.valid("param").identifier);
    setVersionTag(c, blueprint.version);
    return c.json({ ok: true as const, blueprint }, 200);
  },
);

for (const { method, summary, description, body, write } of [
  {
    method: "put" as const,
    summary: "Replace a blueprint",
    description: "Honours If-Match (412 when the blueprint changed). A property cannot change type in place.",
    body: Blueprint,
    write: replaceBlueprint,
  },
  {
    method: "patch" as const,
    summary: "Change part of a blueprint",
    description: "Keyed sections merge by key; a key set to null is removed. Honours If-Match.",
    body: z.looseObject({}).openapi("BlueprintPatch"),
    write: patchBlueprint,
  },
]) {
  blueprintsApi.openapi(
    createRoute({
      method,
      path: "/{identifier}",
      tags: ["Blueprints"],
      summary,
      description,
      request: { params: IdParam, query: VersionQuery, body: jsonBody(body) },
      responses: { 200: jsonResponse(BlueprintResult, "Written"), ...errorResponses },
    }),
    async (c) => {
      const identifier = c.req.valid("param").identifier;
      requireAdminOrModerator(principalOf(c), identifier, "change this blueprint");
      const version = expectedVersion(c, c.req.valid("query").version);
      const blueprint = await write(database(c.env.DB), identifier, c.req.valid("json"), writeContext(c), version);
      setVersionTag(c, blueprint.version);
      return c.json({ ok: true as const, blueprint }, 200);
    },
  );
}

blueprintsApi.openapi(
  createRoute({
    method: "delete",
    path: "/{identifier}",
    tags: ["Blueprints"],
    summary: "Delete a blueprint",
    description: "Refused (409) while it has entities, unless delete_entities=true, and while other blueprints relate to it.",
    request: { params: IdParam, query: z.object({ delete_entities: queryFlag }) },
    responses: {
      200: jsonResponse(z.object({ ok: z.literal(true), deletedEntities: z.number() }), "Deleted"),
      ...errorResponses,
    },
  }),
  async (c) => {
    requireAdmin(principalOf(c), "delete blueprints");
    const result = await deleteBlueprint(
      database(c.env.DB),
      c.req.valid("param").identifier,
      { deleteEntities: c.req.valid("query").delete_entities },
      writeContext(c),
    );
    return c.json({ ok: true as const, ...result }, 200);
  },
);
