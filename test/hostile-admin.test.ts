import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check, expectApiAnswer, expectEscaped, runs, send, Tally, timeoutFor } from "./hostile/checks";
import { admin, adminBrowser } from "./hostile/fixtures";
import { hostileBody, hostilePathSegment, hostileString, INJECTIONS, type Json, type WireBody } from "./hostile/generators";

// Hostile input against scorecards (definitions, exemptions), initiatives, teams, users (invitations and
// changes), credentials (access-token exchange, personal tokens, API clients) and templates. Accepted writes
// that show on pages (scorecard, initiative and team pages) must be rendered escaped.

const tally = new Tally();
const VICTIM = "victim@hostile.test";

const scorecard: Json = {
  identifier: "hx_sc_new",
  title: "Readiness",
  levels: [
    { title: "Basic", color: "paleBlue" },
    { title: "Bronze", color: "bronze" },
    { title: "Silver", color: "silver" },
  ],
  rules: [
    {
      identifier: "owned",
      title: "Has an owner",
      level: "Bronze",
      query: { combinator: "and", conditions: [{ property: "$team", operator: "isNotEmpty" }] },
    },
    {
      identifier: "named",
      title: "Named",
      level: "Silver",
      weight: 2,
      query: { combinator: "or", conditions: [{ property: "name", operator: "=", value: "x" }] },
    },
  ],
};

const initiative: Json = {
  identifier: "hx_in_new",
  title: "Everything Silver",
  description: "d",
  blueprint: "hx_service",
  scorecard: "hx_sc",
  target: { level: "Silver" },
  targetDate: "2027-03-31",
  owner: "alpha",
  teams: ["alpha"],
};

/** Gives a body still carrying `base` as its identifier a fresh one, so valid bodies keep creating rows. */
function renamer(base: string) {
  let n = 0;
  return (wire: WireBody): WireBody => {
    n += 1;
    const json = "json" in wire ? (wire.json as Json | null) : null;
    return json && typeof json === "object" && json.identifier === base ? { json: { ...json, identifier: `${base}_${n}` } } : wire;
  };
}

beforeAll(async () => {
  await admin("POST", "/v1/teams", { name: "alpha", description: INJECTIONS[0] });
  await admin("POST", "/v1/blueprints", {
    identifier: "hx_service",
    title: "Service",
    schema: { properties: { name: { type: "string" } } },
  });
  await admin("POST", "/v1/blueprints/hx_service/entities", { identifier: "hx-1", team: ["alpha"], properties: { name: "x" } });
  await admin("POST", "/v1/blueprints/hx_service/scorecards", { ...scorecard, identifier: "hx_sc" });
  await admin("POST", "/v1/initiatives", { ...initiative, identifier: "hx_in" });
  await admin("POST", "/v1/users/invite", { email: VICTIM, roles: ["Member"], teams: ["alpha"] });
});

afterAll(() => {
  console.log(tally.summary("admin"));
});

describe("scorecards and initiatives", () => {
  it(
    "POST/PUT scorecards and POST exemptions: hostile bodies never 5xx",
    async () => {
      const fresh = renamer("hx_sc_new");
      const arb = fc.oneof(
        hostileBody(scorecard).map((w) => ["POST", "/v1/blueprints/hx_service/scorecards", fresh(w)] as const),
        hostileBody({ ...scorecard, identifier: "hx_sc" }).map((w) => ["PUT", "/v1/blueprints/hx_service/scorecards/hx_sc", w] as const),
        hostileBody({ rule: "owned", entity: "hx-1", reason: "legacy", expiresAt: "2030-01-01T00:00:00Z" }).map(
          (w) => ["POST", "/v1/blueprints/hx_service/scorecards/hx_sc/exemptions", w] as const,
        ),
      );
      await check(arb, runs(400), async ([method, path, wire]) => {
        tally.count(`${method} ${path.replace("hx_service", "{bp}").replace(/hx_sc(?=\/|$)/, "{id}")}`);
        const res = await send(method, path, wire);
        await expectApiAnswer(res, tally, `${method} ${path}`);
        if (res.status < 300) tally.accepted += 1;
      });
      const page = await (await adminBrowser()).page("/blueprints/hx_service/scorecards/hx_sc");
      expect(page.status).toBe(200);
      expectEscaped(page.html, tally, "scorecard page");
    },
    timeoutFor(60_000),
  );

  it(
    "POST/PUT /v1/initiatives: hostile bodies never 5xx; the pages render them escaped",
    async () => {
      const fresh = renamer("hx_in_new");
      const arb = fc.oneof(
        hostileBody(initiative).map((w) => ["POST", "/v1/initiatives", fresh(w)] as const),
        hostileBody({ ...initiative, identifier: "hx_in" }).map((w) => ["PUT", "/v1/initiatives/hx_in", w] as const),
      );
      await check(arb, runs(300), async ([method, path, wire]) => {
        tally.count(`${method} /v1/initiatives${method === "PUT" ? "/{id}" : ""}`);
        const res = await send(method, path, wire);
        await expectApiAnswer(res, tally, `${method} ${path}`);
        if (res.status < 300) tally.accepted += 1;
      });
      const browser = await adminBrowser();
      for (const path of ["/initiatives", "/initiatives/hx_in", "/teams/alpha"]) {
        const page = await browser.page(path);
        expect(page.status, path).toBeLessThan(500);
        expectEscaped(page.html, tally, path);
      }
    },
    timeoutFor(40_000),
  );
});

