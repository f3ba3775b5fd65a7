import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { attemptsOf, createBlueprint, createEntity, eventually, getRun, hook, type Json, received, sleep } from "./actions-helpers";
import {
  auditLog,
  automationBody,
  createAutomation,
  eventNo,
  eventsOf,
  fromNow,
  quiet,
  replayEventRange,
  runsAtLeast,
  runsOf,
  type TimerStatus,
  timerStatus,
  timerStub,
  timerUntil,
  unique,
} from "./events-helpers";
import { callJson } from "./helpers";

const TIMER = { type: "string", format: "timer" };

async function patchEntity(blueprint: string, identifier: string, properties: Json): Promise<void> {
  const res = await callJson("PATCH", `/v1/blueprints/${blueprint}/entities/${identifier}`, { properties });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** EXPIRED audit rows of one entity. */
async function expiries(blueprint: string, identifier: string) {
  return auditLog(`action=EXPIRED&blueprint=${blueprint}&entity=${identifier}`);
}

/** Runs the object's alarm handler now, however far away its alarm is (or sets one first). */
async function forceAlarm(blueprint: string, identifier: string, property: string): Promise<void> {
  const stub = timerStub(blueprint, identifier, property);
  await runInDurableObject(stub, async (_instance, state) => {
    await state.storage.setAlarm(Date.now() + 60_000);
  });
  expect(await runDurableObjectAlarm(stub)).toBe(true);
}

describe("arming and disarming", () => {
  it("a future timer arms the object at that time; a new value re-arms; clearing or deleting disarms", async () => {
    const bp = unique("tm_arm");
    await createBlueprint(bp, { expiresAt: TIMER, owner: { type: "string" } });
    const v1 = fromNow(3_600_000);
    await createEntity(bp, { identifier: "e1", properties: { expiresAt: v1 } });
    const armed = await timerUntil(bp, "e1", "expiresAt", (s) => s.armed?.value === v1);
    expect(armed).toMatchObject({
      armed: { blueprint: bp, identifier: "e1", property: "expiresAt", value: v1 },
      firedFor: null,
      alarm: Date.parse(v1),
    });

    const v2 = fromNow(7_200_000);
    await patchEntity(bp, "e1", { expiresAt: v2 });
    const rearmed = await timerUntil(bp, "e1", "expiresAt", (s) => s.armed?.value === v2);
    expect(rearmed.alarm).toBe(Date.parse(v2));

    // A change that leaves the timer alone does not touch it.
    await patchEntity(bp, "e1", { owner: "ana" });
    await quiet(100);
    expect((await timerStatus(bp, "e1", "expiresAt")).alarm).toBe(Date.parse(v2));

    // Replacing the entity without the property clears the timer.
    const cleared = await callJson("PUT", `/v1/blueprints/${bp}/entities/e1`, { identifier: "e1", properties: {} });
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
    const off = await timerUntil(bp, "e1", "expiresAt", (s) => s.armed === null);
    expect(off.alarm).toBeNull();

    const v3 = fromNow(5_400_000);
    await patchEntity(bp, "e1", { expiresAt: v3 });
    expect((await timerUntil(bp, "e1", "expiresAt", (s) => s.armed?.value === v3)).alarm).toBe(Date.parse(v3));
    const deleted = await callJson("DELETE", `/v1/blueprints/${bp}/entities/e1`);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    const gone = await timerUntil(bp, "e1", "expiresAt", (s) => s.armed === null);
    expect(gone.alarm).toBeNull();
    expect(await expiries(bp, "e1")).toEqual([]);
  }, 20_000);

  it("deleting the blueprint with its entities disarms their timers", async () => {
    const bp = unique("tm_bpdel");
    await createBlueprint(bp, { expiresAt: TIMER });
    const v = fromNow(3_600_000);
    await createEntity(bp, { identifier: "e1", properties: { expiresAt: v } });
    await timerUntil(bp, "e1", "expiresAt", (s) => s.armed?.value === v);
    const res = await callJson("DELETE", `/v1/blueprints/${bp}?delete_entities=true`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await eventually(async () => (await eventsOf(bp, "e1", "ENTITY_DELETED")).length === 1);
    await quiet(100);
    expect(await timerStatus(bp, "e1", "expiresAt")).toEqual({ armed: null, firedFor: null, alarm: null });
  }, 20_000);

  it("an entity created with an empty timer arms nothing", async () => {
    const bp = unique("tm_empty");
    await createBlueprint(bp, { expiresAt: TIMER });
    await createEntity(bp, { identifier: "e1", properties: {} });
    await quiet(100);
    expect(await timerStatus(bp, "e1", "expiresAt")).toEqual({ armed: null, firedFor: null, alarm: null });
  }, 20_000);
});

describe("expiry", () => {
  it("a past value expires exactly once, however often the alarm runs or the value is re-armed", async () => {
    const bp = unique("tm_past");
    await createBlueprint(bp, { expiresAt: TIMER });
    const past = fromNow(-60_000);
    await createEntity(bp, { identifier: "e1", properties: { expiresAt: past } });
    const fired = await timerUntil(bp, "e1", "expiresAt", (s) => s.firedFor === past);
    expect(fired.alarm).toBeNull();
    const [expiry] = await eventually(async () => {
      const list = await expiries(bp, "e1");
      return list.length > 0 ? list : null;
    });
    expect(expiry?.diff.before).toEqual({ property: "expiresAt", value: past });
    expect(expiry?.diff.after).toMatchObject({ identifier: "e1", properties: { expiresAt: past } });

    // At-least-once alarms: the handler runs twice more.
    await forceAlarm(bp, "e1", "expiresAt");
    await forceAlarm(bp, "e1", "expiresAt");
    // The same value armed again (a replayed ENTITY_CREATED, say): it fires at once, and is deduplicated.
    const stub = timerStub(bp, "e1", "expiresAt");
    await stub.arm({ blueprint: bp, identifier: "e1", property: "expiresAt", value: past });
    await timerUntil(bp, "e1", "expiresAt", (s) => s.alarm === null);
    // And the creation event handed to the queue again re-arms it through the dispatcher.
    const [created] = await eventsOf(bp, "e1", "ENTITY_CREATED");
    const n = eventNo(created?.id as string);
    expect((await replayEventRange(n - 1, n)).explicitAcks).toHaveLength(1);
    await timerUntil(bp, "e1", "expiresAt", (s) => s.alarm === null);
    await quiet(200);

    expect(await expiries(bp, "e1")).toHaveLength(1);
    const events = await eventsOf(bp, "e1", "TIMER_PROPERTY_EXPIRED");
    expect(events).toHaveLength(1);
    expect(events[0]?.context).toEqual({ blueprintIdentifier: bp, entityIdentifier: "e1", runId: null, propertyIdentifier: "expiresAt" });
    expect(events[0]?.diff.after).toMatchObject({ identifier: "e1", properties: { expiresAt: past } });
    expect((await timerStatus(bp, "e1", "expiresAt")).firedFor).toBe(past);
  }, 20_000);

  it("a timer whose value moved in D1 without the object knowing follows the new value", async () => {
    const bp = unique("tm_stale");
    await createBlueprint(bp, { expiresAt: TIMER });
    const v1 = fromNow(3_600_000);
    const v2 = fromNow(10_800_000);
    await createEntity(bp, { identifier: "e1", properties: { expiresAt: v1 } });
    await timerUntil(bp, "e1", "expiresAt", (s) => s.armed?.value === v1);
    await patchEntity(bp, "e1", { expiresAt: v2 });
    await timerUntil(bp, "e1", "expiresAt", (s) => s.armed?.value === v2);

    // The object missed the change: it still believes in v1, and wakes up.
    const stub = timerStub(bp, "e1", "expiresAt");
    await runInDurableObject(stub, async (_instance, state) => {
      await state.storage.put("armed", { blueprint: bp, identifier: "e1", property: "expiresAt", value: v1 });
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const followed: TimerStatus = await timerStatus(bp, "e1", "expiresAt");
    expect(followed.armed?.value).toBe(v2);
    expect(followed.alarm).toBe(Date.parse(v2));
    expect(await expiries(bp, "e1")).toEqual([]);

    // The value moved into the past behind the object's back (no event at all): it expires that value.
    const past = fromNow(-120_000);
    await env.DB.prepare(
      "UPDATE entities SET properties = json_set(properties, '$.expiresAt', ?), version = version + 1 WHERE blueprint = ? AND identifier = 'e1'",
    )
      .bind(past, bp)
      .run();
    const stored = await env.DB.prepare("SELECT properties FROM entities WHERE blueprint = ? AND identifier = 'e1'")
      .bind(bp)
      .first<{ properties: string }>();
    expect(JSON.parse(stored?.properties ?? "{}")).toEqual({ expiresAt: past });
    await runInDurableObject(stub, async (_instance, state) => {
      await state.storage.put("armed", { blueprint: bp, identifier: "e1", property: "expiresAt", value: v2 });
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const expired = await timerStatus(bp, "e1", "expiresAt");
    expect(expired.firedFor).toBe(past);
    expect(expired.armed?.value).toBe(past);
    const list = await expiries(bp, "e1");
    expect(list.map((a) => a.diff.before)).toEqual([{ property: "expiresAt", value: past }]);
  }, 20_000);

  it("extending a timer before it is due means the old value never expires", async () => {
    const bp = unique("tm_extend");
    await createBlueprint(bp, { expiresAt: TIMER });
    const soon = fromNow(2500);
    const later = fromNow(3_600_000);
    await createEntity(bp, { identifier: "e1", properties: { expiresAt: soon } });
    await timerUntil(bp, "e1", "expiresAt", (s) => s.armed?.value === soon);
    await patchEntity(bp, "e1", { expiresAt: later });
    await timerUntil(bp, "e1", "expiresAt", (s) => s.armed?.value === later);
    // Even an alarm that runs early (or late, for the old value) finds the new value and waits for it.
    expect(await runDurableObjectAlarm(timerStub(bp, "e1", "expiresAt"))).toBe(true);
    await sleep(Math.max(0, Date.parse(soon) - Date.now()) + 500);
    await quiet(100);
    expect(await expiries(bp, "e1")).toEqual([]);
    expect(await eventsOf(bp, "e1", "TIMER_PROPERTY_EXPIRED")).toEqual([]);
    expect(await timerStatus(bp, "e1", "expiresAt")).toMatchObject({
      armed: { blueprint: bp, identifier: "e1", property: "expiresAt", value: later },
      firedFor: null,
      alarm: Date.parse(later),
    });
  }, 20_000);
});

describe("search rules on timers", () => {
  it("isExpired / isNotExpired split entities by whether their timer passed; entities without one match neither", async () => {
    const bp = unique("tm_search");
    await createBlueprint(bp, { expiresAt: TIMER, name: { type: "string" } });
    await createEntity(bp, { identifier: "past", properties: { expiresAt: fromNow(-3_600_000) } });
    await createEntity(bp, { identifier: "future", properties: { expiresAt: fromNow(3_600_000) } });
    await createEntity(bp, { identifier: "none", properties: { name: "no timer" } });
    const search = async (operator: string) => {
      const res = await callJson<{ entities: { identifier: string }[] }>("POST", `/v1/blueprints/${bp}/entities/search`, {
        query: { combinator: "and", rules: [{ property: "expiresAt", operator }] },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.entities.map((e) => e.identifier).sort();
    };
    expect(await search("isExpired")).toEqual(["past"]);
    expect(await search("isNotExpired")).toEqual(["future"]);
    const wrong = await callJson<{ error: { details: { path: string }[] } }>("POST", `/v1/blueprints/${bp}/entities/search`, {
      query: { combinator: "and", rules: [{ property: "name", operator: "isExpired" }] },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.map((d) => d.path)).toContain("query.rules.0.operator");
  }, 20_000);
});

describe("automations on TIMER_PROPERTY_EXPIRED", () => {
  it("fire once per expired value, and only for their property when they name one", async () => {
    const bp = unique("tm_auto");
    const anyKey = unique("evt-tm-any");
    const oneKey = unique("evt-tm-one");
    await createBlueprint(bp, { expiresAt: TIMER, reviewAt: TIMER });
    const body = {
      entity: "{{ .entity.identifier }}",
      type: "{{ .event.type }}",
      property: "{{ .event.context.propertyIdentifier }}",
    };
    const anyTimer = unique("tm_any");
    const expiresOnly = unique("tm_exp");
    await createAutomation(
      automationBody(anyTimer, { type: "TIMER_PROPERTY_EXPIRED", blueprintIdentifier: bp }, { type: "WEBHOOK", url: hook(anyKey), body }),
    );
    await createAutomation(
      automationBody(
        expiresOnly,
        { type: "TIMER_PROPERTY_EXPIRED", blueprintIdentifier: bp, propertyIdentifier: "expiresAt" },
        { type: "WEBHOOK", url: hook(oneKey), body },
      ),
    );

    const p1 = fromNow(-60_000);
    await createEntity(bp, { identifier: "e1", properties: { expiresAt: p1 } });
    await runsAtLeast(anyTimer, 1);
    await runsAtLeast(expiresOnly, 1);
    // The alarm runs again: no second expiry, no second run.
    await forceAlarm(bp, "e1", "expiresAt");
    await quiet();
    expect(await runsOf(anyTimer)).toHaveLength(1);
    expect(await runsOf(expiresOnly)).toHaveLength(1);

    // A new past value is a new expiry.
    const p2 = fromNow(-30_000);
    await patchEntity(bp, "e1", { expiresAt: p2 });
    await runsAtLeast(anyTimer, 2);
    await runsAtLeast(expiresOnly, 2);
    // The other timer expiring concerns only the automation without propertyIdentifier.
    await patchEntity(bp, "e1", { reviewAt: fromNow(-10_000) });
    await runsAtLeast(anyTimer, 3);
    await quiet();
    expect(await runsOf(anyTimer)).toHaveLength(3);
    expect(await runsOf(expiresOnly)).toHaveLength(2);
    for (const run of await runsOf(anyTimer)) {
      expect(run).toMatchObject({ source: "AUTOMATION", operation: "TIMER_PROPERTY_EXPIRED", entity: { identifier: "e1" } });
    }

    const arrivals = await eventually(async () => {
      const list = await received(anyKey);
      return list.length >= 3 ? list : null;
    });
    expect(arrivals.map((a) => JSON.parse(a.body)).sort((a, b) => a.property.localeCompare(b.property))).toEqual([
      { entity: "e1", type: "TIMER_PROPERTY_EXPIRED", property: "expiresAt" },
      { entity: "e1", type: "TIMER_PROPERTY_EXPIRED", property: "expiresAt" },
      { entity: "e1", type: "TIMER_PROPERTY_EXPIRED", property: "reviewAt" },
    ]);
    expect(await received(oneKey)).toHaveLength(2);

    const expired = await eventsOf(bp, "e1", "TIMER_PROPERTY_EXPIRED");
    expect(expired).toHaveLength(3);
    const review = expired.find((e) => e.context.propertyIdentifier === "reviewAt");
    expect(review?.automations).toEqual([expect.objectContaining({ automation: anyTimer, runId: expect.stringMatching(/^r_/) })]);
  }, 30_000);

  it("expiry while the backend is down: the run stays IN_PROGRESS with a retry attempt recorded", async () => {
    const bp = unique("tm_down");
    const key = unique("evt-tm-down");
    const teardown = unique("tm_teardown");
    await createBlueprint(bp, { expiresAt: TIMER });
    await createAutomation(
      automationBody(
        teardown,
        { type: "TIMER_PROPERTY_EXPIRED", blueprintIdentifier: bp, propertyIdentifier: "expiresAt" },
        { type: "WEBHOOK", url: hook(key, { status: "503" }), body: { env: "{{ .entity.identifier }}" } },
      ),
    );
    await createEntity(bp, { identifier: "e1", properties: { expiresAt: fromNow(-1000) } });
    const [run] = await runsAtLeast(teardown, 1);
    const details = await attemptsOf(run?.id as string, 1);
    expect(details.attempts[0]).toMatchObject({ outcome: "retry", statusCode: 503 });
    expect(details.run.status).toBe("IN_PROGRESS");
    expect((await getRun(run?.id as string)).run.endedAt).toBeNull();
    expect(JSON.parse((await received(key))[0]?.body ?? "{}")).toEqual({ env: "e1" });
  }, 20_000);
});

describe("far-future timers", () => {
  it("a timer past 2189 (beyond what alarms accept) is kept without an alarm, and its event does not fail", async () => {
    const { env } = await import("cloudflare:workers");
    const { callJson, blueprintBody } = await import("./helpers");
    const { eventually } = await import("./actions-helpers");
    const bp = blueprintBody("farbp", { schema: { properties: { until: { type: "string", format: "timer" } }, required: [] } });
    expect((await callJson("POST", "/v1/blueprints", bp)).status).toBe(201);
    expect(
      (await callJson("POST", "/v1/blueprints/farbp/entities", { identifier: "f1", properties: { until: "2999-01-01T00:00:00Z" } })).status,
    ).toBe(201);
    const stub = env.TIMERS.get(env.TIMERS.idFromName("farbp/f1/until"));
    const status = await eventually(async () => {
      const s = await stub.status();
      return s.armed ? s : null;
    });
    expect(status.alarm).toBeNull();
    const failures = await env.DB.prepare("SELECT count(*) AS n FROM event_dispatches WHERE target = 'error'").first<{ n: number }>();
    expect(failures?.n).toBe(0);
  }, 15_000);
});
