import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, callJson } from "./helpers";

type Json = Record<string, unknown>;
type ErrorBody = { ok: false; error: { code: string; message: string; details: { path: string; message: string }[] } };

const service = {
  identifier: "service",
  title: "Service",
  schema: {
    properties: {
      type: { type: "string", enum: ["service", "library"], enumColors: { service: "blue" } },
      language: { type: "string", default: "go" },
      replicas: { type: "number", minimum: 0, maximum: 50 },
      public: { type: "boolean" },
      homepage: { type: "string", format: "url" },
      owner: { type: "string", format: "email" },
      ip: { type: "string", format: "ipv4" },
      ip6: { type: "string", format: "ipv6" },
      launched: { type: "string", format: "date-time" },
      expires: { type: "string", format: "timer" },
      readme: { type: "string", format: "markdown" },
      code: { type: "string", pattern: "^[A-Z]{3}$", minLength: 3, maxLength: 3 },
      ports: { type: "array", items: { type: "number" }, minItems: 1, maxItems: 3, uniqueItems: true },
      labels: { type: "array", items: { type: "string", format: "email" } },
      config: { type: "object" },
      docs: { type: "object", format: "labeled-url" },
    },
    required: ["type"],
  },
  relations: {
    system: { target: "system", required: false, many: false },
    deps: { target: "service", required: false, many: true },
  },
};
const system = {
  identifier: "system",
  title: "System",
  schema: { properties: {}, required: [] },
  relations: { domain: { target: "domain", required: true, many: false } },
};
const domain = { identifier: "domain", title: "Domain", schema: { properties: {}, required: [] } };

