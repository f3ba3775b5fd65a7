import { createExecutionContext, createMessageBatch, getQueueResult, type QueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { expect } from "vitest";
import worker from "../src/index";
import { type Arrival, eventually, type Json, received, sleep } from "./actions-helpers";
import { callJson } from "./helpers";

/** A name unique within the test run (receiver keys are shared by every test file). */
let counter = 0;
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}_${Date.now().toString(36)}${counter}`;
}

/** An ISO date-time `ms` milliseconds from now (negative: in the past). */
export function fromNow(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

export interface TimerStatus {
  armed: { blueprint: string; identifier: string; property: string; value: string } | null;
  firedFor: string | null;
  alarm: number | null;
}

/** The TimerObject of one entity timer property. */
export function timerStub(blueprint: string, identifier: string, property: string) {
  return env.TIMERS.get(env.TIMERS.idFromName(`${blueprint}/${identifier}/${property}`));
}

export async function timerStatus(blueprint: string, identifier: string, property: string): Promise<TimerStatus> {
  return (await timerStub(blueprint, identifier, property).status()) as TimerStatus;
}

/** Waits until the timer's status satisfies `ok`. */
export function timerUntil(
  blueprint: string,
  identifier: string,
  property: string,
  ok: (s: TimerStatus) => boolean,
  timeoutMs = 8000,
): Promise<TimerStatus> {
  return eventually(async () => {
    const s = await timerStatus(blueprint, identifier, property);
    return ok(s) ? s : null;
  }, timeoutMs);
}

export interface EventView {
  id: string;
  type: string;
  at: string;
  context: { blueprintIdentifier: string | null; entityIdentifier: string | null; runId: string | null; propertyIdentifier?: string };
  diff: { before: Json | null; after: Json | null };
  trigger: { by: { email: string }; origin: string; at: string };
  automations: { automation: string; runId: string | null; note: string | null; at: string }[];
  deliveries: { id: string; subscription: string | null; url: string; status: string; attempts: number; lastResult: string | null }[];
}

/** GET /v1/events (admin), one page. */
export async function eventsPage(query: string): Promise<{ events: EventView[]; next: string | null }> {
  const res = await callJson<{ events: EventView[]; next: string | null }>("GET", `/v1/events?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The events of a blueprint (newest first), optionally of one entity and type. */
export async function eventsOf(blueprint: string, entity?: string, type?: string): Promise<EventView[]> {
  const { events } = await eventsPage(`blueprint=${blueprint}&limit=200`);
  return events.filter((e) => (entity === undefined || e.context.entityIdentifier === entity) && (type === undefined || e.type === type));
}

export interface AuditView {
  identifier: string;
  action: string;
  resourceType: string;
  context: { blueprint: string | null; entity: string | null; runId: string | null };
  diff: { before: Json | null; after: Json | null };
}

/** GET /v1/audit-log (admin). */
export async function auditLog(query: string): Promise<AuditView[]> {
  const res = await callJson<{ audits: AuditView[] }>("GET", `/v1/audit-log?${query}&limit=1000`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.audits;
}

export interface RunListed {
  id: string;
  status: string;
  source: string;
  createdBy: string;
  operation: string;
  action: { identifier: string };
  entity: { identifier: string } | null;
  blueprint: { identifier: string } | null;
}

/** The runs of an action or automation (admin), newest first. */
export async function runsOf(action: string): Promise<RunListed[]> {
  const res = await callJson<{ runs: RunListed[] }>("GET", `/v1/actions/runs?action=${action}&limit=200`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.runs;
}

/** Waits until the action or automation has at least `n` runs. */
export function runsAtLeast(action: string, n = 1, timeoutMs = 8000): Promise<RunListed[]> {
  return eventually(async () => {
    const runs = await runsOf(action);
    return runs.length >= n ? runs : null;
  }, timeoutMs);
}

/** An automation body (Port's shape). */
export function automationBody(
  identifier: string,
  event: Json,
  invocationMethod: Json,
  condition?: { expressions: string[]; combinator?: "and" | "or" },
  extra: Json = {},
): Json {
  return {
    identifier,
    title: identifier,
    trigger: {
      type: "automation",
      event,
      ...(condition ? { condition: { type: "JQ", combinator: condition.combinator ?? "and", expressions: condition.expressions } } : {}),
    },
    invocationMethod,
    ...extra,
  };
}

/** Creates an automation as the admin; expects 201. */
export async function createAutomation(body: Json): Promise<Json> {
  const res = await callJson<{ automation: Json }>("POST", "/v1/automations", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.automation;
}

/** The highest audit id that is an event (what the dispatcher must reach). */
async function lastEventId(): Promise<number> {
  const row = await env.DB.prepare(
    `SELECT coalesce(max(id), 0) AS id FROM audit_log WHERE resource_type IN ('entity', 'blueprint', 'run')
       AND action IN ('CREATE', 'UPDATE', 'DELETE', 'APPROVE', 'DECLINE', 'EXPIRED')`,
  ).first<{ id: number }>();
  return row?.id ?? 0;
}

/** Waits until every event written so far was claimed and processed (no open dispatch range). */
export async function eventsSettled(timeoutMs = 8000): Promise<void> {
  await eventually(async () => {
    const last = await lastEventId();
    const cursor = await env.DB.prepare("SELECT last_id FROM dispatch_cursor WHERE name = 'events'").first<{ last_id: number }>();
    const open = await env.DB.prepare("SELECT count(*) AS n FROM dispatch_ranges WHERE done_at IS NULL").first<{ n: number }>();
    return (cursor?.last_id ?? 0) >= last && open?.n === 0;
  }, timeoutMs);
}

/** Settles the event pipeline, then gives queued deliveries a moment to land. */
export async function quiet(ms = 400): Promise<void> {
  await eventsSettled();
  await sleep(ms);
  await eventsSettled();
}

let messageNo = 0;

/** Hands an event range to the Worker's queue handler ourselves (as a duplicate queue message would). */
export async function replayEventRange(after: number, to: number): Promise<QueueResult> {
  messageNo += 1;
  const batch = createMessageBatch("portal-deliveries", [
    { id: `evmsg-${messageNo}`, timestamp: new Date(), attempts: 1, body: { eventRange: { after, to } } },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<{ eventRange: { after: number; to: number } }>, env);
  return getQueueResult(batch, ctx);
}

/** The numeric id of an `ev_<n>` event id. */
export function eventNo(id: string): number {
  return Number(id.replace(/^ev_/, ""));
}

/** Verifies a delivery with the `standardwebhooks` package and returns its payload. */
export function verified<T = Json>(arrival: Arrival): T {
  return new Webhook(env.WEBHOOK_SIGNING_SECRET as string).verify(arrival.body, arrival.headers) as T;
}

/** Waits until the receiver holds at least `n` arrivals on `key` matching `keep`. */
export function arrivalsWhere(key: string, keep: (a: Arrival) => boolean, n = 1, timeoutMs = 8000): Promise<Arrival[]> {
  return eventually(async () => {
    const list = (await received(key)).filter(keep);
    return list.length >= n ? list : null;
  }, timeoutMs);
}
