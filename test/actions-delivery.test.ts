import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import {
  actionBody,
  attemptsOf,
  consume,
  createAction,
  createBlueprint,
  createEntity,
  expectError,
  getRun,
  hook,
  type Json,
  received,
  receivedAtLeast,
  receiver,
  runWithStatus,
  sleep,
  startRun,
} from "./actions-helpers";
import { callJson } from "./helpers";

const SECRET = env.WEBHOOK_SIGNING_SECRET as string;
const HOST = new URL(receiver).host;

async function portSignature(secret: string, timestamp: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${body}`)));
  let bin = "";
  for (const b of mac) bin += String.fromCharCode(b);
  return `v1,${btoa(bin)}`;
}

beforeAll(async () => {
  await createBlueprint("service", { language: { type: "string" }, tier: { type: "string" } });
  await createEntity("service", { identifier: "checkout", title: "Checkout", properties: { language: "go", tier: "gold" } });
});

describe("payloads", () => {
  it("renders a custom body and headers from inputs, the run, the entity and the trigger", async () => {
    await createAction(
      actionBody(
        "tmpl",
        "service",
        "",
        {
          invocationMethod: {
            type: "WEBHOOK",
            url: hook("dl-tmpl"),
            headers: { "X-Run": "{{ .run.id }}", "X-Entity": "{{ .entity.identifier }}", "X-Static": "fixed" },
            body: {
              runId: "{{ .run.id }}",
              service: "{{ .entity.identifier }}",
              tier: "{{ .entity.properties.tier }}",
              name: "{{ .inputs.name }}",
              count: "{{ .inputs.replicas }}",
              greeting: "hello {{ .inputs.name }}!",
              nested: { by: "{{ .trigger.by.email }}", list: ["{{ .inputs.replicas }}", "x"] },
              "{{ spreadValue() }}": "{{ .inputs }}",
            },
          },
        },
        {
          operation: "DAY-2",
          userInputs: { properties: { name: { type: "string" }, replicas: { type: "number" } }, required: [] },
        },
      ),
    );
    const run = await startRun("tmpl", { entity: "checkout", properties: { name: "cart", replicas: 3 } });
    const [hit] = await receivedAtLeast("dl-tmpl");
    expect(hit?.method).toBe("POST");
    expect(JSON.parse(hit?.body ?? "null")).toEqual({
      runId: run.id,
      service: "checkout",
      tier: "gold",
      name: "cart",
      count: 3,
      greeting: "hello cart!",
      nested: { by: "admin@portal.test", list: [3, "x"] },
      replicas: 3,
    });
    expect(hit?.headers).toMatchObject({
      "x-run": run.id,
      "x-entity": "checkout",
      "x-static": "fixed",
      "content-type": "application/json",
    });
  }, 15_000);

  it("sends Port's default body when the action has none", async () => {
    await createAction(
      actionBody(
        "dflt",
        "service",
        hook("dl-default"),
        {},
        { operation: "DAY-2", userInputs: { properties: { name: { type: "string" } }, required: [] } },
      ),
    );
    const run = await startRun("dflt", { entity: "checkout", properties: { name: "cart" } });
    const [hit] = await receivedAtLeast("dl-default");
    const body = JSON.parse(hit?.body ?? "null");
    expect(body).toMatchObject({
      action: "dflt",
      resourceType: "run",
      status: "TRIGGERED",
      trigger: { by: { email: "admin@portal.test" }, origin: "API" },
      context: { entity: "checkout", blueprint: "service", runId: run.id },
      payload: {
        entity: { identifier: "checkout", title: "Checkout", properties: { language: "go", tier: "gold" } },
        action: { identifier: "dflt" },
        properties: { name: "cart" },
      },
    });
    expect(typeof body.trigger.at).toBe("string");
  }, 15_000);
});

describe("signatures", () => {
  it("verify with the standardwebhooks package and with Port's recipe", async () => {
    await createAction(actionBody("signed", "service", hook("dl-signed")));
    const run = await startRun("signed");
    const [hit] = await receivedAtLeast("dl-signed");
    if (!hit) throw new Error("nothing received");
    const verified = new Webhook(SECRET).verify(hit.body, hit.headers) as { context: { runId: string } };
    expect(verified.context.runId).toBe(run.id);

    const ts = hit.headers["x-port-timestamp"] ?? "";
    expect(ts).toBe(hit.headers["webhook-timestamp"]);
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(60);
    expect(hit.headers["x-port-signature"]).toBe(await portSignature(SECRET, ts, hit.body));

    // A changed body no longer verifies.
    expect(() => new Webhook(SECRET).verify(`${hit.body} `, hit.headers)).toThrow();
    expect(hit.headers["x-port-signature"]).not.toBe(await portSignature(SECRET, ts, `${hit.body} `));

    const details = await attemptsOf(run.id, 1);
    expect(hit.headers["webhook-id"]).toBe(details.attempts[0]?.deliveryId);
  }, 15_000);

  it("keep the same webhook-id (and body) across retries of one delivery", async () => {
    await createAction(actionBody("retry_id", "service", hook("dl-retry-id", { status: "503,200" })));
    const run = await startRun("retry_id");
    const first = await attemptsOf(run.id, 1);
    const deliveryId = first.attempts[0]?.deliveryId ?? "";
    expect(first.attempts[0]).toMatchObject({ outcome: "retry", statusCode: 503 });

    const { result, messageId } = await consume(deliveryId);
    expect(result.explicitAcks).toEqual([messageId]);
    const hits = await received("dl-retry-id");
    expect(hits).toHaveLength(2);
    expect(hits[0]?.headers["webhook-id"]).toBe(deliveryId);
    expect(hits[1]?.headers["webhook-id"]).toBe(deliveryId);
    expect(hits[1]?.body).toBe(hits[0]?.body);
    for (const h of hits) new Webhook(SECRET).verify(h.body, h.headers);
    const after = await getRun(run.id);
    expect(after.attempts.map((a) => [a.attempt, a.outcome, a.statusCode])).toEqual([
      [1, "retry", 503],
      [2, "delivered", 200],
    ]);
    expect(after.run.status).toBe("IN_PROGRESS");
  }, 15_000);
});

describe("consumer outcomes", () => {
  it("2xx: delivered once, the run stays IN_PROGRESS for the backend to report", async () => {
    await createAction(actionBody("ok2xx", "service", hook("dl-2xx", { status: "202" })));
    const run = await startRun("ok2xx");
    const d = await attemptsOf(run.id, 1);
    expect(d.attempts[0]).toMatchObject({ attempt: 1, outcome: "delivered", statusCode: 202, kind: "RUN" });
    expect(d.run.status).toBe("IN_PROGRESS");
  }, 15_000);

  it("410: disables the action's webhook and fails the run; the next run is 409 until the action is saved", async () => {
    const body = actionBody("gone", "service", hook("dl-410", { status: "410" }));
    await createAction(body);
    const run = await startRun("gone");
    const d = await runWithStatus(run.id, "FAILURE");
    expect(d.run.statusLabel).toContain(HOST);
    expect(d.run.statusLabel).toMatch(/410/);
    expect(d.attempts.map((a) => a.outcome)).toEqual(["gone"]);

    const action = await callJson<{ action: { webhookDisabled: string | null } }>("GET", "/v1/actions/gone");
    expect(action.body.action.webhookDisabled).toMatch(/410/);
    const again = await callJson("POST", "/v1/actions/gone/runs", { properties: {} });
    expectError(again, 409);

    const saved = await callJson("PUT", "/v1/actions/gone", { ...body, invocationMethod: { type: "WEBHOOK", url: hook("dl-410-new") } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const next = await startRun("gone");
    expect(next.status).toBe("IN_PROGRESS");
    expect((await attemptsOf(next.id, 1)).attempts[0]?.outcome).toBe("delivered");
  }, 15_000);

  it("429 with Retry-After: retried after that many seconds", async () => {
    await createAction(actionBody("busy", "service", hook("dl-429", { status: "429", retryAfter: "120" })));
    const run = await startRun("busy");
    const d = await attemptsOf(run.id, 1);
    expect(d.attempts[0]).toMatchObject({ outcome: "retry", statusCode: 429 });
    const { result, messageId } = await consume(d.attempts[0]?.deliveryId ?? "");
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([{ msgId: messageId, delaySeconds: 120 }]);
    expect((await getRun(run.id)).run.status).toBe("IN_PROGRESS");
  }, 15_000);

  it("5xx: retried with exponential backoff (attempt 2 waits about twice the base)", async () => {
    await createAction(actionBody("flaky", "service", hook("dl-5xx", { status: "503" })));
    const run = await startRun("flaky");
    const d = await attemptsOf(run.id, 1);
    const deliveryId = d.attempts[0]?.deliveryId ?? "";
    const second = await consume(deliveryId);
    expect(second.result.retryMessages).toHaveLength(1);
    const delay2 = second.result.retryMessages[0]?.delaySeconds ?? 0;
    expect(delay2).toBeGreaterThanOrEqual(96);
    expect(delay2).toBeLessThanOrEqual(144);
    const third = await consume(deliveryId, { attempts: 3 });
    const delay3 = third.result.retryMessages[0]?.delaySeconds ?? 0;
    expect(delay3).toBeGreaterThanOrEqual(192);
    expect(delay3).toBeLessThanOrEqual(288);
    const after = await getRun(run.id);
    expect(after.attempts.map((a) => a.outcome)).toEqual(["retry", "retry", "retry"]);
    expect(after.run.status).toBe("IN_PROGRESS");
  }, 15_000);

  it("a timeout is retried", async () => {
    await createAction(actionBody("slow", "service", hook("dl-timeout", { delay: "2000" })));
    const run = await startRun("slow");
    const d = await attemptsOf(run.id, 1, 10_000);
    expect(d.attempts[0]).toMatchObject({ outcome: "retry", statusCode: null });
    expect(d.attempts[0]?.error).toMatch(/timeout/);
    const { result } = await consume(d.attempts[0]?.deliveryId ?? "");
    expect(result.retryMessages).toHaveLength(1);
    expect(result.retryMessages[0]?.delaySeconds).toBeGreaterThanOrEqual(96);
    expect((await getRun(run.id)).run.status).toBe("IN_PROGRESS");
  }, 20_000);

  it("401: the run fails at once, naming the host, without retries", async () => {
    await createAction(actionBody("denied", "service", hook("dl-401", { status: "401", body: '{"error":"bad token"}' })));
    const run = await startRun("denied");
    const d = await runWithStatus(run.id, "FAILURE");
    expect(d.run.statusLabel).toContain(HOST);
    expect(d.run.statusLabel).toMatch(/401/);
    expect(d.run.summary).toContain(HOST);
    expect(d.attempts.map((a) => [a.outcome, a.statusCode])).toEqual([["failed", 401]]);
    expect(d.run.endedAt).not.toBeNull();
    // Nothing more is sent, even if the message comes again.
    const { result, messageId } = await consume(d.attempts[0]?.deliveryId ?? "");
    expect(result.explicitAcks).toEqual([messageId]);
    expect(await received("dl-401")).toHaveLength(1);
  }, 15_000);

  it("the dead-letter queue fails the delivery and the run, saying how many attempts were made", async () => {
    await createAction(actionBody("dead", "service", hook("dl-dlq", { status: "503" })));
    const run = await startRun("dead");
    const d = await attemptsOf(run.id, 1);
    const deliveryId = d.attempts[0]?.deliveryId ?? "";
    await consume(deliveryId);
    const dlq = await consume(deliveryId, { queue: "portal-deliveries-dlq", attempts: 1 });
    expect(dlq.result.explicitAcks).toEqual([dlq.messageId]);
    const failed = await runWithStatus(run.id, "FAILURE");
    expect(failed.run.summary).toMatch(/did not answer after 2 attempts/);
    expect(failed.run.summary).toContain(HOST);
    expect(failed.run.summary).toMatch(/HTTP 503/);
    // The delivery is finished: a late message sends nothing.
    const late = await consume(deliveryId);
    expect(late.result.explicitAcks).toEqual([late.messageId]);
    expect(await received("dl-dlq")).toHaveLength(2);
  }, 15_000);

  it("a duplicate message for a delivered delivery is acked without a second request", async () => {
    await createAction(actionBody("dup", "service", hook("dl-dup")));
    const run = await startRun("dup");
    const d = await attemptsOf(run.id, 1);
    expect(d.attempts[0]?.outcome).toBe("delivered");
    const { result, messageId } = await consume(d.attempts[0]?.deliveryId ?? "");
    expect(result.explicitAcks).toEqual([messageId]);
    expect(result.retryMessages).toEqual([]);
    await sleep(300);
    expect(await received("dl-dup")).toHaveLength(1);
    expect((await getRun(run.id)).attempts).toHaveLength(1);
  }, 15_000);

  it("a malformed message is acked", async () => {
    const { result, messageId } = await consume("d_does_not_exist");
    expect(result.explicitAcks).toEqual([messageId]);
  });
});

describe("synchronized webhooks", () => {
  it("a 2xx answer ends the run SUCCESS with the response as summary", async () => {
    await createAction(
      actionBody("sync_ok", "service", "", {
        invocationMethod: { type: "WEBHOOK", url: hook("dl-sync-ok", { body: '{"result":"created"}' }), synchronized: true },
      }),
    );
    const run = await startRun("sync_ok");
    const d = await runWithStatus(run.id, "SUCCESS");
    expect(d.run.summary).toContain("created");
    expect(d.run.endedAt).not.toBeNull();
    // A finished run takes no more reports.
    expectError(await callJson("PATCH", `/v1/actions/runs/${run.id}`, { status: "FAILURE" }), 409);
  }, 15_000);

  it("a 4xx answer ends the run FAILURE with the response as summary", async () => {
    await createAction(
      actionBody("sync_bad", "service", "", {
        invocationMethod: {
          type: "WEBHOOK",
          url: hook("dl-sync-bad", { status: "422", body: '{"error":"name taken"}' }),
          synchronized: true,
        },
      }),
    );
    const run = await startRun("sync_bad");
    const d = await runWithStatus(run.id, "FAILURE");
    expect(d.run.summary).toContain("name taken");
  }, 15_000);
});

describe("UPSERT_ENTITY", () => {
  const mapping: Json = {
    identifier: "{{ .inputs.name }}",
    title: "{{ .inputs.name }} service",
    properties: { language: "{{ .inputs.language }}" },
  };

  beforeAll(async () => {
    await createAction(
      actionBody(
        "upsert",
        "service",
        "",
        { invocationMethod: { type: "UPSERT_ENTITY", blueprintIdentifier: "service", mapping } },
        {
          userInputs: {
            properties: { name: { type: "string" }, language: { type: "string" } },
            required: ["name"],
          },
        },
      ),
    );
  });

  it("creates the entity from the mapping, and the run lists it", async () => {
    const run = await startRun("upsert", { properties: { name: "basket", language: "go" } });
    const d = await runWithStatus(run.id, "SUCCESS");
    expect(d.entities).toEqual([expect.objectContaining({ blueprint: "service", identifier: "basket" })]);
    expect(d.run.summary).toMatch(/Created/);
    const entity = await callJson<{ entity: { title: string; properties: Json } }>("GET", "/v1/blueprints/service/entities/basket");
    expect(entity.status).toBe(200);
    expect(entity.body.entity).toMatchObject({ title: "basket service", properties: { language: "go" } });
  }, 15_000);

  it("updates an existing entity (merge), and that run lists it too", async () => {
    await createEntity("service", { identifier: "ledger", title: "Ledger", properties: { language: "ts", tier: "silver" } });
    const run = await startRun("upsert", { properties: { name: "ledger", language: "go" } });
    const d = await runWithStatus(run.id, "SUCCESS");
    expect(d.run.summary).toMatch(/Updated/);
    expect(d.entities.map((e) => e.identifier)).toEqual(["ledger"]);
    const entity = await callJson<{ entity: { properties: Json } }>("GET", "/v1/blueprints/service/entities/ledger");
    expect(entity.body.entity.properties).toMatchObject({ language: "go", tier: "silver" });
  }, 15_000);

  it("a mapping the blueprint refuses fails the run with the reason", async () => {
    await createAction(
      actionBody(
        "upsert_bad",
        "service",
        "",
        {
          invocationMethod: {
            type: "UPSERT_ENTITY",
            blueprintIdentifier: "service",
            mapping: { identifier: "{{ .inputs.name }}", properties: { nope: "x" } },
          },
        },
        { userInputs: { properties: { name: { type: "string" } }, required: ["name"] } },
      ),
    );
    const run = await startRun("upsert_bad", { properties: { name: "broken" } });
    const d = await runWithStatus(run.id, "FAILURE");
    expect(d.run.summary).toMatch(/nope/);
    expect(d.entities).toEqual([]);
    expect((await callJson("GET", "/v1/blueprints/service/entities/broken")).status).toBe(404);
  }, 15_000);
});
