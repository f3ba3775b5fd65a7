import { beforeAll, describe, expect, it } from "vitest";
import { blueprintBody, call, callJson, createUserToken } from "./helpers";

// Identity and access control, end to end: real users (invited, accepted, given client credentials),
// a blueprint with Port-shaped permissions, and a route × actor permission matrix.
//
// D1 is fresh per test FILE, and the tests below run in order: the read matrix comes first, then the
// writes that change the catalog (new entities, a deleted entity, changed permissions).

type Json = Record<string, unknown>;
type ErrorBody = { ok: false; error: { code: string; message: string; details: { path: string; message: string }[] } };
type Actor = "anon" | "alice" | "bob" | "mod" | "admin";
type Expected = Partial<Record<Actor, number>>;

const ALICE = "alice@portal.test";
const BOB = "bob@portal.test";
const MOD = "mod@portal.test";

const tokens: Partial<Record<Actor, string>> = {};

/** The headers that make a request come from `actor` (`call` adds the admin's token by default). */
function as(actor: Actor): Record<string, string> {
  if (actor === "admin") return {};
  if (actor === "anon") return { authorization: "" };
  const token = tokens[actor];
  if (!token) throw new Error(`no token for ${actor}`);
  return { authorization: `Bearer ${token}` };
}

function req<T = Json>(actor: Actor, method: string, path: string, body?: unknown) {
  return callJson<T & ErrorBody>(method, path, body, as(actor));
}

function ids(body: { entities?: { identifier: string }[] }): string[] {
  return (body.entities ?? []).map((e) => e.identifier).sort();
}

/** Invites a user, accepts the invitation through the form, and exchanges client credentials for a token. */
function makeUser(email: string, roles: string[] | undefined, teams: string[] | undefined): Promise<string> {
  return createUserToken(email, { ...(roles ? { roles } : {}), ...(teams ? { teams } : {}) });
}

async function ok(method: string, path: string, body: unknown, status = 201): Promise<void> {
  const r = await callJson(method, path, body);
  expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(status);
}

const SERVICE_PERMISSIONS = {
  entities: {
    read: { roles: ["Admin"], ownedByTeam: true },
    register: { roles: ["Admin", "service-moderator"], teams: ["alpha"] },
    update: { roles: ["Admin", "service-moderator"], ownedByTeam: true },
    unregister: { roles: ["Admin", "service-moderator"] },
  },
};

beforeAll(async () => {
  await ok("POST", "/v1/teams", { name: "alpha" });
  await ok("POST", "/v1/teams", { name: "beta" });
  await ok(
    "POST",
    "/v1/blueprints",
    blueprintBody("service", { schema: { properties: { replicas: { type: "number" }, lang: { type: "string" } }, required: [] } }),
  );
  await ok(
    "POST",
    "/v1/blueprints",
    blueprintBody("deploy", { relations: { service: { target: "service", many: false, required: false } } }),
  );
  await ok("POST", "/v1/blueprints/service/entities", { identifier: "svc-a", team: "alpha" });
  await ok("POST", "/v1/blueprints/service/entities", { identifier: "svc-b", team: "beta" });
  await ok("POST", "/v1/blueprints/service/entities", { identifier: "svc-none" });
  await ok("POST", "/v1/blueprints/deploy/entities", { identifier: "d-a", relations: { service: "svc-a" } });
  await ok("POST", "/v1/blueprints/deploy/entities", { identifier: "d-b", relations: { service: "svc-b" } });
  await ok("PATCH", "/v1/blueprints/service/permissions", SERVICE_PERMISSIONS, 200);

  tokens.alice = await makeUser(ALICE, undefined, ["alpha"]);
  tokens.bob = await makeUser(BOB, ["Member"], ["beta"]);
  tokens.mod = await makeUser(MOD, ["Member", "service-moderator"], undefined);
});

