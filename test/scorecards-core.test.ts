import { describe, expect, it } from "vitest";
import { blueprintBody, callJson } from "./helpers";

const readiness = {
  identifier: "readiness",
  title: "Production readiness",
  levels: [
    { title: "Basic", color: "paleBlue" },
    { title: "Bronze", color: "bronze" },
    { title: "Silver", color: "silver" },
    { title: "Gold", color: "gold" },
  ],
  rules: [
    {
      identifier: "has_owner",
      title: "Has an owner",
      level: "Bronze",
      query: { combinator: "and", conditions: [{ property: "$team", operator: "isNotEmpty" }] },
    },
    {
      identifier: "has_runbook",
      title: "Has a runbook",
      level: "Silver",
      query: { combinator: "and", conditions: [{ property: "runbook", operator: "isNotEmpty" }] },
    },
    {
      identifier: "enough_replicas",
      title: "Replicas ≥ the minimum",
      level: "Gold",
      weight: 2,
      query: { combinator: "and", conditions: [{ property: "replicas", operator: ">=", value: { property: "minReplicas" } }] },
    },
  ],
};

type Scores = { level: string; score: number; rules: { identifier: string; status: string; exempt: boolean }[] };

async function scoresOf(id: string): Promise<Scores | undefined> {
  const got = await callJson<{ entity: { scorecards?: Record<string, Scores> } }>("GET", `/v1/blueprints/svc/entities/${id}`);
  return got.body.entity.scorecards?.readiness;
}

describe("scorecards", () => {
  it("scores on create, keeps the entity's level current on its own write, and a gap below stops the climb", async () => {
    const bp = blueprintBody("svc", {
      schema: {
        properties: { runbook: { type: "string", format: "url" }, replicas: { type: "number" }, minReplicas: { type: "number" } },
        required: [],
      },
    });
    expect((await callJson("POST", "/v1/teams", { name: "payments" })).status).toBe(201);
    expect((await callJson("POST", "/v1/blueprints", bp)).status).toBe(201);
    expect(
      (
        await callJson("POST", "/v1/blueprints/svc/entities", {
          identifier: "a",
          team: ["payments"],
          properties: { replicas: 3, minReplicas: 2 },
        })
      ).status,
    ).toBe(201);
    const created = await callJson("POST", "/v1/blueprints/svc/scorecards", readiness);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // Bronze passes, Silver fails, Gold passes: stays Bronze (a gap stops the climb).
    expect(await scoresOf("a")).toMatchObject({ level: "Bronze", score: 75 });
    const fixed = await callJson("PATCH", "/v1/blueprints/svc/entities/a", { properties: { runbook: "https://wiki/a" } });
    expect(fixed.status).toBe(200);
    expect((await scoresOf("a"))?.level).toBe("Gold");
    expect((await callJson("PATCH", "/v1/blueprints/svc/entities/a", { properties: { replicas: 1 } })).status).toBe(200);
    expect(await scoresOf("a")).toMatchObject({ level: "Silver", score: 50 });
    const search = await callJson<{ entities: { identifier: string }[] }>("POST", "/v1/blueprints/svc/entities/search", {
      query: { combinator: "and", rules: [{ scorecard: "readiness", operator: "=", value: "Silver" }] },
    });
    expect(search.status, JSON.stringify(search.body)).toBe(200);
    expect(search.body.entities.map((e) => e.identifier)).toEqual(["a"]);
  });

  it("exemptions count as passing until they are removed", async () => {
    const ex = await callJson("POST", "/v1/blueprints/svc/scorecards/readiness/exemptions", {
      rule: "enough_replicas",
      entity: "a",
      reason: "batch job, one replica by design",
    });
    expect(ex.status, JSON.stringify(ex.body)).toBe(201);
    const scores = await scoresOf("a");
    expect(scores?.level).toBe("Gold");
    expect(scores?.rules.find((r) => r.identifier === "enough_replicas")).toMatchObject({ status: "FAILURE", exempt: true });
    expect((await callJson("DELETE", "/v1/blueprints/svc/scorecards/readiness/exemptions/enough_replicas/a")).status).toBe(200);
    expect((await scoresOf("a"))?.level).toBe("Silver");
  });

  it("rejects bad definitions with located errors", async () => {
    const bad = await callJson<{ error: { details: { path: string }[] } }>("POST", "/v1/blueprints/svc/scorecards", {
      identifier: "bad",
      title: "Bad",
      rules: [
        { identifier: "r1", title: "x", level: "Basic", query: { combinator: "and", conditions: [] } },
        {
          identifier: "r2",
          title: "y",
          level: "Platinum",
          query: { combinator: "and", conditions: [{ property: "nope", operator: "=", value: 1 }] },
        },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d) => d.path).sort()).toEqual([
      "rules.0.level",
      "rules.1.level",
      "rules.1.query.conditions.0.property",
    ]);
  });
});

describe("batch guard", () => {
  it("a version-guarded UPDATE that changed nothing aborts the rest of its batch", async () => {
    const { abortUnlessChangedStatement, database, isAbortedUnchanged } = await import("../src/db/client");
    const { env } = await import("cloudflare:workers");
    const db = database(env.DB);
    const before = await env.DB.prepare("SELECT count(*) AS n FROM scorecard_history").first<{ n: number }>();
    const attempt = db.$client.batch([
      env.DB.prepare("UPDATE scorecards SET title = 'x' WHERE identifier = 'no-such-scorecard'"),
      abortUnlessChangedStatement(db),
      env.DB.prepare(
        "INSERT INTO scorecard_history (blueprint, scorecard, identifier, day, level_index, score) VALUES ('b', 's', 'e', '2026-01-01', 0, 0)",
      ),
    ]);
    const error = await attempt.then(
      () => null,
      (e: unknown) => e,
    );
    expect(isAbortedUnchanged(error)).toBe(true);
    const after = await env.DB.prepare("SELECT count(*) AS n FROM scorecard_history").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });
});

describe("level changes feed automations", () => {
  it("an entity reaching a new level is an ENTITY_UPDATED event an automation can react to", async () => {
    const { eventually, receiver } = await import("./actions-helpers");
    const automation = await callJson("POST", "/v1/automations", {
      identifier: "reached_gold",
      title: "Reached Gold",
      trigger: {
        type: "automation",
        event: { type: "ENTITY_UPDATED", blueprintIdentifier: "svc" },
        condition: { type: "JQ", expressions: ['.diff.after.scorecards.readiness.level == "Gold"'], combinator: "and" },
      },
      invocationMethod: {
        type: "WEBHOOK",
        url: `${receiver}/hook/gold1`,
        body: { entity: "{{ .entity.identifier }}", from: "{{ .diff.before.scorecards.readiness.level }}" },
      },
    });
    expect(automation.status, JSON.stringify(automation.body)).toBe(201);
    expect((await scoresOf("a"))?.level).toBe("Silver");
    expect((await callJson("PATCH", "/v1/blueprints/svc/entities/a", { properties: { replicas: 5 } })).status).toBe(200);
    const [hit] = await eventually(async () => {
      const list = (await (await fetch(`${receiver}/received/gold1`)).json()) as { body: string }[];
      return list.length > 0 ? list : null;
    });
    expect(JSON.parse(hit?.body ?? "{}")).toEqual({ entity: "a", from: "Silver" });
  }, 20_000);
});
