import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  actionBody,
  as,
  createAction,
  createBlueprint,
  createEntity,
  eventually,
  expectError,
  getRun,
  hook,
  type Json,
  received,
  receivedAtLeast,
  runWithStatus,
  startRun,
} from "./actions-helpers";
import {
  automationBody,
  createAutomation,
  eventNo,
  eventsOf,
  eventsSettled,
  fromNow,
  quiet,
  replayEventRange,
  runsAtLeast,
  runsOf,
  unique,
  verified,
} from "./events-helpers";
import { callJson, createUserToken } from "./helpers";

let member = "";

beforeAll(async () => {
  member = await createUserToken("member@automations.test", { roles: ["Member"] });
});

async function patchEntity(blueprint: string, identifier: string, properties: Json): Promise<void> {
  const res = await callJson("PATCH", `/v1/blueprints/${blueprint}/entities/${identifier}`, { properties });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function deleteEntity(blueprint: string, identifier: string): Promise<void> {
  const res = await callJson("DELETE", `/v1/blueprints/${blueprint}/entities/${identifier}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** What a WEBHOOK automation posted to `key`, parsed. */
async function bodies(key: string): Promise<Json[]> {
  return (await received(key)).map((a) => JSON.parse(a.body) as Json);
}

const EVENT_BODY = { type: "{{ .event.type }}", entity: "{{ .context.entityIdentifier }}" };

describe("each event type fires with its condition true, not with it false", () => {
  it("ENTITY_CREATED", async () => {
    const bp = unique("au_created");
    const key = unique("evt-au-created");
    const auto = unique("au_created");
    await createBlueprint(bp, { flag: { type: "string" } });
    await createAutomation(
      automationBody(
        auto,
        { type: "ENTITY_CREATED", blueprintIdentifier: bp },
        { type: "WEBHOOK", url: hook(key), body: EVENT_BODY },
        { expressions: ['.diff.after.properties.flag == "yes"'] },
      ),
    );
    await createEntity(bp, { identifier: "yes1", properties: { flag: "yes" } });
    await createEntity(bp, { identifier: "no1", properties: { flag: "no" } });
    await patchEntity(bp, "yes1", { flag: "yes" }); // an update is not a creation
    await receivedAtLeast(key, 1);
    await quiet();
    expect(await bodies(key)).toEqual([{ type: "ENTITY_CREATED", entity: "yes1" }]);
    expect(await runsOf(auto)).toHaveLength(1);
    const [no] = await eventsOf(bp, "no1", "ENTITY_CREATED");
    expect(no?.automations).toEqual([expect.objectContaining({ automation: auto, runId: null, note: "condition false" })]);
  }, 20_000);

  it("ENTITY_UPDATED", async () => {
    const bp = unique("au_updated");
    const key = unique("evt-au-updated");
    const auto = unique("au_updated");
    await createBlueprint(bp, { flag: { type: "string" } });
    await createAutomation(
      automationBody(
        auto,
        { type: "ENTITY_UPDATED", blueprintIdentifier: bp },
        { type: "WEBHOOK", url: hook(key), body: EVENT_BODY },
        { expressions: ['.diff.after.properties.flag == "yes"'] },
      ),
    );
    await createEntity(bp, { identifier: "a", properties: { flag: "yes" } }); // created, not updated
    await createEntity(bp, { identifier: "b", properties: { flag: "init" } });
    await createEntity(bp, { identifier: "c", properties: { flag: "init" } });
    await patchEntity(bp, "b", { flag: "yes" });
    await patchEntity(bp, "c", { flag: "no" });
    await receivedAtLeast(key, 1);
    await quiet();
    expect(await bodies(key)).toEqual([{ type: "ENTITY_UPDATED", entity: "b" }]);
    expect(await runsOf(auto)).toHaveLength(1);
  }, 20_000);

  it("ENTITY_DELETED (the condition sees the entity as it was)", async () => {
    const bp = unique("au_deleted");
    const key = unique("evt-au-deleted");
    const auto = unique("au_deleted");
    await createBlueprint(bp, { flag: { type: "string" } });
    await createAutomation(
      automationBody(
        auto,
        { type: "ENTITY_DELETED", blueprintIdentifier: bp },
        { type: "WEBHOOK", url: hook(key), body: { ...EVENT_BODY, was: "{{ .diff.before.properties.flag }}" } },
        { expressions: ['.diff.before.properties.flag == "yes"', ".diff.after == null"] },
      ),
    );
    await createEntity(bp, { identifier: "yes1", properties: { flag: "yes" } });
    await createEntity(bp, { identifier: "no1", properties: { flag: "no" } });
    await deleteEntity(bp, "yes1");
    await deleteEntity(bp, "no1");
    await receivedAtLeast(key, 1);
    await quiet();
    expect(await bodies(key)).toEqual([{ type: "ENTITY_DELETED", entity: "yes1", was: "yes" }]);
    expect(await runsOf(auto)).toHaveLength(1);
  }, 20_000);

  it("ANY_ENTITY_CHANGE: creations, updates and deletions", async () => {
    const bp = unique("au_any");
    const key = unique("evt-au-any");
    const auto = unique("au_any");
    await createBlueprint(bp, { flag: { type: "string" }, note: { type: "string" } });
    await createAutomation(
      automationBody(
        auto,
        { type: "ANY_ENTITY_CHANGE", blueprintIdentifier: bp },
        { type: "WEBHOOK", url: hook(key), body: EVENT_BODY },
        { expressions: ['.entity.properties.flag == "yes"'] },
      ),
    );
    await createEntity(bp, { identifier: "yes1", properties: { flag: "yes" } });
    await createEntity(bp, { identifier: "no1", properties: { flag: "no" } });
    await patchEntity(bp, "yes1", { note: "touched" });
    await patchEntity(bp, "no1", { note: "touched" });
    await deleteEntity(bp, "yes1");
    await deleteEntity(bp, "no1");
    await receivedAtLeast(key, 3);
    await quiet();
    const got = await bodies(key);
    expect(got.map((b) => b.type).sort()).toEqual(["ENTITY_CREATED", "ENTITY_DELETED", "ENTITY_UPDATED"]);
    expect(got.every((b) => b.entity === "yes1")).toBe(true);
    expect(await runsOf(auto)).toHaveLength(3);
  }, 20_000);

  it("TIMER_PROPERTY_EXPIRED", async () => {
    const bp = unique("au_timer");
    const key = unique("evt-au-timer");
    const auto = unique("au_timer");
    await createBlueprint(bp, { flag: { type: "string" }, expiresAt: { type: "string", format: "timer" } });
    await createAutomation(
      automationBody(
        auto,
        { type: "TIMER_PROPERTY_EXPIRED", blueprintIdentifier: bp, propertyIdentifier: "expiresAt" },
        { type: "WEBHOOK", url: hook(key), body: EVENT_BODY },
        { expressions: ['.diff.after.properties.flag == "yes"', '.context.propertyIdentifier == "expiresAt"'] },
      ),
    );
    await createEntity(bp, { identifier: "yes1", properties: { flag: "yes", expiresAt: fromNow(-5000) } });
    await createEntity(bp, { identifier: "no1", properties: { flag: "no", expiresAt: fromNow(-5000) } });
    await receivedAtLeast(key, 1);
    await eventually(async () => (await eventsOf(bp, "no1", "TIMER_PROPERTY_EXPIRED")).length === 1);
    await quiet();
    expect(await bodies(key)).toEqual([{ type: "TIMER_PROPERTY_EXPIRED", entity: "yes1" }]);
    const [no] = await eventsOf(bp, "no1", "TIMER_PROPERTY_EXPIRED");
    expect(no?.automations).toEqual([expect.objectContaining({ automation: auto, runId: null, note: "condition false" })]);
  }, 20_000);

  it("RUN_CREATED, RUN_UPDATED and ANY_RUN_CHANGE follow the runs of one action", async () => {
    const bp = unique("au_runs");
    const action = unique("au_deploy");
    const other = unique("au_other");
    await createBlueprint(bp, {});
    const inputs = { userInputs: { properties: { flag: { type: "string" } }, required: [] } };
    await createAction(actionBody(action, bp, hook(unique("evt-au-backend")), {}, inputs));
    await createAction(actionBody(other, bp, hook(unique("evt-au-backend")), {}, inputs));
    const keys = { created: unique("evt-au-rc"), updated: unique("evt-au-ru"), any: unique("evt-au-ra") };
    const body = { type: "{{ .event.type }}", run: "{{ .context.runId }}", status: "{{ .diff.after.status }}" };
    const autos = { created: unique("au_rc"), updated: unique("au_ru"), any: unique("au_ra") };
    await createAutomation(
      automationBody(
        autos.created,
        { type: "RUN_CREATED", actionIdentifier: action },
        { type: "WEBHOOK", url: hook(keys.created), body },
        { expressions: ['.diff.after.properties.flag == "yes"'] },
      ),
    );
    await createAutomation(
      automationBody(
        autos.updated,
        { type: "RUN_UPDATED", actionIdentifier: action },
        { type: "WEBHOOK", url: hook(keys.updated), body },
        { expressions: ['.diff.after.status == "SUCCESS"'] },
      ),
    );
    await createAutomation(
      automationBody(
        autos.any,
        { type: "ANY_RUN_CHANGE", actionIdentifier: action },
        { type: "WEBHOOK", url: hook(keys.any), body },
        { expressions: ['.diff.after.properties.flag == "yes"', `.context.actionIdentifier == "${action}"`] },
      ),
    );
    const yes = await startRun(action, { properties: { flag: "yes" } });
    const no = await startRun(action, { properties: { flag: "no" } });
    const elsewhere = await startRun(other, { properties: { flag: "yes" } });
    for (const [run, status] of [
      [yes, "SUCCESS"],
      [no, "FAILURE"],
      [elsewhere, "SUCCESS"],
    ] as const) {
      const res = await callJson("PATCH", `/v1/actions/runs/${run.id}`, { status });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    await receivedAtLeast(keys.created, 1);
    await receivedAtLeast(keys.updated, 1);
    await receivedAtLeast(keys.any, 2);
    await quiet();
    expect(await bodies(keys.created)).toEqual([{ type: "RUN_CREATED", run: yes.id, status: "IN_PROGRESS" }]);
    expect(await bodies(keys.updated)).toEqual([{ type: "RUN_UPDATED", run: yes.id, status: "SUCCESS" }]);
    expect((await bodies(keys.any)).sort((a, b) => String(a.type).localeCompare(String(b.type)))).toEqual([
      { type: "RUN_CREATED", run: yes.id, status: "IN_PROGRESS" },
      { type: "RUN_UPDATED", run: yes.id, status: "SUCCESS" },
    ]);
    expect(await runsOf(autos.created)).toHaveLength(1);
    expect(await runsOf(autos.updated)).toHaveLength(1);
    expect(await runsOf(autos.any)).toHaveLength(2);
  }, 30_000);
});

describe("conditions and templates", () => {
  it("conditions see .diff.before/.diff.after/.context/.event/.trigger and combine with and / or", async () => {
    const bp = unique("au_cond");
    const andKey = unique("evt-au-and");
    const orKey = unique("evt-au-or");
    const andAuto = unique("au_and");
    const orAuto = unique("au_or");
    await createBlueprint(bp, { status: { type: "string" } });
    await createAutomation(
      automationBody(
        andAuto,
        { type: "ENTITY_UPDATED", blueprintIdentifier: bp },
        { type: "WEBHOOK", url: hook(andKey), body: EVENT_BODY },
        {
          combinator: "and",
          expressions: [
            '.diff.before.properties.status == "old"',
            '.diff.after.properties.status == "new"',
            '.event.type == "ENTITY_UPDATED"',
            '.trigger.by.email == "admin@portal.test"',
          ],
        },
      ),
    );
    await createAutomation(
      automationBody(
        orAuto,
        { type: "ENTITY_UPDATED", blueprintIdentifier: bp },
        { type: "WEBHOOK", url: hook(orKey), body: EVENT_BODY },
        { combinator: "or", expressions: ['.context.entityIdentifier == "e2"', '.diff.after.properties.status == "boom"'] },
      ),
    );
    await createEntity(bp, { identifier: "e1", properties: { status: "old" } });
    await createEntity(bp, { identifier: "e2", properties: { status: "other" } });
    await createEntity(bp, { identifier: "e3", properties: { status: "old" } });
    await patchEntity(bp, "e1", { status: "new" }); // and: both true → fires; or: neither → no
    await patchEntity(bp, "e2", { status: "new" }); // and: before is not old → no; or: e2 → fires
    await patchEntity(bp, "e3", { status: "boom" }); // and: after is not new → no; or: boom → fires
    await receivedAtLeast(andKey, 1);
    await receivedAtLeast(orKey, 2);
    await quiet();
    expect(await bodies(andKey)).toEqual([{ type: "ENTITY_UPDATED", entity: "e1" }]);
    expect((await bodies(orKey)).map((b) => b.entity).sort()).toEqual(["e2", "e3"]);
  }, 20_000);

  it("webhook bodies render .event, .entity, .diff, .context and .run, and are signed", async () => {
    const bp = unique("au_tpl");
    const key = unique("evt-au-tpl");
    const auto = unique("au_tpl");
    await createBlueprint(bp, { status: { type: "string" } });
    await createAutomation(
      automationBody(
        auto,
        { type: "ENTITY_UPDATED", blueprintIdentifier: bp },
        {
          type: "WEBHOOK",
          url: hook(key),
          body: {
            type: "{{ .event.type }}",
            entity: "{{ .entity.identifier }}",
            from: "{{ .diff.before.properties.status }}",
            to: "{{ .diff.after.properties.status }}",
            blueprint: "{{ .context.blueprintIdentifier }}",
            eventId: "{{ .event.id }}",
            run: "{{ .run.id }}",
            text: "{{ .entity.identifier }} is {{ .diff.after.properties.status }}",
          },
        },
      ),
    );
    await createEntity(bp, { identifier: "svc", properties: { status: "down" } });
    await patchEntity(bp, "svc", { status: "up" });
    const [arrival] = await receivedAtLeast(key, 1);
    const [run] = await runsOf(auto);
    const [event] = await eventsOf(bp, "svc", "ENTITY_UPDATED");
    expect(verified(arrival as never)).toEqual({
      type: "ENTITY_UPDATED",
      entity: "svc",
      from: "down",
      to: "up",
      blueprint: bp,
      eventId: event?.id,
      run: run?.id,
      text: "svc is up",
    });
  }, 20_000);
});

describe("invocations and bookkeeping", () => {
  it("UPSERT_ENTITY writes an entity; its run is listed with source AUTOMATION and the event shows it", async () => {
    const bp = unique("au_src");
    const mirror = unique("au_dst");
    const auto = unique("au_upsert");
    await createBlueprint(bp, { status: { type: "string" } });
    await createBlueprint(mirror, { origin: { type: "string" }, source: { type: "string" } });
    await createAutomation(
      automationBody(
        auto,
        { type: "ENTITY_CREATED", blueprintIdentifier: bp },
        {
          type: "UPSERT_ENTITY",
          blueprintIdentifier: mirror,
          mapping: {
            identifier: '{{ .entity.identifier + "-copy" }}',
            title: "Copy of {{ .entity.identifier }}",
            properties: { origin: "{{ .diff.after.properties.status }}", source: "{{ .context.blueprintIdentifier }}" },
          },
        },
      ),
    );
    await createEntity(bp, { identifier: "cart", properties: { status: "running" } });
    const [listed] = await runsAtLeast(auto, 1);
    expect(listed).toMatchObject({
      source: "AUTOMATION",
      createdBy: `automation:${auto}`,
      operation: "ENTITY_CREATED",
      entity: { identifier: "cart" },
    });
    const done = await runWithStatus(listed?.id as string, "SUCCESS");
    expect(done.run.summary).toBe(`Created ${mirror} 'cart-copy'`);
    expect(done.entities).toEqual(expect.arrayContaining([expect.objectContaining({ blueprint: mirror, identifier: "cart-copy" })]));
    const copy = await callJson<{ entity: { title: string; properties: Json } }>("GET", `/v1/blueprints/${mirror}/entities/cart-copy`);
    expect(copy.status).toBe(200);
    expect(copy.body.entity.title).toBe("Copy of cart");
    expect(copy.body.entity.properties).toEqual({ origin: "running", source: bp });
    const [created] = await eventsOf(bp, "cart", "ENTITY_CREATED");
    expect(created?.automations).toEqual([expect.objectContaining({ automation: auto, runId: listed?.id, note: null })]);
    // The copy's own creation is an event made by that run.
    const [copied] = await eventsOf(mirror, "cart-copy", "ENTITY_CREATED");
    expect(copied?.context.runId).toBe(listed?.id);
  }, 20_000);

  it("DELETE_ENTITY deletes the triggering entity", async () => {
    const bp = unique("au_del");
    const auto = unique("au_delete");
    await createBlueprint(bp, { status: { type: "string" } });
    await createAutomation(
      automationBody(
        auto,
        { type: "ENTITY_UPDATED", blueprintIdentifier: bp },
        { type: "DELETE_ENTITY" },
        { expressions: ['.diff.after.properties.status == "retired"'] },
      ),
    );
    await createEntity(bp, { identifier: "keep", properties: { status: "live" } });
    await createEntity(bp, { identifier: "old", properties: { status: "live" } });
    await patchEntity(bp, "keep", { status: "still live" });
    await patchEntity(bp, "old", { status: "retired" });
    const [run] = await runsAtLeast(auto, 1);
    const done = await runWithStatus(run?.id as string, "SUCCESS");
    expect(done.run.summary).toContain(`${bp} 'old'`);
    expect((await callJson("GET", `/v1/blueprints/${bp}/entities/old`)).status).toBe(404);
    expect((await callJson("GET", `/v1/blueprints/${bp}/entities/keep`)).status).toBe(200);
    const deleted = await eventually(async () => {
      const list = await eventsOf(bp, "old", "ENTITY_DELETED");
      return list.length > 0 ? list : null;
    });
    expect(deleted[0]?.context.runId).toBe(run?.id);
    await quiet();
    expect(await runsOf(auto)).toHaveLength(1);
  }, 20_000);

  it("loop cut: an automation that rewrites the blueprint it listens to stops after 3 generations", async () => {
    const bp = unique("au_loop");
    const auto = unique("au_loop");
    await createBlueprint(bp, { n: { type: "number" } });
    await createAutomation(
      automationBody(
        auto,
        { type: "ENTITY_UPDATED", blueprintIdentifier: bp },
        {
          type: "UPSERT_ENTITY",
          blueprintIdentifier: bp,
          mapping: { identifier: "{{ .entity.identifier }}", properties: { n: "{{ .diff.after.properties.n + 1 }}" } },
        },
      ),
    );
    await createEntity(bp, { identifier: "spin", properties: { n: 0 } });
    await patchEntity(bp, "spin", { n: 1 });
    await runsAtLeast(auto, 3);
    await eventually(async () => {
      const updates = await eventsOf(bp, "spin", "ENTITY_UPDATED");
      return updates.some((e) => e.automations.some((a) => a.note?.includes("loop cut")));
    });
    await quiet(600);
    const runs = await runsOf(auto);
    expect(runs).toHaveLength(3);
    for (const r of runs) await runWithStatus(r.id, "SUCCESS");
    const entity = await callJson<{ entity: { properties: { n: number } } }>("GET", `/v1/blueprints/${bp}/entities/spin`);
    expect(entity.body.entity.properties.n).toBe(4);
    const updates = await eventsOf(bp, "spin", "ENTITY_UPDATED");
    expect(updates).toHaveLength(4);
    const cut = updates.filter((e) => e.automations.some((a) => a.note?.includes("loop cut")));
    expect(cut).toHaveLength(1);
    expect(cut[0]?.automations).toEqual([
      expect.objectContaining({ automation: auto, runId: null, note: expect.stringContaining("loop cut") }),
    ]);
    expect(cut[0]?.diff.after).toMatchObject({ properties: { n: 4 } });
  }, 20_000);

  it("loop cut through a timer: an automation that re-arms the timer it reacts to also stops after 3 generations", async () => {
    const bp = unique("au_tloop");
    const auto = unique("au_tloop");
    await createBlueprint(bp, { t: { type: "string", format: "timer" }, n: { type: "number" } });
    await createAutomation(
      automationBody(
        auto,
        { type: "TIMER_PROPERTY_EXPIRED", blueprintIdentifier: bp, propertyIdentifier: "t" },
        {
          type: "UPSERT_ENTITY",
          blueprintIdentifier: bp,
          // Still in the past, but a new value: it expires again at once. (A JSONata path: the expression starts with `$`.)
          mapping: {
            identifier: "{{ .entity.identifier }}",
            properties: { t: "{{ $fromMillis($toMillis(entity.properties.t) + 1000) }}", n: "{{ .entity.properties.n + 1 }}" },
          },
        },
      ),
    );
    await createEntity(bp, { identifier: "tick", properties: { t: fromNow(-3_600_000), n: 0 } });
    await runsAtLeast(auto, 3);
    await eventually(async () => {
      const expiries = await eventsOf(bp, "tick", "TIMER_PROPERTY_EXPIRED");
      return expiries.some((e) => e.automations.some((a) => a.note?.includes("loop cut")));
    });
    await quiet(600);
    expect(await runsOf(auto)).toHaveLength(3);
    expect(await eventsOf(bp, "tick", "TIMER_PROPERTY_EXPIRED")).toHaveLength(4);
    const entity = await callJson<{ entity: { properties: { n: number } } }>("GET", `/v1/blueprints/${bp}/entities/tick`);
    expect(entity.body.entity.properties.n).toBe(3);
  }, 20_000);

  it("an automation created after an event does not fire for it, even when the event is handed over again", async () => {
    const bp = unique("au_late");
    const key = unique("evt-au-late");
    const auto = unique("au_late");
    await createBlueprint(bp, {});
    await createEntity(bp, { identifier: "early" });
    await eventsSettled();
    await createAutomation(automationBody(auto, { type: "ENTITY_CREATED", blueprintIdentifier: bp }, { type: "WEBHOOK", url: hook(key) }));
    const [event] = await eventsOf(bp, "early", "ENTITY_CREATED");
    const n = eventNo(event?.id as string);
    expect((await replayEventRange(n - 1, n)).explicitAcks).toHaveLength(1);
    await quiet();
    expect(await runsOf(auto)).toEqual([]);
    expect(await received(key)).toEqual([]);
    expect((await eventsOf(bp, "early", "ENTITY_CREATED"))[0]?.automations).toEqual([]);
  }, 20_000);

  it("an unpublished automation never fires", async () => {
    const bp = unique("au_unpub");
    const off = unique("au_off");
    const on = unique("au_on");
    const offKey = unique("evt-au-off");
    await createBlueprint(bp, {});
    const hidden = await createAutomation(
      automationBody(off, { type: "ENTITY_CREATED", blueprintIdentifier: bp }, { type: "WEBHOOK", url: hook(offKey) }, undefined, {
        publish: false,
      }),
    );
    expect(hidden.publish).toBe(false);
    await createAutomation(
      automationBody(on, { type: "ENTITY_CREATED", blueprintIdentifier: bp }, { type: "WEBHOOK", url: hook(unique("evt-au-on")) }),
    );
    await createEntity(bp, { identifier: "e1" });
    await runsAtLeast(on, 1);
    await quiet();
    expect(await runsOf(off)).toEqual([]);
    expect(await received(offKey)).toEqual([]);
    const [event] = await eventsOf(bp, "e1", "ENTITY_CREATED");
    expect(event?.automations.map((a) => a.automation)).toEqual([on]);
  }, 20_000);

  it("an event handed to the queue twice starts one run", async () => {
    const bp = unique("au_twice");
    const key = unique("evt-au-twice");
    const auto = unique("au_twice");
    await createBlueprint(bp, {});
    await createAutomation(automationBody(auto, { type: "ENTITY_CREATED", blueprintIdentifier: bp }, { type: "WEBHOOK", url: hook(key) }));
    await createEntity(bp, { identifier: "once" });
    const [run] = await runsAtLeast(auto, 1);
    await receivedAtLeast(key, 1);
    await eventsSettled();
    const [event] = await eventsOf(bp, "once", "ENTITY_CREATED");
    const n = eventNo(event?.id as string);
    const range = await env.DB.prepare("SELECT after_id, to_id FROM dispatch_ranges WHERE after_id < ? AND to_id >= ?")
      .bind(n, n)
      .first<{ after_id: number; to_id: number }>();
    expect(range).not.toBeNull();
    // The very range the dispatcher claimed, and the single event, each delivered again.
    expect((await replayEventRange(range?.after_id as number, range?.to_id as number)).explicitAcks).toHaveLength(1);
    expect((await replayEventRange(n - 1, n)).explicitAcks).toHaveLength(1);
    await quiet();
    const runs = await runsOf(auto);
    expect(runs.map((r) => r.id)).toEqual([run?.id]);
    expect(await received(key)).toHaveLength(1);
    const [again] = await eventsOf(bp, "once", "ENTITY_CREATED");
    expect(again?.automations).toEqual([expect.objectContaining({ automation: auto, runId: run?.id })]);
    const dispatches = await env.DB.prepare("SELECT count(*) AS n FROM event_dispatches WHERE event_id = ?").bind(n).first<{ n: number }>();
    expect(dispatches?.n).toBe(1);
  }, 20_000);
});

describe("managing automations", () => {
  it("refuses invalid definitions with the path of each problem", async () => {
    const bp = unique("au_valid");
    await createBlueprint(bp, { expiresAt: { type: "string", format: "timer" }, name: { type: "string" } });
    const webhook = { type: "WEBHOOK", url: hook(unique("evt-au-never")) };
    const post = (body: Json) => callJson("POST", "/v1/automations", body);
    expectError(
      await post(automationBody(unique("au_x"), { type: "ENTITY_CREATED", blueprintIdentifier: "no_such_bp" }, webhook)),
      400,
      "trigger.event.blueprintIdentifier",
    );
    expectError(await post(automationBody(unique("au_x"), { type: "RUN_CREATED" }, webhook)), 400, "trigger.event.actionIdentifier");
    expectError(await post(automationBody(unique("au_x"), { type: "ANY_RUN_CHANGE" }, webhook)), 400, "trigger.event.actionIdentifier");
    expectError(await post(automationBody(unique("au_x"), { type: "ENTITY_UPDATED" }, webhook)), 400, "trigger.event.blueprintIdentifier");
    expectError(
      await post(
        automationBody(unique("au_x"), { type: "ENTITY_UPDATED", blueprintIdentifier: bp }, webhook, {
          expressions: [".diff.after.properties.name ==", "true"],
        }),
      ),
      400,
      "trigger.condition.expressions.0",
    );
    expectError(
      await post(
        automationBody(unique("au_x"), { type: "TIMER_PROPERTY_EXPIRED", blueprintIdentifier: bp, propertyIdentifier: "name" }, webhook),
      ),
      400,
      "trigger.event.propertyIdentifier",
    );
    expectError(
      await post(
        automationBody(unique("au_x"), { type: "TIMER_PROPERTY_EXPIRED", blueprintIdentifier: bp, propertyIdentifier: "nope" }, webhook),
      ),
      400,
      "trigger.event.propertyIdentifier",
    );
    expectError(
      await post(automationBody(unique("au_x"), { type: "ENTITY_EXPLODED", blueprintIdentifier: bp }, webhook)),
      400,
      "trigger.event.type",
    );
    expectError(
      await post(
        automationBody(
          unique("au_x"),
          { type: "ENTITY_CREATED", blueprintIdentifier: bp },
          { type: "UPSERT_ENTITY", blueprintIdentifier: "ghost", mapping: {} },
        ),
      ),
      400,
      "invocationMethod.blueprintIdentifier",
    );
    const { title: _t, ...untitled } = automationBody(unique("au_x"), { type: "ENTITY_CREATED", blueprintIdentifier: bp }, webhook);
    expectError(await post(untitled), 400, "title");
    expectError(
      await post({ ...automationBody(unique("au_x"), { type: "ENTITY_CREATED", blueprintIdentifier: bp }, webhook), bogus: 1 }),
      400,
      "bogus",
    );
    // A valid one with the same identifier as an existing action is a conflict.
    const ok = automationBody(
      unique("au_ok"),
      { type: "TIMER_PROPERTY_EXPIRED", blueprintIdentifier: bp, propertyIdentifier: "expiresAt" },
      webhook,
    );
    expect((await post(ok)).status).toBe(201);
    expect((await post(ok)).status).toBe(409);
  }, 20_000);

  it("only admins manage automations", async () => {
    const bp = unique("au_admin");
    await createBlueprint(bp, {});
    const id = unique("au_admin");
    const body = automationBody(
      id,
      { type: "ENTITY_CREATED", blueprintIdentifier: bp },
      { type: "WEBHOOK", url: hook(unique("evt-au-never")) },
    );
    expectError(await callJson("POST", "/v1/automations", body, as(member)), 403);
    expectError(await callJson("POST", "/v1/actions", body, as(member)), 403);
    await createAutomation(body);
    expectError(await callJson("GET", "/v1/automations", undefined, as(member)), 403);
    expectError(await callJson("GET", `/v1/automations/${id}`, undefined, as(member)), 403);
    expectError(await callJson("PUT", `/v1/automations/${id}`, { ...body, title: "mine now" }, as(member)), 403);
    expectError(await callJson("DELETE", `/v1/automations/${id}`, undefined, as(member)), 403);
    expectError(await callJson("GET", "/v1/events", undefined, as(member)), 403);
    const still = await callJson<{ automation: { title: string } }>("GET", `/v1/automations/${id}`);
    expect(still.status).toBe(200);
    expect(still.body.automation.title).toBe(id);
  }, 20_000);

  it("POST /v1/actions with trigger.type automation creates an automation that runs", async () => {
    const bp = unique("au_port");
    const key = unique("evt-au-port");
    const id = unique("au_port");
    await createBlueprint(bp, {});
    const res = await callJson<{ action: Json }>(
      "POST",
      "/v1/actions",
      automationBody(id, { type: "ENTITY_CREATED", blueprintIdentifier: bp }, { type: "WEBHOOK", url: hook(key), body: EVENT_BODY }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.action).toMatchObject({ identifier: id, trigger: { type: "automation" } });
    const got = await callJson<{ automation: Json }>("GET", `/v1/automations/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.automation).toMatchObject({ identifier: id, publish: true, trigger: { event: { type: "ENTITY_CREATED" } } });
    const list = await callJson<{ automations: { identifier: string }[] }>("GET", "/v1/automations");
    expect(list.body.automations.map((a) => a.identifier)).toContain(id);
    await createEntity(bp, { identifier: "e1" });
    await receivedAtLeast(key, 1);
    expect(await bodies(key)).toEqual([{ type: "ENTITY_CREATED", entity: "e1" }]);
    const [run] = await runsOf(id);
    expect((await getRun(run?.id as string)).run.status).toBe("IN_PROGRESS");
  }, 20_000);
});
