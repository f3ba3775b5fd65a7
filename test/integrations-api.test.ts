import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createBlueprint, expectError } from "./actions-helpers";
import { call, callJson, createUserToken } from "./helpers";
import { createIntegration, identifiersOf, itemMapping, type Json, scenario, stub, syncThroughQueue } from "./sync-stubs/helpers";

// The /v1/integrations API: validation with located errors, secrets sealed at rest and masked when read
// (kept when sent back masked), admins only, audit rows, and the dry run (a diff, nothing written).

const BP = "api_svc";
const items = (n: number, prefix = "api") => Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, name: `Api ${i}`, lang: "go" }));

function body(identifier: string, extra: Json = {}): Json {
  return {
    identifier,
    title: identifier,
    type: "http-json",
    config: { url: `${stub}/json/${identifier}/plain`, secretHeaders: { Authorization: "Bearer s3cr3t-token" } },
    mapping: itemMapping(BP),
    ...extra,
  };
}

beforeAll(async () => {
  await createBlueprint(BP, { lang: { type: "string", enum: ["go", "ts"] } });
});

describe("integrations API", () => {
  it("refuses bad input with every problem located", async () => {
    const res = await callJson("POST", "/v1/integrations", {
      identifier: "bad id!",
      title: "",
      type: "http-json",
      config: { url: "ftp://x", pagination: { type: "cursor" }, extra: 1 },
      mapping: { resources: [{ kind: "item", port: { entity: { mappings: { identifier: ".id +", blueprint: '"x"' } } } }] },
      schedule: { everyMinutes: 1 },
    });
    const error = expectError(res, 400);
    expect(error.details.map((d) => d.path)).toEqual(expect.arrayContaining(["identifier", "title", "schedule.everyMinutes"]));
    const config = expectError(
      await callJson("POST", "/v1/integrations", { ...body("badcfg"), config: { url: "ftp://x", extra: 1 } }),
      400,
    );
    expect(config.details.map((d) => d.path)).toEqual(expect.arrayContaining(["config.url", "config.extra"]));
    const mapping = expectError(
      await callJson("POST", "/v1/integrations", {
        ...body("badmap"),
        mapping:
          "resources:\n  - kind: item\n    port:\n      entity:\n        mappings:\n          identifier: .id +\n          blueprint: '\"x\"'\n",
      }),
      400,
    );
    expect(mapping.details[0]?.path).toBe("mapping.resources.0.port.entity.mappings.identifier");
    expectError(await callJson("POST", "/v1/integrations", { ...body("badyaml"), mapping: "resources: [" }), 400, "mapping");
    expectError(await callJson("POST", "/v1/integrations", { ...body("nope"), type: "ftp" }), 400, "type");
  });

  it("seals secrets at rest, masks them when read, and keeps them when sent back masked", async () => {
    await createIntegration(body("sec1"));
    const row = await env.DB.prepare("SELECT config, secrets FROM integrations WHERE identifier = 'sec1'").first<{
      config: string;
      secrets: string;
    }>();
    expect(`${row?.config}${row?.secrets}`).not.toContain("s3cr3t");
    expect(row?.config).not.toContain("Authorization");
    const read = await callJson<{ integration: { config: Json; version: number } }>("GET", "/v1/integrations/sec1");
    expect(read.body.integration.config.secretHeaders).toEqual({ Authorization: "********" });
    expect(JSON.stringify(read.body)).not.toContain("s3cr3t");
    // Written back as read (masked), with another title: the stored token is kept and still sent.
    const put = await callJson("PUT", "/v1/integrations/sec1", { ...read.body.integration, title: "Renamed" }, { "if-match": '"1"' });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await scenario("sec1", { items: items(1) });
    await syncThroughQueue("sec1");
    const log = (await (await fetch(`${stub}/log/sec1`)).json()) as { headers: Record<string, string> }[];
    expect(log[0]?.headers.authorization).toBe("Bearer s3cr3t-token");
    // A stale version is refused.
    expectError(await callJson("PUT", "/v1/integrations/sec1", { ...read.body.integration }, { "if-match": '"1"' }), 412);
    // The audit log holds the masked config only.
    const audit = await env.DB.prepare("SELECT group_concat(after) AS a FROM audit_log WHERE resource_type = 'integration'").first<{
      a: string;
    }>();
    expect(audit?.a).toContain("********");
    expect(audit?.a).not.toContain("s3cr3t");
  });

  it("is for admins only", async () => {
    const member = await createUserToken("member@portal.test");
    const as = { authorization: `Bearer ${member}` };
    expectError(await callJson("GET", "/v1/integrations", undefined, as), 403);
    expectError(await callJson("POST", "/v1/integrations", body("m1"), as), 403);
    expectError(await callJson("POST", "/v1/integrations/sec1/sync", undefined, as), 403);
    expectError(await callJson("POST", "/v1/integrations/sec1/dry-run", undefined, as), 403);
  });

  it("answers 404 and 409 where they apply", async () => {
    expectError(await callJson("GET", "/v1/integrations/none"), 404);
    expectError(await callJson("POST", "/v1/integrations", body("sec1")), 409);
    await createIntegration({
      identifier: "hook1",
      title: "Hook",
      type: "webhook",
      config: {},
      mapping: { resources: [{ kind: "event", port: { entity: { mappings: { identifier: ".id", blueprint: `"${BP}"` } } } }] },
    });
    expectError(await callJson("POST", "/v1/integrations/hook1/sync"), 409);
  });

  it("is described in the OpenAPI document, the ingest endpoint without a bearer token", async () => {
    const doc = await callJson<{ paths: Record<string, Record<string, { security?: unknown[] }>> }>("GET", "/v1/openapi.json");
    const paths = Object.keys(doc.body.paths);
    for (const p of [
      "/integrations",
      "/integrations/{identifier}",
      "/integrations/{identifier}/sync",
      "/integrations/{identifier}/dry-run",
    ]) {
      expect(paths).toContain(p);
    }
    expect(doc.body.paths["/ingest/{key}"]?.post?.security).toEqual([]);
  });

  it("deletes an integration but keeps its entities", async () => {
    await scenario("del1", { items: [{ id: "kept-1", name: "Kept", lang: "ts" }] });
    await createIntegration(body("del1"));
    await syncThroughQueue("del1");
    expect((await call("DELETE", "/v1/integrations/del1")).status).toBe(200);
    expectError(await callJson("GET", "/v1/integrations/del1"), 404);
    expect(await identifiersOf(BP)).toContain("kept-1");
  });
});

