import { beforeAll, describe, expect, it } from "vitest";
import { blueprintBody, callJson, createUserToken } from "./helpers";

// Search, end to end: Port's query language (every operator per property type, meta-properties,
// nesting, contextual values, relatedTo over a relation chain), keyset pagination, include/exclude,
// read scopes inside search, query errors with their paths, and free-text search.
//
// D1 is fresh per test FILE. The fixture is built once (as the admin) in beforeAll; tests that write
// (pagination inserts, $updatedAt, $createdBy) use blueprints of their own so the other expectations hold.

type Json = Record<string, unknown>;
type ErrorBody = { ok: false; error: { code: string; message: string; details: { path: string; message: string }[] } };
type SearchBody = { ok: true; entities: Json[]; next: string | null; total: number };
type Rule = Json;
type FreeText = {
  ok: true;
  groups: { blueprint: string; title: string; entities: { identifier: string; title: string | null; tier: number }[] }[];
};

const ALICE = "alice@search.test";
const BOB = "bob@search.test";
const tokens: Record<string, string> = {};

function as(actor: "admin" | "alice" | "bob"): Record<string, string> {
  if (actor === "admin") return {};
  const token = tokens[actor];
  if (!token) throw new Error(`no token for ${actor}`);
  return { authorization: `Bearer ${token}` };
}

async function ok(method: string, path: string, body: unknown, status = 201): Promise<Json> {
  const r = await callJson(method, path, body);
  expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(status);
  return r.body;
}

/** Invites a user, accepts through the form, and exchanges admin-created client credentials for a token. */
function makeUser(email: string, teams: string[]): Promise<string> {
  return createUserToken(email, { teams });
}

/** POSTs a search (blueprint-scoped when `bp` is given) and expects a 200. */
async function search(body: Json, bp?: string, headers: Record<string, string> = {}): Promise<SearchBody> {
  const path = bp ? `/v1/blueprints/${bp}/entities/search` : "/v1/entities/search";
  const r = await callJson<SearchBody & ErrorBody>("POST", path, body, headers);
  expect(r.status, `${path} ${JSON.stringify(body)} → ${JSON.stringify(r.body)}`).toBe(200);
  return r.body;
}

/** POSTs a search expected to fail; returns the error body. */
async function searchError(body: Json, bp?: string, status = 400): Promise<ErrorBody["error"]> {
  const path = bp ? `/v1/blueprints/${bp}/entities/search` : "/v1/entities/search";
  const r = await callJson<ErrorBody>("POST", path, body);
  expect(r.status, `${path} ${JSON.stringify(body)} → ${JSON.stringify(r.body)}`).toBe(status);
  return r.body.error;
}

const idsOf = (body: { entities: Json[] }): string[] => body.entities.map((e) => e.identifier as string).sort();
const orderOf = (body: { entities: Json[] }): string[] => body.entities.map((e) => e.identifier as string);

/** The sorted identifiers of the `bp` entities matching `rules` (and-combined). */
async function matching(bp: string | undefined, rules: Rule[], headers: Record<string, string> = {}): Promise<string[]> {
  const body = await search({ query: { combinator: "and", rules }, limit: 1000 }, bp, headers);
  expect(body.total, "total counts exactly the matches").toBe(body.entities.length);
  return idsOf(body);
}

const r = (property: string, operator: string, value?: unknown): Rule =>
  value === undefined ? { property, operator } : { property, operator, value };

// ---------------------------------------------------------------------------------------------------
// Fixture
//
//   domain  ← system.domain (single, REQUIRED) ← service.system (single, REQUIRED)
//                                               ← service.backupSystem (single, optional)
//   service ← service.dependsOn (many) ; service ← deploy.service (single, optional)
//
//   dom-pay ← sys-billing ← svc-alpha-api (system), svc-alpha-worker (system)
//   dom-core ← sys-platform ← svc-beta-db, svc-beta-cache, svc-gamma (system); svc-alpha-worker (backupSystem)
//   svc-alpha-api → dependsOn svc-beta-db ; svc-beta-cache → dependsOn svc-beta-db ; svc-alpha-worker → dependsOn svc-alpha-api
//   dep-1 → svc-alpha-api ; dep-2 → svc-beta-db ; dep-3 (no relation)
// ---------------------------------------------------------------------------------------------------

const SERVICE_BP = {
  identifier: "service",
  title: "Service",
  schema: {
    properties: {
      tier: { type: "string", enum: ["gold", "silver", "bronze"] },
      lang: { type: "string" },
      replicas: { type: "number" },
      public: { type: "boolean" },
      launchedAt: { type: "string", format: "date-time" },
      expiresAt: { type: "string", format: "timer" },
      tags: { type: "array", items: { type: "string" } },
      ports: { type: "array", items: { type: "number" } },
      meta: { type: "object" },
      homepage: { type: "string", format: "url" },
    },
    required: [],
  },
  relations: {
    system: { target: "system", many: false, required: true },
    backupSystem: { target: "system", many: false, required: false },
    dependsOn: { target: "service", many: true, required: false },
  },
};

const ALL_SERVICES = ["svc-alpha-api", "svc-alpha-worker", "svc-beta-cache", "svc-beta-db", "svc-gamma"];
const A = "svc-alpha-api";
const B = "svc-alpha-worker";
const C = "svc-beta-db";
const D = "svc-beta-cache";
const E = "svc-gamma";
const S = (...xs: string[]) => [...xs].sort();

// Widgets: 12 entities for paging and sorting; `rank` unique, w-07 without one.
const WIDGET_RANKS: Record<string, number | undefined> = {
  "w-01": 40,
  "w-02": 5,
  "w-03": 90,
  "w-04": 12,
  "w-05": 77,
  "w-06": 1,
  "w-07": undefined,
  "w-08": 63,
  "w-09": 28,
  "w-10": 100,
  "w-11": 50,
  "w-12": 8,
};
const WIDGETS = Object.keys(WIDGET_RANKS);

const VAULT = ["vault-alpha-1", "vault-alpha-2", "vault-beta", "vault-none", "vault-shared"];
const VAULT_ALPHA = ["vault-alpha-1", "vault-alpha-2", "vault-shared"];

