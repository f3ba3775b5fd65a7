import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { blueprintBody, callJson } from "./helpers";

// Scorecards end to end on one blueprint: levels (a gap below stops the climb), weights and the score,
// property-to-property rules, the filter, rescoring on PUT, history, search by level, delete, validation.
// D1 is fresh per test file; the tests below run in order and build on each other.

type Json = Record<string, unknown>;
type ErrorBody = { ok: false; error: { code: string; details: { path: string; message: string }[] } };
type RuleView = { identifier: string; level: string; status: string; exempt: boolean };
type Scores = { title: string; level: string; score: number; rules: RuleView[] };
type Overview = {
  levels: { title: string; count: number }[];
  entities: { identifier: string; level: string; levelIndex: number; score: number }[];
};

const BP = "svc";
const LEVELS = [
  { title: "Basic", color: "paleBlue" },
  { title: "Bronze", color: "bronze" },
  { title: "Silver", color: "silver" },
  { title: "Gold", color: "gold" },
];

const cond = (...conditions: unknown[]) => ({ combinator: "and", conditions });

/** Weights 1 + 1 + 2 + 4 = 8: every combination of passing rules has a distinct score. */
const readiness = {
  identifier: "readiness",
  title: "Production readiness",
  levels: LEVELS,
  rules: [
    { identifier: "has_owner", title: "Has an owner", level: "Bronze", query: cond({ property: "$team", operator: "isNotEmpty" }) },
    { identifier: "is_go", title: "Written in Go", level: "Bronze", query: cond({ property: "lang", operator: "=", value: "go" }) },
    {
      identifier: "has_runbook",
      title: "Has a runbook",
      level: "Silver",
      weight: 2,
      query: cond({ property: "runbook", operator: "isNotEmpty" }),
    },
    {
      identifier: "enough_replicas",
      title: "Replicas ≥ minimum",
      level: "Gold",
      weight: 4,
      query: cond({ property: "replicas", operator: ">=", value: { property: "minReplicas" } }),
    },
  ],
};

async function scorecardsOf(id: string): Promise<Record<string, Scores> | undefined> {
  const got = await callJson<{ entity: { scorecards?: Record<string, Scores> } }>("GET", `/v1/blueprints/${BP}/entities/${id}`);
  expect(got.status, JSON.stringify(got.body)).toBe(200);
  return got.body.entity.scorecards;
}

async function scoresOf(id: string, scorecard = "readiness"): Promise<Scores | undefined> {
  return (await scorecardsOf(id))?.[scorecard];
}

