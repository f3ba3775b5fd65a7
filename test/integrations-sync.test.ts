import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { runScheduled } from "../src/cron/scheduled";
import { createBlueprint } from "./actions-helpers";
import { callJson } from "./helpers";
import {
  createIntegration,
  finished,
  identifiersOf,
  itemMapping,
  type Json,
  type SyncView,
  scenario,
  stub,
  stubLog,
  syncThroughQueue,
} from "./sync-stubs/helpers";

// http-json syncs through the real queue: every pagination style, a page size smaller than the source's
// pages, mapping of a fixture payload, an unchanged source writing nothing, and the cron starting only
// integrations that are due.

const items = (n: number, prefix = "svc") =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, name: `Service ${i}`, lang: i % 2 ? "go" : "ts" }));

function httpJson(identifier: string, config: Json, extra: Json = {}): Json {
  return { identifier, title: identifier, type: "http-json", config, mapping: itemMapping(`sync_${identifier}`), ...extra };
}

async function auditCount(blueprint: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE blueprint = ?").bind(blueprint).first<{ n: number }>();
  return row?.n ?? 0;
}

beforeAll(async () => {
  for (const bp of ["cursor1", "page1", "next1", "plain1", "fixture1", "again1", "due1", "later1", "off1", "manual1"]) {
    await createBlueprint(`sync_${bp}`, { lang: { type: "string", enum: ["go", "ts"] } });
  }
});

describe("http-json sync", () => {
  it("follows cursor pagination to the end and writes every item", async () => {
    await scenario("cursor1", { items: items(25) });
    const config = {
      url: `${stub}/json/cursor1/cursor`,
      itemsPath: ".data",
      pagination: { type: "cursor", param: "cursor", nextPath: ".meta.next", sizeParam: "limit", size: 10 },
    };
    await createIntegration(httpJson("cursor1", config, { pageSize: 10 }));
    const sync = await syncThroughQueue("cursor1");
    expect(sync.status, JSON.stringify(sync)).toBe("SUCCEEDED");
    expect(sync.counts).toMatchObject({ fetched: 25, created: 25, updated: 0, failed: 0, deleted: 0 });
    expect(await identifiersOf("sync_cursor1")).toHaveLength(25);
    expect((await stubLog("cursor1")).map((r) => r.query.cursor ?? "")).toEqual(["", "c10", "c20"]);
  });

  it("pages by number until a short page", async () => {
    await scenario("page1", { items: items(23) });
    const config = { url: `${stub}/json/page1/page`, itemsPath: ".results", pagination: { type: "page", sizeParam: "per_page", size: 10 } };
    await createIntegration(httpJson("page1", config));
    const sync = await syncThroughQueue("page1");
    expect(sync.counts.created).toBe(23);
    expect((await stubLog("page1")).map((r) => `${r.query.page}/${r.query.per_page}`)).toEqual(["1/10", "2/10", "3/10"]);
  });

  it("follows next-page links, relative ones too", async () => {
    await scenario("next1", { items: items(7), pageSize: 3 });
    const config = { url: `${stub}/json/next1/next`, itemsPath: ".items", pagination: { type: "next-url", nextPath: ".links.next" } };
    await createIntegration(httpJson("next1", config));
    const sync = await syncThroughQueue("next1");
    expect(sync.counts.created).toBe(7);
    expect((await stubLog("next1")).map((r) => r.query.offset ?? "0")).toEqual(["0", "3", "6"]);
  });

  it("splits a source page larger than the page size into several queue messages", async () => {
    await scenario("plain1", { items: items(12) });
    await createIntegration(httpJson("plain1", { url: `${stub}/json/plain1/plain` }, { pageSize: 5 }));
    const sync = await syncThroughQueue("plain1");
    expect(sync.counts).toMatchObject({ fetched: 12, created: 12 });
    // Three slices of at most 5 items, each its own step (the source page is read again for each slice).
    expect(await stubLog("plain1")).toHaveLength(3);
    expect(await identifiersOf("sync_plain1")).toHaveLength(12);
  });
});

