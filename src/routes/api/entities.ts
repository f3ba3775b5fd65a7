import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { database } from "../../db/client";
import { authorizedDelete, authorizedWriteOptions, getVisibleEntity, listVisibleEntities } from "../../domain/access/authorized-catalog";
import { deleteEntity } from "../../domain/catalog/entity-delete";
import { entityBodySchema } from "../../domain/catalog/entity-input";
import { type WriteMode, type WriteOptions, type WriteOutcome, writeEntityBodies } from "../../domain/catalog/entity-write";
import { entityScorecards } from "../../domain/scorecards/results";
import type { AppEnv } from "../../env";
import {
  accessOf,
  errorResponses,
  expectedVersion,
  jsonBody,
  jsonResponse,
  queryFlag,
  setVersionTag,
  validationHook,
  writeContext,
} from "./common";
import { linkWritesToRun } from "./run-link";

/** Most entities one bulk request may carry. */
export const MAX_BULK = 1000;

const Entity = entityBodySchema.openapi("Entity");
const EntityResult = z.object({ ok: z.literal(true), entity: z.looseObject({}) });
const BpParam = z.object({ blueprint: z.string().openapi({ param: { name: "blueprint", in: "path" }, example: "Component" }) });
const EntityParams = BpParam.extend({
  identifier: z.string().openapi({ param: { name: "identifier", in: "path" }, example: "CartService" }),
});
const WriteQuery = z.object({
  upsert: queryFlag.openapi({ description: "Replace the entity if it exists" }),
  merge: queryFlag.openapi({ description: "With upsert: merge properties and relations into the existing entity" }),
  create_missing_related_entities: queryFlag.openapi({ description: "Create relation targets that do not exist yet" }),
  run_id: z.string().optional().openapi({ description: "The action run this write belongs to: the entity is listed on the run" }),
});

/** `/v1/blueprints/{blueprint}/entities`: Port's entity API. */
export const entitiesApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
entitiesApi.use("*", linkWritesToRun());

/** A single-entity write: its one outcome becomes the response, or its error is thrown. */
async function writeOne(
  c: Context<AppEnv>,
  blueprint: string,
  mode: WriteMode,
  raw: unknown,
  options: WriteOptions,
  identifier?: string,
  version?: number,
) {
  const db = database(c.env.DB);
  const access = await accessOf(c);
  const [outcome] = await writeEntityBodies(
    db,
    blueprint,
    mode,
    [{ raw, pathPrefix: "", identifier, expectedVersion: version }],
    authorizedWriteOptions(db, access, options),
    writeContext(c),
  );
  if (!outcome) throw new Error("entity write produced no outcome");
  if (!outcome.ok) throw outcome.error;
  setVersionTag(c, outcome.entity.version);
  return outcome;
}

entitiesApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Entities"],
    summary: "Create (or upsert) an entity",
    request: { params: BpParam, query: WriteQuery, body: jsonBody(Entity) },
    responses: {
      201: jsonResponse(EntityResult, "Created"),
      200: jsonResponse(EntityResult, "Updated (upsert)"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const outcome = await writeOne(c, c.req.valid("param").blueprint, "create", c.req.valid("json"), {
      upsert: q.upsert,
      merge: q.merge,
      createMissingRelated: q.create_missing_related_entities,
    });
    return outcome.created
      ? c.json({ ok: true as const, entity: outcome.entity }, 201)
      : c.json({ ok: true as const, entity: outcome.entity }, 200);
  },
);

function bulkResponse(outcomes: WriteOutcome[]) {
  const entities = outcomes.flatMap((o) =>
    o.ok ? [{ identifier: o.identifier, index: o.index, created: o.created, version: o.entity.version }] : [],
  );
  const errors = outcomes.flatMap((o) =>
    o.ok
      ? []
      : [
          {
            identifier: o.identifier,
            index: o.index,
            statusCode: o.error.status,
            code: o.error.code,
            message: o.error.message,
            details: o.error.details,
          },
        ],
  );
  return { ok: errors.length === 0, entities, errors };
}

