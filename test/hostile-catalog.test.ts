import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check, expectApiAnswer, expectEscaped, expectPageAnswer, runs, send, Tally, timeoutFor } from "./hostile/checks";
import { entityProblems, hostileBlueprint, storedViolations } from "./hostile/conformance";
import { admin, adminBrowser, createFixtureBlueprint, identifiers, withFreshIdentifiers } from "./hostile/fixtures";
import {
  hostileBody,
  hostilePathSegment,
  hostileString,
  INJECTIONS,
  type Json,
  unescapedPayloads,
  type WireBody,
} from "./hostile/generators";

// Hostile input against the catalog's write endpoints: blueprints (create, replace, change, permissions),
// entities (create/upsert, replace, change with If-Match, bulk, delete). Every answer must be < 500 with
// the error shape; every accepted entity must satisfy its blueprint (re-read through the API, and at the
// end every stored row through SQL), and pages showing the stored values must escape them.

const tally = new Tally();
const BP = hostileBlueprint("hx_service", "hx_team");
const ENTITY = "/v1/blueprints/hx_service/entities";
const freshEntity = identifiers("hx-e");
const freshBlueprint = identifiers("hx_bp");

const validEntity: Json = {
  identifier: "hx-new",
  title: "A title",
  icon: "Service",
  team: ["alpha"],
  properties: {
    name: "cart",
    lang: "go",
    replicas: 3,
    homepage: "https://example.com/a",
    email: "a@example.com",
    since: "2026-01-31T12:00:00Z",
    tags: ["a", "b"],
    on: true,
    meta: { a: 1 },
    notes: "**bold**",
    code: "abc",
    free: "text",
  },
  relations: { owner: "t1", deps: ["hx-seed"] },
};

const validBlueprint: Json = {
  identifier: "hx_bp_new",
  title: "New",
  description: "d",
  icon: "Blueprint",
  schema: {
    properties: {
      s: { type: "string", title: "S", enum: ["a", "b"], enumColors: { a: "red" } },
      n: { type: "number", minimum: 0, maximum: 9 },
      d: { type: "string", format: "date-time" },
      l: { type: "array", items: { type: "string", format: "url" }, minItems: 0, maxItems: 3, uniqueItems: true },
      p: { type: "string", pattern: "^[a-z]+$", minLength: 1, maxLength: 8, default: "abc" },
    },
    required: ["s"],
  },
  relations: { team: { title: "Team", target: "hx_team", required: false, many: false } },
  mirrorProperties: { teamTitle: { path: "team.$title" } },
  calculationProperties: { c: { calculation: ".properties.n", type: "number" } },
  ownership: { type: "Direct" },
};

// Mostly well-formed flags (so the body is what gets tested), sometimes not.
const flag = fc.oneof(
  { arbitrary: fc.constantFrom(undefined, "true", "false", "1", "0"), weight: 9 },
  { arbitrary: fc.constantFrom("yes", "TRUE", "", "%00"), weight: 1 },
);
const writeQuery = fc
  .record({
    upsert: flag,
    merge: flag,
    create_missing_related_entities: flag,
    run_id: fc.option(hostileString, { nil: undefined, freq: 20 }),
  })
  .map((q) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, v.slice(0, 200));
    const s = params.toString();
    return s ? `?${s}` : "";
  });

const ifMatch = fc.constantFrom(
  undefined,
  '"1"',
  "1",
  'W/"1"',
  "*",
  "",
  '"0"',
  '"-1"',
  '"1.5"',
  '"abc"',
  '"99999999999999999999"',
  '"<script>"',
);

/** What hono/jsx does to text and attribute values. */
function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

/** Re-reads an accepted entity through the API and checks it against the blueprint; then its page. */
async function verifyStored(identifier: string): Promise<void> {
  tally.accepted += 1;
  const read = await send("GET", `${ENTITY}/${encodeURIComponent(identifier)}`, undefined);
  const body = await expectApiAnswer(read, tally, `GET entity ${identifier}`);
  expect(read.status).toBe(200);
  const problems = entityProblems(BP, (body.entity as { properties: Json }).properties);
  tally.blueprintViolations += problems.length;
  expect(problems, `entity ${identifier} violates its blueprint`).toEqual([]);
  const page = await (await adminBrowser()).page(`/blueprints/hx_service/entities/${encodeURIComponent(identifier)}`);
  expect(page.status).toBe(200);
  expectEscaped(page.html, tally, `entity page ${identifier}`);
}

beforeAll(async () => {
  await admin("POST", "/v1/teams", { name: "alpha" });
  await admin("POST", "/v1/blueprints", { identifier: "hx_team", title: "Team <i>x</i>" });
  await admin("POST", "/v1/blueprints/hx_team/entities", { identifier: "t1", title: '"><img src=x onerror=alert("xss-2")>' });
  await createFixtureBlueprint(BP);
  await admin("POST", ENTITY, { ...validEntity, identifier: "hx-seed", relations: { owner: "t1", deps: [] } });
  await admin("POST", ENTITY, { ...validEntity, identifier: "hx-target", relations: {} });
  await admin("POST", "/v1/blueprints", { identifier: "hx_scratch", title: "Scratch" });
});