/** One row per actor of a route's expected statuses, as individual tests. */
function matrix(name: string, method: string, path: string | ((a: Actor) => string), expected: Expected, body?: (a: Actor) => unknown) {
  describe(`${method} ${typeof path === "string" ? path : name}`, () => {
    for (const [actor, status] of Object.entries(expected) as [Actor, number][]) {
      it(`${actor} → ${status}`, async () => {
        const p = typeof path === "string" ? path : path(actor);
        const r = await req(actor, method, p, body?.(actor));
        expect(r.status, JSON.stringify(r.body)).toBe(status);
      });
    }
  });
}

describe("fixture", () => {
  it("users have the roles and teams they were invited with", async () => {
    const r = await callJson<{ users: { email: string; roles: string[]; teams: string[]; status: string }[] }>("GET", "/v1/users");
    const byEmail = new Map(r.body.users.map((u) => [u.email, u]));
    expect(byEmail.get(ALICE)).toMatchObject({ roles: ["Member"], teams: ["alpha"], status: "active" });
    expect(byEmail.get(BOB)).toMatchObject({ roles: ["Member"], teams: ["beta"], status: "active" });
    expect(byEmail.get(MOD)).toMatchObject({ roles: ["Member", "service-moderator"], teams: [], status: "active" });
  });

  it("GET /v1/auth/me names the caller behind each token", async () => {
    for (const [actor, email] of [
      ["alice", ALICE],
      ["bob", BOB],
      ["mod", MOD],
    ] as const) {
      const r = await req<{ user: { email: string } }>(actor, "GET", "/v1/auth/me");
      expect(r.status).toBe(200);
      expect(r.body.user.email).toBe(email);
    }
  });
});

// Note on alice: the service permissions give `register` to team alpha (an unconditional team grant).
// Port documents that "assigning create, update, or delete permissions to a user or team will
// automatically grant them read permissions as well", and decisions.ts implements exactly that (any write
// grant implies read). So alice, a member of alpha, may read EVERY service entity, not only svc-a.
// Bob's only write grant is the ownedByTeam `update`, so bob is the actor who sees just his team's entity.
const SERVICE_READABLE: Record<Exclude<Actor, "anon">, string[]> = {
  alice: ["svc-a", "svc-b", "svc-none"],
  bob: ["svc-b"],
  mod: ["svc-a", "svc-b", "svc-none"],
  admin: ["svc-a", "svc-b", "svc-none"],
};

describe("reads are scoped to what each actor may read", () => {
  matrix("list blueprints", "GET", "/v1/blueprints", { anon: 401, alice: 200, bob: 200, mod: 200, admin: 200 });

  it.each(Object.entries(SERVICE_READABLE))(
    "GET /v1/blueprints: %s's entityCount of service counts only readable entities",
    async (actor, readable) => {
      const r = await req<{ blueprints: { identifier: string; entityCount: number }[] }>(actor as Actor, "GET", "/v1/blueprints");
      expect(r.status).toBe(200);
      const counts = Object.fromEntries(r.body.blueprints.map((b) => [b.identifier, b.entityCount]));
      expect(counts.service).toBe(readable.length);
      expect(counts.deploy).toBe(2); // deploy keeps the defaults: everyone reads
    },
  );

  it("GET /v1/blueprints: entity counts per actor are alice 3, bob 1, mod 3, admin 3", async () => {
    const counts: Record<string, number | undefined> = {};
    for (const actor of ["alice", "bob", "mod", "admin"] as const) {
      const r = await req<{ blueprints: { identifier: string; entityCount: number }[] }>(actor, "GET", "/v1/blueprints");
      counts[actor] = r.body.blueprints.find((b) => b.identifier === "service")?.entityCount;
    }
    expect(counts).toEqual({ alice: 3, bob: 1, mod: 3, admin: 3 });
  });

  matrix("list service entities", "GET", "/v1/blueprints/service/entities", { anon: 401, alice: 200, bob: 200, mod: 200, admin: 200 });

  it.each(Object.entries(SERVICE_READABLE))(
    "GET /v1/blueprints/service/entities as %s lists exactly the readable entities",
    async (actor, readable) => {
      const r = await req<{ entities: { identifier: string }[] }>(actor as Actor, "GET", "/v1/blueprints/service/entities");
      expect(r.status).toBe(200);
      expect(ids(r.body)).toEqual(readable);
    },
  );

  it("paging never leaks unreadable entities (bob, one per page)", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 5; i++) {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const r = await req<{ entities: { identifier: string }[]; next: string | null }>(
        "bob",
        "GET",
        `/v1/blueprints/service/entities?limit=1${q}`,
      );
      expect(r.status).toBe(200);
      seen.push(...ids(r.body));
      cursor = r.body.next;
      if (!cursor) break;
    }
    expect(seen).toEqual(["svc-b"]);
  });

  matrix("get svc-a", "GET", "/v1/blueprints/service/entities/svc-a", { anon: 401, alice: 200, bob: 403, mod: 200, admin: 200 });
  matrix("get svc-b", "GET", "/v1/blueprints/service/entities/svc-b", { anon: 401, alice: 200, bob: 200, mod: 200, admin: 200 });
  matrix("get svc-none", "GET", "/v1/blueprints/service/entities/svc-none", { alice: 200, bob: 403, mod: 200, admin: 200 });
  matrix("get svc-missing", "GET", "/v1/blueprints/service/entities/svc-missing", {
    anon: 401,
    alice: 404,
    bob: 404,
    mod: 404,
    admin: 404,
  });

  it("bob's 403 on svc-a says read is what is missing", async () => {
    const r = await req("bob", "GET", "/v1/blueprints/service/entities/svc-a");
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("forbidden");
    expect(r.body.error.message).toMatch(/read/);
  });

  it("the entity body returned to alice is svc-a itself", async () => {
    const r = await req<{ entity: { identifier: string; team: string[] } }>("alice", "GET", "/v1/blueprints/service/entities/svc-a");
    expect(r.status).toBe(200);
    expect(r.body.entity).toMatchObject({ identifier: "svc-a", team: ["alpha"] });
  });
});