beforeAll(async () => {
  await ok("POST", "/v1/teams", { name: "alpha" });
  await ok("POST", "/v1/teams", { name: "beta" });

  await ok("POST", "/v1/blueprints", blueprintBody("domain"));
  await ok("POST", "/v1/blueprints", blueprintBody("system", { relations: { domain: { target: "domain", many: false, required: true } } }));
  await ok("POST", "/v1/blueprints", SERVICE_BP);
  await ok(
    "POST",
    "/v1/blueprints",
    blueprintBody("deploy", {
      schema: { properties: { notes: { type: "string" } }, required: [] },
      relations: { service: { target: "service", many: false, required: false } },
    }),
  );

  await ok("POST", "/v1/blueprints/domain/entities", { identifier: "dom-pay", title: "Payments" });
  await ok("POST", "/v1/blueprints/domain/entities", { identifier: "dom-core", title: "Core" });
  await ok("POST", "/v1/blueprints/system/entities", { identifier: "sys-billing", title: "Billing", relations: { domain: "dom-pay" } });
  await ok("POST", "/v1/blueprints/system/entities", { identifier: "sys-platform", title: "Platform", relations: { domain: "dom-core" } });

  await ok("POST", "/v1/blueprints/service/entities", {
    identifier: C,
    title: "Beta Database",
    team: "beta",
    properties: {
      tier: "bronze",
      lang: "Rust",
      replicas: 5,
      public: true,
      launchedAt: "2023-06-01T00:00:00Z",
      expiresAt: "2021-06-01T00:00:00+02:00",
      tags: [],
      ports: [],
      meta: {},
    },
    relations: { system: "sys-platform" },
  });
  await ok("POST", "/v1/blueprints/service/entities", {
    identifier: D,
    title: "Cache",
    team: "beta",
    properties: {
      tier: "gold",
      lang: "Python",
      replicas: 2,
      public: false,
      launchedAt: "2025-03-01T00:00:00Z",
      tags: ["cache", "web-tier"],
      ports: [6379],
      homepage: "https://cache.example.org",
    },
    relations: { system: "sys-platform", dependsOn: [C] },
  });
  await ok("POST", "/v1/blueprints/service/entities", {
    identifier: A,
    title: "Alpha API",
    team: "alpha",
    properties: {
      tier: "gold",
      lang: "TypeScript",
      replicas: 3,
      public: true,
      launchedAt: "2024-01-10T10:00:00Z",
      expiresAt: "2020-01-01T00:00:00Z",
      tags: ["web", "Critical"],
      ports: [80, 443],
      meta: { owner: "ops" },
      homepage: "https://alpha.example.com/api",
    },
    relations: { system: "sys-billing", dependsOn: [C] },
  });
  await ok("POST", "/v1/blueprints/service/entities", {
    identifier: B,
    title: "Alpha Worker",
    team: "alpha",
    properties: {
      tier: "silver",
      lang: "Go",
      replicas: 1,
      public: false,
      // 09:30Z: later than 10:00Z as text, earlier as an instant.
      launchedAt: "2024-01-10T11:30:00+02:00",
      expiresAt: "2999-01-01T00:00:00Z",
      tags: ["batch"],
      ports: [8080],
      homepage: "http://worker.internal/jobs",
    },
    relations: { system: "sys-billing", backupSystem: "sys-platform", dependsOn: [A] },
  });
  await ok("POST", "/v1/blueprints/service/entities", {
    identifier: E,
    properties: { lang: "", homepage: null },
    relations: { system: "sys-platform" },
  });

  await ok("POST", "/v1/blueprints/deploy/entities", { identifier: "dep-1", relations: { service: A } });
  await ok("POST", "/v1/blueprints/deploy/entities", { identifier: "dep-2", relations: { service: C } });
  await ok("POST", "/v1/blueprints/deploy/entities", { identifier: "dep-3", properties: { notes: "flush the cache nightly" } });

  await ok("POST", "/v1/blueprints", blueprintBody("widget", { schema: { properties: { rank: { type: "number" } }, required: [] } }));
  for (const [identifier, rank] of Object.entries(WIDGET_RANKS)) {
    await ok("POST", "/v1/blueprints/widget/entities", { identifier, properties: rank === undefined ? {} : { rank } });
  }

  // vault: read only by Admins and the owning team.
  await ok("POST", "/v1/blueprints", blueprintBody("vault", { schema: { properties: { secret: { type: "string" } }, required: [] } }));
  await ok("PATCH", "/v1/blueprints/vault/permissions", { entities: { read: { roles: ["Admin"], ownedByTeam: true } } }, 200);
  const vaultTeams: Record<string, string[]> = {
    "vault-alpha-1": ["alpha"],
    "vault-alpha-2": ["alpha"],
    "vault-beta": ["beta"],
    "vault-none": [],
    "vault-shared": ["alpha", "beta"],
  };
  for (const [identifier, team] of Object.entries(vaultTeams)) {
    await ok("POST", "/v1/blueprints/vault/entities", { identifier, team, properties: { secret: "classified stuff" } });
  }

  tokens.alice = await makeUser(ALICE, ["alpha"]);
  tokens.bob = await makeUser(BOB, ["beta"]);
});

// ---------------------------------------------------------------------------------------------------

describe("fixture", () => {
  it("holds the five services, and the whole catalog is searchable by the admin", async () => {
    expect(await matching("service", [])).toEqual(ALL_SERVICES);
    const all = await search({ limit: 1000 });
    expect(all.total).toBe(2 + 2 + 5 + 3 + WIDGETS.length + VAULT.length);
  });

  it("the search result carries Port's entity shape", async () => {
    const body = await search({ query: { combinator: "and", rules: [r("$identifier", "=", B)] } }, "service");
    expect(body.entities).toHaveLength(1);
    expect(body.entities[0]).toMatchObject({
      identifier: B,
      title: "Alpha Worker",
      blueprint: "service",
      team: ["alpha"],
      properties: { lang: "Go", replicas: 1 },
      relations: { system: "sys-billing", backupSystem: "sys-platform", dependsOn: [A] },
    });
    expect(body.next).toBeNull();
    expect(body.total).toBe(1);
  });
});

type Case = [name: string, rules: Rule[], expected: string[]];

function cases(title: string, list: Case[], bp = "service") {
  describe(title, () => {
    for (const [name, rules, expected] of list) {
      it(name, async () => {
        expect(await matching(bp, rules)).toEqual(S(...expected));
      });
    }
  });
}

cases("= and != on strings, enums, numbers and booleans", [
  ["enum = gold matches", [r("tier", "=", "gold")], [A, D]],
  ["enum = platinum matches nothing", [r("tier", "=", "platinum")], []],
  ["string = Go matches exactly (not 'go')", [r("lang", "=", "Go")], [B]],
  ["string = missing value matches nothing", [r("lang", "=", "Cobol")], []],
  ["!= gold also matches entities lacking the property", [r("tier", "!=", "gold")], [B, C, E]],
  ["!= a value nobody has matches everything", [r("tier", "!=", "platinum")], ALL_SERVICES],
  ["number = 3", [r("replicas", "=", 3)], [A]],
  ["number = 4 matches nothing", [r("replicas", "=", 4)], []],
  ["number != 3 (entities without replicas match)", [r("replicas", "!=", 3)], [B, C, D, E]],
  ["boolean = true", [r("public", "=", true)], [A, C]],
  ["boolean = false", [r("public", "=", false)], [B, D]],
  ["boolean != true (entities without it match)", [r("public", "!=", true)], [B, D, E]],
  ["url = exact value", [r("homepage", "=", "https://cache.example.org")], [D]],
  ["array of strings = element", [r("tags", "=", "batch")], [B]],
  ["array of numbers = element", [r("ports", "=", 443)], [A]],
  ["array of numbers = absent element", [r("ports", "=", 22)], []],
]);