afterAll(() => {
  console.log(tally.summary("catalog"));
});

describe("blueprints", () => {
  it(
    "POST /v1/blueprints: hostile bodies never 5xx; accepted ones render escaped",
    async () => {
      const arb = hostileBody(validBlueprint).map((w) => withFreshIdentifiers(w, "hx_bp_new", freshBlueprint));
      await check(arb, runs(400), async (wire) => {
        tally.count("POST /v1/blueprints");
        const res = await send("POST", "/v1/blueprints", wire);
        const body = await expectApiAnswer(res, tally, "POST /v1/blueprints");
        if (res.status !== 201) return;
        const id = (body.blueprint as { identifier: string }).identifier;
        const page = await (await adminBrowser()).page(`/blueprints/${encodeURIComponent(id)}`);
        expect(page.status).toBe(200);
        expectEscaped(page.html, tally, `blueprint page ${id}`);
        // Every request reads every blueprint definition: dozens of hostile ones would slow the rest down.
        const removed = await send("DELETE", `/v1/blueprints/${encodeURIComponent(id)}`, undefined);
        expect((await expectApiAnswer(removed, tally, `DELETE blueprint ${id}`)).ok).toBe(true);
      });
    },
    timeoutFor(60_000),
  );

  it(
    "PUT and PATCH /v1/blueprints/{id}: hostile bodies and If-Match never 5xx",
    async () => {
      const arb = fc.tuple(fc.constantFrom("PUT", "PATCH"), hostileBody({ ...validBlueprint, identifier: "hx_scratch" }), ifMatch);
      await check(arb, runs(300), async ([method, wire, match]) => {
        tally.count(`${method} /v1/blueprints/{id}`);
        const res = await send(method, "/v1/blueprints/hx_scratch", wire, match === undefined ? {} : { "if-match": match });
        await expectApiAnswer(res, tally, `${method} /v1/blueprints/hx_scratch`);
      });
    },
    timeoutFor(40_000),
  );

  it(
    "PATCH /v1/blueprints/{id}/permissions: hostile grants never 5xx",
    async () => {
      const valid = {
        entities: {
          read: { roles: ["Admin", "Member"], users: ["a@b.c"], teams: ["alpha"], ownedByTeam: false },
          update: { roles: ["Admin"], ownedByTeam: true },
          updateProperties: { s: { roles: ["Member"] } },
          updateRelations: { team: { teams: ["alpha"] } },
        },
      };
      await check(hostileBody(valid), runs(300), async (wire) => {
        tally.count("PATCH /v1/blueprints/{id}/permissions");
        const res = await send("PATCH", "/v1/blueprints/hx_scratch/permissions", wire);
        await expectApiAnswer(res, tally, "PATCH permissions");
      });
    },
    timeoutFor(30_000),
  );
});

