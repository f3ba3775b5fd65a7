import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { database } from "../../db/client";
import {
  createAction,
  deleteAction,
  getAction,
  getActionPermissions,
  listActionViews,
  patchActionPermissions,
  replaceAction,
} from "../../domain/actions/actions";
import { startRun } from "../../domain/actions/start-run";
import { createAutomation } from "../../domain/automations/automations";
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

const ActionBody = z.looseObject({}).openapi("Action", {
  description:
    "Port's self-service action: identifier, title, icon, description, trigger {type: self-service, operation, blueprintIdentifier, " +
    "userInputs, condition}, invocationMethod (WEBHOOK | UPSERT_ENTITY), requiredApproval, approvalNotification, permissions " +
    "{execute, approve}; plus runTimeoutMinutes, approvalTtlHours, category. See docs/actions.md.",
});
const ActionResult = z.object({ ok: z.literal(true), action: z.looseObject({}) });
const IdParam = z.object({ identifier: z.string().openapi({ param: { name: "identifier", in: "path" }, example: "scaffold_service" }) });
const RunBody = z
  .strictObject({
    properties: z.record(z.string(), z.unknown(), { error: "must be an object of input values" }).default({}),
    entity: z.string({ error: "must be an entity identifier" }).optional(),
  })
  .openapi("RunRequest");

/** `/v1/actions`: self-service action definitions, and starting runs. */
export const actionsApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

actionsApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Actions"],
    summary: "List actions",
    request: { query: z.object({ blueprint: z.string().optional().openapi({ description: "Only actions of this blueprint" }) }) },
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true), actions: z.array(z.looseObject({})) }), "Actions by title") },
  }),
  async (c) => {
    const actions = await listActionViews(database(c.env.DB), principalOf(c), c.req.valid("query").blueprint);
    return c.json({ ok: true as const, actions }, 200);
  },
);

actionsApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Actions"],
    summary: "Create an action",
    request: { body: jsonBody(ActionBody) },
    responses: { 201: jsonResponse(ActionResult, "Created"), ...errorResponses },
  }),
  async (c) => {
    const access = await accessOf(c);
    const body = c.req.valid("json") as { trigger?: { type?: unknown } };
    const db = database(c.env.DB);
    // Port creates automations through the same endpoint (an action whose trigger.type is "automation").
    const action =
      body.trigger?.type === "automation"
        ? await createAutomation(db, access.principal, body, access.blueprints, writeContext(c))
        : await createAction(db, access.principal, body, access.blueprints, writeContext(c));
    setVersionTag(c, action.version);
    return c.json({ ok: true as const, action }, 201);
  },
);

actionsApi.openapi(
  createRoute({
    method: "get",
    path: "/{identifier}",
    tags: ["Actions"],
    summary: "Get an action",
    request: { params: IdParam },
    responses: { 200: jsonResponse(ActionResult, "The action; ETag carries its version"), ...errorResponses },
  }),
  async (c) => {
    const action = await getAction(database(c.env.DB), principalOf(c), c.req.valid("param").identifier);
    setVersionTag(c, action.version);
    return c.json({ ok: true as const, action }, 200);
  },
);

actionsApi.openapi(
  createRoute({
    method: "put",
    path: "/{identifier}",
    tags: ["Actions"],
    summary: "Replace an action (If-Match: its version)",
    request: { params: IdParam, body: jsonBody(ActionBody) },
    responses: { 200: jsonResponse(ActionResult, "Replaced"), ...errorResponses },
  }),
  async (c) => {
    const access = await accessOf(c);
    const action = await replaceAction(
      database(c.env.DB),
      access.principal,
      c.req.valid("param").identifier,
      c.req.valid("json"),
      access.blueprints,
      writeContext(c),
      expectedVersion(c),
    );
    setVersionTag(c, action.version);
    return c.json({ ok: true as const, action }, 200);
  },
);

actionsApi.openapi(
  createRoute({
    method: "delete",
    path: "/{identifier}",
    tags: ["Actions"],
    summary: "Delete an action (its runs stay)",
    request: { params: IdParam },
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true) }), "Deleted"), ...errorResponses },
  }),
  async (c) => {
    await deleteAction(database(c.env.DB), principalOf(c), c.req.valid("param").identifier, writeContext(c));
    return c.json({ ok: true as const }, 200);
  },
);

actionsApi.openapi(
  createRoute({
    method: "post",
    path: "/{identifier}/runs",
    tags: ["Runs"],
    summary: "Run an action",
    description:
      "Checks permission, condition and inputs, stores the run and queues its delivery; answers 202 at once. " +
      "Follow the run with GET /v1/actions/runs/{id} or its SSE stream.",
    request: { params: IdParam, body: jsonBody(RunBody) },
    responses: {
      202: jsonResponse(
        z.object({ ok: z.literal(true), run: z.looseObject({}) }),
        "Accepted: the run is IN_PROGRESS or WAITING_FOR_APPROVAL",
      ),
      ...errorResponses,
    },
  }),
  async (c) => {
    const access = await accessOf(c);
    const principal = access.principal;
    const source = principal.via === "session" || principal.via === "cloudflare-access" ? "UI" : "API";
    const run = await startRun(database(c.env.DB), runtimeFor(c.env), access, c.req.valid("param").identifier, c.req.valid("json"), {
      source,
      requestId: c.get("requestId"),
      now: new Date(),
    });
    c.header("Location", `/v1/actions/runs/${run.id}`);
    return c.json({ ok: true as const, run }, 202);
  },
);

const Permissions = z.looseObject({}).openapi("ActionPermissions", {
  description: "{execute: {roles, users, teams, ownedByTeam}, approve: {roles, users, teams}}",
});

actionsApi.openapi(
  createRoute({
    method: "get",
    path: "/{identifier}/permissions",
    tags: ["Actions"],
    summary: "Who may run and approve an action",
    request: { params: IdParam },
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true), permissions: Permissions }), "The permissions"), ...errorResponses },
  }),
  async (c) => {
    const permissions = await getActionPermissions(database(c.env.DB), principalOf(c), c.req.valid("param").identifier);
    return c.json({ ok: true as const, permissions }, 200);
  },
);

actionsApi.openapi(
  createRoute({
    method: "patch",
    path: "/{identifier}/permissions",
    tags: ["Actions"],
    summary: "Change who may run and approve an action (omitted fields keep their value)",
    request: { params: IdParam, body: jsonBody(Permissions) },
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true), permissions: Permissions }), "The new permissions"), ...errorResponses },
  }),
  async (c) => {
    const permissions = await patchActionPermissions(
      database(c.env.DB),
      principalOf(c),
      c.req.valid("param").identifier,
      c.req.valid("json"),
      writeContext(c),
    );
    return c.json({ ok: true as const, permissions }, 200);
  },
);