async function overview(scorecard: string, query = ""): Promise<Overview> {
  const r = await callJson<Overview>("GET", `/v1/blueprints/${BP}/scorecards/${scorecard}/results${query}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

async function search(rules: unknown[]): Promise<string[]> {
  const r = await callJson<{ entities: { identifier: string }[] }>("POST", `/v1/blueprints/${BP}/entities/search`, {
    query: { combinator: "and", rules },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.entities.map((e) => e.identifier).sort();
}

async function create(entity: Json): Promise<void> {
  const r = await callJson("POST", `/v1/blueprints/${BP}/entities`, entity);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

async function patch(id: string, body: Json): Promise<void> {
  const r = await callJson("PATCH", `/v1/blueprints/${BP}/entities/${id}`, body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

async function postScorecard(body: Json): Promise<void> {
  const r = await callJson("POST", `/v1/blueprints/${BP}/scorecards`, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

async function errorPaths(method: string, path: string, body?: unknown): Promise<{ status: number; paths: string[] }> {
  const r = await callJson<ErrorBody>(method, path, body);
  return { status: r.status, paths: (r.body.error?.details ?? []).map((d) => d.path).sort() };
}

async function storedResults(scorecard: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM scorecard_results WHERE blueprint = ? AND scorecard = ?")
    .bind(BP, scorecard)
    .first<{ n: number }>();
  return row?.n ?? -1;
}

function statuses(s: Scores | undefined): Record<string, string> {
  return Object.fromEntries((s?.rules ?? []).map((r) => [r.identifier, r.status]));
}

beforeAll(async () => {
  expect((await callJson("POST", "/v1/teams", { name: "payments" })).status).toBe(201);
  expect((await callJson("POST", "/v1/teams", { name: "search" })).status).toBe(201);
  const bp = blueprintBody(BP, {
    schema: {
      properties: {
        lang: { type: "string" },
        runbook: { type: "string", format: "url" },
        replicas: { type: "number" },
        minReplicas: { type: "number" },
        owner: { type: "string" },
        enabled: { type: "boolean" },
      },
      required: [],
    },
  });
  expect((await callJson("POST", "/v1/blueprints", bp)).status).toBe(201);
  const runbook = "https://wiki.example.com/runbook";
  // Created before the scorecard: the POST scores what is already there.
  await create({ identifier: "gold", team: ["payments"], properties: { lang: "go", runbook, replicas: 3, minReplicas: 2 } });
  // Passes Silver and Gold but fails a Bronze rule: stays at the first level.
  await create({ identifier: "gap", team: ["payments"], properties: { lang: "py", runbook, replicas: 3, minReplicas: 2 } });
  await create({ identifier: "silver", team: ["payments"], properties: { lang: "go", runbook, replicas: 1, minReplicas: 2 } });
  await create({ identifier: "bronze", team: ["search"], properties: { lang: "go", replicas: 5, minReplicas: 2 } });
  await create({ identifier: "bare" });
});

describe("levels and score", () => {
  it("a new scorecard scores every entity already in the blueprint", async () => {
    await postScorecard(readiness);
    expect(await storedResults("readiness")).toBe(5);
  });

  it("an entity reaches a level only when that level and every level below pass (a gap stops the climb)", async () => {
    expect((await scoresOf("gold"))?.level).toBe("Gold");
    expect((await scoresOf("silver"))?.level).toBe("Silver");
    expect((await scoresOf("bronze"))?.level).toBe("Bronze");
    expect((await scoresOf("bare"))?.level).toBe("Basic");
    // Gold and Silver rules pass, one Bronze rule fails: Basic, not Gold.
    const gap = await scoresOf("gap");
    expect(gap?.level).toBe("Basic");
    expect(statuses(gap)).toEqual({ has_owner: "SUCCESS", is_go: "FAILURE", has_runbook: "SUCCESS", enough_replicas: "SUCCESS" });
  });

  it("the score is the weighted share of passing rules, 0–100", async () => {
    const score = async (id: string) => (await scoresOf(id))?.score;
    expect(await score("gold")).toBe(100);
    expect(await score("gap")).toBe(87.5); // 1 + 2 + 4 of 8
    expect(await score("bronze")).toBe(75); // 1 + 1 + 4 of 8 (Silver fails, Gold passes: still Bronze)
    expect(await score("silver")).toBe(50); // 1 + 1 + 2 of 8
    expect(await score("bare")).toBe(0);
  });

  it("equal weights round to one decimal (2 of 3 rules → 66.7)", async () => {
    await postScorecard({
      identifier: "thirds",
      title: "Thirds",
      levels: [{ title: "No" }, { title: "Yes" }],
      rules: [
        { identifier: "a", title: "a", level: "Yes", query: cond({ property: "lang", operator: "=", value: "go" }) },
        { identifier: "b", title: "b", level: "Yes", query: cond({ property: "runbook", operator: "isNotEmpty" }) },
        { identifier: "c", title: "c", level: "Yes", query: cond({ property: "owner", operator: "isNotEmpty" }) },
      ],
    });
    expect(await scoresOf("gold", "thirds")).toMatchObject({ level: "No", score: 66.7 });
    expect(await scoresOf("bronze", "thirds")).toMatchObject({ level: "No", score: 33.3 });
    expect(await scoresOf("bare", "thirds")).toMatchObject({ level: "No", score: 0 });
  });

  it("the entity's own write rescores it at once, up and down", async () => {
    await patch("gap", { properties: { lang: "go" } });
    expect(await scoresOf("gap")).toMatchObject({ level: "Gold", score: 100 });
    await patch("gap", { properties: { replicas: 1 } });
    expect(await scoresOf("gap")).toMatchObject({ level: "Silver", score: 50 });
    await patch("gap", { team: [] });
    expect(await scoresOf("gap")).toMatchObject({ level: "Basic", score: 37.5 });
    await patch("gap", { team: ["payments"], properties: { lang: "py", replicas: 3 } });
    expect(await scoresOf("gap")).toMatchObject({ level: "Basic", score: 87.5 });
  });

  it("a bulk write scores every entity it writes", async () => {
    const r = await callJson<{ entities: unknown[] }>("POST", `/v1/blueprints/${BP}/entities/bulk`, {
      entities: [
        { identifier: "bulk1", team: ["search"], properties: { lang: "go" } },
        { identifier: "bulk2", properties: { lang: "go", runbook: "https://x.example.com", replicas: 0, minReplicas: 0 } },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await scoresOf("bulk1")).toMatchObject({ level: "Bronze", score: 25 });
    expect(await scoresOf("bulk2")).toMatchObject({ level: "Basic", score: 87.5 });
  });

  it("the results overview counts entities per level and lists them lowest level first", async () => {
    const o = await overview("readiness");
    expect(Object.fromEntries(o.levels.map((l) => [l.title, l.count]))).toEqual({ Basic: 3, Bronze: 2, Silver: 1, Gold: 1 });
    expect(o.entities.map((e) => e.identifier)).toEqual(["bare", "bulk2", "gap", "bulk1", "bronze", "silver", "gold"]);
    const payments = await overview("readiness", "?team=payments");
    expect(payments.entities.map((e) => e.identifier).sort()).toEqual(["gap", "gold", "silver"]);
    expect(payments.levels.reduce((n, l) => n + l.count, 0)).toBe(3);
    expect((await overview("readiness", "?limit=2")).entities).toHaveLength(2);
  });
});

describe("property-to-property rules", () => {
  const ops = ["=", "!=", ">", ">=", "<", "<="] as const;
  const compare = {
    identifier: "compare",
    title: "Comparisons",
    levels: [{ title: "No" }, { title: "Yes" }],
    rules: ops.map((operator, i) => ({
      identifier: `op${i}`,
      title: `replicas ${operator} minReplicas`,
      level: "Yes",
      query: cond({ property: "replicas", operator, value: { property: "minReplicas" } }),
    })),
  };
  const outcome = async (id: string) => {
    const s = statuses(await scoresOf(id, "compare"));
    return Object.fromEntries(ops.map((op, i) => [op, s[`op${i}`] === "SUCCESS"]));
  };

  it("compares two number properties of the same entity with each operator", async () => {
    await create({ identifier: "cmp-more", properties: { replicas: 3, minReplicas: 2 } });
    await create({ identifier: "cmp-equal", properties: { replicas: 2, minReplicas: 2 } });
    await create({ identifier: "cmp-less", properties: { replicas: 1, minReplicas: 2 } });
    await create({ identifier: "cmp-fraction", properties: { replicas: 2.5, minReplicas: 2.25 } });
    await create({ identifier: "cmp-negative", properties: { replicas: -1, minReplicas: -3 } });
    await postScorecard(compare);
    expect(await outcome("cmp-more")).toEqual({ "=": false, "!=": true, ">": true, ">=": true, "<": false, "<=": false });
    expect(await outcome("cmp-equal")).toEqual({ "=": true, "!=": false, ">": false, ">=": true, "<": false, "<=": true });
    expect(await outcome("cmp-less")).toEqual({ "=": false, "!=": true, ">": false, ">=": false, "<": true, "<=": true });
    expect(await outcome("cmp-fraction")).toEqual({ "=": false, "!=": true, ">": true, ">=": true, "<": false, "<=": false });
    expect(await outcome("cmp-negative")).toEqual({ "=": false, "!=": true, ">": true, ">=": true, "<": false, "<=": false });
  });

  it("follows the entity's writes (the rule reads both values as written)", async () => {
    await patch("cmp-less", { properties: { minReplicas: 0 } });
    expect(await outcome("cmp-less")).toEqual({ "=": false, "!=": true, ">": true, ">=": true, "<": false, "<=": false });
  });

  it("an entity missing either property matches no comparison, != included (docs/scorecards.md)", async () => {
    await create({ identifier: "cmp-no-min", properties: { replicas: 3 } });
    await create({ identifier: "cmp-no-replicas", properties: { minReplicas: 3 } });
    const none = { "=": false, "!=": false, ">": false, ">=": false, "<": false, "<=": false };
    expect(await outcome("cmp-no-min")).toEqual(none);
    expect(await outcome("cmp-no-replicas")).toEqual(none);
  });

  it("also works as a search rule", async () => {
    expect(await search([{ property: "replicas", operator: ">", value: { property: "minReplicas" } }])).toEqual(
      ["bronze", "cmp-fraction", "cmp-less", "cmp-more", "cmp-negative", "gap", "gold"].sort(),
    );
  });

  it("refuses two properties holding different kinds of values, or a property that does not exist (400 with the path)", async () => {
    const rule = (value: unknown, property = "replicas") => ({
      identifier: "mixed",
      title: "Mixed",
      rules: [
        {
          identifier: "r",
          title: "r",
          level: "Gold",
          query: cond({ property: "owner", operator: "=", value: "x" }, { property, operator: ">=", value }),
        },
      ],
    });
    const url = `/v1/blueprints/${BP}/scorecards`;
    expect(await errorPaths("POST", url, rule({ property: "lang" }))).toEqual({
      status: 400,
      paths: ["rules.0.query.conditions.1.value.property"],
    });
    expect(await errorPaths("POST", url, rule({ property: "replicas" }, "lang"))).toEqual({
      status: 400,
      paths: ["rules.0.query.conditions.1.value.property"],
    });
    expect(await errorPaths("POST", url, rule({ property: "nope" }))).toEqual({
      status: 400,
      paths: ["rules.0.query.conditions.1.value.property"],
    });
    const search = await errorPaths("POST", `/v1/blueprints/${BP}/entities/search`, {
      query: { combinator: "and", rules: [{ property: "replicas", operator: "<", value: { property: "owner" } }] },
    });
    expect(search).toEqual({ status: 400, paths: ["query.rules.0.value.property"] });
    expect(await storedResults("mixed")).toBe(0);
  });
});

describe("the filter", () => {
  it("entities outside the filter get no result; a write moves an entity in and out", async () => {
    await postScorecard({
      identifier: "go_only",
      title: "Go services",
      levels: [{ title: "Basic" }, { title: "Bronze" }],
      filter: cond({ property: "lang", operator: "=", value: "go" }),
      rules: [{ identifier: "owned", title: "Owned", level: "Bronze", query: cond({ property: "$team", operator: "isNotEmpty" }) }],
    });
    const inFilter = ["bronze", "bulk1", "bulk2", "gold", "silver"];
    expect((await overview("go_only")).entities.map((e) => e.identifier).sort()).toEqual(inFilter);
    expect(await storedResults("go_only")).toBe(inFilter.length);
    expect(await scoresOf("gap", "go_only")).toBeUndefined();
    expect(await scoresOf("bare", "go_only")).toBeUndefined();
    expect(await scoresOf("gold", "go_only")).toMatchObject({ level: "Bronze", score: 100 });
    expect(await search([{ scorecard: "go_only", operator: "in", value: ["Basic", "Bronze"] }])).toEqual(inFilter);

    await patch("gap", { properties: { lang: "go" } });
    expect(await scoresOf("gap", "go_only")).toMatchObject({ level: "Bronze" });
    await patch("gap", { properties: { lang: "py" } });
    expect(await scoresOf("gap", "go_only")).toBeUndefined();
    expect(await storedResults("go_only")).toBe(inFilter.length);
  });

  it("an entity of a blueprint without scorecards has no scorecards field", async () => {
    expect((await callJson("POST", "/v1/blueprints", blueprintBody("unscored"))).status).toBe(201);
    expect((await callJson("POST", "/v1/blueprints/unscored/entities", { identifier: "u1" })).status).toBe(201);
    const r = await callJson<{ entity: Json }>("GET", "/v1/blueprints/unscored/entities/u1");
    expect(r.status).toBe(200);
    expect(r.body.entity).not.toHaveProperty("scorecards");
  });
});

describe("PUT rescoring the whole blueprint", () => {
  it("a changed rule rescores every entity at once, and the version moves on", async () => {
    const before = await callJson<{ scorecard: { version: number } }>("GET", `/v1/blueprints/${BP}/scorecards/readiness`);
    expect(before.status).toBe(200);
    // The Bronze language rule now wants Python.
    const changed = {
      ...readiness,
      rules: readiness.rules.map((r) =>
        r.identifier === "is_go" ? { ...r, query: cond({ property: "lang", operator: "=", value: "py" }) } : r,
      ),
    };
    const put = await callJson<{ scorecard: { version: number } }>("PUT", `/v1/blueprints/${BP}/scorecards/readiness`, changed, {
      "if-match": `"${before.body.scorecard.version}"`,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.scorecard.version).toBe(before.body.scorecard.version + 1);
    expect((await scoresOf("gap"))?.level).toBe("Gold");
    expect((await scoresOf("gold"))?.level).toBe("Basic");
    expect(await search([{ scorecard: "readiness", operator: "=", value: "Gold" }])).toEqual(["gap"]);
  });

  it("a stale If-Match is a 412 and changes nothing", async () => {
    const r = await callJson("PUT", `/v1/blueprints/${BP}/scorecards/readiness`, readiness, { "if-match": '"1"' });
    expect(r.status).toBe(412);
    expect((await scoresOf("gap"))?.level).toBe("Gold");
  });

  it("changed levels and filter: renamed levels show at once, entities leaving the filter lose their result", async () => {
    const renamed = {
      ...readiness,
      filter: cond({ property: "$team", operator: "isNotEmpty" }),
      levels: [{ title: "L0" }, { title: "L1" }, { title: "L2" }, { title: "L3" }],
      rules: readiness.rules.map((r) => ({ ...r, level: `L${LEVELS.findIndex((l) => l.title === r.level)}` })),
    };
    const put = await callJson("PUT", `/v1/blueprints/${BP}/scorecards/readiness`, renamed);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(await scoresOf("gold")).toMatchObject({ level: "L3", score: 100 });
    expect(await scoresOf("gap")).toMatchObject({ level: "L0", score: 87.5 });
    expect(await scoresOf("bare")).toBeUndefined();
    expect(await scoresOf("bulk2")).toBeUndefined();
    const o = await overview("readiness");
    expect(o.levels.map((l) => l.title)).toEqual(["L0", "L1", "L2", "L3"]);
    expect(o.entities.map((e) => e.identifier).sort()).toEqual(["bronze", "bulk1", "gap", "gold", "silver"]);
    expect(await search([{ scorecard: "readiness", operator: "=", value: "Gold" }])).toEqual([]);
    expect(await search([{ scorecard: "readiness", operator: "=", value: "L3" }])).toEqual(["gold"]);
    // Back to the original definition for the tests below.
    expect((await callJson("PUT", `/v1/blueprints/${BP}/scorecards/readiness`, readiness)).status).toBe(200);
    expect((await scoresOf("bare"))?.level).toBe("Basic");
  });
});

describe("search by level", () => {
  it("=, !=, in and notIn", async () => {
    const levelOf = new Map((await overview("readiness", "?limit=1000")).entities.map((e) => [e.identifier, e.level]));
    const having = (pred: (level: string) => boolean) =>
      [...levelOf]
        .filter(([, l]) => pred(l))
        .map(([id]) => id)
        .sort();
    expect(await search([{ scorecard: "readiness", operator: "=", value: "Gold" }])).toEqual(["gold"]);
    expect(await search([{ scorecard: "readiness", operator: "in", value: ["Silver", "Bronze"] }])).toEqual(
      having((l) => l === "Silver" || l === "Bronze"),
    );
    expect(await search([{ scorecard: "readiness", operator: "in", value: "Silver" }])).toEqual(["silver"]);
    // Every entity of the blueprint is scored by readiness (no filter), so != is the complement.
    const all = (await search([])).sort();
    expect(all).toEqual([...levelOf.keys()].sort());
    expect(await search([{ scorecard: "readiness", operator: "!=", value: "Basic" }])).toEqual(having((l) => l !== "Basic"));
    expect(await search([{ scorecard: "readiness", operator: "notIn", value: ["Basic", "Bronze"] }])).toEqual(
      having((l) => l === "Silver" || l === "Gold"),
    );
    // Combined with a property rule.
    expect(
      await search([
        { scorecard: "readiness", operator: "!=", value: "Basic" },
        { property: "$team", operator: "=", value: "payments" },
      ]),
    ).toEqual(["gold", "silver"]);
  });

  it("a bad scorecard rule is a 400 with its path", async () => {
    const bad = async (rule: Json) =>
      errorPaths("POST", `/v1/blueprints/${BP}/entities/search`, { query: { combinator: "and", rules: [rule] } });
    expect(await bad({ scorecard: "readiness", operator: ">", value: "Gold" })).toEqual({ status: 400, paths: ["query.rules.0.operator"] });
    expect(await bad({ scorecard: "readiness", operator: "in", value: [] })).toEqual({ status: 400, paths: ["query.rules.0.value"] });
    expect(await bad({ scorecard: 3, operator: "=", value: "Gold" })).toEqual({ status: 400, paths: ["query.rules.0.scorecard"] });
  });
});

describe("history", () => {
  it("GET /history returns today's count per level, matching the results", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const h = await callJson<{ levels: string[]; days: { day: string; levelIndex: number; n: number }[] }>(
      "GET",
      `/v1/blueprints/${BP}/scorecards/readiness/history?days=7`,
    );
    expect(h.status, JSON.stringify(h.body)).toBe(200);
    expect(h.body.levels).toEqual(["Basic", "Bronze", "Silver", "Gold"]);
    expect(h.body.days.every((d) => d.day === today)).toBe(true);
    const counts = (await overview("readiness", "?limit=1000")).levels.map((l) => l.count);
    const fromHistory = [0, 1, 2, 3].map((i) => h.body.days.find((d) => d.levelIndex === i)?.n ?? 0);
    expect(fromHistory).toEqual(counts);
  });

  it("a day's last computation wins (an entity changing level twice counts once, at its last level)", async () => {
    await patch("bare", { team: ["search"], properties: { lang: "go" } });
    await patch("bare", { properties: { runbook: "https://wiki.example.com/bare" } });
    const h = await callJson<{ days: { levelIndex: number; n: number }[] }>("GET", `/v1/blueprints/${BP}/scorecards/readiness/history`);
    const counts = (await overview("readiness", "?limit=1000")).levels.map((l) => l.count);
    expect([0, 1, 2, 3].map((i) => h.body.days.find((d) => d.levelIndex === i)?.n ?? 0)).toEqual(counts);
  });

  it("an out-of-range days is a 400 with its path", async () => {
    expect(await errorPaths("GET", `/v1/blueprints/${BP}/scorecards/readiness/history?days=0`)).toEqual({
      status: 400,
      paths: ["query.days"],
    });
  });
});

describe("delete", () => {
  it("deleting a scorecard removes its results and exemptions", async () => {
    const ex = await callJson("POST", `/v1/blueprints/${BP}/scorecards/thirds/exemptions`, { rule: "a", entity: "bare", reason: "test" });
    expect(ex.status, JSON.stringify(ex.body)).toBe(201);
    expect(await storedResults("thirds")).toBeGreaterThan(0);
    expect((await callJson("DELETE", `/v1/blueprints/${BP}/scorecards/thirds`)).status).toBe(200);
    expect(await storedResults("thirds")).toBe(0);
    const exemptions = await env.DB.prepare("SELECT count(*) AS n FROM scorecard_exemptions WHERE scorecard = 'thirds'").first<{
      n: number;
    }>();
    expect(exemptions?.n).toBe(0);
    expect(await scoresOf("gold", "thirds")).toBeUndefined();
    expect((await scoresOf("gold", "readiness"))?.level).toBe("Gold");
    expect((await callJson("GET", `/v1/blueprints/${BP}/scorecards/thirds`)).status).toBe(404);
    expect((await callJson("GET", `/v1/blueprints/${BP}/scorecards/thirds/results`)).status).toBe(404);
    expect((await callJson("DELETE", `/v1/blueprints/${BP}/scorecards/thirds`)).status).toBe(404);
    const list = await callJson<{ scorecards: { identifier: string }[] }>("GET", "/v1/scorecards");
    expect(list.body.scorecards.map((s) => s.identifier).sort()).toEqual(["compare", "go_only", "readiness"]);
  });

  it("later writes do not bring the deleted scorecard's results back", async () => {
    await patch("gold", { properties: { owner: "someone" } });
    expect(await storedResults("thirds")).toBe(0);
    expect(await scoresOf("gold", "thirds")).toBeUndefined();
  });
});

describe("validation", () => {
  const url = `/v1/blueprints/${BP}/scorecards`;
  const rule = (extra: Json = {}) => ({
    identifier: "r",
    title: "r",
    level: "Bronze",
    query: cond({ property: "lang", operator: "=", value: "go" }),
    ...extra,
  });

  it("names each problem by its path", async () => {
    expect(await errorPaths("POST", url, { title: "No identifier" })).toEqual({ status: 400, paths: ["identifier"] });
    expect(await errorPaths("POST", url, { identifier: "bad id!", title: "x" })).toEqual({ status: 400, paths: ["identifier"] });
    expect(await errorPaths("POST", url, { identifier: "v", title: "" })).toEqual({ status: 400, paths: ["title"] });
    expect(await errorPaths("POST", url, { identifier: "v", title: "v", unknown: 1 })).toEqual({ status: 400, paths: ["unknown"] });
    expect(await errorPaths("POST", url, { identifier: "v", title: "v", levels: [] })).toEqual({ status: 400, paths: ["levels"] });
    expect(await errorPaths("POST", url, { identifier: "v", title: "v", rules: [rule({ weight: -1 })] })).toEqual({
      status: 400,
      paths: ["rules.0.weight"],
    });
    expect(await errorPaths("POST", url, { identifier: "v", title: "v", rules: [rule({ weight: 0 })] })).toEqual({
      status: 400,
      paths: ["rules.0.weight"],
    });
    expect(
      await errorPaths("POST", url, { identifier: "v", title: "v", rules: [rule({ query: { combinator: "xor", conditions: [] } })] }),
    ).toEqual({
      status: 400,
      paths: ["rules.0.query.combinator"],
    });
    expect(await errorPaths("POST", url, { identifier: "v", title: "v", rules: [rule({ identifier: undefined })] })).toEqual({
      status: 400,
      paths: ["rules.0.identifier"],
    });
  });

  it("reports every semantic problem at once", async () => {
    const r = await errorPaths("POST", url, {
      identifier: "v",
      title: "v",
      levels: [{ title: "A" }, { title: "B" }, { title: "B" }],
      filter: cond({ property: "ghost", operator: "=", value: 1 }),
      rules: [
        rule({ level: "A" }),
        rule({ level: "Z" }),
        rule({ identifier: "dup", level: "B" }),
        rule({ identifier: "dup", level: "B", query: cond({ property: "replicas", operator: "=", value: "three" }) }),
      ],
    });
    expect(r).toEqual({
      status: 400,
      paths: [
        "filter.conditions.0.property",
        "levels",
        "rules.0.level",
        "rules.1.identifier",
        "rules.1.level",
        "rules.3.identifier",
        "rules.3.query.conditions.0.value",
      ].sort(),
    });
    expect((await callJson("GET", `${url}/v`)).status).toBe(404);
  });

  it("a second scorecard with the same identifier is a 409; unknown blueprints and scorecards are 404s", async () => {
    expect((await callJson("POST", url, readiness)).status).toBe(409);
    expect((await callJson("POST", "/v1/blueprints/ghost/scorecards", readiness)).status).toBe(404);
    expect((await callJson("PUT", `${url}/ghost`, readiness)).status).toBe(404);
    expect((await callJson("GET", `${url}/ghost/results`)).status).toBe(404);
    expect((await callJson("GET", `${url}/ghost/history`)).status).toBe(404);
  });

  it("a PUT may not change the identifier in the URL; the body's identifier is ignored for the one in the path", async () => {
    const r = await callJson<{ scorecard: { identifier: string } }>("PUT", `${url}/compare`, {
      identifier: "other",
      title: "Comparisons again",
      levels: [{ title: "No" }, { title: "Yes" }],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.scorecard.identifier).toBe("compare");
    expect((await callJson("GET", `${url}/other`)).status).toBe(404);
  });
});
