import { describe, expect, it } from "vitest";
import { blueprintBody, call, callJson, createUserToken } from "./helpers";

const scorecard = {
  identifier: "ready",
  title: "Ready",
  levels: [{ title: "Basic" }, { title: "Bronze" }, { title: "Silver" }],
  rules: [
    {
      identifier: "owner",
      title: "Has an owner",
      level: "Bronze",
      query: { combinator: "and", conditions: [{ property: "$team", operator: "isNotEmpty" }] },
    },
    {
      identifier: "docs",
      title: "Has docs",
      level: "Silver",
      query: { combinator: "and", conditions: [{ property: "docs", operator: "isNotEmpty" }] },
    },
  ],
};

type Progress = {
  total: number;
  done: number;
  percent: number;
  history: { day: string; percent: number }[];
  teams: { team: string; total: number; done: number; failing: { identifier: string; needs: string[] }[] }[];
};

describe("initiatives", () => {
  it("counts entities meeting the target and lists what each failing one needs, by team", async () => {
    for (const name of ["payments", "search"]) expect((await callJson("POST", "/v1/teams", { name })).status).toBe(201);
    expect(
      (
        await callJson(
          "POST",
          "/v1/blueprints",
          blueprintBody("app", { schema: { properties: { docs: { type: "string" } }, required: [] } }),
        )
      ).status,
    ).toBe(201);
    const entities = [
      { identifier: "a", team: ["payments"], properties: { docs: "https://docs/a" } },
      { identifier: "b", team: ["payments"] },
      { identifier: "c", team: ["search"], properties: { docs: "https://docs/c" } },
      { identifier: "d" },
    ];
    expect((await callJson("POST", "/v1/blueprints/app/entities/bulk", { entities })).status).toBe(200);
    expect((await callJson("POST", "/v1/blueprints/app/scorecards", scorecard)).status).toBe(201);
    const created = await callJson("POST", "/v1/initiatives", {
      identifier: "silver_q1",
      title: "Everything Silver",
      blueprint: "app",
      scorecard: "ready",
      target: { level: "Silver" },
      targetDate: "2027-03-31",
      owner: "payments",
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const progress = await callJson<Progress>("GET", "/v1/initiatives/silver_q1/progress");
    expect(progress.status).toBe(200);
    expect(progress.body).toMatchObject({ total: 4, done: 2, percent: 50 });
    const payments = progress.body.teams.find((t) => t.team === "payments");
    expect(payments).toMatchObject({ total: 2, done: 1, failing: [{ identifier: "b", needs: ["Has docs"] }] });
    const noTeam = progress.body.teams.find((t) => t.team === "(no team)");
    expect(noTeam?.failing[0]?.needs.sort()).toEqual(["Has an owner", "Has docs"]);
    expect(progress.body.history.at(-1)?.percent).toBe(50);
    // A rule target, limited to one team.
    const rules = await callJson("POST", "/v1/initiatives", {
      identifier: "docs_search",
      title: "Docs for search",
      blueprint: "app",
      scorecard: "ready",
      target: { rules: ["docs"] },
      targetDate: "2027-01-31",
      owner: "search",
      teams: ["search"],
    });
    expect(rules.status, JSON.stringify(rules.body)).toBe(201);
    expect((await callJson<Progress>("GET", "/v1/initiatives/docs_search/progress")).body).toMatchObject({
      total: 1,
      done: 1,
      percent: 100,
    });
  });

  it("refuses bad targets with located errors, and Members may not create them", async () => {
    const bad = await callJson<{ error: { details: { path: string }[] } }>("POST", "/v1/initiatives", {
      identifier: "bad",
      title: "Bad",
      blueprint: "app",
      scorecard: "ready",
      target: { level: "Platinum" },
      targetDate: "2027-03-31",
      owner: "payments",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d) => d.path)).toEqual(["target.level"]);
    const badDate = await callJson<{ error: { details: { path: string }[] } }>("POST", "/v1/initiatives", {
      identifier: "bad2",
      title: "Bad",
      blueprint: "app",
      scorecard: "nope",
      target: { level: "Silver" },
      targetDate: "soon",
      owner: "payments",
    });
    expect(badDate.status).toBe(400);
    expect(badDate.body.error.details.map((d) => d.path)).toEqual(["targetDate"]);
    const member = await createUserToken("dev@portal.test", { roles: ["Member"] });
    const denied = await callJson(
      "POST",
      "/v1/initiatives",
      {
        identifier: "m",
        title: "M",
        blueprint: "app",
        scorecard: "ready",
        target: { level: "Silver" },
        targetDate: "2027-03-31",
        owner: "x",
      },
      { authorization: `Bearer ${member}` },
    );
    expect(denied.status).toBe(403);
  });
});

describe("team page", () => {
  it("shows a team its share of each initiative and what its entities still need", async () => {
    const html = await (await call("GET", "/teams/payments")).text();
    expect(html).toContain("Everything Silver");
    expect(html).toContain("1/2");
    expect(html).toMatch(/b<\/a> needs\s*Has docs/);
    const other = await (await call("GET", "/teams/%3Cscript%3E")).text();
    expect(other).not.toContain("<script>");
    expect(other).toContain("No initiative counts entities of this team");
  });
});
