import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { findInitiative } from "../../db/initiative-store";
import {
  createInitiative,
  deleteInitiative,
  initiativeProgress,
  listInitiativesFor,
  replaceInitiative,
} from "../../domain/scorecards/initiatives";
import type { AppEnv } from "../../env";
import { notFound } from "../../lib/errors";
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

const InitiativeBody = z.looseObject({}).openapi("Initiative", {
  description:
    "identifier, title, description?, blueprint, scorecard, target {level} | {rules: [...]}, targetDate (YYYY-MM-DD), owner " +
    "(team or email), teams? (only their entities count). See docs/scorecards.md.",
});
const Result = z.object({ ok: z.literal(true), initiative: z.looseObject({}) });
const IdParam = z.object({ identifier: z.string().openapi({ param: { name: "identifier", in: "path" }, example: "gold_by_q1" }) });

/** `/v1/initiatives`: drive a scorecard target to done across teams, by a date. */
export const initiativesApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

initiativesApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Scorecards"],
    summary: "List initiatives (of blueprints you may read)",
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true), initiatives: z.array(z.looseObject({})) }), "Initiatives") },
  }),
  async (c) => c.json({ ok: true as const, initiatives: await listInitiativesFor(database(c.env.DB), await accessOf(c)) }, 200),
);

initiativesApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Scorecards"],
    summary: "Create an initiative",
    request: { body: jsonBody(InitiativeBody) },
    responses: { 201: jsonResponse(Result, "Created"), ...errorResponses },
  }),
  async (c) => {
    const initiative = await createInitiative(database(c.env.DB), principalOf(c), c.req.valid("json"), writeContext(c));
    setVersionTag(c, initiative.version);
    return c.json({ ok: true as const, initiative }, 201);
  },
);

initiativesApi.openapi(
  createRoute({
    method: "get",
    path: "/{identifier}",
    tags: ["Scorecards"],
    summary: "Get an initiative",
    request: { params: IdParam },
    responses: { 200: jsonResponse(Result, "The initiative"), ...errorResponses },
  }),
  async (c) => {
    const access = await accessOf(c);
    const id = c.req.valid("param").identifier;
    const initiative = (await listInitiativesFor(database(c.env.DB), access)).find((i) => i.identifier === id);
    if (!initiative) throw notFound(`Initiative '${id}'`);
    setVersionTag(c, initiative.version);
    return c.json({ ok: true as const, initiative }, 200);
  },
);

initiativesApi.openapi(
  createRoute({
    method: "put",
    path: "/{identifier}",
    tags: ["Scorecards"],
    summary: "Replace an initiative (If-Match: its version)",
    request: { params: IdParam, body: jsonBody(InitiativeBody) },
    responses: { 200: jsonResponse(Result, "Replaced"), ...errorResponses },
  }),
  async (c) => {
    const db = database(c.env.DB);
    const id = c.req.valid("param").identifier;
    if (!(await findInitiative(db, id))) throw notFound(`Initiative '${id}'`);
    const initiative = await replaceInitiative(db, principalOf(c), id, c.req.valid("json"), writeContext(c), expectedVersion(c));
    setVersionTag(c, initiative.version);
    return c.json({ ok: true as const, initiative }, 200);
  },
);

initiativesApi.openapi(
  createRoute({
    method: "delete",
    path: "/{identifier}",
    tags: ["Scorecards"],
    summary: "Delete an initiative",
    request: { params: IdParam },
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true) }), "Deleted"), ...errorResponses },
  }),
  async (c) => {
    await deleteInitiative(database(c.env.DB), principalOf(c), c.req.valid("param").identifier, writeContext(c));
    return c.json({ ok: true as const }, 200);
  },
);

initiativesApi.openapi(
  createRoute({
    method: "get",
    path: "/{identifier}/progress",
    tags: ["Scorecards"],
    summary: "Progress: entities meeting the target, share per day, entities still failing by team with what each needs",
    request: { params: IdParam },
    responses: { 200: jsonResponse(z.looseObject({ ok: z.literal(true) }), "Progress over the entities you may read"), ...errorResponses },
  }),
  async (c) => {
    const progress = await initiativeProgress(database(c.env.DB), await accessOf(c), c.req.valid("param").identifier);
    return c.json({ ok: true as const, ...progress }, 200);
  },
);
