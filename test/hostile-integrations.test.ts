import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check, expectApiAnswer, expectEscaped, runs, send, Tally, timeoutFor } from "./hostile/checks";
import { hostileBlueprint, storedViolations } from "./hostile/conformance";
import { admin, adminBrowser, createFixtureBlueprint } from "./hostile/fixtures";
import { hostileBody, hostilePathSegment, hostileValue, INJECTIONS, type Json } from "./hostile/generators";

// Hostile input against integrations: their definitions (/v1/integrations) and the ingest endpoint other
// systems post events to (/v1/ingest/{key}), whose events are mapped straight into entities. Whatever an
// event carries, the entities it writes must satisfy their blueprint and render escaped.

const tally = new Tally();
const BP = hostileBlueprint("hx_ing", "hx_ing");
let key = "";

const mapping = {
  resources: [
    {
      kind: "event",
      selector: { query: '.action = "upsert" or .action = "delete"' },
      port: {
        entity: {
          mappings: {
            identifier: ".service.id",
            title: ".service.title",
            blueprint: '"hx_ing"',
            properties: {
              name: ".service.name",
              lang: ".service.lang",
              replicas: ".service.replicas",
              free: ".service.free",
              tags: ".service.tags",
              meta: ".service.meta",
            },
          },
        },
      },
      deleteWhen: '.action = "delete"',
    },
  ],
};

const integration: Json = {
  identifier: "hx_int_new",
  title: "Items",
  type: "http-json",
  config: { url: "https://items.example.invalid/list", secretHeaders: { Authorization: "Bearer s3cr3t" } },
  mapping,
  schedule: null,
  deletion: { onMissing: "stale" },
  pageSize: 100,
  enabled: false,
};

const event: Json = {
  action: "upsert",
  service: { id: "hx-ing-1", title: "Ingested", name: "cart", lang: "go", replicas: 2, free: "text", tags: ["a"], meta: { a: 1 } },
};

beforeAll(async () => {
  await createFixtureBlueprint(BP);
  const created = await admin("POST", "/v1/integrations", { identifier: "hx_hook", title: "Hook", type: "webhook", config: {}, mapping });
  key = (created.ingestKey as string | undefined) ?? "";
  expect(key).toMatch(/^epik_/);
  await admin("POST", "/v1/integrations", { ...integration, identifier: "hx_int" });
});

afterAll(() => {
  console.log(tally.summary("integrations"));
});

describe("integration definitions", () => {
  it(
    "POST and PUT /v1/integrations: hostile definitions never 5xx",
    async () => {
      let n = 0;
      const arb = fc.oneof(
        hostileBody(integration).map((w) => ["POST", "/v1/integrations", w] as const),
        hostileBody({ ...integration, identifier: "hx_int" }).map((w) => ["PUT", "/v1/integrations/hx_int", w] as const),
      );
      await check(arb, runs(300), async ([method, path, wire]) => {
        tally.count(`${method} /v1/integrations${method === "PUT" ? "/{id}" : ""}`);
        n += 1;
        const json = "json" in wire ? (wire.json as Json | null) : null;
        // A definition that stays valid gets a fresh identifier; none may be enabled (nothing must sync).
        const body = json?.identifier === "hx_int_new" ? { json: { ...json, identifier: `hx_int_${n}`, enabled: false } } : wire;
        await expectApiAnswer(await send(method, path, body), tally, `${method} ${path}`);
      });
    },
    timeoutFor(40_000),
  );
});

describe("ingest", () => {
  it(
    "POST /v1/ingest/{key}: hostile events never 5xx; the entities they write satisfy the blueprint and render escaped",
    async () => {
      const arb = fc.oneof(
        { arbitrary: hostileBody(event), weight: 4 },
        {
          arbitrary: fc
            .record({
              action: fc.constantFrom("upsert", "delete"),
              service: fc.dictionary(fc.constantFrom("id", "title", "name", "lang", "replicas", "free", "tags", "meta"), hostileValue),
            })
            .map((json) => ({ json })),
          weight: 2,
        },
      );
      let n = 0;
      await check(arb, runs(400), async (wire) => {
        tally.count("POST /v1/ingest/{key}");
        n += 1;
        const json = "json" in wire ? (wire.json as { service?: Json } | null) : null;
        const body = json?.service?.id === "hx-ing-1" ? { json: { ...json, service: { ...json.service, id: `hx-ing-${n}` } } } : wire;
        const res = await send("POST", `/v1/ingest/${key}`, body, { authorization: "" });
        const answer = await expectApiAnswer(res, tally, "POST ingest");
        if (res.status === 200 && JSON.stringify(answer.result).includes('"created":1')) tally.accepted += 1;
      });
      const violations = await storedViolations(BP);
      tally.blueprintViolations += violations.length;
      expect(violations).toEqual([]);
      const browser = await adminBrowser();
      const table = await browser.page("/blueprints/hx_ing");
      expect(table.status).toBe(200);
      expectEscaped(table.html, tally, "ingested entities table");
    },
    timeoutFor(60_000),
  );

  it("an ingested payload is stored as sent and shown escaped on its page", async () => {
    const res = await send(
      "POST",
      `/v1/ingest/${key}`,
      { json: { action: "upsert", service: { id: "hx-xss", title: INJECTIONS[0], name: "x", free: INJECTIONS[1] } } },
      { authorization: "" },
    );
    expect(res.status).toBe(200);
    const page = await (await adminBrowser()).page("/blueprints/hx_ing/entities/hx-xss");
    expect(page.status).toBe(200);
    expectEscaped(page.html, tally, "ingested entity page");
    expect(page.html).toContain("&lt;script&gt;alert(");
  });

  it(
    "hostile ingest keys and integration ids never 5xx",
    async () => {
      const arb = fc.oneof(
        hostilePathSegment.map((s) => ["POST", `/v1/ingest/${s}`, { authorization: "" }] as const),
        fc
          .constantFrom("epik_", `${key}x`, key.slice(0, -1), key.toUpperCase())
          .map((k) => ["POST", `/v1/ingest/${k}`, { authorization: "" }] as const),
        hostilePathSegment.map((s) => ["GET", `/v1/integrations/${s}`, {}] as const),
        hostilePathSegment.map((s) => ["DELETE", `/v1/integrations/${s}`, {}] as const),
        hostilePathSegment.map((s) => ["GET", `/v1/integrations/${s}/syncs`, {}] as const),
        hostilePathSegment.map((s) => ["POST", `/v1/integrations/${s}/ingest-key`, {}] as const),
      );
      await check(arb, runs(200), async ([method, path, headers]) => {
        tally.count("hostile ingest keys and integration ids");
        await expectApiAnswer(
          await send(method, path, method === "POST" ? { json: event } : undefined, headers),
          tally,
          `${method} ${path}`,
        );
      });
    },
    timeoutFor(20_000),
  );
});

describe("totals", () => {
  it("the suite tried what it promises", () => {
    expect(tally.total).toBeGreaterThanOrEqual(runs(900));
    expect(tally.serverErrors).toBe(0);
    expect(tally.accepted, "some hostile events must have created entities").toBeGreaterThan(10);
  });
});
