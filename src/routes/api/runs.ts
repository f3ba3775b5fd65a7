import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { RUN_STATUSES } from "../../db/run-store";
import { appendRunLog, decideRun, getRun, getRunDetails, listRunsFor, reportRun, runLogs } from "../../domain/actions/runs";
import type { AppEnv } from "../../env";
import { runtimeFor } from "../../platform/runtime";
import { errorResponses, jsonBody, jsonResponse, principalOf, queryFlag, validationHook } from "./common";
import { runStream } from "./run-stream";

const RunParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" }, example: "r_0mi1x2y3zabcdefghij" }) });
const RunResult = z.object({ ok: z.literal(true), run: z.looseObject({}) });
const terminal = z.enum(["SUCCESS", "FAILURE"], { error: "must be SUCCESS or FAILURE" });
const link = z.union([z.url({ error: "must be a URL" }), z.array(z.url({ error: "must be a URL" })).max(20)]);

const ReportBody = z
  .strictObject({
    status: terminal.optional(),
    statusLabel: z.string().max(200).optional(),
    summary: z.string().max(10_000).optional(),
    link: link.optional(),
    externalRunId: z.string().max(500).optional(),
  })
  .openapi("RunReport");

const LogBody = z
  .strictObject({
    message: z.string({ error: "is required" }).min(1, "must not be empty").max(10_000, "must be at most 10000 characters"),
    terminationStatus: terminal.optional(),
    statusLabel: z.string().max(200).optional(),
  })
  .openapi("RunLog");

const ApprovalBody = z
  .strictObject({
    status: z.enum(["APPROVE", "DECLINE"], { error: "must be APPROVE or DECLINE" }),
    description: z.string().max(2000).optional(),
  })
  .openapi("RunApproval");

/** `/v1/actions/runs`: Port's run API, for the portal and for the backends that report back. */
export const runsApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

function meta(c: { get(key: "requestId"): string }, actor: string) {
  return { actor, requestId: c.get("requestId") };
}

runsApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Runs"],
    summary: "List runs you may see, newest first",
    request: {
      query: z.object({
        mine: queryFlag.openapi({ description: "Only runs you started" }),
        awaiting_my_approval: queryFlag.openapi({ description: "Only runs waiting for your decision" }),
        action: z.string().optional(),
        status: z.enum(RUN_STATUSES, { error: `must be one of ${RUN_STATUSES.join(", ")}` }).optional(),
        blueprint: z.string().optional(),
        entity: z.string().optional(),
        limit: z.coerce.number({ error: "must be a number" }).int().min(1).max(200).default(50),
        cursor: z.string().optional(),
      }),
    },
    responses: {
      200: jsonResponse(z.object({ ok: z.literal(true), runs: z.array(z.looseObject({})), next: z.string().nullable() }), "Runs"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const result = await listRunsFor(database(c.env.DB), principalOf(c), {
      mine: q.mine,
      awaitingMyApproval: q.awaiting_my_approval,
      action: q.action,
      status: q.status ? [q.status] : undefined,
      blueprint: q.blueprint,
      entity: q.entity,
      cursor: q.cursor,
      limit: q.limit,
    });
    return c.json({ ok: true as const, ...result }, 200);
  },
);

runsApi.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["Runs"],
    summary: "Get a run, with its affected entities and delivery attempts",
    request: { params: RunParam },
    responses: {
      200: jsonResponse(RunResult.extend({ entities: z.array(z.looseObject({})), attempts: z.array(z.looseObject({})) }), "The run"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const details = await getRunDetails(database(c.env.DB), principalOf(c), c.req.valid("param").id);
    return c.json({ ok: true as const, ...details }, 200);
  },
);

runsApi.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags: ["Runs"],
    summary: "Report on a run (backends): status, label, summary, links",
    request: { params: RunParam, body: jsonBody(ReportBody) },
    responses: { 200: jsonResponse(RunResult, "The updated run"), ...errorResponses },
  }),
  async (c) => {
    const p = principalOf(c);
    const run = await reportRun(database(c.env.DB), runtimeFor(c.env), p, c.req.valid("param").id, c.req.valid("json"), meta(c, p.email));
    return c.json({ ok: true as const, run }, 200);
  },
);

runsApi.openapi(
  createRoute({
    method: "get",
    path: "/{id}/logs",
    tags: ["Runs"],
    summary: "A run's log lines, oldest first",
    request: {
      params: RunParam,
      query: z.object({ after: z.coerce.number().int().min(0).default(0).openapi({ description: "Only lines after this seq" }) }),
    },
    responses: {
      200: jsonResponse(z.object({ ok: z.literal(true), runLogs: z.array(z.looseObject({})) }), "Log lines"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const lines = await runLogs(database(c.env.DB), runtimeFor(c.env), principalOf(c), c.req.valid("param").id, c.req.valid("query").after);
    return c.json({ ok: true as const, runLogs: lines }, 200);
  },
);

runsApi.openapi(
  createRoute({
    method: "post",
    path: "/{id}/logs",
    tags: ["Runs"],
    summary: "Add a log line (backends); terminationStatus ends the run, once",
    request: { params: RunParam, body: jsonBody(LogBody) },
    responses: { 201: jsonResponse(z.object({ ok: z.literal(true) }), "Logged"), ...errorResponses },
  }),
  async (c) => {
    const p = principalOf(c);
    await appendRunLog(database(c.env.DB), runtimeFor(c.env), p, c.req.valid("param").id, c.req.valid("json"), meta(c, p.email));
    return c.json({ ok: true as const }, 201);
  },
);

runsApi.openapi(
  createRoute({
    method: "patch",
    path: "/{id}/approval",
    tags: ["Runs"],
    summary: "Approve or decline a run waiting for approval",
    request: { params: RunParam, body: jsonBody(ApprovalBody) },
    responses: { 200: jsonResponse(RunResult, "The run after the decision"), ...errorResponses },
  }),
  async (c) => {
    const p = principalOf(c);
    const run = await decideRun(database(c.env.DB), runtimeFor(c.env), p, c.req.valid("param").id, c.req.valid("json"), meta(c, p.email));
    return c.json({ ok: true as const, run }, 200);
  },
);

/** Server-sent events: `log`, `run`, `entity` and `end` events as JSON; resumes after Last-Event-ID. */
runsApi.get("/:id/stream", async (c) => {
  const id = c.req.param("id");
  await getRun(database(c.env.DB), principalOf(c), id);
  return runStream(c.env, id, c.req.header("last-event-id") ?? c.req.query("after") ?? null);
});