type Related = { related: { outgoing: { identifier: string }[]; incoming: { identifier: string }[] } };
const idsOf = (links: { identifier: string }[]) => links.map((l) => l.identifier).sort();

describe("relation views only show readable entities", () => {
  it("alice: svc-a's incoming relations contain d-a", async () => {
    const r = await req<Related>("alice", "GET", "/v1/blueprints/service/entities/svc-a?include_related=true");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(idsOf(r.body.related.incoming)).toContain("d-a");
  });

  it("alice: d-b is readable (deploy defaults) and its outgoing svc-b is readable to her too (register grant implies read)", async () => {
    const r = await req<Related>("alice", "GET", "/v1/blueprints/deploy/entities/d-b?include_related=true");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(idsOf(r.body.related.outgoing)).toEqual(["svc-b"]);
  });

  it("bob: d-a is readable (deploy defaults) but its outgoing relation is empty (svc-a is not readable to bob)", async () => {
    const r = await req<Related>("bob", "GET", "/v1/blueprints/deploy/entities/d-a?include_related=true");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.related.outgoing).toEqual([]);
  });

  it("bob: d-b lists svc-b as outgoing", async () => {
    const r = await req<Related>("bob", "GET", "/v1/blueprints/deploy/entities/d-b?include_related=true");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(idsOf(r.body.related.outgoing)).toEqual(["svc-b"]);
  });

  it("bob: svc-b's incoming relations contain d-b and nothing else", async () => {
    const r = await req<Related>("bob", "GET", "/v1/blueprints/service/entities/svc-b?include_related=true");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(idsOf(r.body.related.incoming)).toEqual(["d-b"]);
  });
});

describe("catalog page counts only readable entities", () => {
  async function serviceCount(actor: Actor): Promise<number | undefined> {
    const res = await call("GET", "/catalog", undefined, as(actor));
    expect(res.status).toBe(200);
    const html = await res.text();
    const m = /<div class="muted small">service<\/div>[\s\S]*?<td class="num">(\d+)<\/td>/.exec(html);
    return m?.[1] === undefined ? undefined : Number(m[1]);
  }

  it.each([
    ["alice", 3],
    ["bob", 1],
    ["mod", 3],
    ["admin", 3],
  ] as const)("GET /catalog as %s shows service count %i", async (actor, count) => {
    expect(await serviceCount(actor)).toBe(count);
  });

  it("GET / anonymously redirects to sign in", async () => {
    const res = await call("GET", "/", undefined, as("anon"));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/login/);
  });
});

