import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { runScheduled } from "../src/cron/scheduled";
import { database } from "../src/db/client";
import { claimStep, findSync } from "../src/db/integration-sync-store";
import { writeMappedEntities } from "../src/domain/integrations/entity-sync";
import { mapItems } from "../src/domain/integrations/map-items";
import { parseMapping } from "../src/domain/integrations/mapping";
import { syncNow } from "../src/domain/integrations/sync-start";
import { consumeSyncStep, runSyncStep } from "../src/domain/integrations/sync-step";
import { createBlueprint } from "./actions-helpers";
import {
  ADMIN,
  capturingRuntime,
  createIntegration,
  drain,
  finished,
  identifiersOf,
  itemMapping,
  scenario,
  stub,
  stubLog,
} from "./sync-stubs/helpers";

// A sync survives crashes: each page's progress is committed with its writes, so a retried or
// redelivered message resumes at the last committed page, never from the start; a duplicate message for
// a committed page does nothing; a lost message is queued again by the cron.

const BP = "res_svc";
const items = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${String(i).padStart(2, "0")}`, name: `R ${i}`, lang: "go" }));
const db = () => database(env.DB);

async function cursorIntegration(identifier: string): Promise<void> {
  await createIntegration({
    identifier,
    title: identifier,
    type: "http-json",
    config: {
      url: `${stub}/json/${identifier}/cursor`,
      itemsPath: ".data",
      pagination: { type: "cursor", param: "cursor", nextPath: ".meta.next", sizeParam: "limit", size: 10 },
    },
    mapping: itemMapping(BP),
    pageSize: 10,
  });
}

async function auditRows(): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE blueprint = ?").bind(BP).first<{ n: number }>())?.n ?? 0;
}

beforeAll(async () => {
  await createBlueprint(BP, { lang: { type: "string" } });
});

describe("resuming a sync", () => {
  it("retries a failed page from its own cursor, not from the start", async () => {
    await scenario("res1", { items: items(35, "res1"), failOnce: ["c20"] });
    await cursorIntegration("res1");
    const runtime = capturingRuntime();
    const sync = await syncNow(db(), runtime, ADMIN, "res1");
    const outcomes = await drain(runtime);
    expect(outcomes.map((o) => `${o.message.step}:${o.outcome.kind}`)).toEqual(["1:ack", "2:ack", "3:retry", "3:ack", "4:ack", "5:ack"]);
    // Each page was read once, except the one that failed, read again at its own cursor.
    expect((await stubLog("res1")).map((r) => r.query.cursor ?? "")).toEqual(["", "c10", "c20", "c20", "c30"]);
    const done = await findSync(db(), sync.id);
    expect(done).toMatchObject({ status: "SUCCEEDED", created: 35, fetched: 35 });
    expect(done?.errors.map((e) => e.message)).toEqual([expect.stringMatching(/answered 503/)]);
    expect((await identifiersOf(BP)).filter((id) => id.startsWith("res1-"))).toHaveLength(35);
  });

  it("does nothing for a message redelivered after its page was committed", async () => {
    await scenario("res2", { items: items(15, "res2") });
    await cursorIntegration("res2");
    const runtime = capturingRuntime();
    const sync = await syncNow(db(), runtime, ADMIN, "res2");
    await drain(runtime);
    const before = await findSync(db(), sync.id);
    const requests = (await stubLog("res2")).length;
    const audits = await auditRows();
    expect(await runSyncStep(db(), runtime, { syncId: sync.id, step: 1 })).toEqual({ kind: "ack" });
    expect(await runSyncStep(db(), runtime, { syncId: sync.id, step: 2 })).toEqual({ kind: "ack" });
    expect(runtime.queued).toEqual([]);
    expect(await findSync(db(), sync.id)).toEqual(before);
    expect(await stubLog("res2")).toHaveLength(requests);
    expect(await auditRows()).toBe(audits);
  });

  it("redoes a page whose writes landed but whose progress was not committed, without writing twice", async () => {
    await scenario("res3", { items: items(20, "res3") });
    await cursorIntegration("res3");
    const runtime = capturingRuntime();
    const sync = await syncNow(db(), runtime, ADMIN, "res3");
    expect((await drain(runtime, 1))[0]?.outcome).toEqual({ kind: "ack" });
    // A crash in the middle of step 2: its entity batch landed (with ownership), the step's commit did not.
    const page2 = items(20, "res3")
      .slice(10)
      .map((data, i) => ({ kind: "item", data, ref: `item ${i}` }));
    const mapped = await mapItems(parseMapping(itemMapping(BP)), page2);
    const ctx = { actor: "integration:res3", origin: "INTEGRATION" as const, requestId: "crashed", now: new Date().toISOString() };
    await writeMappedEntities(db(), { integration: "res3", syncId: sync.id, createMissingRelated: false }, mapped, ctx, () => []);
    const audits = await auditRows();
    await drain(runtime);
    const done = await findSync(db(), sync.id);
    expect(done).toMatchObject({ status: "SUCCEEDED", fetched: 20, created: 10, unchanged: 10 });
    expect(await auditRows()).toBe(audits);
    const ownedRows = await env.DB.prepare("SELECT count(*) AS n FROM integration_entities WHERE integration = 'res3'").first<{
      n: number;
    }>();
    expect(ownedRows?.n).toBe(20);
  });

  it("lets one of two concurrent deliveries of a step run it; the other waits and then finds it done", async () => {
    await scenario("res4", { items: items(10, "res4") });
    await cursorIntegration("res4");
    const runtime = capturingRuntime();
    const sync = await syncNow(db(), runtime, ADMIN, "res4");
    const message = { syncId: sync.id, step: 1 };
    const outcomes = await Promise.all([runSyncStep(db(), runtime, message), runSyncStep(db(), runtime, message)]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(["ack", "retry"]);
    expect(await stubLog("res4")).toHaveLength(1);
    expect(await runSyncStep(db(), runtime, message)).toEqual({ kind: "ack" });
    expect((await identifiersOf(BP)).filter((id) => id.startsWith("res4-"))).toHaveLength(10);
  });

  it("takes over a step whose worker crashed once its lease expired", async () => {
    await scenario("res5", { items: items(5, "res5") });
    await cursorIntegration("res5");
    const runtime = capturingRuntime();
    const sync = await syncNow(db(), runtime, ADMIN, "res5");
    const now = new Date();
    // A worker took step 1 and died holding it.
    expect(await claimStep(db(), sync.id, 1, now.toISOString(), new Date(now.getTime() + 120_000).toISOString())).not.toBeNull();
    expect(await runSyncStep(db(), runtime, { syncId: sync.id, step: 1 }, now)).toEqual({ kind: "retry", delaySeconds: 30 });
    const later = new Date(now.getTime() + 121_000);
    expect(await runSyncStep(db(), runtime, { syncId: sync.id, step: 1 }, later)).toEqual({ kind: "ack" });
    await drain(runtime);
    expect(await findSync(db(), sync.id)).toMatchObject({ status: "SUCCEEDED", created: 5 });
  });

  it("queues again, from the cron, a sync whose next message was lost", async () => {
    await scenario("res6", { items: items(25, "res6") });
    await cursorIntegration("res6");
    const runtime = capturingRuntime();
    const sync = await syncNow(db(), runtime, ADMIN, "res6");
    await drain(runtime, 1);
    runtime.queued.length = 0; // the message for step 2 never reached the queue
    const tick = new Date(Date.now() + 4 * 60_000);
    await runScheduled(createScheduledController({ scheduledTime: tick, cron: "*/5 * * * *" }), env);
    const done = await finished("res6", sync.id);
    expect(done.counts).toMatchObject({ fetched: 25, created: 25 });
    expect((await stubLog("res6")).map((r) => r.query.cursor ?? "")).toEqual(["", "c10", "c20"]);
  });

  it("fails the sync when its step is dead-lettered, and frees the integration", async () => {
    await scenario("res7", { items: items(3, "res7") });
    await cursorIntegration("res7");
    const runtime = capturingRuntime();
    const sync = await syncNow(db(), runtime, ADMIN, "res7");
    expect(await consumeSyncStep(db(), runtime, { syncId: sync.id, step: 1 }, true)).toEqual({ kind: "ack" });
    expect(await findSync(db(), sync.id)).toMatchObject({ status: "FAILED", phase: "DONE" });
    const second = await syncNow(db(), runtime, ADMIN, "res7");
    expect(second.id).not.toBe(sync.id);
  });
});
