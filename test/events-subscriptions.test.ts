import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { runScheduled } from "../src/cron/scheduled";
import {
  type Arrival,
  actionBody,
  as,
  consume,
  createAction,
  createBlueprint,
  createEntity,
  eventually,
  expectError,
  hook,
  type Json,
  received,
  receivedAtLeast,
  startRun,
} from "./actions-helpers";
import { type EventView, eventNo, eventsOf, eventsPage, eventsSettled, quiet, unique, verified } from "./events-helpers";
import { blueprintBody, callJson, createUserToken } from "./helpers";

interface Webhook {
  id: string;
  title: string;
  url: string;
  events: string[];
  blueprints: string[];
  enabled: boolean;
  disabledReason: string | null;
  version: number;
}

interface Payload {
  id: string;
  type: string;
  at: string;
  context: { blueprintIdentifier: string | null; entityIdentifier: string | null; runId: string | null };
  diff: { before: Json | null; after: Json | null };
  trigger: { by: { email: string }; origin: string; at: string };
}

let member = "";

beforeAll(async () => {
  member = await createUserToken("member@subscriptions.test", { roles: ["Member"] });
});

async function subscribe(body: Json): Promise<Webhook> {
  const res = await callJson<{ webhook: Webhook }>("POST", "/v1/webhooks", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.webhook;
}

async function getWebhook(id: string): Promise<Webhook> {
  const res = await callJson<{ webhook: Webhook }>("GET", `/v1/webhooks/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.webhook;
}

/** The verified payloads `key` received. */
async function payloads(key: string): Promise<Payload[]> {
  return (await received(key)).map((a) => verified<Payload>(a));
}

const summary = (p: Payload) => `${p.type} ${p.context.entityIdentifier ?? p.context.blueprintIdentifier}`;

describe("managing subscriptions", () => {
  it("create, read, list, replace (If-Match), delete", async () => {
    const url = hook(unique("evt-sub-crud"));
    const created = await callJson<{ webhook: Webhook }>("POST", "/v1/webhooks", {
      title: "catalog feed",
      url,
      events: ["ENTITY_CREATED"],
      blueprints: ["service"],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const w = created.body.webhook;
    expect(w).toMatchObject({
      id: expect.stringMatching(/^wh_/),
      title: "catalog feed",
      url,
      events: ["ENTITY_CREATED"],
      blueprints: ["service"],
      enabled: true,
      disabledReason: null,
      version: 1,
    });
    expect(created.headers.get("etag")).toBe('"1"');
    expect(await getWebhook(w.id)).toMatchObject({ id: w.id, title: "catalog feed" });
    const list = await callJson<{ webhooks: Webhook[] }>("GET", "/v1/webhooks");
    expect(list.body.webhooks.map((x) => x.id)).toContain(w.id);

    // Defaults: every event, every blueprint, enabled.
    const all = await subscribe({ title: "everything", url });
    expect(all).toMatchObject({ events: [], blueprints: [], enabled: true });

    const replaced = await callJson<{ webhook: Webhook }>(
      "PUT",
      `/v1/webhooks/${w.id}`,
      { title: "catalog feed v2", url, events: ["ENTITY_CREATED", "ENTITY_DELETED"] },
      { "if-match": '"1"' },
    );
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(replaced.body.webhook).toMatchObject({ title: "catalog feed v2", events: ["ENTITY_CREATED", "ENTITY_DELETED"], version: 2 });
    expect(replaced.headers.get("etag")).toBe('"2"');
    // A stale version is refused and changes nothing.
    const stale = await callJson("PUT", `/v1/webhooks/${w.id}`, { title: "lost update", url }, { "if-match": '"1"' });
    expectError(stale, 412);
    expect((await getWebhook(w.id)).title).toBe("catalog feed v2");
    expectError(await callJson("PUT", `/v1/webhooks/${w.id}`, { title: "x", url }, { "if-match": "banana" }), 400, "If-Match");

    expect((await callJson("DELETE", `/v1/webhooks/${w.id}`)).status).toBe(200);
    expectError(await callJson("GET", `/v1/webhooks/${w.id}`), 404);
    expectError(await callJson("PUT", `/v1/webhooks/${w.id}`, { title: "x", url }), 404);
    expectError(await callJson("DELETE", `/v1/webhooks/${w.id}`), 404);
  });

  it("refuses invalid subscriptions with the path of each problem", async () => {
    const url = hook(unique("evt-sub-bad"));
    expectError(await callJson("POST", "/v1/webhooks", { url }), 400, "title");
    expectError(await callJson("POST", "/v1/webhooks", { title: "t", url: "ftp://example.com/x" }), 400, "url");
    expectError(await callJson("POST", "/v1/webhooks", { title: "t", url: "not a url" }), 400, "url");
    expectError(
      await callJson("POST", "/v1/webhooks", { title: "t", url, events: ["ENTITY_CREATED", "ENTITY_EXPLODED"] }),
      400,
      "events.1",
    );
    expectError(await callJson("POST", "/v1/webhooks", { title: "t", url, blueprints: "service" }), 400, "blueprints");
    const w = await subscribe({ title: "ok", url });
    expectError(await callJson("PUT", `/v1/webhooks/${w.id}`, { title: "", url }), 400, "title");
    expect((await getWebhook(w.id)).title).toBe("ok");
  });

  it("refuses unknown fields instead of ignoring them", async () => {
    const url = hook(unique("evt-sub-unknown"));
    // A `secret` silently dropped would leave its sender believing deliveries are signed with it.
    expectError(await callJson("POST", "/v1/webhooks", { title: "t", url, secret: "mine" }), 400, "secret");
    const w = await subscribe({ title: "ok", url });
    expectError(await callJson("PUT", `/v1/webhooks/${w.id}`, { title: "ok", url, secret: "mine" }), 400, "secret");
  });

  it("only admins manage subscriptions and read events", async () => {
    const url = hook(unique("evt-sub-admin"));
    const w = await subscribe({ title: "admin only", url });
    expectError(await callJson("POST", "/v1/webhooks", { title: "mine", url }, as(member)), 403);
    expectError(await callJson("GET", "/v1/webhooks", undefined, as(member)), 403);
    expectError(await callJson("GET", `/v1/webhooks/${w.id}`, undefined, as(member)), 403);
    expectError(await callJson("PUT", `/v1/webhooks/${w.id}`, { title: "mine", url }, as(member)), 403);
    expectError(await callJson("DELETE", `/v1/webhooks/${w.id}`, undefined, as(member)), 403);
    expectError(await callJson("GET", "/v1/events", undefined, as(member)), 403);
    expect((await getWebhook(w.id)).title).toBe("admin only");
  });
});

describe("deliveries", () => {
  it("are filtered by events[] and blueprints[], signed, and carry the event", async () => {
    const a = unique("sub_a");
    const b = unique("sub_b");
    await createBlueprint(a, { status: { type: "string" } });
    await createBlueprint(b, { status: { type: "string" } });
    const keys = { all: unique("evt-sub-all"), createdA: unique("evt-sub-ca"), onlyB: unique("evt-sub-b"), deleted: unique("evt-sub-del") };
    await subscribe({ title: "both", url: hook(keys.all), blueprints: [a, b] });
    await subscribe({ title: "created in a", url: hook(keys.createdA), events: ["ENTITY_CREATED"], blueprints: [a] });
    await subscribe({ title: "all of b", url: hook(keys.onlyB), blueprints: [b] });
    await subscribe({ title: "deletions", url: hook(keys.deleted), events: ["ENTITY_DELETED"], blueprints: [a, b] });

    await createEntity(a, { identifier: "a1", properties: { status: "new" } });
    await createEntity(b, { identifier: "b1", properties: { status: "new" } });
    expect((await callJson("PATCH", `/v1/blueprints/${a}/entities/a1`, { properties: { status: "live" } })).status).toBe(200);
    expect((await callJson("DELETE", `/v1/blueprints/${b}/entities/b1`)).status).toBe(200);

    await receivedAtLeast(keys.all, 4);
    await quiet();
    expect((await payloads(keys.all)).map(summary).sort()).toEqual([
      "ENTITY_CREATED a1",
      "ENTITY_CREATED b1",
      "ENTITY_DELETED b1",
      "ENTITY_UPDATED a1",
    ]);
    expect((await payloads(keys.createdA)).map(summary)).toEqual(["ENTITY_CREATED a1"]);
    expect((await payloads(keys.onlyB)).map(summary).sort()).toEqual(["ENTITY_CREATED b1", "ENTITY_DELETED b1"]);
    expect((await payloads(keys.deleted)).map(summary)).toEqual(["ENTITY_DELETED b1"]);

    const [arrival] = (await received(keys.all)).filter((x) => verified<Payload>(x).type === "ENTITY_UPDATED");
    const payload = verified<Payload>(arrival as Arrival);
    const [event] = await eventsOf(a, "a1", "ENTITY_UPDATED");
    expect(payload).toEqual({
      id: event?.id,
      type: "ENTITY_UPDATED",
      at: event?.at,
      context: { blueprintIdentifier: a, entityIdentifier: "a1", runId: null },
      diff: {
        before: expect.objectContaining({ identifier: "a1", properties: { status: "new" } }),
        after: expect.objectContaining({ identifier: "a1", properties: { status: "live" } }),
      },
      trigger: { by: { email: "admin@portal.test" }, origin: "API", at: event?.at },
    });
    expect(payload.id).toMatch(/^ev_\d+$/);
    // webhook-id is the delivery id the events API lists.
    const delivery = event?.deliveries.find((d) => d.url === hook(keys.all));
    expect(delivery).toMatchObject({ status: "DELIVERED", attempts: 1, lastResult: "HTTP 200" });
    expect(arrival?.headers["webhook-id"]).toBe(delivery?.id);
    expect(arrival?.headers["content-type"]).toBe("application/json");
  }, 20_000);

  it("a retry carries the same webhook-id and body", async () => {
    const bp = unique("sub_retry");
    const key = unique("evt-sub-retry");
    await createBlueprint(bp, {});
    const w = await subscribe({ title: "flaky", url: hook(key, { status: "503,200" }), blueprints: [bp] });
    await createEntity(bp, { identifier: "e1" });
    await receivedAtLeast(key, 1);
    const pending = await eventually(async () => {
      const [e] = await eventsOf(bp, "e1", "ENTITY_CREATED");
      const d = e?.deliveries.find((x) => x.subscription === w.id);
      return d && d.attempts === 1 ? d : null;
    });
    expect(pending).toMatchObject({ status: "PENDING", lastResult: "HTTP 503" });
    // The queue would retry in about a minute; hand the retry over ourselves.
    const { result } = await consume(pending.id);
    expect(result.explicitAcks).toHaveLength(1);
    const [first, second] = await receivedAtLeast(key, 2);
    expect(first?.headers["webhook-id"]).toBe(pending.id);
    expect(second?.headers["webhook-id"]).toBe(pending.id);
    expect(second?.body).toBe(first?.body);
    expect(verified<Payload>(second as Arrival).context.entityIdentifier).toBe("e1");
    const [after] = await eventsOf(bp, "e1", "ENTITY_CREATED");
    expect(after?.deliveries.find((x) => x.subscription === w.id)).toMatchObject({ status: "DELIVERED", attempts: 2 });
  }, 20_000);

  it("410 Gone disables the subscription until a PUT re-enables it", async () => {
    const bp = unique("sub_gone");
    const key = unique("evt-sub-gone");
    const witness = unique("evt-sub-witness");
    await createBlueprint(bp, {});
    const w = await subscribe({ title: "gone soon", url: hook(key, { status: "410,200" }), blueprints: [bp] });
    await subscribe({ title: "witness", url: hook(witness), blueprints: [bp] });
    await createEntity(bp, { identifier: "e1" });
    await receivedAtLeast(key, 1);
    const disabled = await eventually(async () => {
      const x = await getWebhook(w.id);
      return x.enabled ? null : x;
    });
    expect(disabled.disabledReason).toContain("410");

    await createEntity(bp, { identifier: "e2" });
    await eventually(async () => (await payloads(witness)).some((p) => p.context.entityIdentifier === "e2"));
    await quiet();
    expect(await received(key)).toHaveLength(1);
    const [e2] = await eventsOf(bp, "e2", "ENTITY_CREATED");
    expect(e2?.deliveries.map((d) => d.subscription)).not.toContain(w.id);

    const reenabled = await callJson<{ webhook: Webhook }>(
      "PUT",
      `/v1/webhooks/${w.id}`,
      { title: w.title, url: w.url, blueprints: [bp], enabled: true },
      { "if-match": `"${disabled.version}"` },
    );
    expect(reenabled.status, JSON.stringify(reenabled.body)).toBe(200);
    expect(reenabled.body.webhook).toMatchObject({ enabled: true, disabledReason: null });
    await createEntity(bp, { identifier: "e3" });
    await receivedAtLeast(key, 2);
    await quiet();
    expect((await payloads(key)).map(summary)).toEqual(["ENTITY_CREATED e1", "ENTITY_CREATED e3"]);
  }, 20_000);

  it("a retry still pending when a 410 disables the subscription is not sent", async () => {
    const bp = unique("sub_gone2");
    const key = unique("evt-sub-gone2");
    await createBlueprint(bp, {});
    const w = await subscribe({ title: "flaky then gone", url: hook(key, { status: "503,410,200" }), blueprints: [bp] });
    await createEntity(bp, { identifier: "e1" });
    await receivedAtLeast(key, 1); // 503: e1's delivery waits for its retry
    const [e1] = await eventsOf(bp, "e1", "ENTITY_CREATED");
    const pending = e1?.deliveries.find((d) => d.subscription === w.id);
    expect(pending).toMatchObject({ status: "PENDING" });
    await createEntity(bp, { identifier: "e2" });
    await receivedAtLeast(key, 2); // 410: the endpoint is gone
    await eventually(async () => !(await getWebhook(w.id)).enabled);
    // The queue hands e1's retry over: the endpoint said it is gone, so nothing more is sent.
    await consume(pending?.id as string);
    await quiet();
    expect(await received(key)).toHaveLength(2);
  }, 20_000);

  it("blueprint events reach subscribers", async () => {
    const bp = unique("sub_bp");
    const key = unique("evt-sub-bp");
    await subscribe({
      title: "schema changes",
      url: hook(key),
      events: ["BLUEPRINT_CREATED", "BLUEPRINT_UPDATED", "BLUEPRINT_DELETED"],
      blueprints: [bp],
    });
    expect((await callJson("POST", "/v1/blueprints", blueprintBody(bp))).status).toBe(201);
    expect((await callJson("PUT", `/v1/blueprints/${bp}`, blueprintBody(bp, { title: "Renamed" }))).status).toBe(200);
    expect((await callJson("DELETE", `/v1/blueprints/${bp}`)).status).toBe(200);
    await receivedAtLeast(key, 3);
    await quiet();
    const got = await payloads(key);
    expect(got.map((p) => p.type).sort()).toEqual(["BLUEPRINT_CREATED", "BLUEPRINT_DELETED", "BLUEPRINT_UPDATED"]);
    expect(got.every((p) => p.context.blueprintIdentifier === bp && p.context.entityIdentifier === null)).toBe(true);
    expect(got.find((p) => p.type === "BLUEPRINT_UPDATED")?.diff.after).toMatchObject({ identifier: bp, title: "Renamed" });
    expect(got.find((p) => p.type === "BLUEPRINT_DELETED")?.diff.after).toBeNull();
  }, 20_000);

  it("run events reach subscribers of the action's blueprint", async () => {
    const bp = unique("sub_run");
    const action = unique("sub_deploy");
    const key = unique("evt-sub-run");
    await createBlueprint(bp, {});
    await createAction(actionBody(action, bp, hook(unique("evt-sub-backend"))));
    await subscribe({ title: "runs", url: hook(key), events: ["RUN_CREATED", "RUN_UPDATED"], blueprints: [bp] });
    const run = await startRun(action);
    const res = await callJson("PATCH", `/v1/actions/runs/${run.id}`, { status: "SUCCESS", summary: "shipped" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await receivedAtLeast(key, 2);
    await quiet();
    const got = (await payloads(key)).sort((x, y) => x.type.localeCompare(y.type));
    expect(got.map((p) => [p.type, p.context.runId])).toEqual([
      ["RUN_CREATED", run.id],
      ["RUN_UPDATED", run.id],
    ]);
    expect(got[1]?.diff.after).toMatchObject({ status: "SUCCESS", summary: "shipped" });
    expect(got[1]?.diff.before).toMatchObject({ status: "IN_PROGRESS" });
  }, 20_000);
});

describe("the events API and the cron backstop", () => {
  it("pages events newest first with a cursor", async () => {
    const bp = unique("sub_page");
    await createBlueprint(bp, {});
    for (const id of ["e1", "e2", "e3", "e4", "e5"]) await createEntity(bp, { identifier: id });
    const all = (await eventsPage(`blueprint=${bp}&limit=200`)).events;
    expect(all.map((e) => e.type)).toEqual([
      "ENTITY_CREATED",
      "ENTITY_CREATED",
      "ENTITY_CREATED",
      "ENTITY_CREATED",
      "ENTITY_CREATED",
      "BLUEPRINT_CREATED",
    ]);
    const seen: EventView[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { events: EventView[]; next: string | null } = await eventsPage(
        `blueprint=${bp}&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(page.events.length).toBeLessThanOrEqual(2);
      seen.push(...page.events);
      cursor = page.next;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen.map((e) => e.id)).toEqual(all.map((e) => e.id));
    const numbers = seen.map((e) => eventNo(e.id));
    expect([...numbers].sort((x, y) => y - x)).toEqual(numbers);
    expectError(await callJson("GET", "/v1/events?cursor=nonsense"), 400, "query.cursor");
    expectError(await callJson("GET", "/v1/events?limit=0"), 400);
  }, 20_000);

  it("the cron dispatches events nobody handed on, and re-dispatching delivers nothing twice", async () => {
    const bp = unique("sub_cron");
    const key = unique("evt-sub-cron");
    await createBlueprint(bp, {});
    const w = await subscribe({ title: "cron", url: hook(key), blueprints: [bp] });
    await createEntity(bp, { identifier: "e1" });
    await receivedAtLeast(key, 1);
    await eventsSettled();

    // An event written without any request, queue batch or alarm to hand it on.
    const ghost = await env.DB.prepare(
      `INSERT INTO audit_log (at, actor, origin, action, resource_type, blueprint, entity, before, after, request_id)
       VALUES (?, 'importer', 'API', 'CREATE', 'entity', ?, 'ghost', NULL, ?, 'test') RETURNING id`,
    )
      .bind(new Date().toISOString(), bp, JSON.stringify({ identifier: "ghost", blueprint: bp, properties: {} }))
      .first<{ id: number }>();
    const ghostId = ghost?.id as number;
    const cursor = await env.DB.prepare("SELECT last_id FROM dispatch_cursor WHERE name = 'events'").first<{ last_id: number }>();
    expect(cursor?.last_id).toBeLessThan(ghostId);
    await runScheduled(createScheduledController({ scheduledTime: new Date(), cron: "*/5 * * * *" }), env);
    const arrivals = await receivedAtLeast(key, 2);
    expect(arrivals.map((a) => verified<Payload>(a)).map(summary)).toEqual(["ENTITY_CREATED e1", "ENTITY_CREATED ghost"]);
    await quiet();

    const counts = async () => ({
      deliveries: (await env.DB.prepare("SELECT count(*) AS n FROM deliveries WHERE subscription_id = ?").bind(w.id).first<{ n: number }>())
        ?.n,
      dispatches: (await env.DB.prepare("SELECT count(*) AS n FROM event_dispatches").first<{ n: number }>())?.n,
      received: (await received(key)).length,
    });
    const before = await counts();
    expect(before.deliveries).toBe(2);

    // Everything since this blueprint was created is handed over again, as if never dispatched.
    const [first] = (await eventsOf(bp)).slice(-1);
    const from = eventNo(first?.id as string) - 1;
    await env.DB.batch([
      env.DB.prepare("DELETE FROM dispatch_ranges WHERE after_id >= ?").bind(from),
      env.DB.prepare("UPDATE dispatch_cursor SET last_id = ? WHERE name = 'events'").bind(from),
    ]);
    await runScheduled(createScheduledController({ scheduledTime: new Date(), cron: "*/5 * * * *" }), env);
    const reclaimed = await env.DB.prepare("SELECT count(*) AS n FROM dispatch_ranges WHERE after_id >= ?")
      .bind(from)
      .first<{ n: number }>();
    expect(reclaimed?.n).toBeGreaterThan(0);
    await quiet(600);
    expect(await counts()).toEqual(before);
  }, 20_000);
});