describe("GET /v1/access/explain", () => {
  it("alice about herself: update svc-a is allowed through the owning team", async () => {
    const r = await req<{ allowed: boolean; reason: string; user: string; owners: string[] }>(
      "alice",
      "GET",
      "/v1/access/explain?blueprint=service&entity=svc-a&verb=update",
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.allowed).toBe(true);
    expect(r.body.reason).toMatch(/owning team/);
    expect(r.body.user).toBe(ALICE);
    expect(r.body.owners).toEqual(["alpha"]);
  });

  it("alice may not ask about bob", async () => {
    const r = await req("alice", "GET", `/v1/access/explain?blueprint=service&entity=svc-a&verb=update&user=${encodeURIComponent(BOB)}`);
    expect(r.status, JSON.stringify(r.body)).toBe(403);
  });

  it("admin about bob: update svc-a is refused, with a reason", async () => {
    const r = await req<{ allowed: boolean; reason: string; user: string }>(
      "admin",
      "GET",
      `/v1/access/explain?blueprint=service&entity=svc-a&verb=update&user=${encodeURIComponent(BOB)}`,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.allowed).toBe(false);
    expect(r.body.user).toBe(BOB);
    expect(r.body.reason.length).toBeGreaterThan(0);
    expect(r.body.reason).toMatch(/update/);
  });

  it("a bad verb is a 400 at query.verb", async () => {
    const r = await req("alice", "GET", "/v1/access/explain?blueprint=service&entity=svc-a&verb=destroy");
    expect(r.status).toBe(400);
    expect(r.body.error.details.map((d) => d.path)).toContain("query.verb");
  });

  it("anonymous is a 401", async () => {
    expect((await req("anon", "GET", "/v1/access/explain?blueprint=service")).status).toBe(401);
  });
});

describe("admin-only routes", () => {
  matrix("audit log", "GET", "/v1/audit-log", { anon: 401, alice: 403, bob: 403, mod: 403, admin: 200 });
  matrix("apply template", "POST", "/v1/templates/sdlc/apply", { anon: 401, alice: 403, mod: 403 });
  matrix("invite", "POST", "/v1/users/invite", { anon: 401, alice: 403, mod: 403 }, () => ({ email: "eve@portal.test" }));
  matrix("promote bob", "PATCH", `/v1/users/${encodeURIComponent(BOB)}`, { anon: 401, alice: 403, bob: 403, mod: 403 }, () => ({
    roles: ["Admin"],
  }));
  matrix("create team", "POST", "/v1/teams", { anon: 401, alice: 403, mod: 403 }, () => ({ name: "gamma" }));
  matrix("create client", "POST", "/v1/auth/clients", { anon: 401, alice: 403, mod: 403 }, () => ({ name: "sneaky" }));
  matrix("list users", "GET", "/v1/users", { anon: 401, alice: 200, bob: 200, mod: 200, admin: 200 });
  matrix("list teams", "GET", "/v1/teams", { anon: 401, alice: 200, bob: 200, mod: 200, admin: 200 });

  it("bob is still a Member after alice's attempt to promote him", async () => {
    const r = await callJson<{ user: { roles: string[] } }>("GET", `/v1/users/${encodeURIComponent(BOB)}`);
    expect(r.body.user.roles).toEqual(["Member"]);
  });
});

describe("blueprint management", () => {
  matrix("create blueprint", "POST", "/v1/blueprints", { anon: 401, alice: 403, mod: 403, admin: 201 }, (a) =>
    blueprintBody(`made-by-${a}`),
  );
  matrix("change service", "PATCH", "/v1/blueprints/service", { anon: 401, alice: 403, bob: 403, mod: 200 }, () => ({ description: "x" }));
  matrix("change deploy", "PATCH", "/v1/blueprints/deploy", { mod: 403, admin: 200 }, () => ({ description: "y" }));

  it("DELETE a fresh empty blueprint: mod 403, alice 403, admin 200", async () => {
    await ok("POST", "/v1/blueprints", blueprintBody("scratch"));
    expect((await req("mod", "DELETE", "/v1/blueprints/scratch")).status).toBe(403);
    expect((await req("alice", "DELETE", "/v1/blueprints/scratch")).status).toBe(403);
    expect((await req("anon", "DELETE", "/v1/blueprints/scratch")).status).toBe(401);
    const r = await req("admin", "DELETE", "/v1/blueprints/scratch");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await req("admin", "GET", "/v1/blueprints/scratch")).status).toBe(404);
  });
});

