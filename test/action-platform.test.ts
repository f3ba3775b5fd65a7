import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { runScheduled } from "../src/cron/scheduled";
import { eventually } from "./actions-helpers";
import { blueprintBody, callJson, createUserToken } from "./helpers";

const receiver = inject("receiverUrl");

function action(identifier: string, extra: Record<string, unknown> = {}) {
  return {
    identifier,
    title: identifier,
    trigger: { type: "self-service", operation: "CREATE", blueprintIdentifier: "app", userInputs: { properties: {} } },
    invocationMethod: { type: "WEBHOOK", url: `${receiver}/hook/${identifier}` },
    ...extra,
  };
}

describe("action permissions API (Port's /v1/actions/{id}/permissions)", () => {
  it("reads and patches execute/approve grants; fields left out keep their value; only managers may", async () => {
    expect((await callJson("POST", "/v1/blueprints", blueprintBody("app"))).status).toBe(201);
    expect((await callJson("POST", "/v1/actions", action("deploy_app"))).status).toBe(201);
    const before = await callJson<{ permissions: { execute: { roles: string[] }; approve: { roles: string[] } } }>(
      "GET",
      "/v1/actions/deploy_app/permissions",
    );
    expect(before.body.permissions.execute.roles).toEqual(["Admin", "app-moderator"]);
    const patched = await callJson<{ permissions: { execute: { roles: string[]; teams: string[] }; approve: { roles: string[] } } }>(
      "PATCH",
      "/v1/actions/deploy_app/permissions",
      { execute: { teams: ["platform"] } },
    );
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.permissions.execute).toMatchObject({ roles: ["Admin", "app-moderator"], teams: ["platform"] });
    const bad = await callJson<{ error: { details: { path: string }[] } }>("PATCH", "/v1/actions/deploy_app/permissions", {
      execute: { roles: "Admin" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0]?.path).toBe("execute.roles");
    const member = await createUserToken("dev@portal.test", { roles: ["Member"] });
    const denied = await callJson(
      "PATCH",
      "/v1/actions/deploy_app/permissions",
      { execute: { roles: ["Member"] } },
      { authorization: `Bearer ${member}` },
    );
    expect(denied.status).toBe(403);
    const version = await callJson<{ action: { version: number } }>("GET", "/v1/actions/deploy_app");
    expect(version.body.action.version).toBe(2);
  });
});

describe("the cron sweep", () => {
  it("queues again a delivery whose queue message was lost, and it is then delivered", async () => {
    expect((await callJson("POST", "/v1/actions", action("sweep_app"))).status).toBe(201);
    const run = await callJson<{ run: { id: string } }>("POST", "/v1/actions/sweep_app/runs", { properties: {} });
    expect(run.status).toBe(202);
    const id = run.body.run.id;
    await eventually(async () => (await callJson<{ attempts: unknown[] }>("GET", `/v1/actions/runs/${id}`)).body.attempts.length > 0);
    // Simulate a send that never reached the queue: the delivery is back to "stored, never attempted", long ago.
    await env.DB.prepare("DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE run_id = ?)").bind(id).run();
    await env.DB.prepare("UPDATE deliveries SET status = 'PENDING', attempts = 0, created_at = '2026-01-01T00:00:00.000Z' WHERE run_id = ?")
      .bind(id)
      .run();
    const controller = createScheduledController({ scheduledTime: new Date(), cron: "*/5 * * * *" });
    expect(await runScheduled(controller, env)).toEqual({ dueIntegrations: 0, requeuedDeliveries: 1 });
    const attempts = await eventually(async () => {
      const got = await callJson<{ attempts: { outcome: string }[] }>("GET", `/v1/actions/runs/${id}`);
      return got.body.attempts.length > 0 ? got.body.attempts : null;
    });
    expect(attempts.map((a) => a.outcome)).toEqual(["delivered"]);
    const arrivals = (await (await fetch(`${receiver}/received/sweep_app`)).json()) as { headers: Record<string, string> }[];
    expect(arrivals).toHaveLength(2);
    expect(arrivals[0]?.headers["webhook-id"]).toBe(arrivals[1]?.headers["webhook-id"]);
  }, 20_000);
});

