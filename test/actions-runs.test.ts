import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  actionBody,
  as,
  attemptsOf,
  createAction,
  createBlueprint,
  createEntity,
  createTeam,
  expectError,
  getRun,
  hook,
  type Json,
  type RunView,
  readSse,
  received,
  receivedAtLeast,
  runStub,
  type SseEvent,
  sleep,
  startRun,
} from "./actions-helpers";
import { call, callJson, createUserToken } from "./helpers";

const M1 = "m1@runs.test";
const M2 = "m2@runs.test";
const A1 = "a1@runs.test";
const A2 = "a2@runs.test";
const MOD = "mod@runs.test";
const DEPLOYER = "deployer@runs.test";

const t: Record<string, string> = {};

interface AuditEntry {
  action: string;
  resourceType: string;
  status: string;
  trigger: { by: { userId: string } };
  context: { entity: string | null; runId: string | null };
  diff: { after: Json | null };
}

/** An action any Member may run, delivering to `key` (200). */
function memberAction(id: string, key: string, extra: Json = {}, trigger: Json = {}): Json {
  return actionBody(id, "service", hook(key), { permissions: { execute: { roles: ["Admin", "Member"] } }, ...extra }, trigger);
}

function patch(runId: string, body: unknown, token?: string) {
  return callJson<{ run: RunView }>("PATCH", `/v1/actions/runs/${runId}`, body, as(token));
}

function log(runId: string, body: unknown, token?: string) {
  return callJson("POST", `/v1/actions/runs/${runId}/logs`, body, as(token));
}

function decide(runId: string, status: "APPROVE" | "DECLINE", token?: string, description?: string) {
  return callJson<{ run: RunView }>(
    "PATCH",
    `/v1/actions/runs/${runId}/approval`,
    { status, ...(description ? { description } : {}) },
    as(token),
  );
}

function stream(runId: string, headers: Record<string, string> = {}) {
  return call("GET", `/v1/actions/runs/${runId}/stream`, undefined, headers);
}

async function audits(query: string): Promise<AuditEntry[]> {
  const res = await callJson<{ audits: AuditEntry[] }>("GET", `/v1/audit-log?${query}&limit=1000`);
  expect(res.status).toBe(200);
  return res.body.audits;
}

beforeAll(async () => {
  await createTeam("alpha");
  await createTeam("beta");
  await createBlueprint("service", { language: { type: "string" } });
  await createBlueprint("deploy");
  await createEntity("service", { identifier: "svc-alpha", team: "alpha", properties: { language: "go" } });
  await createEntity("service", { identifier: "svc-beta", team: "beta", properties: { language: "ts" } });
  t.m1 = await createUserToken(M1, { roles: ["Member"], teams: ["alpha"] });
  t.m2 = await createUserToken(M2, { roles: ["Member"], teams: ["beta"] });
  t.a1 = await createUserToken(A1, { roles: ["Member"] });
  t.a2 = await createUserToken(A2, { roles: ["Member"] });
  t.mod = await createUserToken(MOD, { roles: ["Member", "service-moderator"] });
  t.deployer = await createUserToken(DEPLOYER, { roles: ["Member", "deploy-moderator"] });
});

