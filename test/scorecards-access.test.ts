import { beforeAll, describe, expect, it } from "vitest";
import { callJson, createUserToken } from "./helpers";

// Who sees and who manages scorecards: a reader limited to their team's entities (ownedByTeam read) sees only
// those in results, counts, search and the `scorecards` field; only admins and the blueprint's moderators
// manage scorecards and exemptions.

type Json = Record<string, unknown>;
type Actor = "alice" | "bob" | "mod" | "othermod" | "admin";
type Overview = { levels: { title: string; count: number }[]; entities: { identifier: string }[] };
type Scores = { level: string };

const BP = "svc";
const SC = `/v1/blueprints/${BP}/scorecards`;
const tokens: Partial<Record<Actor, string>> = {};

function as(actor: Actor): Record<string, string> {
  if (actor === "admin") return {};
  const token = tokens[actor];
  if (!token) throw new Error(`no token for ${actor}`);
  return { authorization: `Bearer ${token}` };
}

function req<T = Json>(actor: Actor, method: string, path: string, body?: unknown) {
  return callJson<T>(method, path, body, as(actor));
}

async function ok(method: string, path: string, body: unknown, status = 201): Promise<void> {
  const r = await callJson(method, path, body);
  expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(status);
}

const cond = (...conditions: unknown[]) => ({ combinator: "and", conditions });
const scorecard = (identifier: string) => ({
  identifier,
  title: identifier,
  levels: [{ title: "Basic" }, { title: "Bronze" }, { title: "Silver" }],
  rules: [
    { identifier: "go", title: "Go", level: "Bronze", query: cond({ property: "lang", operator: "=", value: "go" }) },
    { identifier: "runbook", title: "Runbook", level: "Silver", query: cond({ property: "runbook", operator: "isNotEmpty" }) },
  ],
});

