import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { addExemption, exemptionsOf, removeExemption, scorecardHistory, scorecardOverview } from "../../domain/scorecards/results";
import { deleteScorecard, getScorecard, listScorecards, saveScorecard } from "../../domain/scorecards/scorecards";
import type { AppEnv } from "../../env";
import { runtimeFor } from "../../platform/runtime";
import {
  accessOf,
  errorResponses,
  expectedVersion,
  jsonBody,
  jsonResponse,
  principalOf,
  setVersionTag,
  validationHook,
  writeContext,
} from "./common";

const ScorecardBody = z.looseObject({}).openapi("Scorecard", {
  description:
    "Port's scorecard: identifier, title, filter {combinator, conditions}, levels [{title, color}] (the first has no rules), " +
    "rules [{identifier, title, level, query {combinator, conditions}, weight?}]. See docs/scorecards.md.",
});
const Result = z.object({ ok: z.literal(true), scorecard: z.looseObject({}) });
const BpParam = z.object({ blueprint: z.string().openapi({ param: { name: "blueprint", in: "path" }, example: "service" }) });
const ScParams = BpParam.extend({
  identifier: z.string().openapi({ param: { name: "identifier", in: "path" }, example: "production_readiness" }),
});

/** `/v1/scorecards`: every scorecard. */
export const allScorecardsApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

allScorecardsApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Scorecards"],
    summary: "List all scorecards",
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true), scorecards: z.array(z.looseObject({})) }), "Scorecards") },
  }),
  async (c) => {
    principalOf(c);
    return c.json({ ok: true as const, scorecards: await listScorecards(database(c.env.DB)) }, 200);
  },
);

/** `/v1/blueprints/{blueprint}/scorecards`: a blueprint's scorecards, their results and exemptions. */
export const scorecardsApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

scorecardsApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Scorecards"],
    summary: "List a blueprint's scorecards",
    request: { params: BpParam },
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true), scorecards: z.array(z.looseObject({})) }), "Scorecards") },
  }),
  async (c) => {
    principalOf(c);
    return c.json({ ok: true as const, scorecards: await listScorecards(database(c.env.DB), c.req.valid("param").blueprint) }, 200);
  },
);

scorecardsApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Scorecards"],
    summary: "Create a scorecard (its entities are scored at once, or through the queue for big blueprints)",
    request: { params: BpParam, body: jsonBody(ScorecardBody) },
    responses: { 201: jsonResponse(Result, "Created"), ...errorResponses },
  }),
  async (c) => {
    const db = database(c.env.DB);
    const scorecard = await saveScorecard(
      db,
      runtimeFor(c.env),
      principalOf(c),
      c.req.valid("param").blueprint,
      c.req.valid("json"),
      writeContext(c),
      {
        create: true,
      },
    );
    setVersionTag(c, scorecard.version);
    return c.json({ ok: true as const, scorecard }, 201);
  },
);

scorecardsApi.openapi(
  createRoute({
    method: "get",
    path: "/{identifier}",
    tags: ["Scorecards"],
    summary: "Get a scorecard",
    request: { params: ScParams },
    responses: { 200: jsonResponse(Result, "The scorecard"), ...errorResponses },
  }),
  async (c) => {
    principalOf(c);
    const p = c.req.valid("param");
    const scorecard = await getScorecard(database(c.env.DB), p.blueprint, p.identifier);
    setVersionTag(c, scorecard.version);
    return c.json({ ok: true as const, scorecard }, 200);
  },
);

scorecardsApi.openapi(
  createRoute({
    method: "put",
    path: "/{identifier}",
    tags: ["Scorecards"],
    summary: "Replace a scorecard (If-Match: its version); its entities are rescored",
    request: { params: ScParams, body: jsonBody(ScorecardBody) },
    responses: { 200: jsonResponse(Result, "Replaced"), ...errorResponses },
  }),
  async (c) => {
    const p = c.req.valid("param");
    const scorecard = await saveScorecard(
      database(c.env.DB),
      runtimeFor(c.env),
      principalOf(c),
      p.blueprint,
      c.req.valid("json"),
      writeContext(c),
      {
        create: false,
        identifier: p.identifier,
        expected: expectedVersion(c),
      },
    );
    setVersionTag(c, scorecard.version);
    return c.json({ ok: true as const, scorecard }, 200);
  },
);

