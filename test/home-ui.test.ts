import { beforeAll, describe, expect, it } from "vitest";
import { actionBody, as, createAction, hook, type RunView, startRun } from "./actions-helpers";
import { call, callJson, createUserToken } from "./helpers";

// The home page: my teams' entities (direct and inherited ownership, within read scope), my runs, runs
// waiting for my approval, and the scorecard rules my teams' entities fail; each with an empty state.

const SVC = "hsvc";
const EVIL = "<script>alert(1)</script>";
let alice = "";
let bob = "";
let carol = "";
let aliceRun: RunView;
let bobRun: RunView;

async function ok(method: string, path: string, body: unknown, status = 201): Promise<void> {
  const r = await callJson(method, path, body);
  expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(status);
}

async function home(token: string): Promise<string> {
  const res = await call("GET", "/", undefined, as(token));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/html");
  return res.text();
}

/** The inner HTML of one home section, by its id. */
function section(html: string, id: string): string {
  const m = new RegExp(`<section class="home-card" aria-labelledby="${id}-title">([\\s\\S]*?)</section>`).exec(html);
  if (!m?.[1]) throw new Error(`no section ${id} in ${html}`);
  return m[1];
}

const entityLink = (bp: string, id: string) => `href="/blueprints/${bp}/entities/${id}"`;
const rule = (identifier: string, title: string, property: string) => ({
  identifier,
  title,
  level: "Silver",
  query: { combinator: "and", conditions: [{ property, operator: "isNotEmpty" }] },
});

beforeAll(async () => {
  await ok("POST", "/v1/teams", { name: "alpha" });
  await ok("POST", "/v1/teams", { name: "beta" });
  await ok("POST", "/v1/blueprints", {
    identifier: SVC,
    title: "Home Service",
    schema: { properties: { lang: { type: "string" }, runbook: { type: "string" } }, required: [] },
  });
  await ok("POST", "/v1/blueprints", {
    identifier: "hrepo",
    title: "Home Repo",
    schema: { properties: {}, required: [] },
    ownership: { type: "Inherited", path: "service" },
    relations: { service: { target: SVC, many: false, required: false } },
  });
  await ok("POST", "/v1/blueprints", { identifier: "hsecret", title: "Home Secret", schema: { properties: {}, required: [] } });
  // Only admins read hsecret: alpha's entity there must not reach alice's home.
  await ok("PATCH", "/v1/blueprints/hsecret/permissions", { entities: { read: { roles: ["Admin"], ownedByTeam: false } } }, 200);
  await ok("POST", `/v1/blueprints/${SVC}/scorecards`, {
    identifier: "ready",
    title: "Readiness",
    levels: [{ title: "Basic" }, { title: "Silver" }],
    rules: [rule("has-lang", "Has a language", "lang"), rule("has-runbook", "Has a runbook", "runbook")],
  });
  const entities: [string, Record<string, unknown>][] = [
    [SVC, { identifier: "a-ok", title: "Alpha OK", team: ["alpha"], properties: { lang: "go", runbook: "r" } }],
    [SVC, { identifier: "a-nolang", title: EVIL, team: ["alpha"], properties: { runbook: "r" } }],
    [SVC, { identifier: "b-nolang", title: "Beta no lang", team: ["beta"], properties: {} }],
    [SVC, { identifier: "orphan", properties: {} }],
    ["hrepo", { identifier: "repo-a", relations: { service: "a-ok" } }],
    ["hrepo", { identifier: "repo-b", relations: { service: "b-nolang" } }],
    ["hsecret", { identifier: "secret-a", team: ["alpha"] }],
  ];
  for (const [bp, body] of entities) await ok("POST", `/v1/blueprints/${bp}/entities`, body);

  alice = await createUserToken("alice-home@portal.test", { roles: ["Member"], teams: ["alpha"] });
  bob = await createUserToken("bob-home@portal.test", { roles: ["Member"], teams: ["beta"] });
  carol = await createUserToken("carol-home@portal.test", { roles: ["Member"] });
  await createAction(
    actionBody("home_deploy", SVC, hook("home-deploy"), {
      title: "Deploy a service",
      requiredApproval: true,
      permissions: {
        execute: { roles: ["Admin", "Member"] },
        approve: { roles: [], users: ["alice-home@portal.test", "bob-home@portal.test"], teams: [] },
      },
    }),
  );
  aliceRun = await startRun("home_deploy", { properties: {} }, alice);
  bobRun = await startRun("home_deploy", { properties: {} }, bob);
});