describe("blueprint permissions routes", () => {
  matrix("get permissions", "GET", "/v1/blueprints/service/permissions", { anon: 401, alice: 403, bob: 403, mod: 200, admin: 200 });
  // The complete current read grant: these PATCHes must not alter the fixture.
  matrix(
    "patch permissions",
    "PATCH",
    "/v1/blueprints/service/permissions",
    { anon: 401, alice: 403, bob: 403, mod: 200, admin: 200 },
    () => ({
      entities: { read: { roles: ["Admin"], users: [], teams: [], ownedByTeam: true } },
    }),
  );
  matrix("deploy permissions as the service moderator", "GET", "/v1/blueprints/deploy/permissions", { mod: 403, admin: 200 });

  it("GET returns the stored grants, defaults filled in", async () => {
    const r = await req<{ permissions: { entities: Json } }>("mod", "GET", "/v1/blueprints/service/permissions");
    expect(r.status).toBe(200);
    expect(r.body.permissions.entities).toMatchObject({
      read: { roles: ["Admin"], users: [], teams: [], ownedByTeam: true },
      register: { roles: ["Admin", "service-moderator"], users: [], teams: ["alpha"], ownedByTeam: false },
      update: { roles: ["Admin", "service-moderator"], ownedByTeam: true },
      unregister: { roles: ["Admin", "service-moderator"], ownedByTeam: false },
      updateProperties: {},
      updateRelations: {},
    });
  });

  it("deploy keeps Port's defaults", async () => {
    const r = await req<{ permissions: { entities: Json } }>("admin", "GET", "/v1/blueprints/deploy/permissions");
    expect(r.body.permissions.entities).toMatchObject({
      read: { roles: ["Admin", "Member", "deploy-moderator"] },
      register: { roles: ["Admin", "deploy-moderator"] },
    });
  });

  it("a partial grant keeps the fields it omits (PATCH description: omitted fields keep their value)", async () => {
    const r = await req<{ permissions: { entities: { read: Json } } }>("admin", "PATCH", "/v1/blueprints/service/permissions", {
      entities: { read: { roles: ["Admin"] } },
    });
    // Put the fixture's read grant back whatever happened, so a failure here does not leak into later tests.
    const restored = await req("admin", "PATCH", "/v1/blueprints/service/permissions", { entities: SERVICE_PERMISSIONS.entities });
    expect(restored.status).toBe(200);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.permissions.entities.read).toEqual({ roles: ["Admin"], users: [], teams: [], ownedByTeam: true });
  });

  it("an unknown updateProperties key is a 400 at its path", async () => {
    const r = await req("admin", "PATCH", "/v1/blueprints/service/permissions", {
      entities: { updateProperties: { nope: { roles: ["Member"] } } },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.details.map((d) => d.path)).toContain("entities.updateProperties.nope");
  });

  it("permissions of a missing blueprint are a 404", async () => {
    expect((await req("admin", "GET", "/v1/blueprints/ghost/permissions")).status).toBe(404);
  });
});