describe("dry run", () => {
  it("shows what would be created, updated and deleted, and writes nothing", async () => {
    await scenario("dry1", { items: items(5, "dry") });
    await createIntegration(body("dry1"));
    await syncThroughQueue("dry1");
    const changed = items(5, "dry").slice(0, 4);
    (changed[0] as Json).lang = "ts";
    (changed[1] as Json).lang = "cobol";
    await scenario("dry1", { items: [...changed, { id: "dry-new", name: "New", lang: "go" }] });
    const audits = async () => (await env.DB.prepare("SELECT count(*) AS n FROM audit_log").first<{ n: number }>())?.n;
    const before = await audits();
    const res = await callJson<{ dryRun: Json }>("POST", "/v1/integrations/dry1/dry-run");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.dryRun).toMatchObject({
      fetched: 5,
      readAll: true,
      counts: { create: 1, update: 1, unchanged: 2, delete: 1, failed: 1 },
      create: [{ blueprint: BP, identifier: "dry-new" }],
      update: [{ blueprint: BP, identifier: "dry-0", fields: ["properties.lang"] }],
      delete: [{ blueprint: BP, identifier: "dry-4" }],
      failed: [{ path: `${BP}/dry-1`, message: expect.stringMatching(/properties\.lang: must be one of go, ts/) }],
      deletion: "A sync would delete 1 of 5 owned entities.",
    });
    expect(await audits()).toBe(before);
    expect(await identifiersOf(BP)).not.toContain("dry-new");

    // A mapping being tried out, before it is saved; and a refusal foretold.
    await scenario("dry1", { items: items(1, "dry") });
    const tried = await callJson<{ dryRun: { counts: Json; deletion: string } }>("POST", "/v1/integrations/dry1/dry-run", {
      mapping: itemMapping(BP, { title: '"Renamed " + .name' }),
    });
    expect(tried.body.dryRun.counts).toMatchObject({ update: 1, delete: 4 });
    expect(tried.body.dryRun.deletion).toMatch(/would REFUSE to delete these 4 of 5/);
    expectError(await callJson("POST", "/v1/integrations/dry1/dry-run", { mapping: { resources: [] } }), 400, "mapping.resources");
  });
});
