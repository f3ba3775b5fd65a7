import { beforeAll, describe, expect, it } from "vitest";
import { callJson, createUserToken } from "./helpers";

type Found = { entities: { identifier: string; properties: Record<string, unknown> }[]; total: number };
let member = "";
const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  const admin = async (method: string, path: string, body?: unknown) => {
    const r = await callJson(method, path, body);
    expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  };
  await admin("POST", "/v1/teams", { name: "alpha" });
  await admin("POST", "/v1/blueprints", {
    identifier: "vault",
    title: "Vault",
    schema: { properties: { tier: { type: "string" }, secret: { type: "string" } } },
  });
  await admin("PATCH", "/v1/blueprints/vault/permissions", { entities: { read: { roles: ["Admin"] } } });
  await admin("POST", "/v1/blueprints", {
    identifier: "pub",
    title: "Public",
    schema: { properties: { tier: { type: "string" } } },
    relations: { v: { target: "vault", required: false, many: false } },
    mirrorProperties: { leak: { path: "v.secret" } },
  });
  await admin("POST", "/v1/blueprints/vault/entities/bulk", {
    entities: Array.from({ length: 5 }, (_, i) => ({ identifier: `s${i}`, properties: { tier: "gold", secret: `pw${i}` } })),
  });
  await admin("POST", "/v1/blueprints/pub/entities", {
    identifier: "p1",
    team: "alpha",
    properties: { tier: "gold" },
    relations: { v: "s3" },
  });
  await admin("POST", "/v1/blueprints/pub/entities", { identifier: "p2", properties: { tier: "silver" } });
  member = await createUserToken("member@example.com", { teams: ["alpha"] });
});

describe("search never reaches what the caller may not read", () => {
  it("a cross-blueprint total counts only readable blueprints", async () => {
    const r = await callJson<Found>(
      "POST",
      "/v1/entities/search",
      { query: { combinator: "and", rules: [{ property: "tier", operator: "=", value: "gold" }] } },
      as(member),
    );
    expect(r.status).toBe(200);
    expect(r.body.entities.map((e) => e.identifier)).toEqual(["p1"]);
    expect(r.body.total).toBe(1);
    const secret = await callJson<{ error: { code: string } }>(
      "POST",
      "/v1/entities/search",
      { query: { combinator: "and", rules: [{ property: "secret", operator: "beginsWith", value: "pw3" }] } },
      as(member),
    );
    expect(secret.status).toBe(400);
    expect(secret.body.error.code).toBe("invalid_query");
  });

  it("a mirror shows no value of an entity the reader may not read, and cannot be filtered on it", async () => {
    const own = await callJson<{ entity: { properties: Record<string, unknown> } }>(
      "GET",
      "/v1/blueprints/pub/entities/p1",
      undefined,
      as(member),
    );
    expect(own.body.entity.properties.leak).toBeNull();
    const asAdmin = await callJson<{ entity: { properties: Record<string, unknown> } }>("GET", "/v1/blueprints/pub/entities/p1");
    expect(asAdmin.body.entity.properties.leak).toBe("pw3");
    const probe = await callJson<Found>(
      "POST",
      "/v1/blueprints/pub/entities/search",
      { query: { combinator: "and", rules: [{ property: "leak", operator: "=", value: "pw3" }] } },
      as(member),
    );
    expect(probe.body.entities).toEqual([]);
    const list = await callJson<Found>("GET", "/v1/blueprints/pub/entities", undefined, as(member));
    expect(list.body.entities.find((e) => e.identifier === "p1")?.properties.leak).toBeNull();
  });
});

describe("bad input is a 4xx, never a 500", () => {
  it("too many rules answer 400", async () => {
    const rules = Array.from({ length: 30 }, () => ({ property: "tier", operator: "=", value: "gold" }));
    const r = await callJson<{ error: { code: string } }>("POST", "/v1/blueprints/pub/entities/search", {
      query: { combinator: "and", rules },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("invalid_query");
  });

  it("many team-scoped blueprints still search", async () => {
    for (let i = 0; i < 50; i++) {
      await callJson("POST", "/v1/blueprints", { identifier: `scoped${i}`, title: `Scoped ${i}` });
      await callJson("PATCH", `/v1/blueprints/scoped${i}/permissions`, { entities: { read: { roles: ["Admin"], ownedByTeam: true } } });
    }
    const r = await callJson<Found>("POST", "/v1/entities/search", {}, as(member));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const text = await callJson("GET", "/v1/search?q=p1", undefined, as(member));
    expect(text.status).toBe(200);
  });

  it("odd include fields and control characters in free text", async () => {
    expect((await callJson("POST", "/v1/entities/search", { include: ["version.x", "$identifier"] })).status).toBe(200);
    expect((await callJson("POST", "/v1/entities/search", { exclude: ["version.x"] })).status).toBe(200);
    expect((await callJson("GET", "/v1/search?q=a%00bc")).status).toBe(400);
  });
});

describe("$team emptiness", () => {
  it("isEmpty and isNotEmpty look at owning teams", async () => {
    const find = async (operator: string) =>
      (
        await callJson<Found>("POST", "/v1/blueprints/pub/entities/search", {
          query: { combinator: "and", rules: [{ property: "$team", operator }] },
        })
      ).body.entities.map((e) => e.identifier);
    expect(await find("isNotEmpty")).toEqual(["p1"]);
    expect(await find("isEmpty")).toEqual(["p2"]);
  });
});

describe("explain", () => {
  it("does not show the owners of an entity the asker may not read", async () => {
    const r = await callJson<{ allowed: boolean; owners: unknown }>(
      "GET",
      "/v1/access/explain?blueprint=vault&entity=s3&verb=read",
      undefined,
      as(member),
    );
    expect(r.status).toBe(200);
    expect(r.body.allowed).toBe(false);
    expect(r.body.owners).toBeNull();
    const own = await callJson<{ allowed: boolean; owners: unknown }>(
      "GET",
      "/v1/access/explain?blueprint=pub&entity=p1&verb=read",
      undefined,
      as(member),
    );
    expect(own.body.owners).toEqual(["alpha"]);
  });
});
