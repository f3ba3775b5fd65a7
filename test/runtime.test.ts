import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runScheduled } from "../src/cron/scheduled";
import type { DeliveryMessage } from "../src/env";
import worker from "../src/index";
import { call, callJson } from "./helpers";

describe("request guards", () => {
  it("answers bad JSON, wrong content type and oversize bodies with 4xx JSON, never 500", async () => {
    const bad = await callJson<{ error: { code: string; message: string } }>("POST", "/v1/blueprints", '{"identifier": "x",}');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_json");
    expect(bad.body.error.message).toMatch(/line 1, column 20/);
    const typed = await callJson<{ error: { code: string } }>("POST", "/v1/blueprints", "{}", { "content-type": "text/plain" });
    expect(typed.status).toBe(415);
    const huge = await callJson<{ error: { code: string } }>("POST", "/v1/blueprints", JSON.stringify({ title: "x".repeat(1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe("payload_too_large");
    const notObject = await callJson<{ error: { details: { path: string }[] } }>("POST", "/v1/blueprints", "[1,2]");
    expect(notObject.status).toBe(400);
  });

  it("echoes a request id and routes identifiers containing slashes", async () => {
    await callJson("POST", "/v1/blueprints", { identifier: "repo", title: "Repo" });
    const created = await callJson<{ entity: { identifier: string } }>("POST", "/v1/blueprints/repo/entities", { identifier: "org/app" });
    expect(created.status).toBe(201);
    const res = await call("GET", `/v1/blueprints/repo/entities/${encodeURIComponent("org/app")}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    const unknown = await callJson<{ error: { code: string } }>("GET", "/v1/nothing-here");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("not_found");
  });
});

describe("Worker entry points", () => {
  it("the delivery consumer acknowledges each message on its own", async () => {
    const batch = createMessageBatch<DeliveryMessage>("portal-deliveries", [
      { id: "m1", timestamp: new Date(), attempts: 1, body: { deliveryId: "d1" } },
      { id: "m2", timestamp: new Date(), attempts: 1, body: { wrong: true } as unknown as DeliveryMessage },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2"]);
    expect(result.retryMessages).toEqual([]);
  });

  it("the cron handler runs and finds nothing due while no integration exists", async () => {
    const controller = createScheduledController({ scheduledTime: new Date("2026-11-25T00:00:00Z"), cron: "*/5 * * * *" });
    await expect(worker.scheduled(controller, env)).resolves.toBeUndefined();
    expect(await runScheduled(controller, env)).toEqual({ dueIntegrations: 0, requeuedDeliveries: 0 });
  });
});