async function overview(actor: Actor, query = ""): Promise<Overview> {
  const r = await req<Overview>(actor, "GET", `${SC}/readiness/results${query}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

const counts = (o: Overview) => Object.fromEntries(o.levels.map((l) => [l.title, l.count]));
const ids = (o: { entities: { identifier: string }[] }) => o.entities.map((e) => e.identifier).sort();

beforeAll(async () => {
  await ok("POST", "/v1/teams", { name: "alpha" });
  await ok("POST", "/v1/teams", { name: "beta" });
  await ok("POST", "/v1/blueprints", {
    identifier: BP,
    title: "Service",
    schema: { properties: { lang: { type: "string" }, runbook: { type: "string" } }, required: [] },
  });
  await ok("POST", "/v1/blueprints", { identifier: "other", title: "Other", schema: { properties: {} } });
  const entities = [
    { identifier: "a-gold", team: ["alpha"], properties: { lang: "go", runbook: "r" } },
    { identifier: "a-basic", team: ["alpha"], properties: { lang: "py" } },
    { identifier: "b-silver", team: ["beta"], properties: { lang: "go", runbook: "r" } },
    { identifier: "b-bronze", team: ["beta"], properties: { lang: "go" } },
    { identifier: "nobody", properties: { lang: "go" } },
  ];
  for (const e of entities) await ok("POST", `/v1/blueprints/${BP}/entities`, e);
  await ok("POST", SC, scorecard("readiness"));
  // Reads: the owning team only; writes: admins and moderators (no team grants, so no read through writes).
  await ok(
    "PATCH",
    `/v1/blueprints/${BP}/permissions`,
    {
      entities: {
        read: { roles: ["Admin"], users: [], teams: [], ownedByTeam: true },
        register: { roles: ["Admin", `${BP}-moderator`], users: [], teams: [], ownedByTeam: false },
        update: { roles: ["Admin", `${BP}-moderator`], users: [], teams: [], ownedByTeam: false },
        unregister: { roles: ["Admin", `${BP}-moderator`], users: [], teams: [], ownedByTeam: false },
      },
    },
    200,
  );
  tokens.alice = await createUserToken("alice@portal.test", { roles: ["Member"], teams: ["alpha"] });
  tokens.bob = await createUserToken("bob@portal.test", { roles: ["Member"], teams: [] });
  tokens.mod = await createUserToken("mod@portal.test", { roles: ["Member", `${BP}-moderator`], teams: [] });
  tokens.othermod = await createUserToken("othermod@portal.test", { roles: ["Member", "other-moderator"], teams: ["alpha"] });
  await ok("POST", `${SC}/readiness/exemptions`, { rule: "runbook", entity: "b-bronze", reason: "beta's secret reason" });
});

describe("reading results", () => {
  it("the admin sees every entity", async () => {
    const o = await overview("admin");
    expect(ids(o)).toEqual(["a-basic", "a-gold", "b-bronze", "b-silver", "nobody"]);
    expect(counts(o)).toEqual({ Basic: 1, Bronze: 1, Silver: 3 });
  });

  it("a team-scoped reader sees only their team's entities, in rows and counts", async () => {
    const o = await overview("alice");
    expect(ids(o)).toEqual(["a-basic", "a-gold"]);
    expect(counts(o)).toEqual({ Basic: 1, Bronze: 0, Silver: 1 });
    // Asking for another team's entities gives nothing rather than leaking them.
    const beta = await overview("alice", "?team=beta");
    expect(ids(beta)).toEqual([]);
    expect(counts(beta)).toEqual({ Basic: 0, Bronze: 0, Silver: 0 });
    expect(ids(await overview("alice", "?team=alpha"))).toEqual(["a-basic", "a-gold"]);
  });

  it("a reader without any read scope gets no results (403)", async () => {
    const r = await req("bob", "GET", `${SC}/readiness/results`);
    expect(r.status).toBe(403);
  });

  it("the scorecards field is on the entities the reader may read, and those only", async () => {
    const mine = await req<{ entity: { scorecards?: Record<string, Scores> } }>("alice", "GET", `/v1/blueprints/${BP}/entities/a-gold`);
    expect(mine.status).toBe(200);
    expect(mine.body.entity.scorecards?.readiness).toMatchObject({ level: "Silver" });
    for (const id of ["b-silver", "nobody"]) {
      const theirs = await req<Json>("alice", "GET", `/v1/blueprints/${BP}/entities/${id}`);
      expect([403, 404]).toContain(theirs.status);
      expect(JSON.stringify(theirs.body)).not.toContain("Silver");
      expect(JSON.stringify(theirs.body)).not.toContain("scorecards");
    }
  });

  it("search by level returns only readable entities", async () => {
    const r = await req<{ entities: { identifier: string }[] }>("alice", "POST", `/v1/blueprints/${BP}/entities/search`, {
      query: { combinator: "and", rules: [{ scorecard: "readiness", operator: "in", value: ["Silver", "Bronze", "Basic"] }] },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(ids(r.body)).toEqual(["a-basic", "a-gold"]);
  });

  it("exemptions of entities the reader may not read are not listed to them", async () => {
    const r = await req<{ exemptions: { identifier: string; reason: string }[] }>("alice", "GET", `${SC}/readiness/exemptions`);
    expect(r.status).toBe(200);
    expect(r.body.exemptions.map((e) => e.identifier)).not.toContain("b-bronze");
    expect(JSON.stringify(r.body)).not.toContain("beta's secret reason");
    const admin = await req<{ exemptions: { identifier: string }[] }>("admin", "GET", `${SC}/readiness/exemptions`);
    expect(admin.body.exemptions.map((e) => e.identifier)).toEqual(["b-bronze"]);
  });

  it("history counts, like the results counts, cover only entities the reader may read", async () => {
    const h = await req<{ days: { levelIndex: number; n: number }[] }>("alice", "GET", `${SC}/readiness/history`);
    expect(h.status).toBe(200);
    const fromHistory = [0, 1, 2].map((i) => h.body.days.find((d) => d.levelIndex === i)?.n ?? 0);
    expect(fromHistory).toEqual(Object.values(counts(await overview("alice"))));
  });

  it("members may list and get scorecard definitions", async () => {
    expect((await req("alice", "GET", "/v1/scorecards")).status).toBe(200);
    expect((await req("alice", "GET", SC)).status).toBe(200);
    expect((await req("alice", "GET", `${SC}/readiness`)).status).toBe(200);
  });
});

describe("managing scorecards", () => {
  it("a Member may not create, replace or delete a scorecard (403), and nothing changes", async () => {
    expect((await req("alice", "POST", SC, scorecard("by_alice"))).status).toBe(403);
    expect((await req("alice", "PUT", `${SC}/readiness`, { ...scorecard("readiness"), title: "Hijacked" })).status).toBe(403);
    expect((await req("alice", "DELETE", `${SC}/readiness`)).status).toBe(403);
    const got = await callJson<{ scorecard: { title: string } }>("GET", `${SC}/readiness`);
    expect(got.body.scorecard.title).toBe("readiness");
    expect((await callJson("GET", `${SC}/by_alice`)).status).toBe(404);
  });

  it("a Member may not grant or remove exemptions (403)", async () => {
    expect((await req("alice", "POST", `${SC}/readiness/exemptions`, { rule: "go", entity: "a-basic", reason: "mine" })).status).toBe(403);
    expect((await req("alice", "DELETE", `${SC}/readiness/exemptions/runbook/b-bronze`)).status).toBe(403);
    const a = await callJson<{ entity: { scorecards: Record<string, Scores> } }>("GET", `/v1/blueprints/${BP}/entities/a-basic`);
    expect(a.body.entity.scorecards.readiness?.level).toBe("Basic");
    const b = await callJson<{ entity: { scorecards: Record<string, Scores> } }>("GET", `/v1/blueprints/${BP}/entities/b-bronze`);
    expect(b.body.entity.scorecards.readiness?.level).toBe("Silver");
  });

  it("another blueprint's moderator may not manage this blueprint's scorecards (403)", async () => {
    expect((await req("othermod", "POST", SC, scorecard("by_othermod"))).status).toBe(403);
    expect((await req("othermod", "POST", "/v1/blueprints/other/scorecards", { identifier: "o", title: "o" })).status).toBe(201);
  });

  it("the blueprint's moderator may create, replace, exempt and delete", async () => {
    const created = await req<{ scorecard: { version: number } }>("mod", "POST", SC, scorecard("by_mod"));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const put = await req("mod", "PUT", `${SC}/by_mod`, { ...scorecard("by_mod"), title: "By the moderator" });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const ex = await req("mod", "POST", `${SC}/by_mod/exemptions`, { rule: "go", entity: "a-basic", reason: "moderated" });
    expect(ex.status, JSON.stringify(ex.body)).toBe(201);
    expect((await req("mod", "DELETE", `${SC}/by_mod/exemptions/go/a-basic`)).status).toBe(200);
    expect((await req("mod", "DELETE", `${SC}/by_mod`)).status).toBe(200);
  });

  it("a caller without a token gets a 401", async () => {
    const r = await callJson("POST", SC, scorecard("anon"), { authorization: "" });
    expect(r.status).toBe(401);
    expect((await callJson("GET", `${SC}/readiness/results`, undefined, { authorization: "" })).status).toBe(401);
  });
});