describe("teams and users", () => {
  it(
    "POST/PATCH /v1/teams: hostile bodies never 5xx; the team page renders them escaped",
    async () => {
      let n = 0;
      const arb = fc.oneof(
        hostileBody({ name: "hx-team", description: "d", members: [VICTIM] }).map((w) => ["POST", "/v1/teams", w] as const),
        hostileBody({ description: "d", members: [VICTIM] }).map((w) => ["PATCH", "/v1/teams/alpha", w] as const),
      );
      await check(arb, runs(400), async ([method, path, wire]) => {
        tally.count(`${method} /v1/teams${method === "PATCH" ? "/{name}" : ""}`);
        n += 1;
        const json = "json" in wire ? (wire.json as Json | null) : null;
        const body = method === "POST" && json?.name === "hx-team" ? { json: { ...json, name: `hx-team-${n}` } } : wire;
        const res = await send(method, path, body);
        await expectApiAnswer(res, tally, `${method} ${path}`);
        if (res.status < 300) tally.accepted += 1;
      });
      const page = await (await adminBrowser()).page("/teams/alpha");
      expect(page.status).toBe(200);
      expectEscaped(page.html, tally, "team page");
    },
    timeoutFor(40_000),
  );

  it(
    "POST /v1/users/invite and PATCH /v1/users/{email}: hostile bodies never 5xx",
    async () => {
      let n = 0;
      const arb = fc.oneof(
        hostileBody({ email: "new@hostile.test", name: "New", roles: ["Member"], teams: ["alpha"] }).map(
          (w) => ["POST", "/v1/users/invite", w] as const,
        ),
        hostileBody({ name: "Victim", roles: ["Member"], teams: ["alpha"], status: "active" }).map(
          (w) => ["PATCH", `/v1/users/${encodeURIComponent(VICTIM)}`, w] as const,
        ),
      );
      await check(arb, runs(400), async ([method, path, wire]) => {
        tally.count(`${method} /v1/users/${method === "PATCH" ? "{email}" : "invite"}`);
        n += 1;
        const json = "json" in wire ? (wire.json as Json | null) : null;
        const body = json?.email === "new@hostile.test" ? { json: { ...json, email: `new${n}@hostile.test` } } : wire;
        await expectApiAnswer(await send(method, path, body), tally, `${method} ${path}`);
      });
      const me = await send("GET", "/v1/auth/me", undefined);
      expect(me.status, "the admin still works after hostile user changes").toBe(200);
    },
    timeoutFor(40_000),
  );
});

describe("credentials and templates", () => {
  it(
    "POST /v1/auth/access_token (anonymous), /v1/auth/tokens and /v1/auth/clients: hostile bodies never 5xx",
    async () => {
      const arb = fc.oneof(
        hostileBody({ clientId: "epci_x", clientSecret: "epcs_y" }).map(
          (w) => ["/v1/auth/access_token", w, { authorization: "" }] as const,
        ),
        hostileBody({ name: "ci", expiresInDays: 30 }).map((w) => ["/v1/auth/tokens", w, {}] as const),
        hostileBody({ name: "bot", user: VICTIM }).map((w) => ["/v1/auth/clients", w, {}] as const),
      );
      await check(arb, runs(400), async ([path, wire, headers]) => {
        tally.count(`POST ${path}`);
        await expectApiAnswer(await send("POST", path, wire, headers), tally, `POST ${path}`);
      });
      const page = await (await adminBrowser()).page("/settings/tokens");
      expect(page.status).toBe(200);
      expectEscaped(page.html, tally, "tokens page");
    },
    timeoutFor(40_000),
  );

  it(
    "hostile bearer tokens, template names and credential ids never 5xx",
    async () => {
      const bearer = fc.oneof(
        hostileString,
        fc.constantFrom(
          "epat_",
          "epat_0000000000000000000000000000000000aaaaaa",
          "a.b.c",
          "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
          "Bearer",
        ),
      );
      const arb = fc.oneof(
        bearer.map((t) => ["GET", "/v1/auth/me", { authorization: `Bearer ${t.replace(/[^\t\x20-\x7e]/g, "?")}` }] as const),
        hostilePathSegment.map((s) => ["POST", `/v1/templates/${s}/apply`, {}] as const),
        hostilePathSegment.map((s) => ["GET", `/v1/templates/${s}`, {}] as const),
        hostilePathSegment.map((s) => ["DELETE", `/v1/auth/tokens/${s}`, {}] as const),
        hostilePathSegment.map((s) => ["DELETE", `/v1/auth/clients/${s}`, {}] as const),
        hostilePathSegment.map((s) => ["GET", `/v1/users/${s}`, {}] as const),
        hostilePathSegment.map((s) => ["DELETE", `/v1/teams/${s}`, {}] as const),
        hostilePathSegment.map((s) => ["GET", `/v1/blueprints/hx_service/scorecards/${s}/results`, {}] as const),
        hostilePathSegment.map((s) => ["DELETE", `/v1/blueprints/hx_service/scorecards/hx_sc/exemptions/${s}/${s}`, {}] as const),
        hostilePathSegment.map((s) => ["GET", `/v1/initiatives/${s}/progress`, {}] as const),
      );
      await check(arb, runs(400), async ([method, path, headers]) => {
        tally.count("hostile bearer tokens and ids (auth, templates, users, teams, scorecards, initiatives)");
        await expectApiAnswer(await send(method, path, undefined, headers), tally, `${method} ${path}`);
      });
    },
    timeoutFor(30_000),
  );
});

describe("totals", () => {
  it("the suite tried what it promises", () => {
    expect(tally.total).toBeGreaterThanOrEqual(runs(2300));
    expect(tally.serverErrors).toBe(0);
    expect(tally.accepted, "some hostile writes must be accepted").toBeGreaterThan(20);
  });
});
