import { describe, expect, it } from "vitest";
import { callJson } from "./helpers";

const DAY = 86_400_000;

interface Run {
  id: string;
  status: string;
  summary: string | null;
}

/** Polls GET /v1/actions/runs/{id} until the run has ended (the real queue consumer runs it). */
async function finished(id: string, timeoutMs = 10_000): Promise<Run> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await callJson<{ run: Run }>("GET", `/v1/actions/runs/${id}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    if (r.body.run.status !== "IN_PROGRESS") return r.body.run;
    if (Date.now() > until) throw new Error(`run ${id} still ${r.body.run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function expiresAt(identifier: string): Promise<number> {
  const r = await callJson<{ entity: { properties: { expiresAt: string } } }>("GET", `/v1/blueprints/environment/entities/${identifier}`);
  expect(r.status).toBe(200);
  return Date.parse(r.body.entity.properties.expiresAt);
}

/** Runs "Extend TTL" on an entity and waits for its outcome. */
async function extend(identifier: string): Promise<Run> {
  const started = await callJson<{ run: Run }>("POST", "/v1/actions/extend_devenv_ttl/runs", { entity: identifier, properties: {} });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return finished(started.body.run.id);
}

describe("dev-environments template", () => {
  it("creates the environment blueprint, its actions and automations, idempotently", async () => {
    const r = await callJson<{
      blueprints: { created: string[] };
      entities: { created: number };
      actions: { created: string[] };
      automations: { created: string[] };
    }>("POST", "/v1/templates/dev-environments/apply");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.blueprints.created).toEqual(["environment"]);
    expect(r.body.entities.created).toBe(2);
    expect(r.body.actions.created.sort()).toEqual(["extend_devenv_ttl", "invite_devenv_developer", "provision_devenv", "teardown_devenv"]);
    expect(r.body.automations.created.sort()).toEqual([
      "devenv_delete_after_manual_teardown",
      "devenv_delete_after_teardown",
      "devenv_expired_teardown",
    ]);

    const bp = await callJson<{ blueprint: { schema: { properties: Record<string, { format?: string; enum?: string[] }> } } }>(
      "GET",
      "/v1/blueprints/environment",
    );
    expect(bp.body.blueprint.schema.properties.expiresAt?.format).toBe("timer");
    expect(bp.body.blueprint.schema.properties.owner?.format).toBe("user");
    expect(bp.body.blueprint.schema.properties.status?.enum).toEqual(["provisioning", "running", "tearing-down"]);

    const automations = await callJson<{ automations: { identifier: string; trigger: unknown; invocationMethod: unknown }[] }>(
      "GET",
      "/v1/automations",
    );
    const byId = new Map(automations.body.automations.map((a) => [a.identifier, a]));
    expect(byId.get("devenv_expired_teardown")).toMatchObject({
      trigger: { event: { type: "TIMER_PROPERTY_EXPIRED", blueprintIdentifier: "environment", propertyIdentifier: "expiresAt" } },
      invocationMethod: { type: "WEBHOOK", url: "http://localhost:8788/" },
    });
    expect(byId.get("devenv_delete_after_teardown")).toMatchObject({
      trigger: {
        event: { type: "RUN_UPDATED", actionIdentifier: "devenv_expired_teardown" },
        condition: { expressions: ['.diff.after.status == "SUCCESS"'] },
      },
      invocationMethod: { type: "DELETE_ENTITY", blueprintIdentifier: "environment" },
    });

    const again = await callJson<{ actions: { created: string[] }; automations: { created: string[]; unchanged: string[] } }>(
      "POST",
      "/v1/templates/dev-environments/apply",
    );
    expect(again.status).toBe(200);
    expect(again.body.actions.created).toEqual([]);
    expect(again.body.automations.created).toEqual([]);
    expect(again.body.automations.unchanged).toHaveLength(3);
  });

  it("Extend TTL adds 3 days, but never beyond 14 days from now", async () => {
    const now = Date.now();
    const soon = new Date(now + 2 * DAY).toISOString();
    const late = new Date(now + 13 * DAY).toISOString();
    for (const [identifier, at] of [
      ["env-soon", soon],
      ["env-late", late],
    ] as const) {
      const r = await callJson("POST", "/v1/blueprints/environment/entities", {
        identifier,
        properties: { owner: "admin@portal.test", branch: "main", status: "running", expiresAt: at },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }

    const first = await extend("env-soon");
    expect(first.status, first.summary ?? "").toBe("SUCCESS");
    expect(await expiresAt("env-soon")).toBe(Date.parse(soon) + 3 * DAY);

    const before = Date.now();
    const capped = await extend("env-late");
    const after = Date.now();
    expect(capped.status, capped.summary ?? "").toBe("SUCCESS");
    const value = await expiresAt("env-late");
    // 13 + 3 days would be 16: capped at now + 14 days, "now" being when the run wrote it.
    expect(value).toBeGreaterThanOrEqual(before + 14 * DAY);
    expect(value).toBeLessThanOrEqual(after + 14 * DAY);
    expect(value).toBeLessThan(Date.parse(late) + 3 * DAY);
  }, 30_000);

  it("offers Extend TTL only on environments that have an expiry", async () => {
    const r = await callJson<{ error: { message: string } }>("POST", "/v1/actions/extend_devenv_ttl/runs", {
      entity: "shared-qa",
      properties: {},
    });
    expect(r.status, JSON.stringify(r.body)).toBe(422);
  });
});