beforeAll(async () => {
  for (const bp of [domain, system, service]) {
    const r = await callJson("POST", "/v1/blueprints", bp);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  await callJson("POST", "/v1/blueprints/domain/entities", { identifier: "core" });
  await callJson("POST", "/v1/blueprints/system/entities", { identifier: "payments", relations: { domain: "core" } });
});

async function create(body: Json, query = ""): Promise<{ status: number; body: Json & ErrorBody; headers: Headers }> {
  return callJson("POST", `/v1/blueprints/service/entities${query}`, body);
}

describe("entity validation per property type and format", () => {
  it("accepts a fully valid entity, applies defaults, stamps meta fields and version 1", async () => {
    const r = await create({
      identifier: "checkout",
      title: "Checkout",
      team: "payments-team",
      properties: {
        type: "service",
        replicas: 3,
        public: true,
        homepage: "https://checkout.example.com",
        owner: "ana@example.com",
        ip: "10.0.0.1",
        ip6: "2001:db8::1",
        launched: "2026-01-31T12:00:00Z",
        expires: "2027-01-31T12:00:00+02:00",
        readme: "# Checkout",
        code: "CHK",
        ports: [80, 443],
        labels: ["a@example.com"],
        config: { a: { b: 1 } },
        docs: { url: "https://docs.example.com", displayText: "Docs" },
      },
      relations: { system: "payments" },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const entity = r.body.entity as Json;
    expect(entity).toMatchObject({
      identifier: "checkout",
      blueprint: "service",
      team: ["payments-team"],
      version: 1,
      createdBy: "admin@portal.test",
      updatedBy: "admin@portal.test",
      relations: { system: "payments", deps: [] },
    });
    expect((entity.properties as Json).language).toBe("go");
    expect(entity.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(r.headers.get("etag")).toBe('"1"');
  });

  const bad: [string, Json, string, RegExp][] = [
    ["enum", { type: "other" }, "properties.type", /must be one of service, library/],
    ["number type", { type: "service", replicas: "3" }, "properties.replicas", /must be a number/],
    ["maximum", { type: "service", replicas: 51 }, "properties.replicas", /at most 50/],
    ["boolean", { type: "service", public: "yes" }, "properties.public", /true or false/],
    ["url", { type: "service", homepage: "not a url" }, "properties.homepage", /URL/],
    ["javascript url", { type: "service", homepage: "javascript:alert(1)" }, "properties.homepage", /URL/],
    ["email", { type: "service", owner: "nobody" }, "properties.owner", /email/],
    ["ipv4", { type: "service", ip: "300.1.1.1" }, "properties.ip", /IPv4/],
    ["ipv6", { type: "service", ip6: "::zz" }, "properties.ip6", /IPv6/],
    ["date-time", { type: "service", launched: "yesterday" }, "properties.launched", /date-time/],
    ["timer", { type: "service", expires: "2026-01-31" }, "properties.expires", /date-time/],
    ["pattern", { type: "service", code: "abc" }, "properties.code", /pattern/],
    ["minItems", { type: "service", ports: [] }, "properties.ports", /at least 1/],
    ["uniqueItems", { type: "service", ports: [1, 1] }, "properties.ports", /repeat/],
    ["array item type", { type: "service", ports: [1, "2"] }, "properties.ports.1", /number/],
    ["array item format", { type: "service", labels: ["x"] }, "properties.labels.0", /email/],
    ["object", { type: "service", config: [1] }, "properties.config", /object/],
    ["labeled-url", { type: "service", docs: { url: "nope" } }, "properties.docs.url", /URL/],
    ["unknown property", { type: "service", colour: "red" }, "properties.colour", /not a property/],
    ["required", {}, "properties.type", /required/],
  ];
  for (const [name, properties, path, message] of bad) {
    it(`rejects a bad ${name} with a 400 naming ${path}`, async () => {
      const r = await create({ identifier: `bad-${name.replaceAll(" ", "-")}`, properties });
      expect(r.status).toBe(400);
      expect(r.body.ok).toBe(false);
      expect(r.body.error.code).toBe("invalid_input");
      const detail = r.body.error.details.find((d) => d.path === path);
      expect(detail, JSON.stringify(r.body.error.details)).toBeDefined();
      expect(detail?.message).toMatch(message);
      expect(r.body.error.message).toContain(path);
    });
  }

  it("rejects bad entity identifiers and unknown fields", async () => {
    const dot = await create({ identifier: "..", properties: { type: "service" } });
    expect(dot.status).toBe(400);
    expect(dot.body.error.details[0]?.path).toBe("identifier");
    const extra = await create({ identifier: "x", properties: { type: "service" }, colour: "red" });
    expect(extra.status).toBe(400);
    expect(extra.body.error.details[0]).toEqual({ path: "colour", message: "is not a known field ('colour')" });
  });

  it("writes nothing for a rejected entity", async () => {
    const r = await call("GET", "/v1/blueprints/service/entities/bad-enum");
    expect(r.status).toBe(404);
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM entities WHERE identifier LIKE 'bad-%'").first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });
});

describe("relations", () => {
  it("rejects a relation to a missing entity, naming the relation", async () => {
    const r = await create({ identifier: "orphan", properties: { type: "service" }, relations: { system: "nowhere" } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("unknown_related_entity");
    expect(r.body.error.details[0]).toEqual({
      path: "relations.system",
      message: expect.stringMatching(/'nowhere' of blueprint 'system' does not exist/),
    });
  });

  it("rejects a list on a single relation and a string on a many relation", async () => {
    const one = await create({ identifier: "r1", properties: { type: "service" }, relations: { system: ["payments"] } });
    expect(one.status).toBe(400);
    expect(one.body.error.details[0]?.path).toBe("relations.system");
    const many = await create({ identifier: "r2", properties: { type: "service" }, relations: { deps: "checkout" } });
    expect(many.status).toBe(400);
    expect(many.body.error.details[0]?.path).toBe("relations.deps");
    const unknown = await create({ identifier: "r3", properties: { type: "service" }, relations: { nope: "x" } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0]?.path).toBe("relations.nope");
  });

  it("requires a required relation", async () => {
    const r = await callJson<ErrorBody>("POST", "/v1/blueprints/system/entities", { identifier: "lonely" });
    expect(r.status).toBe(400);
    expect(r.body.error.details[0]?.path).toBe("relations.domain");
  });

  it("creates missing related entities when asked, unless their blueprint needs data", async () => {
    const r = await create(
      { identifier: "with-deps", properties: { type: "service" }, relations: { deps: ["new-dep-1", "new-dep-2"] } },
      "?create_missing_related_entities=true",
    );
    // service requires `type`, so empty placeholders would be invalid: refused, nothing written.
    expect(r.status).toBe(400);
    expect(r.body.error.details[0]?.message).toMatch(/cannot be created empty: blueprint 'service' requires type/);
    expect((await call("GET", "/v1/blueprints/service/entities/new-dep-1")).status).toBe(404);

    const ok = await callJson<{ entity: Json }>("POST", "/v1/blueprints/system/entities?create_missing_related_entities=true", {
      identifier: "shipping",
      relations: { domain: "logistics" },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const created = await callJson<{ entity: Json }>("GET", "/v1/blueprints/domain/entities/logistics");
    expect(created.status).toBe(200);
    expect(created.body.entity).toMatchObject({ identifier: "logistics", properties: {}, title: null });
  });

  it("reads relations both ways with include_related", async () => {
    await create({ identifier: "api-gw", properties: { type: "service" }, relations: { deps: ["checkout"], system: "payments" } });
    const r = await callJson<{ related: { outgoing: Json[]; incoming: Json[] } }>(
      "GET",
      "/v1/blueprints/service/entities/checkout?include_related=true",
    );
    expect(r.body.related.outgoing).toEqual([{ relation: "system", blueprint: "system", identifier: "payments", title: null }]);
    expect(r.body.related.incoming).toEqual([{ relation: "deps", blueprint: "service", identifier: "api-gw", title: null }]);
    const plain = await callJson<Json>("GET", "/v1/blueprints/service/entities/checkout");
    expect(plain.body.related).toBeUndefined();
  });

  it("refuses to delete an entity others require, unless delete_dependents", async () => {
    await callJson("POST", "/v1/blueprints/domain/entities", { identifier: "retail" });
    await callJson("POST", "/v1/blueprints/system/entities", { identifier: "store", relations: { domain: "retail" } });
    await create({ identifier: "store-web", properties: { type: "service" }, relations: { system: "store" } });

    const refused = await callJson<ErrorBody>("DELETE", "/v1/blueprints/domain/entities/retail");
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("has_dependents");
    expect(refused.body.error.details[0]).toEqual({ path: "relations.domain", message: expect.stringContaining("'store' (system)") });

    const done = await callJson<{ deleted: Json[] }>("DELETE", "/v1/blueprints/domain/entities/retail?delete_dependents=true");
    expect(done.status).toBe(200);
    expect(done.body.deleted).toEqual([
      { blueprint: "domain", identifier: "retail" },
      { blueprint: "system", identifier: "store" },
    ]);
    // store-web's optional relation to the deleted system is gone; the entity stays.
    const web = await callJson<{ entity: { relations: Json } }>("GET", "/v1/blueprints/service/entities/store-web");
    expect(web.status).toBe(200);
    expect(web.body.entity.relations.system).toBeNull();
  });
});

describe("upsert, merge, PUT, PATCH and If-Match", () => {
  it("refuses to create an existing entity without upsert", async () => {
    await create({ identifier: "dup", properties: { type: "service", replicas: 1 } });
    const r = await create({ identifier: "dup", properties: { type: "library" } });
    expect(r.status).toBe(409);
  });

  it("upsert replaces; upsert+merge merges properties and relations", async () => {
    await create({
      identifier: "up",
      title: "Up",
      properties: { type: "service", replicas: 2, public: true },
      relations: { system: "payments" },
    });
    const merged = await create({ identifier: "up", properties: { replicas: 5 } }, "?upsert=true&merge=true");
    expect(merged.status).toBe(200);
    expect(merged.body.entity).toMatchObject({
      title: "Up",
      version: 2,
      properties: { type: "service", replicas: 5, public: true, language: "go" },
      relations: { system: "payments" },
    });
    const replaced = await create({ identifier: "up", properties: { type: "library" } }, "?upsert=true");
    expect(replaced.status).toBe(200);
    expect(replaced.body.entity).toMatchObject({
      title: null,
      version: 3,
      properties: { type: "library" },
      relations: { system: null, deps: [] },
    });
  });

  it("PATCH merges, null clears a property, PUT replaces, both keep createdAt", async () => {
    const c = await create({ identifier: "pp", properties: { type: "service", replicas: 1, public: false } });
    const createdAt = (c.body.entity as Json).createdAt;
    const p = await callJson<{ entity: Json }>("PATCH", "/v1/blueprints/service/entities/pp", {
      properties: { replicas: 2, public: null },
    });
    expect(p.status).toBe(200);
    expect(p.body.entity).toMatchObject({ version: 2, properties: { type: "service", replicas: 2, language: "go" }, createdAt });
    expect((p.body.entity.properties as Json).public).toBeUndefined();
    const put = await callJson<{ entity: Json }>("PUT", "/v1/blueprints/service/entities/pp", {
      title: "PP",
      properties: { type: "library" },
    });
    expect(put.status).toBe(200);
    expect(put.body.entity).toMatchObject({ version: 3, title: "PP", properties: { type: "library" }, createdAt });
  });

  it("PUT/PATCH on a missing entity answer 404; a body identifier must match the URL", async () => {
    expect((await call("PATCH", "/v1/blueprints/service/entities/ghost", { properties: {} })).status).toBe(404);
    expect((await call("PUT", "/v1/blueprints/service/entities/ghost", { properties: { type: "service" } })).status).toBe(404);
    await create({ identifier: "named", properties: { type: "service" } });
    const r = await callJson<ErrorBody>("PATCH", "/v1/blueprints/service/entities/named", { identifier: "renamed" });
    expect(r.status).toBe(400);
    expect(r.body.error.details[0]?.path).toBe("identifier");
  });

  it("answers 412 on a lost update (If-Match or ?version=)", async () => {
    await create({ identifier: "ifm", properties: { type: "service", replicas: 1 } });
    const first = await callJson<{ entity: Json }>(
      "PATCH",
      "/v1/blueprints/service/entities/ifm",
      { properties: { replicas: 2 } },
      { "if-match": '"1"' },
    );
    expect(first.status).toBe(200);
    expect(first.headers.get("etag")).toBe('"2"');
    const stale = await callJson<ErrorBody>(
      "PATCH",
      "/v1/blueprints/service/entities/ifm",
      { properties: { replicas: 9 } },
      { "if-match": '"1"' },
    );
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe("version_mismatch");
    const staleQuery = await callJson<ErrorBody>("PUT", "/v1/blueprints/service/entities/ifm?version=1", {
      properties: { type: "service" },
    });
    expect(staleQuery.status).toBe(412);
    const now = await callJson<{ entity: Json }>("GET", "/v1/blueprints/service/entities/ifm");
    expect(now.body.entity).toMatchObject({ version: 2, properties: { replicas: 2 } });
  });

  it("the database itself refuses an update that skips a version (the guard behind If-Match)", async () => {
    await create({ identifier: "guarded", properties: { type: "service" } });
    await expect(
      env.DB.prepare("UPDATE entities SET version = 5 WHERE blueprint = 'service' AND identifier = 'guarded'").run(),
    ).rejects.toThrow(/version_conflict/);
  });

  it("serialises concurrent PATCHes with If-Match: exactly one wins per version", async () => {
    await create({ identifier: "race", properties: { type: "service", replicas: 0 } });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call("PATCH", "/v1/blueprints/service/entities/race", { properties: { replicas: i + 1 } }, { "if-match": '"1"' }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(7);
  });
});

describe("bulk", () => {
  it("writes the valid entities and reports each failure with its index", async () => {
    const r = await callJson<{ ok: boolean; entities: Json[]; errors: Json[] }>("POST", "/v1/blueprints/service/entities/bulk", {
      entities: [
        { identifier: "b1", properties: { type: "service" } },
        { identifier: "b2", properties: { type: "nope" } },
        { identifier: "b3", properties: { type: "library" }, relations: { deps: ["b1"] } },
        "not an object",
        { identifier: "b1", properties: { type: "service" } },
      ],
    });
    expect(r.status).toBe(207);
    expect(r.body.ok).toBe(false);
    expect(r.body.entities).toEqual([
      { identifier: "b1", index: 0, created: true, version: 1 },
      { identifier: "b3", index: 2, created: true, version: 1 },
    ]);
    expect(r.body.errors.map((e) => [e.index, e.statusCode, (e.details as { path: string }[])[0]?.path])).toEqual([
      [1, 400, "entities.1.properties.type"],
      [3, 400, "entities.3"],
      [4, 400, "entities.4.identifier"],
    ]);
    expect((await call("GET", "/v1/blueprints/service/entities/b3")).status).toBe(200);
    expect((await call("GET", "/v1/blueprints/service/entities/b2")).status).toBe(404);
  });

  it("answers 200 when all succeed and refuses more than 1000 entities", async () => {
    const ok = await callJson<{ ok: boolean }>("POST", "/v1/blueprints/service/entities/bulk?upsert=true", {
      entities: Array.from({ length: 50 }, (_, i) => ({ identifier: `many-${i}`, properties: { type: "service", replicas: i % 50 } })),
    });
    expect(ok.status).toBe(200);
    expect(ok.body.ok).toBe(true);
    const tooMany = await callJson<ErrorBody>("POST", "/v1/blueprints/service/entities/bulk", {
      entities: Array.from({ length: 1001 }, (_, i) => ({ identifier: `x${i}` })),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details[0]?.path).toBe("entities");
  });

  it("pages through a blueprint's entities with a cursor", async () => {
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const query: string = next ? `?limit=20&cursor=${encodeURIComponent(next)}` : "?limit=20";
      const page: { body: { entities: { identifier: string }[]; next: string | null } } = await callJson(
        "GET",
        `/v1/blueprints/service/entities${query}`,
      );
      seen.push(...page.body.entities.map((e) => e.identifier));
      next = page.body.next;
    } while (next);
    expect(seen.filter((id) => id.startsWith("many-"))).toHaveLength(50);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(seen);
  });
});

describe("audit", () => {
  it("records create, update and delete with before/after and the request id", async () => {
    await create({ identifier: "audited", properties: { type: "service" } }, "");
    await callJson(
      "PATCH",
      "/v1/blueprints/service/entities/audited",
      { properties: { replicas: 4 } },
      { "x-request-id": "req-test-audit-1" },
    );
    await callJson("DELETE", "/v1/blueprints/service/entities/audited");
    const r = await callJson<{
      audits: { action: string; diff: { before: Json | null; after: Json | null }; requestId: string; trigger: Json }[];
    }>("GET", "/v1/audit-log?blueprint=service&entity=audited");
    expect(r.body.audits.map((a) => a.action)).toEqual(["DELETE", "UPDATE", "CREATE"]);
    const [del, upd, crt] = r.body.audits;
    expect(crt?.diff.before).toBeNull();
    expect(crt?.diff.after).toMatchObject({ identifier: "audited", version: 1 });
    expect(upd?.diff.before).toMatchObject({ version: 1 });
    expect(upd?.diff.after).toMatchObject({ version: 2, properties: { replicas: 4 } });
    expect(upd?.requestId).toBe("req-test-audit-1");
    expect(upd?.trigger).toMatchObject({ by: { userId: "admin@portal.test" }, origin: "API" });
    expect(del?.diff.after).toBeNull();
    const filtered = await callJson<{ audits: unknown[] }>("GET", "/v1/audit-log?blueprint=service&entity=audited&action=UPDATE");
    expect(filtered.body.audits).toHaveLength(1);
    const future = await callJson<{ audits: unknown[] }>("GET", "/v1/audit-log?entity=audited&from=2999-01-01T00:00:00Z");
    expect(future.body.audits).toHaveLength(0);
    const badDate = await callJson<ErrorBody>("GET", "/v1/audit-log?from=someday");
    expect(badDate.status).toBe(400);
    expect(badDate.body.error.details[0]?.path).toBe("query.from");
  });
});