describe("my entities", () => {
  it("lists my team's entities, directly and through inherited ownership, and not another team's", async () => {
    const s = section(await home(alice), "home-entities");
    expect(s).toContain(entityLink(SVC, "a-ok"));
    expect(s).toContain(entityLink(SVC, "a-nolang"));
    expect(s).toContain(entityLink("hrepo", "repo-a"));
    expect(s).not.toContain(entityLink(SVC, "b-nolang"));
    expect(s).not.toContain(entityLink("hrepo", "repo-b"));
    expect(s).not.toContain(entityLink(SVC, "orphan"));
  });

  it("counts them per blueprint", async () => {
    const s = section(await home(alice), "home-entities");
    expect(s).toContain('<a href="/blueprints/hsvc">Home Service</a> <span class="home-count">2</span>');
    expect(s).toContain('<a href="/blueprints/hrepo">Home Repo</a> <span class="home-count">1</span>');
  });

  it("leaves out my team's entities of blueprints I may not read", async () => {
    const s = section(await home(alice), "home-entities");
    expect(s).not.toContain("secret-a");
    expect(s).not.toContain("Home Secret");
    const admin = await call("GET", "/blueprints/hsecret/entities/secret-a");
    expect(admin.status).toBe(200);
  });

  it("escapes entity titles", async () => {
    const html = await home(alice);
    expect(html).not.toContain(EVIL);
    expect(section(html, "home-entities")).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("lists the most recently updated first", async () => {
    await ok("PATCH", `/v1/blueprints/${SVC}/entities/a-ok`, { properties: { lang: "rust" } }, 200);
    const s = section(await home(alice), "home-entities");
    const first = s.indexOf(entityLink(SVC, "a-ok"));
    expect(first).toBeGreaterThan(-1);
    expect(first).toBeLessThan(s.indexOf(entityLink(SVC, "a-nolang")));
    expect(first).toBeLessThan(s.indexOf(entityLink("hrepo", "repo-a")));
  });
});

describe("my runs and my approvals", () => {
  it("lists the runs I started, not someone else's", async () => {
    const s = section(await home(alice), "home-runs");
    expect(s).toContain(`href="/runs/${aliceRun.id}"`);
    expect(s).not.toContain(bobRun.id);
    expect(s).toContain("Waiting for approval");
  });

  it("lists runs I may approve, never the one I requested", async () => {
    const s = section(await home(alice), "home-approvals");
    expect(s).toContain(`href="/runs/${bobRun.id}"`);
    expect(s).toContain("bob-home@portal.test");
    expect(s).not.toContain(aliceRun.id);
  });

  it("drops a run from my approvals once I decided", async () => {
    const decided = await callJson("PATCH", `/v1/actions/runs/${bobRun.id}/approval`, { status: "DECLINE" }, as(alice));
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const s = section(await home(alice), "home-approvals");
    expect(s).not.toContain(bobRun.id);
    expect(s).toContain("Nothing is waiting for your approval.");
  });
});

describe("failing scorecard rules of my teams", () => {
  it("groups my team's failing entities by rule, with counts and links", async () => {
    const s = section(await home(alice), "home-rules");
    expect(s).toContain("Has a language");
    expect(s).toContain('href="/blueprints/hsvc/scorecards/ready"');
    expect(s).toMatch(/Has a language[\s\S]*?<td class="num">1<\/td>/);
    expect(s).toContain(entityLink(SVC, "a-nolang"));
    expect(s).not.toContain(entityLink(SVC, "b-nolang"));
    // Every alpha entity has a runbook: that rule does not show.
    expect(s).not.toContain("Has a runbook");
  });

  it("shows another team its own failures only", async () => {
    const s = section(await home(bob), "home-rules");
    expect(s).toContain(entityLink(SVC, "b-nolang"));
    expect(s).toContain("Has a runbook");
    expect(s).not.toContain(entityLink(SVC, "a-nolang"));
  });

  it("counts an exempt entity as passing", async () => {
    await ok("POST", `/v1/blueprints/${SVC}/scorecards/ready/exemptions`, { rule: "has-lang", entity: "a-nolang", reason: "legacy" });
    const s = section(await home(alice), "home-rules");
    expect(s).not.toContain("Has a language");
    expect(s).toContain("Your teams&#39; entities pass every scorecard rule.");
  });
});

describe("empty states", () => {
  it("tells a user without a team what to do, and that there are no runs or approvals yet", async () => {
    const html = await home(carol);
    expect(section(html, "home-entities")).toContain("You are in no team");
    expect(section(html, "home-entities")).toContain('href="/catalog"');
    expect(section(html, "home-runs")).toContain("No runs yet");
    expect(section(html, "home-runs")).toContain('href="/self-service"');
    expect(section(html, "home-approvals")).toContain("Nothing is waiting for your approval.");
    expect(section(html, "home-rules")).toContain("Once you are in a team");
  });

  it("signs anonymous visitors in first", async () => {
    const res = await call("GET", "/", undefined, { authorization: "" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?next=%2F");
  });
});
