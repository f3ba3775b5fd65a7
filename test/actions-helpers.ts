import { createExecutionContext, createMessageBatch, getQueueResult, type QueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, inject } from "vitest";
import worker from "../src/index";
import { blueprintBody, callJson } from "./helpers";

/** Base URL of the test receiver (test/receiver/server.mjs). */
export const receiver = inject("receiverUrl");

export type Json = Record<string, unknown>;

export interface ErrorBody {
  ok: false;
  error: { code: string; message: string; details: { path: string; message: string }[] };
}

export interface Arrival {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export interface RunView {
  id: string;
  status: string;
  statusLabel: string | null;
  summary: string | null;
  link: string[];
  properties: Record<string, unknown>;
  approval: { type: string; approvers: string[]; decisions: { by: string; decision: string }[]; expiresAt: string } | null;
  entity: { identifier: string } | null;
  createdBy: string;
  endedAt: string | null;
  logCount: number;
}

export interface Attempt {
  deliveryId: string;
  kind: string;
  attempt: number;
  outcome: string;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

export interface RunDetails {
  run: RunView;
  entities: { blueprint: string; identifier: string }[];
  attempts: Attempt[];
}

/** Polls `probe` until it gives a truthy value (or throws after `timeoutMs`). */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 8000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** What the receiver got on `key`. */
export async function received(key: string): Promise<Arrival[]> {
  return (await fetch(`${receiver}/received/${key}`)).json();
}

/** Waits until the receiver got at least `n` requests on `key`. */
export function receivedAtLeast(key: string, n = 1, timeoutMs = 8000): Promise<Arrival[]> {
  return eventually(async () => {
    const list = await received(key);
    return list.length >= n ? list : null;
  }, timeoutMs);
}

/** The receiver URL of `key`, scripted with `query` (status, delay, retryAfter, body). */
export function hook(key: string, query: Record<string, string> = {}): string {
  const q = new URLSearchParams(query).toString();
  return `${receiver}/hook/${key}${q ? `?${q}` : ""}`;
}

/** Request headers acting as the holder of `token` (admin when undefined). */
export function as(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** Asserts a JSON error response: status, `{ok:false, error:{code, message, details}}`, and optionally a detail path. */
export function expectError(res: { status: number; body: unknown }, status: number, path?: string): ErrorBody["error"] {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const body = res.body as ErrorBody;
  expect(body.ok).toBe(false);
  expect(typeof body.error.code).toBe("string");
  expect(typeof body.error.message).toBe("string");
  expect(Array.isArray(body.error.details)).toBe(true);
  if (path !== undefined) {
    expect(
      body.error.details.map((d) => d.path),
      JSON.stringify(body.error),
    ).toContain(path);
  }
  return body.error;
}

export async function createBlueprint(identifier: string, properties: Json = {}, extra: Json = {}): Promise<void> {
  const res = await callJson("POST", "/v1/blueprints", blueprintBody(identifier, { schema: { properties, required: [] }, ...extra }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

export async function createEntity(blueprint: string, body: Json): Promise<void> {
  const res = await callJson("POST", `/v1/blueprints/${blueprint}/entities`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

export async function createTeam(name: string): Promise<void> {
  const res = await callJson("POST", "/v1/teams", { name });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

/** A self-service action body on `blueprint` with a WEBHOOK to `url`; `extra` replaces top-level fields. */
export function actionBody(identifier: string, blueprint: string, url: string, extra: Json = {}, trigger: Json = {}): Json {
  return {
    identifier,
    title: identifier,
    trigger: {
      type: "self-service",
      operation: "CREATE",
      blueprintIdentifier: blueprint,
      userInputs: { properties: {}, required: [] },
      ...trigger,
    },
    invocationMethod: { type: "WEBHOOK", url },
    ...extra,
  };
}

/** Creates an action as the admin; expects 201. */
export async function createAction(body: Json): Promise<Json> {
  const res = await callJson<{ action: Json }>("POST", "/v1/actions", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.action;
}

/** Starts a run (as `token`, admin by default); expects 202. */
export async function startRun(action: string, body: Json = { properties: {} }, token?: string): Promise<RunView> {
  const res = await callJson<{ run: RunView }>("POST", `/v1/actions/${action}/runs`, body, as(token));
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.run;
}

export async function getRun(id: string, token?: string): Promise<RunDetails> {
  const res = await callJson<RunDetails>("GET", `/v1/actions/runs/${id}`, undefined, as(token));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Waits until the run has at least `n` recorded delivery attempts. */
export function attemptsOf(runId: string, n = 1, timeoutMs = 8000): Promise<RunDetails> {
  return eventually(async () => {
    const d = await getRun(runId);
    return d.attempts.length >= n ? d : null;
  }, timeoutMs);
}

/** Waits until the run has the given status. */
export function runWithStatus(runId: string, status: string, timeoutMs = 8000): Promise<RunDetails> {
  return eventually(async () => {
    const d = await getRun(runId);
    return d.run.status === status ? d : null;
  }, timeoutMs);
}

let messageNo = 0;

/** Hands one delivery message to the Worker's queue handler ourselves, and returns what it did with it. */
export async function consume(
  deliveryId: string,
  opts: { attempts?: number; queue?: string } = {},
): Promise<{ result: QueueResult; messageId: string }> {
  messageNo += 1;
  const messageId = `msg-${messageNo}-${deliveryId}`;
  const batch = createMessageBatch(opts.queue ?? "portal-deliveries", [
    { id: messageId, timestamp: new Date(), attempts: opts.attempts ?? 2, body: { deliveryId } },
  ]);
  // getQueueResult (vitest-plugin 1.5) drops retry options, so record what retry() was asked for.
  const delays = new Map<string, number | undefined>();
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    message.retry = (options?: QueueRetryOptions) => {
      delays.set(message.id, options?.delaySeconds);
      retry(options);
    };
  }
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<{ deliveryId: string }>, env);
  const result = await getQueueResult(batch, ctx);
  return {
    result: { ...result, retryMessages: result.retryMessages.map((r) => ({ msgId: r.msgId, delaySeconds: delays.get(r.msgId) })) },
    messageId,
  };
}

/** The RunObject of a run. */
export function runStub(runId: string) {
  return env.RUNS.get(env.RUNS.idFromName(runId));
}

export interface SseEvent {
  id: string | null;
  event: string;
  data: unknown;
}

/**
 * Reads server-sent events from `res` until `stop(events)` says so or the stream ends (whichever first),
 * failing after `timeoutMs`. Cancels the stream when stopping early.
 */
export async function readSse(res: Response, stop: (events: SseEvent[]) => boolean = () => false, timeoutMs = 5000): Promise<SseEvent[]> {
  const body = res.body;
  if (!body) throw new Error("no body");
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = "";
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`stream did not finish in time; got ${JSON.stringify(events)}`);
      const chunk = await Promise.race([reader.read(), new Promise<"timeout">((r) => setTimeout(() => r("timeout"), left))]);
      if (chunk === "timeout") throw new Error(`stream did not finish in time; got ${JSON.stringify(events)}`);
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let cut = buffer.indexOf("\n\n");
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let id: string | null = null;
        let event = "message";
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("id:")) id = line.slice(3).trim();
          else if (line.startsWith("event:")) event = line.slice(6).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
        }
        if (data.length > 0) events.push({ id, event, data: JSON.parse(data.join("\n")) });
        cut = buffer.indexOf("\n\n");
      }
      if (stop(events)) break;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return events;
}
