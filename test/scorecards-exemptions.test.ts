import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { runScheduled } from "../src/cron/scheduled";
import { blueprintBody, callJson } from "./helpers";

// Exemptions: an exempted rule counts as passing (and shows `exempt: true`), in the level and in the score;
// the cron rescores entities whose exemption expired.

type Json = Record<string, unknown>;
type ErrorBody = { ok: false; error: { code: string; details: { path: string; message: string }[] } };
type Scores = { level: string; score: number; rules: { identifier: string; status: string; exempt: boolean }[] };
type Exemption = { rule: string; identifier: string; reason: string; expiresAt: string | null; active: boolean; createdBy: string };

const BP = "svc";
const SC = `/v1/blueprints/${BP}/scorecards/readiness`;
const cond = (...conditions: unknown[]) => ({ combinator: "and", conditions });

const readiness = {
  identifier: "readiness",
  title: "Production readiness",
  levels: [{ title: "Basic" }, { title: "Bronze" }, { title: "Silver" }, { title: "Gold" }],
  rules: [
    { identifier: "has_owner", title: "Owner", level: "Bronze", query: cond({ property: "$team", operator: "isNotEmpty" }) },
    {
      identifier: "has_runbook",
      title: "Runbook",
      level: "Silver",
      weight: 3,
      query: cond({ property: "runbook", operator: "isNotEmpty" }),
    },
    {
      identifier: "enough_replicas",
      title: "Replicas",
      level: "Gold",
      query: cond({ property: "replicas", operator: ">=", value: { property: "minReplicas" } }),
    },
  ],
};

async function scoresOf(id: string): Promise<Scores | undefined> {
  const got = await callJson<{ entity: { scorecards?: Record<string, Scores> } }>("GET", `/v1/blueprints/${BP}/entities/${id}`);
  expect(got.status, JSON.stringify(got.body)).toBe(200);
  return got.body.entity.scorecards?.readiness;
}

function rule(s: Scores | undefined, id: string) {
  return s?.rules.find((r) => r.identifier === id);
}

async function exempt(body: Json): Promise<{ status: number; body: { exemption: Exemption } & ErrorBody }> {
  return callJson<{ exemption: Exemption } & ErrorBody>("POST", `${SC}/exemptions`, body);
}

async function exemptions(): Promise<Exemption[]> {
  const r = await callJson<{ exemptions: Exemption[] }>("GET", `${SC}/exemptions`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.exemptions;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function tick(at = new Date()): Promise<void> {
  await runScheduled(createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }), env);
}

/** An ISO 8601 date-time `ms` from now, written with a +14:00 offset (the same instant). */
function withPlus14(ms: number): string {
  const local = new Date(Date.now() + ms + 14 * 3_600_000).toISOString().slice(0, 19);
  return `${local}+14:00`;
}

beforeAll(async () => {
  expect((await callJson("POST", "/v1/teams", { name: "payments" })).status).toBe(201);
  const bp = blueprintBody(BP, {
    schema: {
      properties: { runbook: { type: "string" }, replicas: { type: "number" }, minReplicas: { type: "number" } },
      required: [],
    },
  });
  expect((await callJson("POST", "/v1/blueprints", bp)).status).toBe(201);
  for (const identifier of ["x", "y", "z"]) {
    const r = await callJson("POST", `/v1/blueprints/${BP}/entities`, {
      identifier,
      team: ["payments"],
      properties: { replicas: 3, minReplicas: 2 },
    });
    expect(r.status).toBe(201);
  }
  expect((await callJson("POST", `/v1/blueprints/${BP}/scorecards`, readiness)).status).toBe(201);
});