describe("reporting on a run", () => {
  it("PATCH sets label, summary, external id and adds links; a status ends the run once", async () => {
    await createAction(memberAction("rep", "runs-rep"));
    const run = await startRun("rep");
    const first = await patch(run.id, {
      statusLabel: "Building",
      summary: "Compiling",
      link: "https://ci.example.com/1",
      externalRunId: "ci-1",
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.run).toMatchObject({
      status: "IN_PROGRESS",
      statusLabel: "Building",
      summary: "Compiling",
      link: ["https://ci.example.com/1"],
      externalRunId: "ci-1",
    });
    const second = await patch(run.id, { link: ["https://ci.example.com/2", "https://ci.example.com/1"] });
    expect(second.body.run.link).toEqual(["https://ci.example.com/1", "https://ci.example.com/2"]);

    const done = await patch(run.id, { status: "SUCCESS", statusLabel: "Deployed" });
    expect(done.body.run).toMatchObject({ status: "SUCCESS", statusLabel: "Deployed" });
    expect(done.body.run.endedAt).not.toBeNull();

    expectError(await patch(run.id, { status: "FAILURE" }), 409);
    expectError(await patch(run.id, { statusLabel: "late" }), 409);
    expectError(await log(run.id, { message: "late" }), 409);
    const got = await getRun(run.id);
    expect(got.run).toMatchObject({ status: "SUCCESS", statusLabel: "Deployed", summary: "Compiling" });
  });

  it("bad reports are 400 with the field", async () => {
    await createAction(memberAction("rep_bad", "runs-rep-bad"));
    const run = await startRun("rep_bad");
    expectError(await patch(run.id, { status: "DONE" }), 400, "status");
    expectError(await patch(run.id, { link: "not a url" }), 400, "link");
    expectError(await patch(run.id, { colour: "red" }), 400, "colour");
    expectError(await log(run.id, { message: "" }), 400, "message");
    expectError(await log(run.id, { message: "x", terminationStatus: "MAYBE" }), 400, "terminationStatus");
    expectError(await patch("r_doesnotexist", { statusLabel: "x" }), 404);
  });

  it("logs are kept in order; terminationStatus ends the run, once", async () => {
    await createAction(memberAction("logs", "runs-logs"));
    const run = await startRun("logs");
    for (const m of ["one", "two"]) expect((await log(run.id, { message: m })).status).toBe(201);
    expect((await log(run.id, { message: "three", terminationStatus: "FAILURE", statusLabel: "Broke" })).status).toBe(201);
    expectError(await log(run.id, { message: "four", terminationStatus: "SUCCESS" }), 409);
    expectError(await log(run.id, { message: "five" }), 409);
    const lines = await callJson<{ runLogs: { seq: number; message: string; at: string }[] }>("GET", `/v1/actions/runs/${run.id}/logs`);
    expect(lines.body.runLogs.map((l) => l.message)).toEqual(["one", "two", "three"]);
    const seqs = lines.body.runLogs.map((l) => l.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    const after = await callJson<{ runLogs: { message: string }[] }>("GET", `/v1/actions/runs/${run.id}/logs?after=${seqs[0]}`);
    expect(after.body.runLogs.map((l) => l.message)).toEqual(["two", "three"]);
    const got = await getRun(run.id);
    expect(got.run).toMatchObject({ status: "FAILURE", statusLabel: "Broke", logCount: 3 });
  });

  it("a Member cannot report, even on their own run (403); the blueprint's moderator can", async () => {
    await createAction(memberAction("rep_member", "runs-rep-member"));
    const run = await startRun("rep_member", { properties: {} }, t.m1);
    expectError(await patch(run.id, { statusLabel: "mine" }, t.m1), 403);
    expectError(await log(run.id, { message: "mine" }, t.m1), 403);
    expectError(await log(run.id, { message: "x", terminationStatus: "SUCCESS" }, t.m1), 403);
    const byMod = await patch(run.id, { statusLabel: "from the backend" }, t.mod);
    expect(byMod.status, JSON.stringify(byMod.body)).toBe(200);
    expect((await getRun(run.id)).run).toMatchObject({ status: "IN_PROGRESS", statusLabel: "from the backend", logCount: 0 });
  });

  it("status changes are audited on the run", async () => {
    await createAction(memberAction("rep_audit", "runs-rep-audit"));
    const run = await startRun("rep_audit");
    await patch(run.id, { status: "SUCCESS" });
    const rows = await audits(`run_id=${run.id}&resource_type=run`);
    expect(rows.map((r) => r.action)).toEqual(["UPDATE", "CREATE"]);
    expect(rows[0]?.diff.after).toMatchObject({ status: "SUCCESS" });
  });
});

describe("entity writes with ?run_id=", () => {
  it("link the written entities to the run", async () => {
    await createAction(memberAction("linker", "runs-link"));
    const run = await startRun("linker");
    const created = await callJson("POST", `/v1/blueprints/service/entities?run_id=${run.id}`, {
      identifier: "made-by-run",
      properties: { language: "go" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const patched = await callJson("PATCH", `/v1/blueprints/service/entities/svc-beta?run_id=${run.id}`, {
      properties: { language: "go" },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const got = await getRun(run.id);
    expect(got.entities.map((e) => [e.blueprint, e.identifier]).sort()).toEqual([
      ["service", "made-by-run"],
      ["service", "svc-beta"],
    ]);
  });

  it("an unknown run_id is 400 at query.run_id and nothing is written", async () => {
    const res = await callJson("POST", "/v1/blueprints/service/entities?run_id=r_nosuchrun", { identifier: "orphan" });
    expectError(res, 400, "query.run_id");
    expect((await call("GET", "/v1/blueprints/service/entities/orphan")).status).toBe(404);
  });
});

describe("the run's event stream (SSE)", () => {
  it("delivers log events in order with ids, ends with `end`, and resumes after Last-Event-ID", async () => {
    await createAction(memberAction("sse", "runs-sse"));
    const run = await startRun("sse");
    await log(run.id, { message: "one" });
    await log(run.id, { message: "two" });
    await log(run.id, { message: "three", terminationStatus: "SUCCESS" });

    const res = await stream(run.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const events = await readSse(res);
    const logs = events.filter((e) => e.event === "log");
    expect(logs.map((e) => (e.data as { message: string }).message)).toEqual(["one", "two", "three"]);
    const ids = events.filter((e) => e.id !== null).map((e) => Number(e.id));
    expect(ids.every((n) => Number.isInteger(n) && n > 0)).toBe(true);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(events.at(-1)).toMatchObject({ event: "end", data: { status: "SUCCESS" } });

    const two = logs[1] as SseEvent;
    const resumed = await readSse(await stream(run.id, { "last-event-id": String(two.id) }));
    expect(resumed.filter((e) => e.event === "log").map((e) => (e.data as { message: string }).message)).toEqual(["three"]);
    expect(resumed.every((e) => e.id === null || Number(e.id) > Number(two.id))).toBe(true);
    expect(resumed.at(-1)?.event).toBe("end");
  });

  it("streams live lines to a reader of a running run", async () => {
    await createAction(memberAction("sse_live", "runs-sse-live"));
    const run = await startRun("sse_live");
    const res = await stream(run.id);
    expect(res.status).toBe(200);
    const reading = readSse(res, (evs) => evs.some((e) => e.event === "log"));
    await sleep(100);
    await log(run.id, { message: "live line" });
    const events = await reading;
    expect(events[0]?.event).toBe("run");
    expect(events.find((e) => e.event === "log")?.data).toMatchObject({ message: "live line" });
  });

  it("does not show a requester what the action's API hides from them (webhook URL and headers)", async () => {
    await createAction(
      memberAction("sse_secret", "runs-sse-secret", {
        invocationMethod: {
          type: "WEBHOOK",
          url: hook("runs-sse-secret", { key: "url-secret-abc" }),
          headers: { Authorization: "Bearer hook-secret-xyz" },
        },
      }),
    );
    const run = await startRun("sse_secret", { properties: {} }, t.m1);
    const view = await callJson("GET", "/v1/actions/sse_secret", undefined, as(t.m1));
    expect(JSON.stringify(view.body)).not.toContain("hook-secret-xyz");
    await patch(run.id, { status: "SUCCESS" });
    const res = await stream(run.id, as(t.m1));
    expect(res.status).toBe(200);
    const events = await readSse(res);
    expect(events.some((e) => e.event === "run")).toBe(true);
    const text = JSON.stringify(events);
    expect(text).not.toContain("hook-secret-xyz");
    expect(text).not.toContain("url-secret-abc");
  });

  it("another member's run stream is 404", async () => {
    await createAction(memberAction("sse_other", "runs-sse-other"));
    const run = await startRun("sse_other", { properties: {} }, t.m2);
    expect((await stream(run.id, as(t.m1))).status).toBe(404);
  });
});

describe("run timeout", () => {
  it("a run that hears nothing before its deadline fails with 'timed out'", async () => {
    await createAction(memberAction("timeout", "runs-timeout", { runTimeoutMinutes: 1 }));
    const run = await startRun("timeout");
    await attemptsOf(run.id, 1);
    const stub = runStub(run.id);
    await runInDurableObject(stub, (_instance, state) => {
      const rows = state.storage.sql.exec<{ kind: string }>("SELECT kind FROM deadlines").toArray();
      expect(rows.map((r) => r.kind)).toEqual(["timeout"]);
      state.storage.sql.exec("UPDATE deadlines SET due_at = ?", Date.now() - 1000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const got = await getRun(run.id);
    expect(got.run.status).toBe("FAILURE");
    expect(got.run.statusLabel).toMatch(/timed out/);
    expect(got.run.endedAt).not.toBeNull();
    expectError(await log(run.id, { message: "too late" }), 409);
  }, 15_000);
});

describe("approvals", () => {
  it("ANY: waits, the requester cannot approve, an approver approves and the webhook goes out", async () => {
    await createAction(
      memberAction("appr_any", "runs-appr-any", {
        requiredApproval: true,
        permissions: { execute: { roles: ["Admin", "Member"] }, approve: { users: [M1, A1, A2] } },
      }),
    );
    const run = await startRun("appr_any", { properties: {} }, t.m1);
    expect(run.status).toBe("WAITING_FOR_APPROVAL");
    expect(run.approval?.type).toBe("ANY");
    expect(run.approval?.approvers.sort()).toEqual([A1, A2]);

    expectError(await patch(run.id, { statusLabel: "too soon" }), 409);
    expectError(await decide(run.id, "APPROVE", t.m1), 403);
    expectError(await decide(run.id, "APPROVE"), 403); // the admin is not an approver of this action

    const waiting = await callJson<{ runs: RunView[] }>("GET", "/v1/actions/runs?awaiting_my_approval=true", undefined, as(t.a1));
    expect(waiting.body.runs.map((r) => r.id)).toContain(run.id);
    await sleep(300);
    expect(await received("runs-appr-any")).toEqual([]);

    const approved = await decide(run.id, "APPROVE", t.a1);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.run.status).toBe("IN_PROGRESS");
    const [hit] = await receivedAtLeast("runs-appr-any");
    expect(JSON.parse(hit?.body ?? "{}").context.runId).toBe(run.id);
    expect((await attemptsOf(run.id, 1)).attempts[0]?.outcome).toBe("delivered");
    expectError(await decide(run.id, "APPROVE", t.a2), 409);

    const after = await callJson<{ runs: RunView[] }>("GET", "/v1/actions/runs?awaiting_my_approval=true", undefined, as(t.a2));
    expect(after.body.runs.map((r) => r.id)).not.toContain(run.id);
    const rows = await audits(`run_id=${run.id}&resource_type=run`);
    expect(rows.map((r) => r.action)).toContain("APPROVE");
  }, 15_000);

  it("ALL: every approver must approve", async () => {
    await createAction(
      memberAction("appr_all", "runs-appr-all", {
        requiredApproval: { type: "ALL" },
        permissions: { execute: { roles: ["Admin", "Member"] }, approve: { users: [A1, A2] } },
      }),
    );
    const run = await startRun("appr_all", { properties: {} }, t.m1);
    const one = await decide(run.id, "APPROVE", t.a1);
    expect(one.status, JSON.stringify(one.body)).toBe(200);
    expect(one.body.run.status).toBe("WAITING_FOR_APPROVAL");
    expectError(await decide(run.id, "APPROVE", t.a1), 409);
    const mine1 = await callJson<{ runs: RunView[] }>("GET", "/v1/actions/runs?awaiting_my_approval=true", undefined, as(t.a1));
    expect(mine1.body.runs.map((r) => r.id)).not.toContain(run.id);
    const mine2 = await callJson<{ runs: RunView[] }>("GET", "/v1/actions/runs?awaiting_my_approval=true", undefined, as(t.a2));
    expect(mine2.body.runs.map((r) => r.id)).toContain(run.id);
    await sleep(300);
    expect(await received("runs-appr-all")).toEqual([]);

    const two = await decide(run.id, "APPROVE", t.a2);
    expect(two.body.run.status).toBe("IN_PROGRESS");
    expect(two.body.run.approval?.decisions.map((d) => d.by).sort()).toEqual([A1, A2]);
    await receivedAtLeast("runs-appr-all");
  }, 15_000);

  it("a decline ends the run DECLINED and nothing is sent", async () => {
    await createAction(
      memberAction("appr_decline", "runs-appr-decline", {
        requiredApproval: { type: "ALL" },
        permissions: { execute: { roles: ["Admin", "Member"] }, approve: { users: [A1, A2] } },
      }),
    );
    const run = await startRun("appr_decline", { properties: {} }, t.m1);
    const declined = await decide(run.id, "DECLINE", t.a1, "not on a Friday");
    expect(declined.status, JSON.stringify(declined.body)).toBe(200);
    expect(declined.body.run.status).toBe("DECLINED");
    expect(declined.body.run.statusLabel).toContain("not on a Friday");
    expect(declined.body.run.endedAt).not.toBeNull();
    expectError(await decide(run.id, "APPROVE", t.a2), 409);
    await sleep(300);
    expect(await received("runs-appr-decline")).toEqual([]);
    expect((await getRun(run.id)).attempts).toEqual([]);
    expect((await audits(`run_id=${run.id}&resource_type=run`)).map((r) => r.action)).toContain("DECLINE");
  });

  it("an approval nobody gives in time expires: DECLINED by the alarm", async () => {
    await createAction(
      memberAction("appr_expire", "runs-appr-expire", {
        requiredApproval: true,
        approvalTtlHours: 1,
        permissions: { execute: { roles: ["Admin", "Member"] }, approve: { users: [A1] } },
      }),
    );
    const run = await startRun("appr_expire", { properties: {} }, t.m1);
    const stub = runStub(run.id);
    await runInDurableObject(stub, (_instance, state) => {
      const rows = state.storage.sql.exec<{ kind: string }>("SELECT kind FROM deadlines").toArray();
      expect(rows.map((r) => r.kind)).toEqual(["approval"]);
      state.storage.sql.exec("UPDATE deadlines SET due_at = ?", Date.now() - 1000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const got = await getRun(run.id);
    expect(got.run.status).toBe("DECLINED");
    expect(got.run.statusLabel).toMatch(/expired/i);
    expectError(await decide(run.id, "APPROVE", t.a1), 409);
  });

  it("an action only the requester could approve is refused (409)", async () => {
    await createAction(
      memberAction("appr_self", "runs-appr-self", {
        requiredApproval: true,
        permissions: { execute: { roles: ["Admin", "Member"] }, approve: { users: [M1] } },
      }),
    );
    expectError(await callJson("POST", "/v1/actions/appr_self/runs", { properties: {} }, as(t.m1)), 409);
  });
});

describe("who may run a DAY-2 action (permissions.execute)", () => {
  const day2 = (id: string, execute: Json) =>
    actionBody(id, "service", hook(`runs-${id}`), { permissions: { execute } }, { operation: "DAY-2" });

  async function expectRuns(action: string, entity: string, allowed: string[], refused: string[]) {
    for (const who of allowed) {
      const res = await callJson<{ run: RunView }>("POST", `/v1/actions/${action}/runs`, { entity, properties: {} }, as(t[who]));
      expect(res.status, `${who} on ${entity}: ${JSON.stringify(res.body)}`).toBe(202);
    }
    for (const who of refused) {
      const res = await callJson("POST", `/v1/actions/${action}/runs`, { entity, properties: {} }, as(t[who]));
      expect(res.status, `${who} on ${entity}: ${JSON.stringify(res.body)}`).toBe(403);
      expectError(res, 403);
    }
  }

  it("by role", async () => {
    await createAction(day2("d2_roles", { roles: ["deploy-moderator"] }));
    await expectRuns("d2_roles", "svc-alpha", ["deployer"], ["m1", "m2", "mod"]);
  });

  it("by user", async () => {
    await createAction(day2("d2_users", { users: [M2] }));
    await expectRuns("d2_users", "svc-alpha", ["m2"], ["m1", "deployer"]);
  });

  it("by team", async () => {
    await createAction(day2("d2_teams", { teams: ["alpha"] }));
    await expectRuns("d2_teams", "svc-beta", ["m1"], ["m2", "deployer"]);
  });

  it("by owning team", async () => {
    await createAction(day2("d2_owned", { ownedByTeam: true }));
    await expectRuns("d2_owned", "svc-alpha", ["m1"], ["m2"]);
    await expectRuns("d2_owned", "svc-beta", ["m2"], ["m1"]);
  });

  it("the admin always may", async () => {
    await createAction(day2("d2_admin", { roles: ["nobody"] }));
    const res = await callJson("POST", "/v1/actions/d2_admin/runs", { entity: "svc-alpha", properties: {} });
    expect(res.status).toBe(202);
  });

  it("a refusal is audited as DENIED and starts nothing", async () => {
    await createAction(day2("d2_denied", { roles: ["deploy-moderator"] }));
    expectError(await callJson("POST", "/v1/actions/d2_denied/runs", { entity: "svc-alpha", properties: {} }, as(t.m1)), 403);
    const rows = await audits("action=DENIED");
    const mine = rows.find((r) => r.trigger.by.userId === M1 && r.context.entity === "POST /v1/actions/d2_denied/runs");
    expect(mine, JSON.stringify(rows.slice(0, 5))).toBeDefined();
    expect(mine?.status).toBe("FAILURE");
    expect(mine?.diff.after).toMatchObject({ reason: expect.stringContaining("deploy-moderator") });
    const runs = await callJson<{ runs: RunView[] }>("GET", "/v1/actions/runs?action=d2_denied");
    expect(runs.body.runs).toEqual([]);
  });

  it("a DAY-2 action needs an entity, and one that exists", async () => {
    await createAction(day2("d2_entity", { roles: ["Member"] }));
    expectError(await callJson("POST", "/v1/actions/d2_entity/runs", { properties: {} }), 400, "entity");
    expectError(await callJson("POST", "/v1/actions/d2_entity/runs", { entity: "svc-nope", properties: {} }), 404);
  });

  it("an entity that does not meet trigger.condition is 422", async () => {
    await createAction(
      actionBody(
        "d2_cond",
        "service",
        hook("runs-d2-cond"),
        {},
        {
          operation: "DAY-2",
          condition: { type: "SEARCH", combinator: "and", rules: [{ property: "language", operator: "=", value: "go" }] },
        },
      ),
    );
    const ok = await callJson("POST", "/v1/actions/d2_cond/runs", { entity: "svc-alpha", properties: {} });
    expect(ok.status, JSON.stringify(ok.body)).toBe(202);
    const res = await callJson("POST", "/v1/actions/d2_cond/runs", { entity: "made-by-run-none", properties: {} });
    expectError(res, 404);
    await createEntity("service", { identifier: "svc-ts-only", properties: { language: "ts" } });
    const refused = await callJson("POST", "/v1/actions/d2_cond/runs", { entity: "svc-ts-only", properties: {} });
    expect(expectError(refused, 422).code).toBe("condition_not_met");
  });
});

describe("who sees which runs", () => {
  let mine: RunView;
  let theirs: RunView;

  beforeAll(async () => {
    await createAction(memberAction("vis", "runs-vis"));
    mine = await startRun("vis", { properties: {} }, t.m1);
    theirs = await startRun("vis", { properties: {} }, t.m2);
  });

  it("a Member lists only their own runs", async () => {
    const list = await callJson<{ runs: RunView[] }>("GET", "/v1/actions/runs?limit=200", undefined, as(t.m1));
    expect(list.status).toBe(200);
    const ids = list.body.runs.map((r) => r.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(theirs.id);
    expect(list.body.runs.every((r) => r.createdBy === M1)).toBe(true);
  });

  it("another member's run is 404 (get, logs)", async () => {
    expectError(await callJson("GET", `/v1/actions/runs/${theirs.id}`, undefined, as(t.m1)), 404);
    expectError(await callJson("GET", `/v1/actions/runs/${theirs.id}/logs`, undefined, as(t.m1)), 404);
    expectError(await patch(theirs.id, { statusLabel: "x" }, t.m1), 404);
    expect((await getRun(mine.id, t.m1)).run.id).toBe(mine.id);
  });

  it("the admin and the blueprint's moderator see both", async () => {
    for (const token of [undefined, t.mod]) {
      const list = await callJson<{ runs: RunView[] }>("GET", "/v1/actions/runs?action=vis", undefined, as(token));
      expect(list.body.runs.map((r) => r.id).sort()).toEqual([mine.id, theirs.id].sort());
    }
  });

  it("mine=true narrows the admin's list to the admin's runs", async () => {
    const list = await callJson<{ runs: RunView[] }>("GET", "/v1/actions/runs?mine=true&limit=200");
    expect(list.body.runs.every((r) => r.createdBy === "admin@portal.test")).toBe(true);
    expect(list.body.runs.map((r) => r.id)).not.toContain(mine.id);
  });
});
