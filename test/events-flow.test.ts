import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { eventually, receiver } from "./actions-helpers";
import { blueprintBody, callJson } from "./helpers";

async function arrivals(key: string): Promise<{ headers: Record<string, string>; body: string }[]> {
  return (await fetch(`${receiver}/received/${key}`)).json();
}

describe("events end to end", () => {
  it("an entity change starts a matching automation and reaches a subscription, both signed", async () => {
    const bp = blueprintBody("env", {
      schema: { properties: { status: { type: "string" }, expiresAt: { type: "string", format: "timer" } }, required: [] },
    });
    expect((await callJson("POST", "/v1/blueprints", bp)).status).toBe(201);
    const automation = await callJson("POST", "/v1/automations", {
      identifier: "notify_running",
      title: "Notify when running",
      trigger: {
        type: "automation",
        event: { type: "ENTITY_CREATED", blueprintIdentifier: "env" },
        condition: { type: "JQ", expressions: ['.diff.after.properties.status == "running"'], combinator: "and" },
      },
      invocationMethod: {
        type: "WEBHOOK",
        url: `${receiver}/hook/auto1`,
        body: { env: "{{ .entity.identifier }}", event: "{{ .event.type }}" },
      },
    });
    expect(automation.status, JSON.stringify(automation.body)).toBe(201);
    const sub = await callJson("POST", "/v1/webhooks", { title: "all env changes", url: `${receiver}/hook/sub1`, blueprints: ["env"] });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    expect((await callJson("POST", "/v1/blueprints/env/entities", { identifier: "e1", properties: { status: "running" } })).status).toBe(
      201,
    );
    expect((await callJson("POST", "/v1/blueprints/env/entities", { identifier: "e2", properties: { status: "stopped" } })).status).toBe(
      201,
    );
    const [auto] = await eventually(async () => {
      const list = await arrivals("auto1");
      return list.length > 0 ? list : null;
    });
    expect(JSON.parse(auto?.body ?? "{}")).toEqual({ env: "e1", event: "ENTITY_CREATED" });
    const subs = await eventually(async () => {
      const list = await arrivals("sub1");
      return list.filter((s) => s.body.includes('"ENTITY_CREATED"')).length >= 2 ? list : null;
    });
    const verified = subs.map(
      (s) =>
        new Webhook(env.WEBHOOK_SIGNING_SECRET as string).verify(s.body, s.headers) as {
          type: string;
          context: { entityIdentifier: string };
        },
    );
    // Runs of automations on env are env events too (RUN_CREATED …): look at the entity events here.
    const entityEvents = verified.filter((v) => v.type.startsWith("ENTITY_"));
    expect(entityEvents.map((v) => [v.type, v.context.entityIdentifier]).sort()).toEqual([
      ["ENTITY_CREATED", "e1"],
      ["ENTITY_CREATED", "e2"],
    ]);
    const events = await callJson<{
      events: { type: string; context: { entityIdentifier: string }; automations: { note: string | null; runId: string | null }[] }[];
    }>("GET", "/v1/events?blueprint=env");
    const e2 = events.body.events.find((e) => e.context.entityIdentifier === "e2");
    expect(e2?.automations).toEqual([expect.objectContaining({ note: "condition false", runId: null })]);
  }, 20_000);
});

describe("automations on derived values (beyond Port)", () => {
  it("fires ENTITY_UPDATED when an aggregation changes because a related entity was created", async () => {
    expect((await callJson("POST", "/v1/blueprints", blueprintBody("svc"))).status).toBe(201);
    const deploy = blueprintBody("deploy", { relations: { service: { target: "svc", required: false, many: false } } });
    expect((await callJson("POST", "/v1/blueprints", deploy)).status).toBe(201);
    const withCount = await callJson("PUT", "/v1/blueprints/svc", {
      ...blueprintBody("svc"),
      aggregationProperties: {
        deploys: { title: "Deploys", type: "number", target: "deploy", calculationSpec: { func: "count", calculationBy: "entities" } },
      },
    });
    expect(withCount.status, JSON.stringify(withCount.body)).toBe(200);
    const automation = await callJson("POST", "/v1/automations", {
      identifier: "deploys_changed",
      title: "Deploy count changed",
      trigger: {
        type: "automation",
        event: { type: "ENTITY_UPDATED", blueprintIdentifier: "svc" },
        condition: { type: "JQ", expressions: [".diff.after.properties.deploys > .diff.before.properties.deploys"], combinator: "and" },
      },
      invocationMethod: {
        type: "WEBHOOK",
        url: `${receiver}/hook/derived1`,
        body: { svc: "{{ .entity.identifier }}", deploys: "{{ .diff.after.properties.deploys }}" },
      },
    });
    expect(automation.status, JSON.stringify(automation.body)).toBe(201);
    // The service's own write is its baseline (0 deploys); a new deploy raises the aggregation to 1.
    expect((await callJson("POST", "/v1/blueprints/svc/entities", { identifier: "cart" })).status).toBe(201);
    await eventually(async () => {
      const got = await env.DB.prepare("SELECT derived FROM derived_snapshots WHERE blueprint = 'svc' AND identifier = 'cart'").first();
      return got !== null;
    });
    expect((await callJson("POST", "/v1/blueprints/deploy/entities", { identifier: "d1", relations: { service: "cart" } })).status).toBe(
      201,
    );
    const [hit] = await eventually(async () => {
      const list = await arrivals("derived1");
      return list.length > 0 ? list : null;
    });
    expect(JSON.parse(hit?.body ?? "{}")).toEqual({ svc: "cart", deploys: 1 });
  }, 20_000);
});
