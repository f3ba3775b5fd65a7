import { describe, expect, it } from "vitest";
import { blueprintBody, call, callJson } from "./helpers";

interface Detail {
  path: string;
  message: string;
}
interface ErrorBody {
  ok: false;
  error: { code: string; message: string; details: Detail[]; requestId?: string };
}
type Blueprint = Record<string, unknown> & {
  identifier: string;
  title: string;
  version: number;
  schema: { properties: Record<string, Record<string, unknown>>; required: string[] };
  relations: Record<string, unknown>;
};
interface BlueprintResponse {
  ok: true;
  blueprint: Blueprint;
}
interface AuditEntry {
  action: string;
  resourceType: string;
  context: { blueprint: string | null; entity: string | null };
  diff: { before: Record<string, unknown> | null; after: Record<string, unknown> | null };
}

/** Asserts Port's error shape with exactly the given detail paths (in order). */
function expectError(r: { status: number; body: unknown }, status: number, code: string, paths: string[]): ErrorBody["error"] {
  const body = r.body as ErrorBody;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(body.ok).toBe(false);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(Array.isArray(body.error.details)).toBe(true);
  expect(body.error.details.map((d) => d.path)).toEqual(paths);
  for (const d of body.error.details) {
    expect(typeof d.message).toBe("string");
    expect(d.message.length).toBeGreaterThan(0);
  }
  return body.error;
}

/** A 400 invalid_input naming exactly one offending field; the summary message starts with its path. */
function expectInvalid(r: { status: number; body: unknown }, path: string): Detail {
  const error = expectError(r, 400, "invalid_input", [path]);
  expect(error.message.startsWith(path ? `${path}: ` : "")).toBe(true);
  return error.details[0] as Detail;
}

function create(body: Record<string, unknown>) {
  return callJson<BlueprintResponse>("POST", "/v1/blueprints", body);
}

function withProps(identifier: string, properties: Record<string, unknown>, required: string[] = []) {
  return blueprintBody(identifier, { schema: { properties, required } });
}