cases("> >= < <= on numbers", [
  ["> 2", [r("replicas", ">", 2)], [A, C]],
  ["> 5 matches nothing", [r("replicas", ">", 5)], []],
  [">= 3", [r("replicas", ">=", 3)], [A, C]],
  [">= 5", [r("replicas", ">=", 5)], [C]],
  [">= 6 matches nothing", [r("replicas", ">=", 6)], []],
  ["< 2", [r("replicas", "<", 2)], [B]],
  ["< 1 matches nothing", [r("replicas", "<", 1)], []],
  ["<= 2", [r("replicas", "<=", 2)], [B, D]],
  ["<= 0 matches nothing", [r("replicas", "<=", 0)], []],
  ["> on an array of numbers matches when an element does", [r("ports", ">", 1000)], [B, D]],
]);

cases("> >= < <= = on date-times (offsets compared as instants)", [
  // B was written 2024-01-10T11:30:00+02:00 = 09:30Z.
  ["> 09:45Z excludes the +02:00 value that is 09:30Z", [r("launchedAt", ">", "2024-01-10T09:45:00Z")], [A, D]],
  ["> 2030 matches nothing", [r("launchedAt", ">", "2030-01-01T00:00:00Z")], []],
  ["< 10:00Z includes the +02:00 value (09:30Z)", [r("launchedAt", "<", "2024-01-10T10:00:00Z")], [B, C]],
  ["< 2000 matches nothing", [r("launchedAt", "<", "2000-01-01T00:00:00Z")], []],
  [">= a +02:00 query value (09:30Z)", [r("launchedAt", ">=", "2024-01-10T11:30:00+02:00")], [A, B, D]],
  ["<= 09:30Z includes B exactly", [r("launchedAt", "<=", "2024-01-10T09:30:00Z")], [B, C]],
  ["<= 09:29Z excludes B", [r("launchedAt", "<=", "2024-01-10T09:29:00Z")], [C]],
  ["= the same instant written in Z", [r("launchedAt", "=", "2024-01-10T09:30:00Z")], [B]],
  ["= the same instant written with +01:00", [r("launchedAt", "=", "2024-01-10T10:30:00+01:00")], [B]],
  ["= a different instant matches nothing", [r("launchedAt", "=", "2024-01-10T11:30:00Z")], []],
  ["a timer stored with +02:00 compares as an instant", [r("expiresAt", "<", "2021-05-31T23:00:00Z")], [A, C]],
  ["a timer stored with +02:00 is after 21:59Z", [r("expiresAt", ">", "2021-05-31T21:59:00Z")], [B, C]],
]);

cases("in / notIn", [
  ["string in", [r("lang", "in", ["Go", "Rust"])], [B, C]],
  ["string in matches nothing", [r("lang", "in", ["Java", "C"])], []],
  ["string notIn (entities lacking the property match)", [r("tier", "notIn", ["gold", "silver"])], [C, E]],
  ["string notIn of absent values matches all", [r("tier", "notIn", ["platinum"])], ALL_SERVICES],
  ["number in", [r("replicas", "in", [1, 5])], [B, C]],
  ["number in matches nothing", [r("replicas", "in", [7, 9])], []],
  ["number notIn", [r("replicas", "notIn", [1, 5])], [A, D, E]],
  ["array in: an element is in the list", [r("tags", "in", ["batch", "cache"])], [B, D]],
  ["array notIn: no element is in the list", [r("tags", "notIn", ["web", "batch"])], [C, D, E]],
]);

cases("contains / doesNotContains", [
  ["string substring, case-insensitive", [r("lang", "contains", "script")], [A]],
  ["string substring, upper-case query", [r("homepage", "contains", "EXAMPLE")], [A, D]],
  ["string contains matches nothing", [r("lang", "contains", "java")], []],
  ["string doesNotContains (missing and empty values match)", [r("lang", "doesNotContains", "script")], [B, C, D, E]],
  ["string doesNotContains a substring everybody has", [r("homepage", "doesNotContains", "http")], [C, E]],
  ["array: an element contains it", [r("tags", "contains", "web")], [A, D]],
  ["array: case-insensitive element match", [r("tags", "contains", "critical")], [A]],
  ["array contains matches nothing", [r("tags", "contains", "nope")], []],
  ["array doesNotContains", [r("tags", "doesNotContains", "web")], [B, C, E]],
  ["% and _ are taken literally", [r("homepage", "contains", "%")], []],
]);

cases("beginsWith / endsWith and their negations", [
  ["beginsWith", [r("homepage", "beginsWith", "https://")], [A, D]],
  ["beginsWith matches nothing", [r("homepage", "beginsWith", "ftp://")], []],
  ["doesNotBeginsWith (missing values match)", [r("homepage", "doesNotBeginsWith", "https://")], [B, C, E]],
  ["doesNotBeginsWith a prefix nobody has", [r("homepage", "doesNotBeginsWith", "ftp://")], ALL_SERVICES],
  ["array beginsWith: an element does", [r("tags", "beginsWith", "web")], [A, D]],
  ["endsWith", [r("homepage", "endsWith", "/jobs")], [B]],
  ["endsWith .org", [r("homepage", "endsWith", ".org")], [D]],
  ["endsWith matches nothing", [r("homepage", "endsWith", ".net")], []],
  ["doesNotEndsWith (missing values match)", [r("homepage", "doesNotEndsWith", ".org")], [A, B, C, E]],
  ["array endsWith: an element does", [r("tags", "endsWith", "tier")], [D]],
]);

cases("containsAny", [
  ["array containsAny", [r("tags", "containsAny", ["batch", "cache"])], [B, D]],
  ["array containsAny of one", [r("tags", "containsAny", ["Critical"])], [A]],
  ["array containsAny matches nothing", [r("tags", "containsAny", ["zzz", "yyy"])], []],
]);

cases("isEmpty / isNotEmpty (missing, null, empty string, empty array, empty object)", [
  ["array isEmpty: [] and missing", [r("tags", "isEmpty")], [C, E]],
  ["array isNotEmpty", [r("tags", "isNotEmpty")], [A, B, D]],
  ["number array isEmpty", [r("ports", "isEmpty")], [C, E]],
  ["string isEmpty: empty string", [r("lang", "isEmpty")], [E]],
  ["string isNotEmpty", [r("lang", "isNotEmpty")], [A, B, C, D]],
  ["url isEmpty: written as null, and missing", [r("homepage", "isEmpty")], [C, E]],
  ["url isNotEmpty", [r("homepage", "isNotEmpty")], [A, B, D]],
  ["object isEmpty: {} and missing", [r("meta", "isEmpty")], [B, C, D, E]],
  ["object isNotEmpty", [r("meta", "isNotEmpty")], [A]],
  ["number isEmpty", [r("replicas", "isEmpty")], [E]],
  ["boolean false is not empty", [r("public", "isNotEmpty")], [A, B, C, D]],
  ["timer isEmpty", [r("expiresAt", "isEmpty")], [D, E]],
]);