describe("exemptions", () => {
  it("start: no runbook, so Bronze (Gold passes but Silver is missing)", async () => {
    expect(await scoresOf("x")).toMatchObject({ level: "Bronze", score: 40 });
  });

  it("an exempted rule counts as passing in the level and the score, and shows exempt", async () => {
    const r = await exempt({ rule: "has_runbook", entity: "x", reason: "internal tool, documented in the README" });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.exemption).toMatchObject({ rule: "has_runbook", identifier: "x", expiresAt: null, active: true });
    const s = await scoresOf("x");
    expect(s).toMatchObject({ level: "Gold", score: 100 });
    expect(rule(s, "has_runbook")).toMatchObject({ status: "FAILURE", exempt: true });
    expect(rule(s, "has_owner")).toMatchObject({ status: "SUCCESS", exempt: false });
    // Only x is exempt.
    expect(await scoresOf("y")).toMatchObject({ level: "Bronze", score: 40 });
    expect(await exemptions()).toEqual([
      expect.objectContaining({ rule: "has_runbook", identifier: "x", reason: "internal tool, documented in the README", active: true }),
    ]);
    const overview = await callJson<{ entities: { identifier: string; effective: Record<string, number> }[] }>("GET", `${SC}/results`);
    expect(overview.body.entities.find((e) => e.identifier === "x")?.effective).toEqual({
      has_owner: 1,
      has_runbook: 1,
      enough_replicas: 1,
    });
    const search = await callJson<{ entities: { identifier: string }[] }>("POST", `/v1/blueprints/${BP}/entities/search`, {
      query: { combinator: "and", rules: [{ scorecard: "readiness", operator: "=", value: "Gold" }] },
    });
    expect(search.body.entities.map((e) => e.identifier)).toEqual(["x"]);
  });

  it("the exemption survives the entity's own writes", async () => {
    const w = await callJson("PATCH", `/v1/blueprints/${BP}/entities/x`, { properties: { replicas: 1 } });
    expect(w.status).toBe(200);
    expect(await scoresOf("x")).toMatchObject({ level: "Silver", score: 80 });
    expect((await callJson("PATCH", `/v1/blueprints/${BP}/entities/x`, { properties: { replicas: 3 } })).status).toBe(200);
    expect(await scoresOf("x")).toMatchObject({ level: "Gold", score: 100 });
  });

  it("an exemption of a passing rule changes nothing and is not shown as exempt", async () => {
    expect((await exempt({ rule: "has_owner", entity: "y", reason: "belt and braces" })).status).toBe(201);
    const s = await scoresOf("y");
    expect(s).toMatchObject({ level: "Bronze", score: 40 });
    expect(rule(s, "has_owner")).toMatchObject({ status: "SUCCESS", exempt: false });
    expect((await callJson("DELETE", `${SC}/exemptions/has_owner/y`)).status).toBe(200);
  });

  it("removing the exemption rescores at once", async () => {
    expect((await callJson("DELETE", `${SC}/exemptions/has_runbook/x`)).status).toBe(200);
    const s = await scoresOf("x");
    expect(s).toMatchObject({ level: "Bronze", score: 40 });
    expect(rule(s, "has_runbook")).toMatchObject({ status: "FAILURE", exempt: false });
    expect(await exemptions()).toEqual([]);
  });

  it("refuses an expiresAt in the past, an unknown rule, a missing reason (400 with the path)", async () => {
    const paths = async (body: Json) => {
      const r = await exempt(body);
      return { status: r.status, paths: (r.body.error?.details ?? []).map((d) => d.path) };
    };
    const base = { rule: "has_runbook", entity: "x", reason: "why" };
    expect(await paths({ ...base, expiresAt: new Date(Date.now() - 60_000).toISOString() })).toEqual({ status: 400, paths: ["expiresAt"] });
    expect(await paths({ ...base, expiresAt: "2020-01-01" })).toEqual({ status: 400, paths: ["expiresAt"] });
    expect(await paths({ ...base, expiresAt: "soon" })).toEqual({ status: 400, paths: ["expiresAt"] });
    expect(await paths({ ...base, rule: "nope" })).toEqual({ status: 400, paths: ["rule"] });
    expect(await paths({ rule: "has_runbook", entity: "x" })).toEqual({ status: 400, paths: ["reason"] });
    expect(await paths({ ...base, reason: "" })).toEqual({ status: 400, paths: ["reason"] });
    expect(await exemptions()).toEqual([]);
    expect((await scoresOf("x"))?.level).toBe("Bronze");
  });

  it("refuses an expiresAt in the past written with a UTC offset (an hour ago, at +14:00)", async () => {
    const r = await exempt({ rule: "has_runbook", entity: "x", reason: "why", expiresAt: withPlus14(-3_600_000) });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.error.details.map((d) => d.path)).toEqual(["expiresAt"]);
  });

  it("an exemption for an entity that does not exist is refused", async () => {
    const r = await exempt({ rule: "has_runbook", entity: "ghost", reason: "why" });
    expect([400, 404], JSON.stringify(r.body)).toContain(r.status);
  });

  it("an expiry with an offset in the future is stored as UTC and applies", async () => {
    const r = await exempt({ rule: "has_runbook", entity: "z", reason: "until the migration", expiresAt: withPlus14(86_400_000) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.exemption.expiresAt).toMatch(/Z$/);
    expect(Date.parse(r.body.exemption.expiresAt ?? "")).toBeGreaterThan(Date.now() + 86_000_000);
    expect((await scoresOf("z"))?.level).toBe("Gold");
  });

  it("an exemption expiring in 2 s: after it expires, the cron rescores the entity and its level drops", async () => {
    const expiresAt = new Date(Date.now() + 2000).toISOString();
    const r = await exempt({ rule: "has_runbook", entity: "y", reason: "for two seconds", expiresAt });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(await scoresOf("y")).toMatchObject({ level: "Gold", score: 100 });
    // A cron tick before the expiry changes nothing.
    await tick();
    expect((await scoresOf("y"))?.level).toBe("Gold");
    await sleep(Math.max(0, Date.parse(expiresAt) - Date.now()) + 300);
    await tick();
    const s = await scoresOf("y");
    expect(s).toMatchObject({ level: "Bronze", score: 40 });
    expect(rule(s, "has_runbook")).toMatchObject({ status: "FAILURE", exempt: false });
    const list = await exemptions();
    expect(list.find((e) => e.identifier === "y")).toMatchObject({ active: false });
    // The unexpired exemption of z is untouched.
    expect(list.find((e) => e.identifier === "z")).toMatchObject({ active: true });
    expect((await scoresOf("z"))?.level).toBe("Gold");
    // The results overview and history agree.
    const overview = await callJson<{ entities: { identifier: string; level: string }[] }>("GET", `${SC}/results`);
    expect(overview.body.entities.find((e) => e.identifier === "y")?.level).toBe("Bronze");
  });

  it("an expired exemption no longer counts on the entity's next write either", async () => {
    expect((await callJson("PATCH", `/v1/blueprints/${BP}/entities/y`, { properties: { minReplicas: 1 } })).status).toBe(200);
    expect((await scoresOf("y"))?.level).toBe("Bronze");
  });

  it("an expired exemption can be granted again", async () => {
    const r = await exempt({ rule: "has_runbook", entity: "y", reason: "renewed" });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect((await scoresOf("y"))?.level).toBe("Gold");
    expect((await exemptions()).find((e) => e.identifier === "y")).toMatchObject({ active: true, expiresAt: null, reason: "renewed" });
  });
});
