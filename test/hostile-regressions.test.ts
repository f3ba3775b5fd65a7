import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { callJson } from "./helpers";
import { admin, adminBrowser } from "./hostile/fixtures";
import { postPairs } from "./hostile/forms";

// The 5xx the hostile suites found, each pinned by the smallest request that showed it.

type Found = { entities: { identifier: string }[] };

async function searchIds(blueprint: string, body: Record<string, unknown>): Promise<string[]> {
  const res = await callJson<Found>("POST", `/v1/blueprints/${blueprint}/entities/search`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.entities.map((e) => e.identifier);
}

const rule = (property: string, operator: string, value: unknown) => ({
  query: { combinator: "and", rules: [{ property, operator, value }] },
});

// D1 refuses LIKE patterns over 50 bytes ("LIKE or GLOB pattern too complex"): these texts are longer.
describe("texts longer than D1's 50-byte LIKE limit", () => {
  const LONG_TITLE = `Quarterly${"Reconciliation".repeat(5)}Service`;
  const LONG_FREE = `prefix-${"A".repeat(80)}-suffix_%`;

  beforeAll(async () => {
    await admin("POST", "/v1/blueprints", { identifier: "svc", title: "Service", schema: { properties: { free: { type: "string" } } } });
    await admin("POST", "/v1/blueprints/svc/entities", { identifier: "long", title: LONG_TITLE, properties: { free: LONG_FREE } });
    await admin("POST", "/v1/blueprints/svc/entities", { identifier: "short", title: "Short", properties: { free: "bb" } });
  });

  it("contains, endsWith and containsAny match long values case-insensitively and take % and _ literally", async () => {
    expect(await searchIds("svc", rule("free", "contains", "a".repeat(80)))).toEqual(["long"]);
    expect(await searchIds("svc", rule("free", "endsWith", `${"a".repeat(60)}-SUFFIX_%`))).toEqual(["long"]);
    expect(await searchIds("svc", rule("free", "endsWith", `${"a".repeat(60)}-suffix__`))).toEqual([]);
    expect(await searchIds("svc", rule("free", "containsAny", ["nothing", `${"A".repeat(70)}-suffix`]))).toEqual(["long"]);
    expect(await searchIds("svc", rule("free", "doesNotContains", "a".repeat(80)))).toEqual(["short"]);
    expect(await searchIds("svc", rule("free", "contains", "_%"))).toEqual(["long"]);
    expect(await searchIds("svc", rule("free", "endsWith", "B"))).toEqual(["short"]);
    expect(await searchIds("svc", rule("$title", "contains", LONG_TITLE.slice(3).toUpperCase()))).toEqual(["long"]);
  });

  it("free text whose first word is long finds its entity, and the table's text filter answers", async () => {
    const res = await callJson<{ groups: { entities: { identifier: string }[] }[] }>(
      "GET",
      `/v1/search?q=${LONG_TITLE.slice(0, 60).toLowerCase()}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.groups.flatMap((g) => g.entities.map((e) => e.identifier))).toContain("long");
    expect((await callJson("GET", `/v1/search?q=${LONG_TITLE.slice(0, 60)}%20ab`)).status).toBe(200);
    const table = await (await adminBrowser()).page(`/blueprints/svc?q=${"reconciliation".repeat(4)}`);
    expect(table.status).toBe(200);
    expect(table.html).toContain("/blueprints/svc/entities/long");
  });
});

// `blueprint.schema.properties["constructor"]` found Object.prototype's: rules on such names answered 500.
describe("names every object answers to", () => {
  const PROTO_KEYS = ["constructor", "__proto__", "toString", "valueOf", "hasOwnProperty"];

  beforeAll(async () => {
    await admin("POST", "/v1/blueprints", {
      identifier: "proto",
      title: "Proto",
      schema: { properties: { constructor: { type: "string" }, toString: { type: "number" }, plain: { type: "string" } } },
      relations: { valueOf: { target: "proto" } },
    });
    await admin("POST", "/v1/blueprints/proto/entities", {
      identifier: "p1",
      properties: { constructor: "c", toString: 5 },
      relations: { valueOf: "p1" },
    });
    await admin("POST", "/v1/blueprints/proto/entities", { identifier: "p2", properties: { plain: "x" } });
  });

  it("a rule, a sort or a scorecard on a property of that name that does not exist is a 400", async () => {
    for (const key of PROTO_KEYS.filter((k) => k !== "constructor" && k !== "toString" && k !== "valueOf")) {
      for (const operator of ["=", "contains", "in", "isEmpty"]) {
        const body = rule(key, operator, operator === "in" ? ["x"] : "x");
        for (const path of ["/v1/entities/search", "/v1/blueprints/proto/entities/search"]) {
          expect((await callJson("POST", path, body)).status, `${key} ${operator} on ${path}`).toBe(400);
        }
        const scorecard = {
          identifier: `sc_${key.replaceAll("_", "")}`,
          title: "S",
          rules: [{ identifier: "r", title: "r", level: "Gold", query: { combinator: "and", conditions: [body.query.rules[0]] } }],
        };
        expect((await callJson("POST", "/v1/blueprints/proto/scorecards", scorecard)).status, `scorecard on ${key} ${operator}`).toBe(400);
      }
      expect((await callJson("POST", "/v1/entities/search", { sort: { property: key } })).status).toBe(400);
    }
  });

  it("a date preset or a property comparison named so is a 400", async () => {
    for (const key of PROTO_KEYS) {
      expect((await callJson("POST", "/v1/entities/search", rule("$createdAt", "between", { preset: key }))).status, `preset ${key}`).toBe(
        400,
      );
      const compare = rule("toString", key, { property: "toString" });
      expect((await callJson("POST", "/v1/blueprints/proto/entities/search", compare)).status, `compare ${key}`).toBe(400);
    }
  });

  it("a blueprint may name its properties and relations so, and they work like any other", async () => {
    expect(await searchIds("proto", rule("constructor", "=", "c"))).toEqual(["p1"]);
    expect(await searchIds("proto", rule("toString", ">", 1))).toEqual(["p1"]);
    const p1 = await callJson<{ entity: { relations: Record<string, unknown> } }>("GET", "/v1/blueprints/proto/entities/p1");
    expect(p1.body.entity.relations, "a relation named valueOf keeps its value").toEqual({ valueOf: "p1" });
    const p2 = await callJson<{ entity: { relations: Record<string, unknown> } }>("GET", "/v1/blueprints/proto/entities/p2");
    expect(p2.body.entity.relations, "and is null when unset").toEqual({ valueOf: null });
    const sorted = await callJson<{ entities: Record<string, unknown>[] }>("POST", "/v1/blueprints/proto/entities/search", {
      sort: { property: "toString", order: "desc" },
      include: ["$identifier", "properties.constructor", "properties.hasOwnProperty"],
    });
    expect(sorted.status).toBe(200);
    expect(sorted.body.entities).toEqual([{ identifier: "p1", properties: { constructor: "c" } }, { identifier: "p2" }]);
    const table = await (await adminBrowser()).page("/blueprints/proto?f=constructor%3A%3D%3Ac&sort=toString");
    expect(table.status).toBe(200);
    expect(table.html).toContain("/blueprints/proto/entities/p1");
    expect(table.html).not.toContain("/blueprints/proto/entities/p2");
  });
});

// A multipart part the runtime cannot parse made formData() throw inside the CSRF check: a 500.
describe("form bodies the runtime cannot parse", () => {
  it("a multipart part without a name, or with control characters in its headers, is a 400 page", async () => {
    const browser = await adminBrowser();
    const empty = await postPairs("/settings/tokens", [["", "x"]], browser, true);
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("form data could not be read");
    const nul = await postPairs("/setup", [["email\u0000", "x"]], null, true);
    expect(nul.status).toBe(400);
  });

  it("a hand-written multipart body with a broken boundary is a 400, also on sign-in", async () => {
    const res = await exports.default.fetch(
      new Request("http://portal.test/login", {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=xyz", origin: "http://portal.test" },
        body: "--xyz\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--xyz--\r\n",
        redirect: "manual",
      }),
    );
    expect(res.status).toBe(400);
  });

  it("well-formed multipart and url-encoded posts still work (the parsed body is reused)", async () => {
    const browser = await adminBrowser();
    for (const multipart of [true, false]) {
      const res = await postPairs("/settings/tokens", [["name", `ci-${multipart}`]], browser, multipart);
      expect(res.status, await res.clone().text()).toBe(201);
    }
  });
});

// Backstage documents name their own kind: a kind such as `constructor` must not reach Object.prototype.
describe("Backstage kinds that are Object.prototype member names", () => {
  it("are kinds without built-in relations, not a crash", async () => {
    const { withRelations } = await import("../src/domain/integrations/sources/backstage-relations");
    for (const kind of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      const [entity] = withRelations([{ kind, metadata: { name: "x" }, spec: { owner: "team-a" } }]);
      expect(entity?.relations, kind).toEqual([]);
    }
  });
});
