import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, inject, it } from "vitest";
import { eventually } from "./actions-helpers";
import { blueprintBody, callJson } from "./helpers";

const receiver = inject("receiverUrl");

async function received(key: string): Promise<{ headers: Record<string, string>; body: string }[]> {
  return (await fetch(`${receiver}/received/${key}`)).json();
}

describe("a self-service run end to end", () => {
  it("queues a signed webhook, takes logs and a result back, and ends SUCCESS", async () => {
    expect(
      (
        await callJson(
          "POST",
          "/v1/blueprints",
          blueprintBody("service", { schema: { properties: { language: { type: "string" } }, required: [] } }),
        )
      ).status,
    ).toBe(201);
    const created = await callJson("POST", "/v1/actions", {
      identifier: "scaffold",
      title: "Scaffold a service",
      trigger: {
        type: "self-service",
        operation: "CREATE",
        blueprintIdentifier: "service",
        userInputs: { properties: { name: { type: "string" }, language: { type: "string", enum: ["go", "ts"] } }, required: ["name"] },
      },
      invocationMethod: { type: "WEBHOOK", url: `${receiver}/hook/flow1` },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const run = await callJson<{ run: { id: string; status: string } }>("POST", "/v1/actions/scaffold/runs", {
      properties: { name: "cart", language: "go" },
    });
    expect(run.status, JSON.stringify(run.body)).toBe(202);
    expect(run.body.run.status).toBe("IN_PROGRESS");
    const [hit] = await eventually(async () => {
      const list = await received("flow1");
      return list.length > 0 ? list : null;
    });
    const payload = new Webhook(env.WEBHOOK_SIGNING_SECRET as string).verify(
      hit?.body as string,
      hit?.headers as Record<string, string>,
    ) as {
      context: { runId: string };
      payload: { properties: Record<string, unknown> };
    };
    expect(payload.context.runId).toBe(run.body.run.id);
    expect(payload.payload.properties).toEqual({ name: "cart", language: "go" });
    const id = run.body.run.id;
    expect((await callJson("POST", `/v1/actions/runs/${id}/logs`, { message: "cloning template" })).status).toBe(201);
    const ended = await callJson("POST", `/v1/actions/runs/${id}/logs`, {
      message: "done",
      terminationStatus: "SUCCESS",
      statusLabel: "Created",
    });
    expect(ended.status, JSON.stringify(ended.body)).toBe(201);
    const again = await callJson("POST", `/v1/actions/runs/${id}/logs`, { message: "late", terminationStatus: "FAILURE" });
    expect(again.status).toBe(409);
    const got = await callJson<{ run: { status: string; logCount: number }; attempts: { outcome: string }[] }>(
      "GET",
      `/v1/actions/runs/${id}`,
    );
    expect(got.body.run.status).toBe("SUCCESS");
    expect(got.body.run.logCount).toBe(2);
    expect(got.body.attempts.map((a) => a.outcome)).toEqual(["delivered"]);
    const logs = await callJson<{ runLogs: { message: string }[] }>("GET", `/v1/actions/runs/${id}/logs`);
    expect(logs.body.runLogs.map((l) => l.message)).toEqual(["cloning template", "done"]);
  }, 20_000);
});