cases("between / notBetween", [
  ["number between (inclusive)", [r("replicas", "between", { from: 2, to: 3 })], [A, D]],
  ["number between matches nothing", [r("replicas", "between", { from: 10, to: 20 })], []],
  ["number notBetween (missing values match)", [r("replicas", "notBetween", { from: 2, to: 3 })], [B, C, E]],
  [
    "date-time between, offsets as instants",
    [r("launchedAt", "between", { from: "2024-01-10T09:00:00Z", to: "2024-01-10T09:59:59Z" })],
    [B],
  ],
  ["date-time between a year", [r("launchedAt", "between", { from: "2024-01-01T00:00:00Z", to: "2024-12-31T23:59:59Z" })], [A, B]],
  ["date-time between matches nothing", [r("launchedAt", "between", { from: "2010-01-01T00:00:00Z", to: "2011-01-01T00:00:00Z" })], []],
  ["date-time notBetween", [r("launchedAt", "notBetween", { from: "2024-01-01T00:00:00Z", to: "2024-12-31T23:59:59Z" })], [C, D, E]],
  ["$createdAt between preset lastWeek: everything was just created", [r("$createdAt", "between", { preset: "lastWeek" })], ALL_SERVICES],
  ["$createdAt notBetween preset lastWeek matches nothing", [r("$createdAt", "notBetween", { preset: "lastWeek" })], []],
  ["$createdAt between preset last2Weeks", [r("$createdAt", "between", { preset: "last2Weeks" })], ALL_SERVICES],
  ["date-time between preset lastWeek: no launch was that recent", [r("launchedAt", "between", { preset: "lastWeek" })], []],
]);

cases("isExpired / isNotExpired on a timer", [
  ["isExpired: past timers, including one written with +02:00", [r("expiresAt", "isExpired")], [A, C]],
  ["isNotExpired: future timers", [r("expiresAt", "isNotExpired")], [B]],
  ["isExpired and isNotExpired together match nothing", [r("expiresAt", "isExpired"), r("expiresAt", "isNotExpired")], []],
]);

cases("meta-properties", [
  ["$identifier =", [r("$identifier", "=", C)], [C]],
  ["$identifier = an unknown identifier", [r("$identifier", "=", "svc-nope")], []],
  ["$identifier in", [r("$identifier", "in", [A, E, "svc-nope"])], [A, E]],
  ["$identifier != ", [r("$identifier", "!=", C)], [A, B, D, E]],
  ["$identifier contains, case-insensitive", [r("$identifier", "contains", "ALPHA")], [A, B]],
  ["$identifier beginsWith", [r("$identifier", "beginsWith", "svc-beta")], [C, D]],
  ["$identifier endsWith", [r("$identifier", "endsWith", "-db")], [C]],
  ["$title =", [r("$title", "=", "Cache")], [D]],
  ["$title contains", [r("$title", "contains", "alpha")], [A, B]],
  ["$title isEmpty: no title", [r("$title", "isEmpty")], [E]],
  ["$title isNotEmpty", [r("$title", "isNotEmpty")], [A, B, C, D]],
  ["$blueprint = service within service", [r("$blueprint", "=", "service")], ALL_SERVICES],
  ["$blueprint = deploy within service matches nothing", [r("$blueprint", "=", "deploy")], []],
  ["$team = alpha", [r("$team", "=", "alpha")], [A, B]],
  ["$team = gamma matches nothing", [r("$team", "=", "gamma")], []],
  ["$team in [alpha, beta]", [r("$team", "in", ["alpha", "beta"])], [A, B, C, D]],
  ["$team in [beta]", [r("$team", "in", ["beta"])], [C, D]],
  ["$team != alpha (teamless entities match)", [r("$team", "!=", "alpha")], [C, D, E]],
  ["$createdAt > 2000", [r("$createdAt", ">", "2000-01-01T00:00:00Z")], ALL_SERVICES],
  ["$createdAt < 2000 matches nothing", [r("$createdAt", "<", "2000-01-01T00:00:00Z")], []],
  ["$updatedAt > 2000", [r("$updatedAt", ">", "2000-01-01T00:00:00Z")], ALL_SERVICES],
  ["$updatedAt > 3000 matches nothing", [r("$updatedAt", ">", "3000-01-01T00:00:00Z")], []],
  ["$createdBy = the admin", [r("$createdBy", "=", "admin@portal.test")], ALL_SERVICES],
  ["$createdBy = someone else matches nothing", [r("$createdBy", "=", ALICE)], []],
]);

describe("meta-properties across blueprints", () => {
  it("$blueprint = deploy", async () => {
    expect(await matching(undefined, [r("$blueprint", "=", "deploy")])).toEqual(["dep-1", "dep-2", "dep-3"]);
  });

  it("$blueprint in [domain, system]", async () => {
    expect(await matching(undefined, [r("$blueprint", "in", ["domain", "system"])])).toEqual([
      "dom-core",
      "dom-pay",
      "sys-billing",
      "sys-platform",
    ]);
  });

  it("$team = alpha across blueprints (services and vault)", async () => {
    expect(await matching(undefined, [r("$team", "=", "alpha")])).toEqual(S(A, B, ...VAULT_ALPHA));
  });

  it("$team in [beta] across blueprints", async () => {
    expect(await matching(undefined, [r("$team", "in", ["beta"])])).toEqual(S(C, D, "vault-beta", "vault-shared"));
  });

  it("a property rule across blueprints applies to the blueprints having it", async () => {
    expect(await matching(undefined, [r("replicas", ">=", 3)])).toEqual(S(A, C));
  });
});

describe("$updatedAt after a write", () => {
  it("$updatedAt > the latest fixture write matches only the entity written since", async () => {
    const before = await search({ limit: 1000, sort: { property: "$updatedAt", order: "desc" } }, "widget");
    const latest = before.entities[0]?.updatedAt as string;
    expect(typeof latest).toBe("string");
    expect(await matching("widget", [r("$updatedAt", ">", latest)])).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await ok("PATCH", "/v1/blueprints/widget/entities/w-03", { title: "Widget three" }, 200);
    expect(await matching("widget", [r("$updatedAt", ">", latest)])).toEqual(["w-03"]);
    expect(await matching("widget", [r("$updatedAt", "<=", latest)])).toEqual(WIDGETS.filter((w) => w !== "w-03"));
    // $createdAt did not move.
    expect(await matching("widget", [r("$createdAt", ">", latest)])).toEqual([]);
  });
});

describe("nesting", () => {
  it("and inside or inside and", async () => {
    const query = {
      combinator: "and",
      rules: [
        {
          combinator: "or",
          rules: [{ combinator: "and", rules: [r("tier", "=", "gold"), r("public", "=", true)] }, r("lang", "=", "Rust")],
        },
        r("replicas", "<", 5),
      ],
    };
    const body = await search({ query }, "service");
    expect(idsOf(body)).toEqual([A]);
    expect(body.total).toBe(1);
  });

  it("the or alone gives both branches", async () => {
    const query = {
      combinator: "or",
      rules: [{ combinator: "and", rules: [r("tier", "=", "gold"), r("public", "=", true)] }, r("lang", "=", "Rust")],
    };
    expect(idsOf(await search({ query }, "service"))).toEqual(S(A, C));
  });

  it("and of no rules matches everything", async () => {
    expect(idsOf(await search({ query: { combinator: "and", rules: [] } }, "service"))).toEqual(ALL_SERVICES);
  });

  it("or of no rules matches nothing", async () => {
    const body = await search({ query: { combinator: "or", rules: [] } }, "service");
    expect(idsOf(body)).toEqual([]);
    expect(body.total).toBe(0);
    expect(body.next).toBeNull();
  });

  it("an empty or nested in an and matches nothing", async () => {
    const query = { combinator: "and", rules: [r("tier", "=", "gold"), { combinator: "or", rules: [] }] };
    expect(idsOf(await search({ query }, "service"))).toEqual([]);
  });

  it("an empty and nested in an or matches everything", async () => {
    const query = { combinator: "or", rules: [r("tier", "=", "gold"), { combinator: "and", rules: [] }] };
    expect(idsOf(await search({ query }, "service"))).toEqual(ALL_SERVICES);
  });

  it("an empty and nested in an and changes nothing", async () => {
    const query = { combinator: "and", rules: [r("tier", "=", "gold"), { combinator: "and", rules: [] }] };
    expect(idsOf(await search({ query }, "service"))).toEqual(S(A, D));
  });
});