describe("mapping a fixture payload", () => {
  it("maps nested fields, JSONata, teams, relations, itemsToParse and selectors", async () => {
    await callJson("POST", "/v1/teams", { name: "payments" });
    await createBlueprint("sync_fixture1_env", {});
    await createBlueprint(
      "sync_fixture1_dep",
      { version: { type: "string" }, replicas: { type: "number" }, url: { type: "string", format: "url" } },
      { relations: { env: { target: "sync_fixture1_env", required: false, many: false } } },
    );
    const fixture = [
      {
        meta: { uid: "d1", labels: { team: "payments" } },
        spec: { image: "shop:1.2.3", replicas: 3, hosts: ["shop.example.com"] },
        env: "prod",
        containers: [{ name: "web" }, { name: "worker" }],
      },
      { meta: { uid: "d2", labels: {} }, spec: { image: "cart:0.9.0", replicas: 1, hosts: [] }, env: "staging", containers: [] },
      { meta: { uid: "skip-me", labels: {} }, spec: { image: "x:1", replicas: 0, hosts: [] }, env: "dev", containers: [] },
    ];
    await scenario("fixture1", { items: fixture });
    const mapping = {
      createMissingRelatedEntities: true,
      resources: [
        {
          kind: "deployment",
          selector: { query: ".spec.replicas > 0" },
          port: {
            entity: {
              mappings: {
                identifier: ".meta.uid",
                title: '"Deployment " + .meta.uid',
                blueprint: '"sync_fixture1_dep"',
                team: ".meta.labels.team",
                properties: {
                  version: '$substringAfter(spec.image, ":")',
                  replicas: ".spec.replicas",
                  url: 'spec.hosts[0] ? "https://" & spec.hosts[0] : null',
                },
                relations: { env: ".env" },
              },
            },
          },
        },
        {
          kind: "deployment",
          selector: { query: "true" },
          port: {
            itemsToParse: ".containers",
            entity: { mappings: { identifier: '.meta.uid + "-" + .item.name', blueprint: '"sync_fixture1_env"' } },
          },
        },
      ],
    };
    await createIntegration({
      identifier: "fixture1",
      title: "Fixture",
      type: "http-json",
      config: { url: `${stub}/json/fixture1/plain`, kind: "deployment" },
      mapping,
    });
    const sync = await syncThroughQueue("fixture1");
    expect(sync.status, JSON.stringify(sync)).toBe("SUCCEEDED");
    const d1 = await callJson<Json>("GET", "/v1/blueprints/sync_fixture1_dep/entities/d1");
    expect(d1.body.entity).toMatchObject({
      identifier: "d1",
      title: "Deployment d1",
      team: ["payments"],
      properties: { version: "1.2.3", replicas: 3, url: "https://shop.example.com" },
      relations: { env: "prod" },
    });
    const d2 = await callJson<{ entity: { properties: Json; team: string[] } }>("GET", "/v1/blueprints/sync_fixture1_dep/entities/d2");
    expect(d2.body.entity.properties).toEqual({ version: "0.9.0", replicas: 1 });
    expect(d2.body.entity.team).toEqual([]);
    expect(await identifiersOf("sync_fixture1_dep")).toEqual(["d1", "d2"]);
    // itemsToParse: one entity per container; relation targets created as placeholders (createMissingRelatedEntities).
    expect(await identifiersOf("sync_fixture1_env")).toEqual(["d1-web", "d1-worker", "prod", "staging"]);
  });
});

describe("an unchanged source", () => {
  it("writes nothing the second time; a changed item is updated alone", async () => {
    await scenario("again1", { items: items(6) });
    await createIntegration(httpJson("again1", { url: `${stub}/json/again1/plain` }));
    expect((await syncThroughQueue("again1")).counts.created).toBe(6);
    const audits = await auditCount("sync_again1");
    const second = await syncThroughQueue("again1");
    expect(second.counts).toMatchObject({ fetched: 6, created: 0, updated: 0, unchanged: 6 });
    expect(await auditCount("sync_again1")).toBe(audits);
    const changed = items(6);
    (changed[2] as Json).lang = "go";
    await scenario("again1", { items: changed });
    const third = await syncThroughQueue("again1");
    expect(third.counts).toMatchObject({ created: 0, updated: 1, unchanged: 5 });
    expect(await auditCount("sync_again1")).toBe(audits + 1);
  });
});

describe("the cron", () => {
  it("starts due integrations only, each once, and schedules the next run", async () => {
    for (const key of ["due1", "later1", "off1", "manual1"]) await scenario(key, { items: items(2, key) });
    const every = { schedule: { everyMinutes: 15 } };
    await createIntegration(httpJson("due1", { url: `${stub}/json/due1/plain` }, every));
    await createIntegration(httpJson("later1", { url: `${stub}/json/later1/plain` }, every));
    await createIntegration(httpJson("off1", { url: `${stub}/json/off1/plain` }, { ...every, enabled: false }));
    await createIntegration(httpJson("manual1", { url: `${stub}/json/manual1/plain` }));
    await env.DB.prepare("UPDATE integrations SET next_run_at = '2999-01-01T00:00:00.000Z' WHERE identifier = 'later1'").run();
    const tick = new Date(Date.now() + 60_000);
    const [a, b] = await Promise.all([
      runScheduled(createScheduledController({ scheduledTime: tick, cron: "*/5 * * * *" }), env),
      runScheduled(createScheduledController({ scheduledTime: tick, cron: "*/5 * * * *" }), env),
    ]);
    // Two ticks at once (a retried trigger): the compare-and-swap on the due time lets only one start it.
    expect(a.dueIntegrations + b.dueIntegrations).toBe(1);
    const list = await callJson<{ integrations: { identifier: string; lastSync: SyncView | null; nextRunAt: string | null }[] }>(
      "GET",
      "/v1/integrations",
    );
    const by = new Map(list.body.integrations.map((i) => [i.identifier, i]));
    const started = by.get("due1")?.lastSync;
    expect(started?.trigger).toBe("SCHEDULE");
    expect((await finished("due1", started?.id ?? "")).counts.created).toBe(2);
    expect(by.get("due1")?.nextRunAt).toBe(new Date(tick.getTime() + 15 * 60_000).toISOString());
    for (const idle of ["later1", "off1", "manual1"]) expect(by.get(idle)?.lastSync, idle).toBeNull();
    expect(await stubLog("later1")).toEqual([]);
    // The next tick at the same time finds nothing due.
    const again = await runScheduled(createScheduledController({ scheduledTime: tick, cron: "*/5 * * * *" }), env);
    expect(again.dueIntegrations).toBe(0);
  });
});
