import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import { syncNow } from "../src/domain/integrations/sync-start";
import { MAX_STEP_ATTEMPTS } from "../src/domain/integrations/sync-step";
import { createBlueprint, createEntity } from "./actions-helpers";
import { callJson } from "./helpers";
import {
  ADMIN,
  capturingRuntime,
  createIntegration,
  drain,
  identifiersOf,
  itemMapping,
  type Json,
  type SyncView,
  scenario,
  stub,
  syncThroughQueue,
} from "./sync-stubs/helpers";

// Reconciliation safety: only entities this integration created are ever deleted (never a person's or
// another integration's), deletion runs in chunks, more than the allowed share is refused loudly, and a
// partial or failed fetch deletes nothing.

const BP = "rec_svc";
const items = (prefix: string, n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${from + i}`, name: `${prefix} ${from + i}`, lang: "go" }));

async function integration(identifier: string, extra: Json = {}): Promise<void> {
  await createIntegration({
    identifier,
    title: identifier,
    type: "http-json",
    config: { url: `${stub}/json/${identifier}/plain` },
    mapping: itemMapping(BP),
    ...extra,
  });
}

async function owned(identifier: string): Promise<{ identifier: string; stale_since: string | null }[]> {
  const rows = await env.DB.prepare("SELECT identifier, stale_since FROM integration_entities WHERE integration = ? ORDER BY identifier")
    .bind(identifier)
    .all<{ identifier: string; stale_since: string | null }>();
  return rows.results;
}

beforeAll(async () => {
  await createBlueprint(BP, { lang: { type: "string" } });
  await createBlueprint("rec_other", { lang: { type: "string" } });
});

describe("reconciliation", () => {
  it("deletes what this integration created and the source dropped, in chunks, and nothing else", async () => {
    // A person's entities: one the source never returns, one it returns (updated by the sync, never owned).
    await createEntity(BP, { identifier: "manual-1", properties: { lang: "ts" } });
    await createEntity(BP, { identifier: "shared", properties: { lang: "ts" } });
    await scenario("reca", { items: [...items("a", 120), { id: "shared", name: "Shared", lang: "go" }] });
    await scenario("recb", { items: items("b", 3) });
    await integration("reca");
    await integration("recb");
    expect((await syncThroughQueue("reca")).counts).toMatchObject({ created: 120, updated: 1 });
    expect((await syncThroughQueue("recb")).counts.created).toBe(3);
    expect(await owned("reca")).toHaveLength(120);

    // The source drops half its items and the shared one.
    await scenario("reca", { items: items("a", 60) });
    const sync = await syncThroughQueue("reca");
    expect(sync.status, JSON.stringify(sync)).toBe("SUCCEEDED");
    expect(sync.counts).toMatchObject({ unchanged: 60, deleted: 60, failed: 0 });
    expect(sync.deletion).toBe("Deleted 60 entities.");
    const left = await identifiersOf(BP);
    expect(left).toEqual(expect.arrayContaining(["manual-1", "shared", "b-0", "b-1", "b-2", "a-0", "a-59"]));
    expect(left).not.toContain("a-60");
    expect(left).toHaveLength(60 + 5);
    expect(await owned("reca")).toHaveLength(60);
    expect(await owned("recb")).toHaveLength(3);
    // Deletions are events like any other, attributed to the integration.
    const audit = await env.DB.prepare("SELECT actor, origin FROM audit_log WHERE blueprint = ? AND entity = 'a-99' AND action = 'DELETE'")
      .bind(BP)
      .first<{ actor: string; origin: string }>();
    expect(audit).toEqual({ actor: "integration:reca", origin: "INTEGRATION" });
  });

  it("refuses to delete more than the allowed share and says so", async () => {
    await scenario("recc", { items: items("c", 10) });
    await integration("recc");
    await syncThroughQueue("recc");
    await scenario("recc", { items: items("c", 4) });
    const refused = await syncThroughQueue("recc");
    expect(refused.status).toBe("PARTIAL");
    expect(refused.counts.deleted).toBe(0);
    expect(refused.deletion).toMatch(/^REFUSED: 6 of the 10 entities .*\(60%\).*more than the 50%/);
    expect((await identifiersOf(BP)).filter((id) => id.startsWith("c-"))).toHaveLength(10);
    // Raising the share lets the next sync go ahead.
    const current = await callJson<{ integration: Json }>("GET", "/v1/integrations/recc");
    const { integration: view } = current.body;
    const put = await callJson("PUT", "/v1/integrations/recc", { ...view, deletion: { onMissing: "delete", maxShare: 0.8 } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const allowed = await syncThroughQueue("recc");
    expect(allowed.counts.deleted).toBe(6);
  });

  it("deletes nothing when the fetch was partial (an item without identifier)", async () => {
    await scenario("recd", { items: items("d", 4) });
    await integration("recd");
    await syncThroughQueue("recd");
    await scenario("recd", { items: [...items("d", 1), { name: "no id here", lang: "go" }] });
    const partial = await syncThroughQueue("recd");
    expect(partial.status).toBe("PARTIAL");
    expect(partial.fetchComplete).toBe(false);
    expect(partial.deletion).toMatch(/^Skipped: the fetch was incomplete/);
    expect(partial.errors.map((e) => e.path)).toContain("mapping.resources.0.port.entity.mappings.identifier");
    expect((await identifiersOf(BP)).filter((id) => id.startsWith("d-"))).toHaveLength(4);
  });

  it("deletes nothing when the fetch keeps failing: the sync fails after its retries", async () => {
    await scenario("rece", { items: items("e", 3) });
    await integration("rece");
    await syncThroughQueue("rece");
    // The source is gone. Driven step by step (the real queue waits minutes between retries): every try fails.
    await env.DB.prepare("UPDATE integrations SET config = json_set(config, '$.url', ?) WHERE identifier = 'rece'")
      .bind(`${stub}/json/nowhere/plain`)
      .run();
    const runtime = capturingRuntime();
    const db = database(env.DB);
    const started = await syncNow(db, runtime, ADMIN, "rece");
    const outcomes = await drain(runtime);
    expect(outcomes.map((o) => o.outcome.kind)).toEqual([...Array(MAX_STEP_ATTEMPTS).fill("retry"), "ack"]);
    const sync = (await callJson<{ syncs: SyncView[] }>("GET", "/v1/integrations/rece/syncs")).body.syncs.find((s) => s.id === started.id);
    expect(sync?.status).toBe("FAILED");
    expect(sync?.deletion).toMatch(/nothing was deleted/);
    expect(sync?.errors[0]?.message).toMatch(/answered 404/);
    expect((await identifiersOf(BP)).filter((id) => id.startsWith("e-"))).toHaveLength(3);
    // The integration is free again for its next sync.
    const view = await callJson<{ integration: { runningSyncId: string | null } }>("GET", "/v1/integrations/rece");
    expect(view.body.integration.runningSyncId).toBeNull();
  });

  it("marks missing entities stale instead of deleting them when asked, and fresh again when they return", async () => {
    await scenario("recf", { items: items("f", 4) });
    await integration("recf", { deletion: { onMissing: "stale", maxShare: 0.5 } });
    await syncThroughQueue("recf");
    await scenario("recf", { items: items("f", 3) });
    const sync = await syncThroughQueue("recf");
    expect(sync.counts).toMatchObject({ stale: 1, deleted: 0 });
    expect(sync.deletion).toBe("Marked 1 entities stale.");
    expect((await identifiersOf(BP)).filter((id) => id.startsWith("f-"))).toHaveLength(4);
    expect((await owned("recf")).filter((o) => o.stale_since !== null).map((o) => o.identifier)).toEqual(["f-3"]);
    const list = await callJson<{ integrations: { identifier: string; staleEntities: number }[] }>("GET", "/v1/integrations");
    expect(list.body.integrations.find((i) => i.identifier === "recf")?.staleEntities).toBe(1);
    await scenario("recf", { items: items("f", 4) });
    await syncThroughQueue("recf");
    expect((await owned("recf")).every((o) => o.stale_since === null)).toBe(true);
  });
});