describe("contextual values", () => {
  const userTeams = { combinator: "and", rules: [{ property: "$team", operator: "in", value: { context: "userTeams" } }] };

  it("$team in userTeams as alice (team alpha) returns only alpha-owned services", async () => {
    const body = await search({ query: userTeams }, "service", as("alice"));
    expect(idsOf(body)).toEqual(S(A, B));
    expect(body.total).toBe(2);
  });

  it("$team in userTeams as bob (team beta) returns only beta-owned services", async () => {
    expect(idsOf(await search({ query: userTeams }, "service", as("bob")))).toEqual(S(C, D));
  });

  it("$team in userTeams as alice across blueprints", async () => {
    expect(idsOf(await search({ query: userTeams, limit: 1000 }, undefined, as("alice")))).toEqual(S(A, B, ...VAULT_ALPHA));
  });

  it("$team in userTeams as the admin (no team) returns nothing", async () => {
    expect(idsOf(await search({ query: userTeams }, "service"))).toEqual([]);
  });

  it("$createdBy = the current user's $identifier", async () => {
    await ok("POST", "/v1/blueprints", blueprintBody("note"));
    await ok("PATCH", "/v1/blueprints/note/permissions", { entities: { register: { roles: ["Admin"], teams: ["alpha"] } } }, 200);
    await ok("POST", "/v1/blueprints/note/entities", { identifier: "note-admin" });
    const created = await callJson("POST", "/v1/blueprints/note/entities", { identifier: "note-alice" }, as("alice"));
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const mine = {
      combinator: "and",
      rules: [{ property: "$createdBy", operator: "=", value: { context: "user", property: "$identifier" } }],
    };
    expect(idsOf(await search({ query: mine }, "note", as("alice")))).toEqual(["note-alice"]);
    expect(idsOf(await search({ query: mine }, "note"))).toEqual(["note-admin"]);
    expect(idsOf(await search({ query: mine }, "note", as("bob")))).toEqual([]);
  });
});

describe("relatedTo", () => {
  const rel = (blueprint: string, value: string | string[], extra: Json = {}): Rule => ({
    operator: "relatedTo",
    blueprint,
    value,
    ...extra,
  });

  it("one hop: systems related to dom-pay", async () => {
    expect(await matching("system", [rel("domain", "dom-pay")])).toEqual(["sys-billing"]);
  });

  it("one hop: services related to sys-billing (both directions)", async () => {
    expect(await matching("service", [rel("system", "sys-billing")])).toEqual(S(A, B));
  });

  it("one hop: the domain upstream of sys-platform", async () => {
    expect(await matching("domain", [rel("system", "sys-platform", { direction: "upstream" })])).toEqual(["dom-core"]);
  });

  it("upstream, multi-hop: everything dep-1 points to, transitively", async () => {
    expect(await matching(undefined, [rel("deploy", "dep-1", { direction: "upstream" })])).toEqual(
      S(A, C, "sys-billing", "sys-platform", "dom-pay", "dom-core"),
    );
  });

  it("upstream, multi-hop, scoped to a blueprint: the domains above dep-2", async () => {
    expect(await matching("domain", [rel("deploy", "dep-2", { direction: "upstream" })])).toEqual(["dom-core"]);
  });

  it("downstream, multi-hop: everything that points at dom-core, transitively", async () => {
    expect(await matching(undefined, [rel("domain", "dom-core", { direction: "downstream" })])).toEqual(
      S("sys-platform", A, B, C, D, E, "dep-1", "dep-2"),
    );
  });

  it("downstream, multi-hop, scoped to deploy: the deploys under sys-billing", async () => {
    expect(await matching("deploy", [rel("system", "sys-billing", { direction: "downstream" })])).toEqual(["dep-1"]);
  });

  it("upstream finds nothing from a root entity", async () => {
    expect(await matching(undefined, [rel("domain", "dom-pay", { direction: "upstream" })])).toEqual([]);
  });

  it("downstream finds nothing from a leaf entity", async () => {
    expect(await matching(undefined, [rel("deploy", "dep-1", { direction: "downstream" })])).toEqual([]);
  });

  it("no direction means both: upstream and downstream of svc-beta-db", async () => {
    expect(await matching(undefined, [rel("service", C)])).toEqual(S("sys-platform", "dom-core", A, D, "dep-2", B, "dep-1"));
  });

  it("no direction never includes the given entity itself", async () => {
    expect(await matching("service", [rel("service", C)])).toEqual(S(A, B, D));
  });

  it("required: true walks only required relations (downstream of dom-core)", async () => {
    // system.domain and service.system are required; backupSystem, dependsOn and deploy.service are not.
    expect(await matching(undefined, [rel("domain", "dom-core", { direction: "downstream", required: true })])).toEqual(
      S("sys-platform", C, D, E),
    );
  });

  it("required: true walks only required relations (upstream of svc-alpha-worker)", async () => {
    expect(await matching(undefined, [rel("service", B, { direction: "upstream" })])).toEqual(
      S("sys-billing", "sys-platform", A, C, "dom-pay", "dom-core"),
    );
    expect(await matching(undefined, [rel("service", B, { direction: "upstream", required: true })])).toEqual(S("sys-billing", "dom-pay"));
  });

  it("required: true from an entity with only optional relations finds nothing", async () => {
    expect(await matching(undefined, [rel("deploy", "dep-1", { direction: "upstream", required: true })])).toEqual([]);
  });

  it("required: false walks only relations that are not required (docs/search.md)", async () => {
    // dep-1 → svc-alpha-api (deploy.service, optional) → svc-beta-db (dependsOn, optional); service.system is required.
    expect(await matching(undefined, [rel("deploy", "dep-1", { direction: "upstream", required: false })])).toEqual(S(A, C));
    // svc-alpha-worker → sys-platform (backupSystem) and svc-alpha-api (dependsOn) → svc-beta-db; system.domain is required.
    expect(await matching(undefined, [rel("service", B, { direction: "upstream", required: false })])).toEqual(S("sys-platform", A, C));
  });

  it("a list of values: related to any of them", async () => {
    expect(await matching("domain", [rel("system", ["sys-billing"], { direction: "upstream" })])).toEqual(["dom-pay"]);
    expect(await matching("domain", [rel("system", ["sys-billing", "sys-platform"], { direction: "upstream" })])).toEqual([
      "dom-core",
      "dom-pay",
    ]);
  });

  it("a list of values downstream into deploys", async () => {
    expect(await matching("deploy", [rel("service", [A], { direction: "downstream" })])).toEqual(["dep-1"]);
    expect(await matching("deploy", [rel("service", [A, B, D], { direction: "downstream" })])).toEqual(["dep-1"]);
  });

  it("relatedTo combines with other rules", async () => {
    expect(await matching("service", [rel("domain", "dom-core", { direction: "downstream" }), r("tier", "=", "gold")])).toEqual(S(A, D));
  });

  it("an unknown identifier relates to nothing", async () => {
    expect(await matching(undefined, [rel("service", "svc-nope")])).toEqual([]);
  });
});