describe("entities", () => {
  it(
    "POST entities (create, upsert, merge): hostile bodies never 5xx; accepted rows satisfy the blueprint and render escaped",
    async () => {
      const arb = fc.tuple(
        hostileBody(validEntity).map((w) => withFreshIdentifiers(w, "hx-new", freshEntity)),
        writeQuery,
      );
      await check(arb, runs(500), async ([wire, query]) => {
        tally.count("POST /v1/blueprints/{bp}/entities");
        const res = await send("POST", `${ENTITY}${query}`, wire);
        const body = await expectApiAnswer(res, tally, "POST entity");
        if (res.status === 200 || res.status === 201) await verifyStored((body.entity as { identifier: string }).identifier);
      });
    },
    timeoutFor(90_000),
  );

  it(
    "injection strings in every free-text field are stored as given and rendered escaped",
    async () => {
      const arb = fc.record({
        title: hostileString.map((s) => s.slice(0, 1000)),
        free: hostileString,
        notes: hostileString,
        meta: fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
        tags: fc.array(
          hostileString.map((s) => s.slice(0, 300)),
          { maxLength: 5 },
        ),
      });
      await check(arb, runs(40), async ({ title, free, notes, meta, tags }) => {
        tally.count("POST /v1/blueprints/{bp}/entities (payload in every text field)");
        const identifier = freshEntity();
        const properties = { ...(validEntity.properties as Json), free, notes, meta, tags };
        const res = await send("POST", ENTITY, { json: { ...validEntity, identifier, title, properties } });
        const body = await expectApiAnswer(res, tally, "POST entity with payloads");
        expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(201);
        const stored = body.entity as { title: string; properties: Json };
        expect(stored.title).toBe(title);
        expect(stored.properties).toMatchObject({ free, notes, tags });
        await verifyStored(identifier);
      });
    },
    timeoutFor(40_000),
  );

  it(
    "PUT and PATCH entities with If-Match: hostile bodies never 5xx; accepted rows satisfy the blueprint",
    async () => {
      const arb = fc.tuple(fc.constantFrom("PUT", "PATCH"), hostileBody({ ...validEntity, identifier: "hx-target" }), ifMatch);
      await check(arb, runs(300), async ([method, wire, match]) => {
        tally.count(`${method} /v1/blueprints/{bp}/entities/{id}`);
        const res = await send(method, `${ENTITY}/hx-target`, wire, match === undefined ? {} : { "if-match": match });
        await expectApiAnswer(res, tally, `${method} entity`);
        if (res.status === 200) await verifyStored("hx-target");
      });
    },
    timeoutFor(60_000),
  );

  it(
    "POST entities/bulk: hostile lists never 5xx; each accepted entity satisfies the blueprint",
    async () => {
      const fresh = (w: WireBody) => withFreshIdentifiers(w, "hx-new", freshEntity);
      const listOf = fc.array(hostileBody(validEntity).map(fresh), { minLength: 1, maxLength: 6 }).map((items) => ({
        json: { entities: items.map((w) => ("json" in w ? w.json : w.text)) },
      }));
      const arb = fc.tuple(
        fc.oneof({ arbitrary: listOf, weight: 3 }, { arbitrary: hostileBody({ entities: [validEntity] }).map(fresh), weight: 1 }),
        writeQuery,
      );
      await check(arb, runs(250), async ([wire, query]) => {
        tally.count("POST /v1/blueprints/{bp}/entities/bulk");
        const res = await send("POST", `${ENTITY}/bulk${query}`, wire);
        const body = await expectApiAnswer(res, tally, "POST bulk");
        if (res.status !== 200 && res.status !== 207) return;
        for (const e of body.entities as { identifier: string }[]) await verifyStored(e.identifier);
      });
    },
    timeoutFor(90_000),
  );

  it(
    "GET, PATCH and DELETE with hostile identifiers and queries in the URL never 5xx",
    async () => {
      const arb = fc.tuple(
        fc.constantFrom("GET", "PATCH", "DELETE"),
        hostilePathSegment,
        hostilePathSegment,
        fc.constantFrom("", "?delete_dependents=%00", "?include_related=<script>", "?limit=-1&cursor=%FF"),
      );
      await check(arb, runs(300), async ([method, bp, id, query]) => {
        tally.count(`${method} /v1/blueprints/{hostile}/entities/{hostile}`);
        const target = id === "hx-seed" || id === "hx-target" ? "nope" : id;
        const res = await send(
          method,
          `/v1/blueprints/${bp}/entities/${target}${query}`,
          method === "PATCH" ? { json: { title: "x" } } : undefined,
        );
        await expectApiAnswer(res, tally, `${method} hostile URL`);
      });
    },
    timeoutFor(30_000),
  );
});

describe("what was stored", () => {
  it("every stored row satisfies its blueprint and every relation row points at an entity of the right blueprint (SQL)", async () => {
    const violations = await storedViolations(BP);
    tally.blueprintViolations += violations.length;
    expect(violations).toEqual([]);
  });

  it("the blueprint table, catalog and audit pages escape the stored payloads", async () => {
    const browser = await adminBrowser();
    for (const path of ["/blueprints/hx_service", "/blueprints/hx_team", "/catalog", "/audit", "/"]) {
      const res = await browser.page(path);
      expect(res.status, path).toBe(200);
      expectEscaped(res.html, tally, path);
    }
    const fragment = await send("GET", "/blueprints/hx_service?q=%3Cscript%3E", undefined, {
      authorization: "",
      cookie: browser.cookie,
      "hx-request": "true",
    });
    await expectPageAnswer(fragment, tally, "blueprint table fragment");
  });

  it("the detectors catch what they look for (so a pass means something)", () => {
    expect(unescapedPayloads('<a href="javascript:alert(1)">x</a>')).not.toEqual([]);
    for (const payload of INJECTIONS.filter((i) => i.includes("xss-") && i.includes("<"))) {
      expect(unescapedPayloads(`<p>${payload}</p>`), payload).not.toEqual([]);
      expect(unescapedPayloads(`<p title="${escapeHtml(payload)}">${escapeHtml(payload)}</p>`), payload).toEqual([]);
    }
    expect(
      entityProblems(BP, { name: "", lang: "java", replicas: 101, homepage: "javascript:alert(1)", tags: [1], extra: 1 }),
    ).toHaveLength(6);
    expect(entityProblems(BP, {})).toEqual(["name: required"]);
  });

  it("the suite tried what it promises", () => {
    expect(tally.total).toBeGreaterThanOrEqual(runs(2390));
    expect(tally.serverErrors).toBe(0);
    expect(tally.accepted, "some hostile writes must be accepted, or the render checks prove nothing").toBeGreaterThan(50);
    expect(tally.pagesWithEscapedPayload, "pages must have shown payloads (escaped)").toBeGreaterThan(50);
  });
});
