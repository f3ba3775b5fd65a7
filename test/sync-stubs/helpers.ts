import { env } from "cloudflare:workers";
import { expect, inject } from "vitest";
import { database } from "../../src/db/client";
import type { Principal } from "../../src/domain/access/principal";
import type { SyncRuntime, SyncStepMessage } from "../../src/domain/integrations/runtime";
import { runSyncStep } from "../../src/domain/integrations/sync-step";
import { eventually } from "../actions-helpers";
import { callJson } from "../helpers";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the integration sources (test/sync-stubs/server.mjs). */
    syncStubUrl: string;
  }
}

/** Base URL of the stub sources. */
export const stub = inject("syncStubUrl");

export type Json = Record<string, unknown>;

/** Sets up the stub's scenario under `key` (items, failures, AWS resources, files). Keys are shared by all files. */
export async function scenario(key: string, body: Json): Promise<void> {
  const res = await fetch(`${stub}/setup/${key}`, { method: "PUT", body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

export interface StubRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

/** The requests the stub received under `key`. */
export async function stubLog(key: string): Promise<StubRequest[]> {
  return (await fetch(`${stub}/log/${key}`)).json();
}

export interface SyncView {
  id: string;
  trigger: string;
  status: string;
  phase: string;
  counts: { fetched: number; created: number; updated: number; unchanged: number; deleted: number; stale: number; failed: number };
  fetchComplete: boolean;
  deletion: string | null;
  errors: { path: string; message: string }[];
}

/** Creates an integration as the admin; expects 201. */
export async function createIntegration(body: Json): Promise<{ integration: Json; ingestKey: string | null }> {
  const res = await callJson<{ integration: Json; ingestKey: string | null }>("POST", "/v1/integrations", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Starts a sync through the API (the real queue runs it) and waits until it finished. */
export async function syncThroughQueue(identifier: string, timeoutMs = 15_000): Promise<SyncView> {
  const started = await callJson<{ sync: SyncView }>("POST", `/v1/integrations/${identifier}/sync`);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return finished(identifier, started.body.sync.id, timeoutMs);
}

/** Waits until sync `id` of `identifier` is no longer RUNNING. */
export async function finished(identifier: string, id: string, timeoutMs = 15_000): Promise<SyncView> {
  return eventually(async () => {
    const res = await callJson<{ syncs: SyncView[] }>("GET", `/v1/integrations/${identifier}/syncs`);
    const sync = res.body.syncs.find((s) => s.id === id);
    return sync && sync.status !== "RUNNING" ? sync : null;
  }, timeoutMs);
}

/** An admin principal for calling the domain directly. */
export const ADMIN: Principal = {
  userId: "u_test",
  email: "admin@portal.test",
  name: null,
  roles: ["Admin"],
  teams: [],
  via: "access-token",
};

/** A runtime that keeps the step messages instead of queueing them, so a test runs each step itself. */
export function capturingRuntime(): SyncRuntime & { queued: SyncStepMessage[] } {
  const queued: SyncStepMessage[] = [];
  return {
    queued,
    async enqueue(step) {
      queued.push(step);
    },
    fetcher: (input, init) => fetch(input, init),
    encryptionSecret: env.AUTH_SIGNING_KEY ?? "",
  };
}

/** Runs queued steps one by one, retried ones again at once, until none is left (or `maxSteps`); returns the outcomes. */
export async function drain(runtime: ReturnType<typeof capturingRuntime>, maxSteps = 200) {
  const db = database(env.DB);
  const outcomes = [];
  for (let i = 0; i < maxSteps && runtime.queued.length > 0; i++) {
    const next = runtime.queued.shift() as SyncStepMessage;
    const outcome = await runSyncStep(db, runtime, next);
    outcomes.push({ message: next, outcome });
    // A retried message comes back (the queue would redeliver it after its delay).
    if (outcome.kind === "retry") runtime.queued.unshift(next);
  }
  return outcomes;
}

/** Identifiers of a blueprint's entities, sorted. */
export async function identifiersOf(blueprint: string): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT identifier FROM entities WHERE blueprint = ? ORDER BY identifier")
    .bind(blueprint)
    .all<{ identifier: string }>();
  return rows.results.map((r) => r.identifier);
}

/** A mapping of http-json items `{id, name, lang, team?}` onto `blueprint`. */
export function itemMapping(blueprint: string, extra: Json = {}): Json {
  return {
    resources: [
      {
        kind: "item",
        selector: { query: "true" },
        port: {
          entity: {
            mappings: { identifier: ".id", title: ".name", blueprint: `"${blueprint}"`, properties: { lang: ".lang" }, ...extra },
          },
        },
      },
    ],
  };
}