describe("entity writes", () => {
  matrix(
    "register a service",
    "POST",
    "/v1/blueprints/service/entities",
    { anon: 401, alice: 201, bob: 403, mod: 201, admin: 201 },
    (a) => ({ identifier: `new-${a}`, team: "alpha", properties: { replicas: 1 } }),
  );

  it("bob's refused registration did not create anything", async () => {
    expect((await req("admin", "GET", "/v1/blueprints/service/entities/new-bob")).status).toBe(404);
  });

  matrix("update svc-a", "PATCH", "/v1/blueprints/service/entities/svc-a", { anon: 401, alice: 200, bob: 403, mod: 200 }, () => ({
    properties: { replicas: 2 },
  }));

  it("bob may update his own team's svc-b (ownedByTeam) but not create deploys (defaults)", async () => {
    expect((await req("bob", "PATCH", "/v1/blueprints/service/entities/svc-b", { properties: { replicas: 4 } })).status).toBe(200);
    expect((await req("bob", "POST", "/v1/blueprints/deploy/entities", { identifier: "d-bob" })).status).toBe(403);
  });

  it("DELETE svc-none: alice 403, bob 403, anon 401, then mod 200", async () => {
    const alice = await req("alice", "DELETE", "/v1/blueprints/service/entities/svc-none");
    expect(alice.status, `alice: ${JSON.stringify(alice.body)}`).toBe(403);
    const bob = await req("bob", "DELETE", "/v1/blueprints/service/entities/svc-none");
    expect(bob.status, `bob: ${JSON.stringify(bob.body)}`).toBe(403);
    expect((await req("anon", "DELETE", "/v1/blueprints/service/entities/svc-none")).status).toBe(401);
    const mod = await req<{ deleted: Json[] }>("mod", "DELETE", "/v1/blueprints/service/entities/svc-none");
    expect(mod.status, `mod: ${JSON.stringify(mod.body)}`).toBe(200);
    expect(mod.body.deleted).toEqual([{ blueprint: "service", identifier: "svc-none" }]);
  });

  it("bob and mod may not delete a deploy (defaults: Admin and deploy-moderator only); admin may", async () => {
    await ok("POST", "/v1/blueprints/deploy/entities", { identifier: "d-tmp", relations: { service: "svc-b" } });
    const bob = await req("bob", "DELETE", "/v1/blueprints/deploy/entities/d-tmp");
    expect(bob.status, `bob: ${JSON.stringify(bob.body)}`).toBe(403);
    const mod = await req("mod", "DELETE", "/v1/blueprints/deploy/entities/d-tmp");
    expect(mod.status, `mod: ${JSON.stringify(mod.body)}`).toBe(403);
    const admin = await req("admin", "DELETE", "/v1/blueprints/deploy/entities/d-tmp");
    expect(admin.status, `admin: ${JSON.stringify(admin.body)}`).toBe(200);
  });
});

describe("denials are audited", () => {
  type Audit = { action: string; trigger: { by: { userId: string } }; context: { entity: string | null } };

  it("the audit log (unfiltered) holds DENIED entries by alice", async () => {
    const r = await callJson<{ audits: Audit[] }>("GET", "/v1/audit-log?limit=1000");
    expect(r.status).toBe(200);
    const denied = r.body.audits.filter((a) => a.action === "DENIED" && a.trigger.by.userId === ALICE);
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.map((a) => a.context.entity)).toContain("GET /v1/audit-log");
  });

  it("GET /v1/audit-log?action=DENIED returns alice's denials", async () => {
    const r = await callJson<{ audits: Audit[] } & ErrorBody>("GET", "/v1/audit-log?action=DENIED&limit=1000");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.audits.length).toBeGreaterThan(0);
    expect(r.body.audits.every((a) => a.action === "DENIED")).toBe(true);
    expect(r.body.audits.some((a) => a.trigger.by.userId === ALICE)).toBe(true);
  });
});