describe("pagination and sorting", () => {
  async function pages(
    body: Json,
    bp: string | undefined,
    headers: Record<string, string> = {},
  ): Promise<{ ids: string[]; pages: number; totals: number[] }> {
    const ids: string[] = [];
    const totals: number[] = [];
    let from: string | null = null;
    let n = 0;
    do {
      const page: SearchBody = await search({ ...body, ...(from ? { from } : {}) }, bp, headers);
      expect(page.entities.length).toBeLessThanOrEqual((body.limit as number) ?? 200);
      ids.push(...orderOf(page));
      totals.push(page.total);
      from = page.next;
      n++;
      expect(n, "too many pages").toBeLessThan(50);
    } while (from);
    return { ids, pages: n, totals };
  }

  it("limit 3 over 12 matches: following next gives every match once, in $identifier order", async () => {
    const got = await pages({ limit: 3 }, "widget");
    expect(got.ids).toEqual(WIDGETS);
    expect(new Set(got.ids).size).toBe(WIDGETS.length);
    expect(got.pages).toBe(4);
    expect(got.totals.every((t) => t === WIDGETS.length)).toBe(true);
  });

  it("the first page of 3 says there is more; the last says there is not", async () => {
    const first = await search({ limit: 3 }, "widget");
    expect(orderOf(first)).toEqual(["w-01", "w-02", "w-03"]);
    expect(first.next).toEqual(expect.any(String));
    const exact = await search({ limit: 12 }, "widget");
    expect(exact.entities).toHaveLength(12);
    expect(exact.next).toBeNull();
  });

  it("limit 3 with a filter pages over the matches only", async () => {
    const got = await pages({ limit: 3, query: { combinator: "and", rules: [r("rank", ">=", 10)] } }, "widget");
    const expected = WIDGETS.filter((w) => (WIDGET_RANKS[w] ?? -1) >= 10);
    expect(got.ids).toEqual(expected);
    expect(got.totals.every((t) => t === expected.length)).toBe(true);
  });

  it("sort by a number property desc, paged by 3 (entities without it last)", async () => {
    const got = await pages({ limit: 3, sort: { property: "rank", order: "desc" } }, "widget");
    const ranked = WIDGETS.filter((w) => WIDGET_RANKS[w] !== undefined).sort((a, b) => (WIDGET_RANKS[b] ?? 0) - (WIDGET_RANKS[a] ?? 0));
    expect(got.ids).toEqual([...ranked, "w-07"]);
  });

  it("sort by a number property asc, paged by 5", async () => {
    const got = await pages({ limit: 5, sort: { property: "rank", order: "asc" } }, "widget");
    const ranked = WIDGETS.filter((w) => WIDGET_RANKS[w] !== undefined).sort((a, b) => (WIDGET_RANKS[a] ?? 0) - (WIDGET_RANKS[b] ?? 0));
    expect(got.ids).toEqual([...ranked, "w-07"]);
  });

  it("sort by $identifier desc", async () => {
    const got = await pages({ limit: 5, sort: { property: "$identifier", order: "desc" } }, "widget");
    expect(got.ids).toEqual([...WIDGETS].reverse());
  });

  it("sort by $updatedAt: creation order, and an updated entity moves last", async () => {
    // Entities were written in WIDGETS order; the $updatedAt test above touched w-03 last.
    const asc = await pages({ limit: 3, sort: { property: "$updatedAt", order: "asc" } }, "widget");
    expect(asc.ids).toEqual([...WIDGETS.filter((w) => w !== "w-03"), "w-03"]);
    const desc = await pages({ limit: 4, sort: { property: "$updatedAt", order: "desc" } }, "widget");
    expect(desc.ids).toEqual([...asc.ids].reverse());
  });

  it("inserting entities between page fetches neither duplicates nor skips rows after the cursor", async () => {
    await ok("POST", "/v1/blueprints", blueprintBody("ticket"));
    const initial = ["t-01", "t-02", "t-03", "t-04", "t-05", "t-06", "t-07", "t-08", "t-09", "t-10"];
    for (const identifier of initial) await ok("POST", "/v1/blueprints/ticket/entities", { identifier });

    const seen: string[] = [];
    const first = await search({ limit: 3 }, "ticket");
    seen.push(...orderOf(first));
    expect(seen).toEqual(["t-01", "t-02", "t-03"]);
    // Before the cursor (never seen), and after it (seen once, in place).
    await ok("POST", "/v1/blueprints/ticket/entities", { identifier: "t-00" });
    await ok("POST", "/v1/blueprints/ticket/entities", { identifier: "t-02a" });
    await ok("POST", "/v1/blueprints/ticket/entities", { identifier: "t-05a" });
    await ok("POST", "/v1/blueprints/ticket/entities", { identifier: "t-99" });

    let from = first.next;
    let guard = 0;
    while (from) {
      const page: SearchBody = await search({ limit: 3, from }, "ticket");
      seen.push(...orderOf(page));
      if (guard === 0) await ok("POST", "/v1/blueprints/ticket/entities", { identifier: "t-08a" });
      from = page.next;
      expect(++guard).toBeLessThan(20);
    }
    expect(seen).toEqual(["t-01", "t-02", "t-03", "t-04", "t-05", "t-05a", "t-06", "t-07", "t-08", "t-08a", "t-09", "t-10", "t-99"]);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("a cursor from one sort used with another sort is a 400 at from", async () => {
    const first = await search({ limit: 3, sort: { property: "rank", order: "desc" } }, "widget");
    expect(first.next).toEqual(expect.any(String));
    const err = await searchError({ limit: 3, from: first.next, sort: { property: "$identifier", order: "asc" } }, "widget");
    expect(err.details.map((d) => d.path)).toContain("from");
    const flipped = await searchError({ limit: 3, from: first.next, sort: { property: "rank", order: "asc" } }, "widget");
    expect(flipped.details.map((d) => d.path)).toContain("from");
    const defaulted = await searchError({ limit: 3, from: first.next }, "widget");
    expect(defaulted.details.map((d) => d.path)).toContain("from");
  });

  it("a made-up cursor is a 400 at from", async () => {
    const err = await searchError({ limit: 3, from: "not-a-cursor" }, "widget");
    expect(err.details.map((d) => d.path)).toContain("from");
  });

  it("limit 0 is a 400", async () => {
    const err = await searchError({ limit: 0 }, "widget");
    expect(err.details.map((d) => d.path)).toContain("limit");
  });

  it("limit 1001 is a 400", async () => {
    const err = await searchError({ limit: 1001 });
    expect(err.details.map((d) => d.path)).toContain("limit");
  });

  it("limits 1 and 1000 are accepted; the default is 200", async () => {
    const one = await search({ limit: 1 }, "widget");
    expect(one.entities).toHaveLength(1);
    expect(one.total).toBe(WIDGETS.length);
    expect((await search({ limit: 1000 })).entities.length).toBeGreaterThan(20);
    const many: string[] = [];
    for (let i = 0; i < 200; i++) many.push(`bulk-${String(i).padStart(3, "0")}`);
    await ok("POST", "/v1/blueprints", blueprintBody("bulk"));
    for (const identifier of many.concat("bulk-200")) await ok("POST", "/v1/blueprints/bulk/entities", { identifier });
    const page = await search({}, "bulk");
    expect(page.entities).toHaveLength(200);
    expect(page.total).toBe(201);
    expect(page.next).toEqual(expect.any(String));
    const rest = await search({ from: page.next }, "bulk");
    expect(orderOf(rest)).toEqual(["bulk-200"]);
    expect(rest.next).toBeNull();
  });
});

describe("include / exclude", () => {
  it("include [$identifier, properties.lang] returns only those", async () => {
    const body = await search(
      { query: { combinator: "and", rules: [r("$identifier", "in", [A, B])] }, include: ["$identifier", "properties.lang"] },
      "service",
    );
    expect(body.entities).toEqual([
      { identifier: A, properties: { lang: "TypeScript" } },
      { identifier: B, properties: { lang: "Go" } },
    ]);
  });

  it("include of a relation and a meta-property", async () => {
    const body = await search(
      { query: { combinator: "and", rules: [r("$identifier", "=", B)] }, include: ["$title", "relations.system", "$team"] },
      "service",
    );
    expect(body.entities).toEqual([{ title: "Alpha Worker", team: ["alpha"], relations: { system: "sys-billing" } }]);
  });

  it("exclude [relations] drops relations and keeps the rest", async () => {
    const body = await search({ query: { combinator: "and", rules: [r("$identifier", "=", A)] }, exclude: ["relations"] }, "service");
    expect(body.entities).toHaveLength(1);
    const entity = body.entities[0] as Json;
    expect(entity).not.toHaveProperty("relations");
    expect(entity).toMatchObject({ identifier: A, title: "Alpha API", blueprint: "service", properties: { lang: "TypeScript" } });
  });

  it("exclude properties.x drops that one property", async () => {
    const body = await search({ query: { combinator: "and", rules: [r("$identifier", "=", A)] }, exclude: ["properties.meta"] }, "service");
    const props = (body.entities[0] as { properties: Json }).properties;
    expect(props).not.toHaveProperty("meta");
    expect(props).toMatchObject({ lang: "TypeScript", replicas: 3 });
  });
});

describe("access control inside search", () => {
  it("alice (Member, alpha) searching vault sees only alpha-owned entities, and total agrees", async () => {
    const body = await search({}, "vault", as("alice"));
    expect(idsOf(body)).toEqual(VAULT_ALPHA);
    expect(body.total).toBe(VAULT_ALPHA.length);
  });

  it("bob (Member, beta) searching vault sees only beta-owned entities", async () => {
    const body = await search({}, "vault", as("bob"));
    expect(idsOf(body)).toEqual(["vault-beta", "vault-shared"]);
    expect(body.total).toBe(2);
  });

  it("the admin sees every vault entity", async () => {
    const body = await search({}, "vault");
    expect(idsOf(body)).toEqual(VAULT);
    expect(body.total).toBe(VAULT.length);
  });

  it("a filter that would match unreadable entities does not reveal them", async () => {
    const body = await search({ query: { combinator: "and", rules: [r("secret", "contains", "classified")] } }, "vault", as("alice"));
    expect(idsOf(body)).toEqual(VAULT_ALPHA);
    expect(body.total).toBe(3);
    const byId = await search({ query: { combinator: "and", rules: [r("$identifier", "=", "vault-beta")] } }, "vault", as("alice"));
    expect(byId.entities).toEqual([]);
    expect(byId.total).toBe(0);
  });

  it("paging one at a time as alice never leaks, and total stays 3", async () => {
    const seen: string[] = [];
    let from: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page: SearchBody = await search({ limit: 1, ...(from ? { from } : {}) }, "vault", as("alice"));
      expect(page.total).toBe(3);
      seen.push(...orderOf(page));
      from = page.next;
      if (!from) break;
    }
    expect(seen).toEqual(VAULT_ALPHA);
  });

  it("the cross-blueprint endpoint scopes vault the same way, entities and total", async () => {
    const vaultOnly = await search({ query: { combinator: "and", rules: [r("$blueprint", "=", "vault")] } }, undefined, as("alice"));
    expect(idsOf(vaultOnly)).toEqual(VAULT_ALPHA);
    expect(vaultOnly.total).toBe(3);

    const adminAll = await search({ limit: 1000 });
    const aliceAll = await search({ limit: 1000 }, undefined, as("alice"));
    expect(aliceAll.total).toBe(adminAll.total - 2);
    expect(aliceAll.entities).toHaveLength(aliceAll.total);
    const vaultSeen = idsOf(aliceAll).filter((id) => id.startsWith("vault-"));
    expect(vaultSeen).toEqual(VAULT_ALPHA);
  });

  it("negative rules do not leak unreadable entities either", async () => {
    const body = await search({ query: { combinator: "and", rules: [r("$team", "!=", "alpha")] } }, "vault", as("alice"));
    expect(idsOf(body)).toEqual([]);
    expect(body.total).toBe(0);
  });

  it("free text as alice finds only readable vault entities", async () => {
    for (const q of ["vault", "classified", "va"]) {
      const res = await callJson<FreeText>("GET", `/v1/search?q=${q}&limit=100`, undefined, as("alice"));
      expect(res.status).toBe(200);
      const vault = res.body.groups.find((g) => g.blueprint === "vault");
      expect(vault?.entities.map((e) => e.identifier).sort(), q).toEqual(VAULT_ALPHA);
    }
  });
});

describe("query errors", () => {
  async function paths(query: unknown, bp: string | undefined = "service"): Promise<{ code: string; paths: string[] }> {
    const err = await searchError({ query }, bp);
    return { code: err.code, paths: err.details.map((d) => d.path) };
  }

  it("unknown property → query.rules.0.property", async () => {
    const e = await paths({ combinator: "and", rules: [r("nope", "=", "x")] });
    expect(e.code).toBe("invalid_query");
    expect(e.paths).toContain("query.rules.0.property");
  });

  it("unknown property across blueprints → query.rules.0.property", async () => {
    const e = await paths({ combinator: "and", rules: [r("nope", "=", "x")] }, undefined);
    expect(e.code).toBe("invalid_query");
    expect(e.paths).toContain("query.rules.0.property");
  });

  it("unknown operator → query.rules.0.operator", async () => {
    const e = await paths({ combinator: "and", rules: [r("lang", "like", "x")] });
    expect(e.code).toBe("invalid_query");
    expect(e.paths).toContain("query.rules.0.operator");
  });

  it("a string for a number property → query.rules.1.value", async () => {
    const e = await paths({ combinator: "and", rules: [r("lang", "=", "Go"), r("replicas", "=", "three")] });
    expect(e.code).toBe("invalid_query");
    expect(e.paths).toContain("query.rules.1.value");
  });

  it("a non-date for a date-time property → query.rules.0.value", async () => {
    const e = await paths({ combinator: "and", rules: [r("launchedAt", ">", "yesterday-ish")] });
    expect(e.code).toBe("invalid_query");
    expect(e.paths).toContain("query.rules.0.value");
  });

  it("> on a string property → query.rules.0.operator", async () => {
    const e = await paths({ combinator: "and", rules: [r("lang", ">", "a")] });
    expect(e.code).toBe("invalid_query");
    expect(e.paths).toContain("query.rules.0.operator");
  });

  it("a bad top-level combinator → 400 invalid_query at query.combinator", async () => {
    const e = await paths({ combinator: "xor", rules: [] });
    expect(e.paths).toContain("query.combinator");
    expect(e.code).toBe("invalid_query");
  });

  it("a bad nested combinator → query.rules.0.combinator", async () => {
    const e = await paths({ combinator: "and", rules: [{ combinator: "nand", rules: [] }] });
    expect(e.code).toBe("invalid_query");
    expect(e.paths).toContain("query.rules.0.combinator");
  });

  it("relatedTo without blueprint → query.rules.0.blueprint", async () => {
    const e = await paths({ combinator: "and", rules: [{ operator: "relatedTo", value: "sys-billing" }] });
    expect(e.code).toBe("invalid_query");
    expect(e.paths).toContain("query.rules.0.blueprint");
  });

  it("relatedTo with a bad direction → query.rules.0.direction", async () => {
    const e = await paths({
      combinator: "and",
      rules: [{ operator: "relatedTo", blueprint: "system", value: "sys-billing", direction: "sideways" }],
    });
    expect(e.paths).toContain("query.rules.0.direction");
  });

  it("a bad rule nested two levels down reports its nested path", async () => {
    const e = await paths({
      combinator: "and",
      rules: [r("lang", "=", "Go"), { combinator: "or", rules: [r("replicas", "=", "x")] }],
    });
    expect(e.code).toBe("invalid_query");
    expect(e.paths).toEqual(["query.rules.1.rules.0.value"]);
  });

  it("several bad rules are all reported", async () => {
    const e = await paths({
      combinator: "or",
      rules: [r("nope", "=", 1), { combinator: "and", rules: [r("tier", "=", "gold"), r("lang", "bogus", "x")] }],
    });
    expect(e.paths).toEqual(expect.arrayContaining(["query.rules.0.property", "query.rules.1.rules.1.operator"]));
  });

  it("isExpired on a non-timer property → query.rules.0.operator", async () => {
    const e = await paths({ combinator: "and", rules: [r("launchedAt", "isExpired")] });
    expect(e.code).toBe("invalid_query");
    expect(e.paths).toContain("query.rules.0.operator");
  });

  it("a bad preset → query.rules.0.value.preset", async () => {
    const e = await paths({ combinator: "and", rules: [r("$createdAt", "between", { preset: "someday" })] });
    expect(e.paths).toContain("query.rules.0.value.preset");
  });

  it("a property of another blueprint is unknown in a blueprint-scoped search", async () => {
    const e = await paths({ combinator: "and", rules: [r("rank", "=", 1)] });
    expect(e.paths).toContain("query.rules.0.property");
  });

  it("searching a missing blueprint is a 404", async () => {
    await searchError({}, "ghost", 404);
  });
});

describe("free-text search", () => {
  async function freeText(q: string, headers: Record<string, string> = {}): Promise<FreeText["groups"]> {
    const res = await callJson<FreeText>("GET", `/v1/search?q=${encodeURIComponent(q)}&limit=100`, undefined, headers);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.groups;
  }
  const hitIds = (groups: FreeText["groups"]) => groups.flatMap((g) => g.entities.map((e) => e.identifier)).sort();
  const hits = (groups: FreeText["groups"]) => groups.flatMap((g) => g.entities.map((e) => ({ blueprint: g.blueprint, ...e })));

  it("finds by a part of an identifier (3+ characters, not a prefix, not in the title)", async () => {
    const groups = await freeText("eta-d");
    expect(hitIds(groups)).toEqual([C]);
    expect(groups[0]).toMatchObject({ blueprint: "service", title: "Service" });
  });

  it("finds by a word of the title", async () => {
    expect(hitIds(await freeText("Database"))).toEqual([C]);
  });

  it("finds by a part of a title word, case-insensitively", async () => {
    expect(hitIds(await freeText("orke"))).toEqual([B]);
  });

  it("finds by a string property value", async () => {
    const groups = await freeText("Python");
    expect(hitIds(groups)).toEqual([D]);
    expect(hits(groups)[0]?.tier).toBe(2);
  });

  it("finds by an array element", async () => {
    expect(hitIds(await freeText("batch"))).toEqual([B]);
  });

  it("identifier/title prefix hits rank before property-only hits (tier 0 before 2)", async () => {
    // svc-beta-cache's title is "Cache"; dep-3 only mentions the cache in a property.
    const list = hits(await freeText("cache"));
    expect(list.map((h) => h.identifier)).toEqual([D, "dep-3"]);
    expect(list.map((h) => h.tier)).toEqual([0, 2]);
  });

  it("an identifier prefix is tier 0, a substring of the identifier tier 1", async () => {
    const list = hits(await freeText("svc-alpha"));
    expect(list.map((h) => h.identifier).sort()).toEqual(S(A, B));
    expect(list.every((h) => h.tier === 0)).toBe(true);
    const sub = hits(await freeText("alpha-w"));
    expect(sub).toEqual([{ blueprint: "service", identifier: B, title: "Alpha Worker", tier: 1 }]);
  });

  it("tiers never decrease along the results", async () => {
    const list = hits(await freeText("web"));
    expect(list.map((h) => h.identifier).sort()).toEqual(S(A, D));
    const tiers = list.map((h) => h.tier);
    expect(tiers).toEqual([...tiers].sort());
  });

  it("one or two characters match identifier and title prefixes only", async () => {
    expect(hitIds(await freeText("sy"))).toEqual(["sys-billing", "sys-platform"]);
    expect(hitIds(await freeText("Bi"))).toEqual(["sys-billing"]);
    expect(hitIds(await freeText("d"))).toEqual(["dep-1", "dep-2", "dep-3", "dom-core", "dom-pay"]);
    // "ca" is inside "svc-beta-cache" and a tag, but the only prefix is the title "Cache".
    expect(hitIds(await freeText("ca"))).toEqual([D]);
  });

  it("text nobody has finds nothing", async () => {
    expect(await freeText("zzzqqq")).toEqual([]);
  });

  it("unreadable entities never appear (bob and vault)", async () => {
    expect(hitIds(await freeText("vault-alpha", as("bob")))).toEqual([]);
    expect(hitIds(await freeText("vault", as("bob")))).toEqual(["vault-beta", "vault-shared"]);
    expect(hitIds(await freeText("classified", as("bob")))).toEqual(["vault-beta", "vault-shared"]);
    expect(hitIds(await freeText("vault"))).toEqual(VAULT);
  });

  it("q is required", async () => {
    const res = await callJson("GET", "/v1/search");
    expect(res.status).toBe(400);
  });
});