scorecardsApi.openapi(
  createRoute({
    method: "delete",
    path: "/{identifier}",
    tags: ["Scorecards"],
    summary: "Delete a scorecard with its results and exemptions (its history stays)",
    request: { params: ScParams },
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true) }), "Deleted"), ...errorResponses },
  }),
  async (c) => {
    const p = c.req.valid("param");
    await deleteScorecard(database(c.env.DB), principalOf(c), p.blueprint, p.identifier, writeContext(c));
    return c.json({ ok: true as const }, 200);
  },
);

scorecardsApi.openapi(
  createRoute({
    method: "get",
    path: "/{identifier}/results",
    tags: ["Scorecards"],
    summary: "Entities per level and each entity's level, score and rules (only entities you may read)",
    request: {
      params: ScParams,
      query: z.object({ team: z.string().optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) }),
    },
    responses: { 200: jsonResponse(z.looseObject({ ok: z.literal(true) }), "Results"), ...errorResponses },
  }),
  async (c) => {
    const p = c.req.valid("param");
    const q = c.req.valid("query");
    const overview = await scorecardOverview(database(c.env.DB), await accessOf(c), p.blueprint, p.identifier, q);
    return c.json({ ok: true as const, ...overview }, 200);
  },
);

scorecardsApi.openapi(
  createRoute({
    method: "get",
    path: "/{identifier}/history",
    tags: ["Scorecards"],
    summary: "Entities per level per day",
    request: { params: ScParams, query: z.object({ days: z.coerce.number().int().min(1).max(365).default(30) }) },
    responses: { 200: jsonResponse(z.looseObject({ ok: z.literal(true) }), "History"), ...errorResponses },
  }),
  async (c) => {
    const p = c.req.valid("param");
    const history = await scorecardHistory(database(c.env.DB), await accessOf(c), p.blueprint, p.identifier, c.req.valid("query").days);
    return c.json({ ok: true as const, ...history }, 200);
  },
);

const ExemptionBody = z
  .strictObject({
    rule: z.string({ error: "is required" }),
    entity: z.string({ error: "is required" }),
    reason: z.string({ error: "is required" }).min(1, "must say why").max(2000),
    expiresAt: z.string().optional(),
  })
  .openapi("ScorecardExemption");

scorecardsApi.openapi(
  createRoute({
    method: "get",
    path: "/{identifier}/exemptions",
    tags: ["Scorecards"],
    summary: "A scorecard's exemptions",
    request: { params: ScParams },
    responses: {
      200: jsonResponse(z.object({ ok: z.literal(true), exemptions: z.array(z.looseObject({})) }), "Exemptions"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const p = c.req.valid("param");
    return c.json(
      { ok: true as const, exemptions: await exemptionsOf(database(c.env.DB), await accessOf(c), p.blueprint, p.identifier) },
      200,
    );
  },
);

scorecardsApi.openapi(
  createRoute({
    method: "post",
    path: "/{identifier}/exemptions",
    tags: ["Scorecards"],
    summary: "Exempt an entity from a rule (with a reason, optionally until a date); it is rescored at once",
    request: { params: ScParams, body: jsonBody(ExemptionBody) },
    responses: { 201: jsonResponse(z.object({ ok: z.literal(true), exemption: z.looseObject({}) }), "Exempted"), ...errorResponses },
  }),
  async (c) => {
    const p = c.req.valid("param");
    const exemption = await addExemption(database(c.env.DB), await accessOf(c), p.blueprint, p.identifier, c.req.valid("json"));
    return c.json({ ok: true as const, exemption }, 201);
  },
);

scorecardsApi.openapi(
  createRoute({
    method: "delete",
    path: "/{identifier}/exemptions/{rule}/{entity}",
    tags: ["Scorecards"],
    summary: "Remove an exemption; the entity is rescored at once",
    request: { params: ScParams.extend({ rule: z.string(), entity: z.string() }) },
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true) }), "Removed"), ...errorResponses },
  }),
  async (c) => {
    const p = c.req.valid("param");
    await removeExemption(database(c.env.DB), await accessOf(c), p.blueprint, p.identifier, p.rule, p.entity);
    return c.json({ ok: true as const }, 200);
  },
);