describe("per-field update grants", () => {
  it("admin grants updateProperties.lang to team beta and read to Members", async () => {
    const r = await req<{ permissions: { entities: { read: Json; updateProperties: Json } } }>(
      "admin",
      "PATCH",
      "/v1/blueprints/service/permissions",
      { entities: { read: { roles: ["Admin", "Member"] }, updateProperties: { lang: { teams: ["beta"] } } } },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.permissions.entities.updateProperties).toEqual({ lang: { roles: [], users: [], teams: ["beta"], ownedByTeam: false } });
    expect(r.body.permissions.entities.read).toMatchObject({ roles: ["Admin", "Member"] });
  });

  it("bob now reads svc-a", async () => {
    expect((await req("bob", "GET", "/v1/blueprints/service/entities/svc-a")).status).toBe(200);
  });

  it("bob may change lang of svc-a", async () => {
    const r = await req<{ entity: { properties: Json } }>("bob", "PATCH", "/v1/blueprints/service/entities/svc-a", {
      properties: { lang: "go" },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.entity.properties).toMatchObject({ lang: "go", replicas: 2 });
  });

  it("bob may not change replicas of svc-a", async () => {
    const r = await req("bob", "PATCH", "/v1/blueprints/service/entities/svc-a", { properties: { replicas: 9 } });
    expect(r.status, JSON.stringify(r.body)).toBe(403);
  });

  it("bob may not change lang and replicas together", async () => {
    const r = await req("bob", "PATCH", "/v1/blueprints/service/entities/svc-a", { properties: { lang: "rust", replicas: 9 } });
    expect(r.status, JSON.stringify(r.body)).toBe(403);
  });

  it("bob may not change the title of svc-a", async () => {
    const r = await req("bob", "PATCH", "/v1/blueprints/service/entities/svc-a", { title: "x" });
    expect(r.status, JSON.stringify(r.body)).toBe(403);
  });

  it("svc-a kept replicas 2 and title, with lang go", async () => {
    const r = await req<{ entity: { title: string | null; properties: Json } }>("admin", "GET", "/v1/blueprints/service/entities/svc-a");
    expect(r.body.entity.properties).toMatchObject({ lang: "go", replicas: 2 });
    expect(r.body.entity.title).not.toBe("x");
  });

  it("alice (team alpha) has no lang grant but may still change lang through update (owning team)", async () => {
    const r = await req("alice", "PATCH", "/v1/blueprints/service/entities/svc-a", { properties: { lang: "ts" } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });
});

describe("inherited ownership", () => {
  beforeAll(async () => {
    await ok(
      "POST",
      "/v1/blueprints",
      blueprintBody("repo", {
        ownership: { type: "Inherited", path: "service" },
        relations: { service: { target: "service", many: false, required: false } },
      }),
    );
    await ok("PATCH", "/v1/blueprints/repo/permissions", { entities: { read: { roles: ["Admin"], ownedByTeam: true } } }, 200);
    await ok("POST", "/v1/blueprints/repo/entities", { identifier: "repo-a", relations: { service: "svc-a" } });
    await ok("POST", "/v1/blueprints/repo/entities", { identifier: "repo-b", relations: { service: "svc-b" } });
  });

  it.each([
    ["alice", ["repo-a"]],
    ["bob", ["repo-b"]],
    ["mod", []],
    ["admin", ["repo-a", "repo-b"]],
  ] as const)("%s lists repo → %j", async (actor, expected) => {
    const r = await req<{ entities: { identifier: string }[] }>(actor, "GET", "/v1/blueprints/repo/entities");
    if (expected.length === 0) {
      // No read grant at all and no team: refused outright.
      expect(r.status, JSON.stringify(r.body)).toBe(403);
      return;
    }
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(ids(r.body)).toEqual([...expected]);
  });

  it("entity counts follow the inherited owner", async () => {
    for (const [actor, n] of [
      ["alice", 1],
      ["bob", 1],
      ["admin", 2],
    ] as const) {
      const r = await req<{ blueprints: { identifier: string; entityCount: number }[] }>(actor, "GET", "/v1/blueprints");
      expect(r.body.blueprints.find((b) => b.identifier === "repo")?.entityCount, actor).toBe(n);
    }
  });

  matrix("get repo-b", "GET", "/v1/blueprints/repo/entities/repo-b", { alice: 403, bob: 200, admin: 200 });
  matrix("get repo-a", "GET", "/v1/blueprints/repo/entities/repo-a", { alice: 200, bob: 403 });

  it("svc-a's incoming relations: alice sees repo-a, bob does not", async () => {
    const alice = await req<Related>("alice", "GET", "/v1/blueprints/service/entities/svc-a?include_related=true");
    expect(idsOf(alice.body.related.incoming)).toEqual(["d-a", "repo-a"]);
    const bob = await req<Related>("bob", "GET", "/v1/blueprints/service/entities/svc-a?include_related=true");
    expect(idsOf(bob.body.related.incoming)).toEqual(["d-a"]);
  });
});