describe("the cron sweep and retries whose message was lost", () => {
  async function deliveredRun(identifier: string): Promise<string> {
    expect((await callJson("POST", "/v1/actions", action(identifier))).status).toBe(201);
    const run = await callJson<{ run: { id: string } }>("POST", `/v1/actions/${identifier}/runs`, { properties: {} });
    expect(run.status).toBe(202);
    const id = run.body.run.id;
    await eventually(async () => (await callJson<{ attempts: unknown[] }>("GET", `/v1/actions/runs/${id}`)).body.attempts.length > 0);
    return id;
  }

  /** Turns the run's delivery back into "an attempt failed, the retry was due long ago, its message is gone". */
  async function loseRetry(runId: string, attempts: number): Promise<void> {
    await env.DB.prepare(
      "UPDATE delivery_attempts SET outcome = 'retry', status_code = 503 WHERE delivery_id IN (SELECT id FROM deliveries WHERE run_id = ?)",
    )
      .bind(runId)
      .run();
    await env.DB.prepare(
      "UPDATE deliveries SET status = 'PENDING', attempts = ?, last_result = 'HTTP 503', next_attempt_at = '2026-01-01T00:05:00.000Z' WHERE run_id = ?",
    )
      .bind(attempts, runId)
      .run();
  }

  it("queues again a retry whose delayed message was lost (after a restart), and it is delivered", async () => {
    const id = await deliveredRun("lost_retry_app");
    await loseRetry(id, 1);
    const controller = createScheduledController({ scheduledTime: new Date(), cron: "*/5 * * * *" });
    expect(await runScheduled(controller, env)).toEqual({ dueIntegrations: 0, requeuedDeliveries: 1 });
    const attempts = await eventually(async () => {
      const got = await callJson<{ attempts: { outcome: string }[] }>("GET", `/v1/actions/runs/${id}`);
      return got.body.attempts.length > 1 ? got.body.attempts : null;
    });
    expect(attempts.map((a) => a.outcome)).toEqual(["retry", "delivered"]);
  }, 20_000);

  it("keeps the attempt limit across requeued messages: an exhausted delivery fails its run instead of trying again", async () => {
    const id = await deliveredRun("exhausted_app");
    await loseRetry(id, 6);
    const before = ((await (await fetch(`${receiver}/received/exhausted_app`)).json()) as unknown[]).length;
    const controller = createScheduledController({ scheduledTime: new Date(), cron: "*/5 * * * *" });
    expect((await runScheduled(controller, env)).requeuedDeliveries).toBe(1);
    const run = await eventually(async () => {
      const got = await callJson<{ run: { status: string; summary?: string } }>("GET", `/v1/actions/runs/${id}`);
      return got.body.run.status === "FAILURE" ? got.body.run : null;
    });
    expect(JSON.stringify(run)).toMatch(/did not answer after/);
    expect(((await (await fetch(`${receiver}/received/exhausted_app`)).json()) as unknown[]).length).toBe(before);
  }, 20_000);
});

describe("review fixes", () => {
  it("a moderator cannot define an action that writes to another blueprint", async () => {
    expect((await callJson("POST", "/v1/blueprints", blueprintBody("alpha"))).status).toBe(201);
    expect((await callJson("POST", "/v1/blueprints", blueprintBody("beta"))).status).toBe(201);
    const mod = await createUserToken("mod@portal.test", { roles: ["Member", "alpha-moderator"] });
    const body = {
      identifier: "sneaky_delete",
      title: "Sneaky",
      trigger: { type: "self-service", operation: "CREATE", blueprintIdentifier: "alpha", userInputs: { properties: {} } },
      invocationMethod: { type: "DELETE_ENTITY", blueprintIdentifier: "beta", entityIdentifier: "victim" },
    };
    const refused = await callJson<{ error: { message: string } }>("POST", "/v1/actions", body, { authorization: `Bearer ${mod}` });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/beta-moderator/);
    expect((await callJson("POST", "/v1/actions", body)).status).toBe(201);
  });

  it("members do not see an action's grants or its notification webhook", async () => {
    const created = await callJson("POST", "/v1/actions", {
      ...action("notified"),
      requiredApproval: true,
      approvalNotification: { type: "webhook", url: "https://hooks.slack.example/T000/B000/secret" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const member = await createUserToken("viewer@portal.test", { roles: ["Member"] });
    const seen = await callJson<{ action: Record<string, unknown> }>("GET", "/v1/actions/notified", undefined, {
      authorization: `Bearer ${member}`,
    });
    expect(seen.status).toBe(200);
    expect(seen.body.action.permissions).toBeUndefined();
    expect(seen.body.action.approvalNotification).toEqual({ type: "webhook" });
    expect(JSON.stringify(seen.body)).not.toContain("hooks.slack.example");
  });
});
