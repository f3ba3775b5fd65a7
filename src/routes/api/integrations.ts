import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { database } from "../../db/client";
import { dryRun } from "../../domain/integrations/dry-run";
import {
  createIntegration,
  getIntegration,
  listIntegrationsFor,
  listSyncViews,
  removeIntegration,
  replaceIntegration,
  rotateIngestKey,
} from "../../domain/integrations/integrations";
import { syncNow } from "../../domain/integrations/sync-start";
import type { AppEnv } from "../../env";
import { syncRuntimeFor } from "../../platform/runtime";
import {
  errorResponses,
  expectedVersion,
  jsonBody,
  jsonResponse,
  principalOf,
  setVersionTag,
  validationHook,
  writeContext,
} from "./common";

// Loose here: the domain's strict schema names unknown fields (a plain object would drop them silently).
const IntegrationBody = z
  .looseObject({
    identifier: z.string().openapi({ example: "aws-prod" }),
    title: z.string(),
    type: z.string().openapi({ example: "http-json", description: "http-json | aws-cloudcontrol | backstage | webhook" }),
    config: z.looseObject({}).optional(),
    mapping: z
      .unknown()
      .openapi({ description: "Port's port-app-config shape: {resources: [{kind, selector, port: {entity: {mappings}}}]}" }),
    schedule: z.looseObject({ everyMinutes: z.number() }).nullable().optional(),
    deletion: z.looseObject({ onMissing: z.string().optional(), maxShare: z.number().optional() }).optional(),
    pageSize: z.number().optional(),
    enabled: z.boolean().optional(),
  })
  .openapi("Integration");
const Result = z.object({ ok: z.literal(true), integration: z.looseObject({}) });
const IdParam = z.object({ identifier: z.string().openapi({ param: { name: "identifier", in: "path" }, example: "aws-prod" }) });
const tags = ["Integrations"];

/** What every integration call takes first: the database, the sync runtime, the caller. */
const deps = (c: Context<AppEnv>) => [database(c.env.DB), syncRuntimeFor(c.env), principalOf(c)] as const;

/** `/v1/integrations`: sources synced into the catalog on a schedule or by ingest events (admins). */
export const integrationsApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

integrationsApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "List integrations with their last sync",
    responses: {
      200: jsonResponse(z.object({ ok: z.literal(true), integrations: z.array(z.looseObject({})) }), "Integrations"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const integrations = await listIntegrationsFor(...deps(c));
    return c.json({ ok: true as const, integrations }, 200);
  },
);

integrationsApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    summary: "Create an integration (a webhook integration's ingest key is in the answer, once)",
    request: { body: jsonBody(IntegrationBody) },
    responses: {
      201: jsonResponse(Result.extend({ ingestKey: z.string().nullable() }), "Created; secrets are masked from now on"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const created = await createIntegration(...deps(c), c.req.valid("json"), writeContext(c));
    setVersionTag(c, created.integration.version);
    c.header("Cache-Control", "no-store");
    return c.json({ ok: true as const, ...created }, 201);
  },
);

integrationsApi.openapi(
  createRoute({
    method: "get",
    path: "/{identifier}",
    tags,
    summary: "Get an integration (secrets masked) and its sync history",
    request: { params: IdParam },
    responses: { 200: jsonResponse(Result.extend({ syncs: z.array(z.looseObject({})) }), "The integration"), ...errorResponses },
  }),
  async (c) => {
    const found = await getIntegration(...deps(c), c.req.valid("param").identifier);
    setVersionTag(c, found.integration.version);
    return c.json({ ok: true as const, ...found }, 200);
  },
);

integrationsApi.openapi(
  createRoute({
    method: "put",
    path: "/{identifier}",
    tags,
    summary: `Replace an integration; secrets sent back as "********" (or left out) keep their stored values`,
    description:
      "Kept secrets stay with their server: moving the destination (url or endpoint) to another origin needs them re-entered (400 otherwise).",
    request: { params: IdParam, body: jsonBody(IntegrationBody.partial()) },
    responses: { 200: jsonResponse(Result, "Replaced"), ...errorResponses },
  }),
  async (c) => {
    const integration = await replaceIntegration(
      ...deps(c),
      c.req.valid("param").identifier,
      c.req.valid("json"),
      writeContext(c),
      expectedVersion(c),
    );
    setVersionTag(c, integration.version);
    return c.json({ ok: true as const, integration }, 200);
  },
);

integrationsApi.openapi(
  createRoute({
    method: "delete",
    path: "/{identifier}",
    tags,
    summary: "Delete an integration (its entities stay in the catalog)",
    request: { params: IdParam },
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true) }), "Deleted"), ...errorResponses },
  }),
  async (c) => {
    await removeIntegration(...deps(c), c.req.valid("param").identifier, writeContext(c));
    return c.json({ ok: true as const }, 200);
  },
);

integrationsApi.openapi(
  createRoute({
    method: "post",
    path: "/{identifier}/sync",
    tags,
    summary: "Start a sync now (409 while one is running)",
    request: { params: IdParam },
    responses: { 202: jsonResponse(z.object({ ok: z.literal(true), sync: z.looseObject({}) }), "Started"), ...errorResponses },
  }),
  async (c) => {
    const sync = await syncNow(...deps(c), c.req.valid("param").identifier);
    return c.json({ ok: true as const, sync }, 202);
  },
);

integrationsApi.openapi(
  createRoute({
    method: "post",
    path: "/{identifier}/dry-run",
    tags,
    summary: "What a sync would create, update and delete; nothing is written",
    description: "Reads at most 5 pages. Send {mapping} to try a mapping before saving it.",
    request: {
      params: IdParam,
      body: { required: false, content: { "application/json": { schema: z.looseObject({ mapping: z.unknown().optional() }) } } },
    },
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true), dryRun: z.looseObject({}) }), "The diff"), ...errorResponses },
  }),
  async (c) => {
    const body = (await c.req.text()) === "" ? {} : c.req.valid("json");
    const result = await dryRun(...deps(c), c.req.valid("param").identifier, body);
    return c.json({ ok: true as const, dryRun: result }, 200);
  },
);

integrationsApi.openapi(
  createRoute({
    method: "get",
    path: "/{identifier}/syncs",
    tags,
    summary: "Sync history, newest first (counts, errors, what reconciliation decided)",
    request: { params: IdParam },
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true), syncs: z.array(z.looseObject({})) }), "Syncs"), ...errorResponses },
  }),
  async (c) => {
    const syncs = await listSyncViews(database(c.env.DB), principalOf(c), c.req.valid("param").identifier);
    return c.json({ ok: true as const, syncs }, 200);
  },
);

integrationsApi.openapi(
  createRoute({
    method: "post",
    path: "/{identifier}/ingest-key",
    tags,
    summary: "Replace a webhook integration's ingest key (the old one stops working; the new one is shown once)",
    request: { params: IdParam },
    responses: { 200: jsonResponse(Result.extend({ ingestKey: z.string() }), "The new key"), ...errorResponses },
  }),
  async (c) => {
    const rotated = await rotateIngestKey(...deps(c), c.req.valid("param").identifier, writeContext(c));
    c.header("Cache-Control", "no-store");
    return c.json({ ok: true as const, ...rotated }, 200);
  },
);