describe("blueprints API", () => {
  it('creates a blueprint (201, ETag "1"), reads it back, lists it with entityCount, and refuses a duplicate (409)', async () => {
    const body = withProps("bp_create", { lang: { type: "string", title: "Language" } }, ["lang"]);
    const created = await create({ ...body, icon: "Service", description: "Things we run" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.headers.get("etag")).toBe('"1"');
    expect(created.body.ok).toBe(true);
    expect(created.body.blueprint).toMatchObject({
      identifier: "bp_create",
      title: "bp_create",
      icon: "Service",
      description: "Things we run",
      schema: { properties: { lang: { type: "string", title: "Language" } }, required: ["lang"] },
      relations: {},
      mirrorProperties: {},
      calculationProperties: {},
      aggregationProperties: {},
      formulaProperties: {},
      version: 1,
      createdBy: "admin@portal.test",
      updatedBy: "admin@portal.test",
    });
    expect(typeof created.body.blueprint.createdAt).toBe("string");

    const got = await callJson<BlueprintResponse>("GET", "/v1/blueprints/bp_create");
    expect(got.status).toBe(200);
    expect(got.headers.get("etag")).toBe('"1"');
    expect(got.body).toEqual({ ok: true, blueprint: created.body.blueprint });

    const listed = await callJson<{ ok: true; blueprints: (Blueprint & { entityCount: number })[] }>("GET", "/v1/blueprints");
    expect(listed.status).toBe(200);
    expect(listed.body.blueprints.find((b) => b.identifier === "bp_create")).toEqual({ ...created.body.blueprint, entityCount: 0 });

    const entity = await callJson("POST", "/v1/blueprints/bp_create/entities", {
      identifier: "e1",
      title: "E1",
      properties: { lang: "Go" },
    });
    expect(entity.status, JSON.stringify(entity.body)).toBe(201);
    const listed2 = await callJson<{ blueprints: (Blueprint & { entityCount: number })[] }>("GET", "/v1/blueprints");
    expect(listed2.body.blueprints.find((b) => b.identifier === "bp_create")?.entityCount).toBe(1);

    const dup = await create(body);
    const error = expectError(dup, 409, "conflict", []);
    expect(error.message).toContain("bp_create");
    const after = await callJson<BlueprintResponse>("GET", "/v1/blueprints/bp_create");
    expect(after.body.blueprint.version).toBe(1);
  });

  it("accepts Port's JSON as is: derived sections, ownership and read-only fields", async () => {
    expect((await create(blueprintBody("port_system"))).status).toBe(201);
    const portJson = {
      identifier: "port_service",
      title: "Service",
      icon: "Microservice",
      description: "A microservice",
      schema: {
        properties: {
          language: {
            type: "string",
            title: "Language",
            icon: "Git",
            enum: ["Go", "Node"],
            enumColors: { Go: "blue", Node: "green" },
          },
          readme: { type: "string", format: "markdown", title: "README" },
          openapi: { type: "string", format: "url", spec: "open-api", title: "API spec" },
        },
        required: ["language"],
      },
      relations: {
        system: { title: "System", target: "port_system", required: false, many: false },
      },
      mirrorProperties: { systemName: { title: "System name", path: "system.$title" } },
      calculationProperties: {
        link: { title: "Link", calculation: "'https://example.com/' + .identifier", type: "string", format: "url" },
      },
      aggregationProperties: {
        openIncidents: {
          title: "Open incidents",
          type: "number",
          target: "port_system",
          calculationSpec: { calculationBy: "entities", func: "count" },
        },
      },
      formulaProperties: { score: { title: "Score", formula: "1 + 1" } },
      ownership: { type: "Direct" },
      changelogDestination: {},
      createdAt: "2023-01-01T00:00:00.000Z",
      createdBy: "someone@example.com",
      updatedAt: "2023-02-01T00:00:00.000Z",
      updatedBy: "someone-else@example.com",
    };
    const r = await create(portJson);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const expected = {
      identifier: "port_service",
      title: "Service",
      icon: "Microservice",
      description: "A microservice",
      schema: portJson.schema,
      relations: portJson.relations,
      mirrorProperties: portJson.mirrorProperties,
      calculationProperties: portJson.calculationProperties,
      aggregationProperties: portJson.aggregationProperties,
      formulaProperties: portJson.formulaProperties,
      ownership: { type: "Direct" },
      version: 1,
      createdBy: "admin@portal.test",
      updatedBy: "admin@portal.test",
    };
    expect(r.body.blueprint).toMatchObject(expected);
    // Read-only fields are ignored, not stored.
    expect(r.body.blueprint.createdAt).not.toBe(portJson.createdAt);
    expect(r.body.blueprint.updatedAt).not.toBe(portJson.updatedAt);

    const got = await callJson<BlueprintResponse>("GET", "/v1/blueprints/port_service");
    expect(got.status).toBe(200);
    expect(got.body.blueprint).toMatchObject(expected);
    expect(got.body.blueprint.createdAt).toBe(r.body.blueprint.createdAt);
  });

  it("accepts every property type and every format", async () => {
    const properties = {
      s: { type: "string" },
      n: { type: "number", minimum: 0, maximum: 10 },
      b: { type: "boolean", default: true },
      o: { type: "object" },
      a: { type: "array", items: { type: "string" }, minItems: 0, maxItems: 5, uniqueItems: true },
      dt: { type: "string", format: "date-time" },
      u: { type: "string", format: "url" },
      em: { type: "string", format: "email" },
      v4: { type: "string", format: "ipv4" },
      v6: { type: "string", format: "ipv6" },
      md: { type: "string", format: "markdown" },
      y: { type: "string", format: "yaml" },
      usr: { type: "string", format: "user" },
      tm: { type: "string", format: "team" },
      tmr: { type: "string", format: "timer" },
      lu: { type: "object", format: "labeled-url" },
    };
    const r = await create(withProps("types_all", properties));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.blueprint.schema).toEqual({ properties, required: [] });
    const got = await callJson<BlueprintResponse>("GET", "/v1/blueprints/types_all");
    expect(got.body.blueprint.schema).toEqual({ properties, required: [] });
  });

  it("rejects an unknown string format at schema.properties.<key>.format", async () => {
    const r = await create(withProps("fmt_unknown", { f: { type: "string", format: "phone-number" } }));
    const d = expectInvalid(r, "schema.properties.f.format");
    expect(d.message).toContain("phone-number");
    expect((await callJson("GET", "/v1/blueprints/fmt_unknown")).status).toBe(404);
  });

  it("rejects a string format on a number property", async () => {
    const r = await create(withProps("fmt_number", { n: { type: "number", format: "date-time" } }));
    expectInvalid(r, "schema.properties.n.format");
  });

  it("rejects enum values that do not fit the property's type", async () => {
    const r = await create(withProps("enum_type", { x: { type: "string", enum: ["a", 2, "c"] } }));
    expectInvalid(r, "schema.properties.x.enum.1");
    const n = await create(withProps("enum_type", { x: { type: "number", enum: [1, 2, "three"] } }));
    expectInvalid(n, "schema.properties.x.enum.2");
  });

  it("rejects array items enum values that do not fit the items type", async () => {
    const r = await create(withProps("items_enum_type", { xs: { type: "array", items: { type: "number", enum: ["x"] } } }));
    expectInvalid(r, "schema.properties.xs.items.enum.0");
    expect((await callJson("GET", "/v1/blueprints/items_enum_type")).status).toBe(404);
  });

  it("rejects an enumColors key that is not an enum value", async () => {
    const r = await create(withProps("enum_colors", { x: { type: "string", enum: ["a", "b"], enumColors: { a: "red", c: "blue" } } }));
    const d = expectInvalid(r, "schema.properties.x.enumColors.c");
    expect(d.message).toContain("'c'");
  });

  it("rejects an invalid regular expression pattern", async () => {
    const r = await create(withProps("bad_regex", { x: { type: "string", pattern: "([a-z" } }));
    const d = expectInvalid(r, "schema.properties.x.pattern");
    expect(d.message).toContain("regular expression");
    const ok = await create(withProps("good_regex", { x: { type: "string", pattern: "^[a-z]+$" } }));
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  });

  it("rejects minLength on a number property", async () => {
    const r = await create(withProps("minlen_number", { x: { type: "number", minLength: 1 } }));
    expectInvalid(r, "schema.properties.x.minLength");
  });

  it("rejects minimum greater than maximum", async () => {
    const r = await create(withProps("min_gt_max", { x: { type: "number", minimum: 10, maximum: 1 } }));
    expectInvalid(r, "schema.properties.x.minimum");
  });

  it("rejects a default that violates the property", async () => {
    const r = await create(withProps("bad_default", { x: { type: "string", enum: ["a", "b"], default: "c" } }));
    expectInvalid(r, "schema.properties.x.default");
    const n = await create(withProps("bad_default", { n: { type: "number", maximum: 5, default: 6 } }));
    expectInvalid(n, "schema.properties.n.default");
    const e = await create(withProps("bad_default", { e: { type: "string", format: "email", default: "not-an-email" } }));
    expectInvalid(e, "schema.properties.e.default");
    const ok = await create(withProps("bad_default", { x: { type: "string", enum: ["a", "b"], default: "b" } }));
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  });

  it("accepts array items with a format and rejects items with a wrong one", async () => {
    const ok = await create(
      withProps("items_fmt", {
        urls: { type: "array", items: { type: "string", format: "url" } },
        links: { type: "array", items: { type: "object", format: "labeled-url" } },
      }),
    );
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.blueprint.schema.properties.urls).toEqual({ type: "array", items: { type: "string", format: "url" } });
    const bad = await create(withProps("items_fmt_bad", { xs: { type: "array", items: { type: "string", format: "nope" } } }));
    expectInvalid(bad, "schema.properties.xs.items.format");
    const badNum = await create(withProps("items_fmt_bad", { xs: { type: "array", items: { type: "number", format: "email" } } }));
    expectInvalid(badNum, "schema.properties.xs.items.format");
  });

  it("rejects required naming an undefined property", async () => {
    const r = await create(withProps("req_ghost", { a: { type: "string" } }, ["ghost"]));
    const d = expectInvalid(r, "schema.required.0");
    expect(d.message).toContain("'ghost'");
  });

  it("rejects a relation that is both many and required", async () => {
    const r = await create(blueprintBody("rel_many_req", { relations: { deps: { target: "rel_many_req", many: true, required: true } } }));
    expectInvalid(r, "relations.deps");
  });

  it("rejects a relation to a blueprint that does not exist", async () => {
    const r = await create(blueprintBody("rel_missing", { relations: { owner: { target: "nowhere_bp" } } }));
    const d = expectInvalid(r, "relations.owner.target");
    expect(d.message).toContain("'nowhere_bp'");
    expect((await callJson("GET", "/v1/blueprints/rel_missing")).status).toBe(404);
  });

  it("accepts a self-relation", async () => {
    const r = await create(blueprintBody("rel_self", { relations: { parent: { title: "Parent", target: "rel_self" } } }));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.blueprint.relations).toEqual({ parent: { title: "Parent", target: "rel_self", required: false, many: false } });
  });

  it("rejects a relation whose name collides with a property", async () => {
    const r = await create(
      blueprintBody("rel_collide", {
        schema: { properties: { owner: { type: "string" } }, required: [] },
        relations: { owner: { target: "rel_collide" } },
      }),
    );
    const d = expectInvalid(r, "relations.owner");
    expect(d.message).toContain("schema.properties.owner");
  });

  it("allows letters, digits and @_.+:\\/- in identifiers", async () => {
    const id = "Az09@_.+:\\/-x";
    const r = await create(blueprintBody(id));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.blueprint.identifier).toBe(id);
    const got = await callJson<BlueprintResponse>("GET", `/v1/blueprints/${encodeURIComponent(id)}`);
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    expect(got.body.blueprint.identifier).toBe(id);
  });

  it("rejects '.' and '..' as identifiers", async () => {
    expectInvalid(await create(blueprintBody(".")), "identifier");
    expectInvalid(await create(blueprintBody("..")), "identifier");
  });

  it("accepts a 100-character identifier and rejects 101 characters", async () => {
    const ok = await create(blueprintBody("a".repeat(100)));
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const d = expectInvalid(await create(blueprintBody("b".repeat(101))), "identifier");
    expect(d.message).toContain("100");
  });

  it("rejects an identifier with a space", async () => {
    expectInvalid(await create(blueprintBody("has space")), "identifier");
  });

  it("rejects a property key with a dot", async () => {
    expectInvalid(await create(withProps("key_dot", { "a.b": { type: "string" } })), "schema.properties.a.b");
  });

  it("rejects an unknown top-level field, naming it in the path", async () => {
    const r = await create(blueprintBody("unknown_field", { colour: "red" }));
    const d = expectInvalid(r, "colour");
    expect(d.message).toContain("colour");
  });

  it('PUT replaces the blueprint (version 2, ETag "2")', async () => {
    expect((await create(withProps("put_bp", { a: { type: "string" } }, ["a"]))).status).toBe(201);
    const r = await callJson<BlueprintResponse>(
      "PUT",
      "/v1/blueprints/put_bp",
      { identifier: "put_bp", title: "Replaced", schema: { properties: { b: { type: "number" } }, required: [] } },
      { "if-match": '"1"' },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.headers.get("etag")).toBe('"2"');
    expect(r.body.blueprint).toMatchObject({ identifier: "put_bp", title: "Replaced", version: 2 });
    expect(r.body.blueprint.schema).toEqual({ properties: { b: { type: "number" } }, required: [] });
    const got = await callJson<BlueprintResponse>("GET", "/v1/blueprints/put_bp");
    expect(got.headers.get("etag")).toBe('"2"');
    expect(got.body.blueprint).toEqual(r.body.blueprint);
  });

  it("PUT with a stale If-Match answers 412 version_mismatch", async () => {
    expect((await create(blueprintBody("put_stale"))).status).toBe(201);
    const first = await callJson("PUT", "/v1/blueprints/put_stale", blueprintBody("put_stale", { title: "Two" }));
    expect(first.status).toBe(200);
    const stale = await callJson("PUT", "/v1/blueprints/put_stale", blueprintBody("put_stale", { title: "Three" }), {
      "if-match": '"1"',
    });
    const error = expectError(stale, 412, "version_mismatch", []);
    expect(error.message).toContain("version 2");
    const got = await callJson<BlueprintResponse>("GET", "/v1/blueprints/put_stale");
    expect(got.body.blueprint).toMatchObject({ title: "Two", version: 2 });
  });

  it("PUT cannot change a property's type in place", async () => {
    expect((await create(withProps("put_type", { size: { type: "string" } }))).status).toBe(201);
    const r = await callJson("PUT", "/v1/blueprints/put_type", withProps("put_type", { size: { type: "number" } }));
    expectInvalid(r, "schema.properties.size.type");
    const got = await callJson<BlueprintResponse>("GET", "/v1/blueprints/put_type");
    expect(got.body.blueprint.schema.properties.size).toEqual({ type: "string" });
    expect(got.body.blueprint.version).toBe(1);
  });

  it("PUT refuses a body identifier different from the URL", async () => {
    expect((await create(blueprintBody("put_rename"))).status).toBe(201);
    const r = await callJson("PUT", "/v1/blueprints/put_rename", blueprintBody("put_other"));
    expectInvalid(r, "identifier");
    expect((await callJson("GET", "/v1/blueprints/put_other")).status).toBe(404);
  });

  it("PATCH merges schema.properties by key; null removes a property and its entity values", async () => {
    const props = { a: { type: "string" }, b: { type: "string" }, c: { type: "number" } };
    expect((await create(withProps("patch_bp", props, ["a"]))).status).toBe(201);
    const ent = await callJson<{ entity: { properties: Record<string, unknown>; version: number } }>(
      "POST",
      "/v1/blueprints/patch_bp/entities",
      { identifier: "p1", title: "P1", properties: { a: "keep", b: "drop", c: 3 } },
    );
    expect(ent.status, JSON.stringify(ent.body)).toBe(201);

    const r = await callJson<BlueprintResponse>("PATCH", "/v1/blueprints/patch_bp", {
      title: "Patched",
      schema: { properties: { b: null, d: { type: "boolean" }, c: { type: "number", title: "C" } } },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.headers.get("etag")).toBe('"2"');
    expect(r.body.blueprint.title).toBe("Patched");
    expect(r.body.blueprint.version).toBe(2);
    expect(r.body.blueprint.schema).toEqual({
      properties: { a: { type: "string" }, c: { type: "number", title: "C" }, d: { type: "boolean" } },
      required: ["a"],
    });

    const e = await callJson<{ entity: { properties: Record<string, unknown> } }>("GET", "/v1/blueprints/patch_bp/entities/p1");
    expect(e.status).toBe(200);
    expect(e.body.entity.properties).toEqual({ a: "keep", c: 3 });
    expect((e.body.entity as { version?: number }).version).toBe(2);
    // The entity's change is audited like any other update.
    const audit = await callJson<{ audits: { diff: { before: { properties: unknown }; after: { properties: unknown } } }[] }>(
      "GET",
      "/v1/audit-log?blueprint=patch_bp&entity=p1&action=UPDATE",
    );
    expect(audit.body.audits).toHaveLength(1);
    expect(audit.body.audits[0]?.diff.before.properties).toEqual({ a: "keep", b: "drop", c: 3 });
    expect(audit.body.audits[0]?.diff.after.properties).toEqual({ a: "keep", c: 3 });
  });

  it("PATCH replaces schema.required when given", async () => {
    const props = { a: { type: "string" }, b: { type: "string" } };
    expect((await create(withProps("patch_req", props, ["a", "b"]))).status).toBe(201);
    const r = await callJson<BlueprintResponse>("PATCH", "/v1/blueprints/patch_req", { schema: { required: ["b"] } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.blueprint.schema).toEqual({ properties: props, required: ["b"] });
    const bad = await callJson("PATCH", "/v1/blueprints/patch_req", { schema: { required: ["zzz"] } });
    expectInvalid(bad, "schema.required.0");
  });

  it("refuses to make a default-free property required while an entity lacks it", async () => {
    expect((await create(withProps("req_missing", { owner: { type: "string" }, tier: { type: "string" } }))).status).toBe(201);
    const e = await callJson("POST", "/v1/blueprints/req_missing/entities", { identifier: "m1", properties: { tier: "gold" } });
    expect(e.status, JSON.stringify(e.body)).toBe(201);
    const r = await callJson("PATCH", "/v1/blueprints/req_missing", { schema: { required: ["owner"] } });
    const d = expectInvalid(r, "schema.required.0");
    expect(d.message).toContain("'owner'");
    // A property every entity has may become required.
    const ok = await callJson<BlueprintResponse>("PATCH", "/v1/blueprints/req_missing", { schema: { required: ["tier"] } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.blueprint.schema.required).toEqual(["tier"]);
  });

  it("DELETE refuses a blueprint with entities, and with delete_entities=true deletes and audits them", async () => {
    expect((await create(withProps("del_bp", { a: { type: "string" } }))).status).toBe(201);
    for (const id of ["d1", "d2"]) {
      const e = await callJson("POST", "/v1/blueprints/del_bp/entities", { identifier: id, properties: { a: id } });
      expect(e.status, JSON.stringify(e.body)).toBe(201);
    }
    const refused = await callJson("DELETE", "/v1/blueprints/del_bp");
    const error = expectError(refused, 409, "conflict", []);
    expect(error.message).toContain("2 entities");
    expect((await callJson("GET", "/v1/blueprints/del_bp/entities/d1")).status).toBe(200);

    const r = await callJson("DELETE", "/v1/blueprints/del_bp?delete_entities=true");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ ok: true, deletedEntities: 2 });
    expectError(await callJson("GET", "/v1/blueprints/del_bp/entities/d1"), 404, "not_found", []);
    expectError(await callJson("GET", "/v1/blueprints/del_bp/entities/d2"), 404, "not_found", []);
    expectError(await callJson("GET", "/v1/blueprints/del_bp"), 404, "not_found", []);

    const audit = await callJson<{ audits: AuditEntry[] }>("GET", "/v1/audit-log?blueprint=del_bp&action=DELETE");
    expect(audit.status).toBe(200);
    const rows = audit.body.audits.map((a) => ({ action: a.action, resourceType: a.resourceType, entity: a.context.entity }));
    expect(rows).toHaveLength(3);
    expect(rows).toEqual(
      expect.arrayContaining([
        { action: "DELETE", resourceType: "blueprint", entity: null },
        { action: "DELETE", resourceType: "entity", entity: "d1" },
        { action: "DELETE", resourceType: "entity", entity: "d2" },
      ]),
    );
    const bpRow = audit.body.audits.find((a) => a.resourceType === "blueprint");
    expect(bpRow?.diff.after).toBeNull();
    expect(bpRow?.diff.before).toMatchObject({ identifier: "del_bp", version: 1 });
    const d1Row = audit.body.audits.find((a) => a.context.entity === "d1");
    expect(d1Row?.diff.after).toBeNull();
    expect(d1Row?.diff.before).toMatchObject({ identifier: "d1", blueprint: "del_bp", properties: { a: "d1" } });
  });

  it("DELETE refuses a blueprint another blueprint relates to, naming the referrer", async () => {
    expect((await create(blueprintBody("del_target"))).status).toBe(201);
    expect((await create(blueprintBody("del_referrer", { relations: { dep: { target: "del_target" } } }))).status).toBe(201);
    const r = await callJson("DELETE", "/v1/blueprints/del_target");
    const error = expectError(r, 409, "conflict", ["del_referrer.relations.dep"]);
    expect(error.details[0]?.message).toContain("del_referrer");
    expect((await callJson("GET", "/v1/blueprints/del_target")).status).toBe(200);
  });

  it("answers a body that is not JSON with 400 invalid_json", async () => {
    const r = await callJson("POST", "/v1/blueprints", '{"identifier": "broken",');
    const error = expectError(r, 400, "invalid_json", [""]);
    expect(error.message).toContain("line 1");
  });

  it("names line and column of a typographic quote in a pasted blueprint", async () => {
    const text = "{\n \u201cidentifier\u201d: \u201cResource\u201d,\n \u201ctitle\u201d: \u201cResource\u201d\n}";
    const r = await callJson("POST", "/v1/blueprints", text);
    const error = expectError(r, 400, "invalid_json", [""]);
    expect(error.message).toContain("line 2, column 2");
    expect(error.message).toContain("typographic quote");
    expect(error.message).toContain("U+201C");
    expect((await callJson("GET", "/v1/blueprints/Resource")).status).toBe(404);
  });

  it("answers a JSON body sent as text/plain with 415", async () => {
    const r = await callJson("POST", "/v1/blueprints", JSON.stringify(blueprintBody("plain_text")), { "content-type": "text/plain" });
    const error = expectError(r, 415, "unsupported_media_type", []);
    expect(error.message).toContain("text/plain");
    expect((await callJson("GET", "/v1/blueprints/plain_text")).status).toBe(404);
  });

  it("answers a body over 1 MiB with 413", async () => {
    const big = JSON.stringify(blueprintBody("too_big", { description: "x".repeat(1024 * 1024) }));
    const r = await callJson("POST", "/v1/blueprints", big);
    expectError(r, 413, "payload_too_large", []);
  });

  it("answers an unknown blueprint with 404", async () => {
    const r = await callJson("GET", "/v1/blueprints/no_such_blueprint");
    const error = expectError(r, 404, "not_found", []);
    expect(error.message).toContain("no_such_blueprint");
    const res = await call("DELETE", "/v1/blueprints/no_such_blueprint");
    expect(res.status).toBe(404);
  });

  it("audits blueprint CREATE and UPDATE with before and after", async () => {
    expect((await create(withProps("audit_bp", { a: { type: "string" } }))).status).toBe(201);
    const p = await callJson("PATCH", "/v1/blueprints/audit_bp", { title: "Audited" });
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    const r = await callJson<{ audits: AuditEntry[] }>("GET", "/v1/audit-log?resource_type=blueprint&blueprint=audit_bp");
    expect(r.status).toBe(200);
    expect(r.body.audits.map((a) => a.action)).toEqual(["UPDATE", "CREATE"]);
    const [update, created] = r.body.audits as [AuditEntry, AuditEntry];
    expect(created.resourceType).toBe("blueprint");
    expect(created.context).toEqual({ blueprint: "audit_bp", entity: null, runId: null });
    expect(created.diff.before).toBeNull();
    expect(created.diff.after).toMatchObject({
      identifier: "audit_bp",
      title: "audit_bp",
      version: 1,
      schema: { properties: { a: { type: "string" } } },
    });
    expect(update.diff.before).toMatchObject({ identifier: "audit_bp", title: "audit_bp", version: 1 });
    expect(update.diff.after).toMatchObject({ identifier: "audit_bp", title: "Audited", version: 2 });
  });
});