entitiesApi.openapi(
  createRoute({
    method: "post",
    path: "/bulk",
    tags: ["Entities"],
    summary: `Create or upsert up to ${MAX_BULK} entities`,
    description: "Each entity succeeds or fails on its own; all that succeed land in one transaction. 207 when some failed.",
    request: {
      params: BpParam,
      query: WriteQuery,
      body: jsonBody(
        z.object({
          entities: z.array(z.unknown()).min(1, "must hold at least one entity").max(MAX_BULK, `must hold at most ${MAX_BULK} entities`),
        }),
      ),
    },
    responses: {
      200: jsonResponse(z.looseObject({ ok: z.boolean() }), "All written"),
      207: jsonResponse(z.looseObject({ ok: z.boolean() }), "Some failed: see errors[] (index, statusCode, message, details)"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const db = database(c.env.DB);
    const access = await accessOf(c);
    const outcomes = await writeEntityBodies(
      db,
      c.req.valid("param").blueprint,
      "create",
      c.req.valid("json").entities.map((raw, i) => ({ raw, pathPrefix: `entities.${i}` })),
      authorizedWriteOptions(db, access, { upsert: q.upsert, merge: q.merge, createMissingRelated: q.create_missing_related_entities }),
      writeContext(c),
    );
    const body = bulkResponse(outcomes);
    return body.ok ? c.json(body, 200) : c.json(body, 207);
  },
);

entitiesApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Entities"],
    summary: "List a blueprint's entities (paged)",
    request: {
      params: BpParam,
      query: z.object({
        limit: z.coerce.number({ error: "must be a number" }).int().min(1).max(1000).default(100),
        cursor: z.string().optional().openapi({ description: "The `next` value of the previous page" }),
      }),
    },
    responses: {
      200: jsonResponse(z.object({ ok: z.literal(true), entities: z.array(z.looseObject({})), next: z.string().nullable() }), "A page"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const db = database(c.env.DB);
    const access = await accessOf(c);
    const page = await listVisibleEntities(db, access, c.req.valid("param").blueprint, { limit: q.limit, cursor: q.cursor });
    return c.json({ ok: true as const, entities: page.entities, next: page.next }, 200);
  },
);

entitiesApi.openapi(
  createRoute({
    method: "get",
    path: "/{identifier}",
    tags: ["Entities"],
    summary: "Get an entity",
    request: {
      params: EntityParams,
      query: z.object({ include_related: queryFlag.openapi({ description: "Add `related.outgoing` and `related.incoming`" }) }),
    },
    responses: {
      200: jsonResponse(EntityResult.extend({ related: z.looseObject({}).optional() }), "The entity; ETag carries its version"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const p = c.req.valid("param");
    const db = database(c.env.DB);
    const access = await accessOf(c);
    const result = await getVisibleEntity(db, access, p.blueprint, p.identifier, c.req.valid("query").include_related);
    setVersionTag(c, result.entity.version);
    // Port's `scorecards` field, when the blueprint has any (read only after the entity proved readable).
    const scorecards = await entityScorecards(db, p.blueprint, p.identifier);
    const entity = Object.keys(scorecards).length > 0 ? { ...result.entity, scorecards } : result.entity;
    return c.json({ ok: true as const, entity, ...(result.related ? { related: result.related } : {}) }, 200);
  },
);

for (const [method, mode, summary] of [
  ["put", "replace", "Replace an entity"],
  ["patch", "patch", "Change part of an entity (properties and relations merge by key)"],
] as const) {
  entitiesApi.openapi(
    createRoute({
      method,
      path: "/{identifier}",
      tags: ["Entities"],
      summary,
      description: "Honours If-Match (or ?version=): 412 when the entity changed since that version.",
      request: {
        params: EntityParams,
        query: z.object({ create_missing_related_entities: queryFlag, version: z.string().optional() }),
        body: jsonBody(Entity),
      },
      responses: { 200: jsonResponse(EntityResult, "Written"), 412: errorResponses[409], ...errorResponses },
    }),
    async (c) => {
      const p = c.req.valid("param");
      const q = c.req.valid("query");
      const outcome = await writeOne(
        c,
        p.blueprint,
        mode,
        c.req.valid("json"),
        { upsert: false, merge: false, createMissingRelated: q.create_missing_related_entities },
        p.identifier,
        expectedVersion(c, q.version),
      );
      return c.json({ ok: true as const, entity: outcome.entity }, 200);
    },
  );
}

entitiesApi.openapi(
  createRoute({
    method: "delete",
    path: "/{identifier}",
    tags: ["Entities"],
    summary: "Delete an entity",
    description: "Refused (409) while other entities require it, unless delete_dependents=true.",
    request: { params: EntityParams, query: z.object({ delete_dependents: queryFlag }) },
    responses: {
      200: jsonResponse(
        z.object({ ok: z.literal(true), deleted: z.array(z.object({ blueprint: z.string(), identifier: z.string() })) }),
        "Deleted",
      ),
      ...errorResponses,
    },
  }),
  async (c) => {
    const p = c.req.valid("param");
    const db = database(c.env.DB);
    const access = await accessOf(c);
    const result = await deleteEntity(
      db,
      p.blueprint,
      p.identifier,
      { deleteDependents: c.req.valid("query").delete_dependents, authorize: authorizedDelete(db, access) },
      writeContext(c),
    );
    return c.json({ ok: true as const, deleted: result.deleted }, 200);
  },
);
