import { beforeAll, describe, expect, it } from "vitest";
import { actionBody, as, createAction, createBlueprint, expectError, hook, type Json } from "./actions-helpers";
import { call, callJson, createUserToken } from "./helpers";

interface ActionView {
  identifier: string;
  title: string;
  version: number;
  trigger: Json;
  invocationMethod: Json;
  permissions: Json;
  webhookDisabled?: string | null;
  [k: string]: unknown;
}

interface AuditEntry {
  action: string;
  resourceType: string;
  status: string;
  trigger: { by: { userId: string } };
  context: { entity: string | null };
  diff: { before: unknown; after: unknown };
}

let member: string;
let moderator: string;

beforeAll(async () => {
  await createBlueprint("service", { language: { type: "string" } });
  await createBlueprint("infra");
  await createBlueprint("component");
  member = await createUserToken("member@defs.test", { roles: ["Member"] });
  moderator = await createUserToken("mod@defs.test", { roles: ["Member", "service-moderator"] });
});

const secretHeaders = { Authorization: "Bearer backend-secret-123", "X-Team": "platform" };

describe("CRUD of /v1/actions", () => {
  it("creates an action in Port's shape, with defaults filled, and an ETag", async () => {
    const res = await callJson<{ ok: boolean; action: ActionView }>(
      "POST",
      "/v1/actions",
      actionBody(
        "crud_one",
        "service",
        hook("defs-crud"),
        { icon: "Github", description: "makes a service" },
        {
          userInputs: { properties: { name: { type: "string", title: "Name" } }, required: ["name"] },
        },
      ),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.headers.get("etag")).toBe('"1"');
    const a = res.body.action;
    expect(a).toMatchObject({
      identifier: "crud_one",
      title: "crud_one",
      icon: "Github",
      description: "makes a service",
      trigger: {
        type: "self-service",
        operation: "CREATE",
        blueprintIdentifier: "service",
        userInputs: { properties: { name: { type: "string", title: "Name" } }, required: ["name"] },
      },
      invocationMethod: { type: "WEBHOOK", url: hook("defs-crud"), method: "POST", synchronized: false, headers: {} },
      requiredApproval: false,
      permissions: {
        execute: { roles: ["Admin", "service-moderator"], users: [], teams: [], ownedByTeam: false },
        approve: { roles: ["Admin"], users: [], teams: [] },
      },
      runTimeoutMinutes: 60,
      approvalTtlHours: 72,
      version: 1,
      createdBy: "admin@portal.test",
      updatedBy: "admin@portal.test",
      webhookDisabled: null,
    });
    expect(typeof a.createdAt).toBe("string");
    expect(typeof a.updatedAt).toBe("string");

    const got = await callJson<{ action: ActionView }>("GET", "/v1/actions/crud_one");
    expect(got.status).toBe(200);
    expect(got.headers.get("etag")).toBe('"1"');
    expect(got.body.action).toEqual(a);
  });

  it("lists actions, optionally of one blueprint", async () => {
    await createAction(actionBody("crud_infra", "infra", hook("defs-list")));
    const all = await callJson<{ actions: ActionView[] }>("GET", "/v1/actions");
    expect(all.status).toBe(200);
    expect(all.body.actions.map((a) => a.identifier)).toEqual(expect.arrayContaining(["crud_one", "crud_infra"]));
    const infra = await callJson<{ actions: ActionView[] }>("GET", "/v1/actions?blueprint=infra");
    expect(infra.body.actions.map((a) => a.identifier)).toEqual(["crud_infra"]);
  });

  it("refuses a second action with the same identifier (409)", async () => {
    await createAction(actionBody("crud_dup", "service", hook("defs-dup")));
    expectError(await callJson("POST", "/v1/actions", actionBody("crud_dup", "service", hook("defs-dup"))), 409);
  });

  it("replaces with PUT under If-Match, refuses a stale version with 412", async () => {
    await createAction(actionBody("crud_put", "service", hook("defs-put")));
    const put = await callJson<{ action: ActionView }>(
      "PUT",
      "/v1/actions/crud_put",
      { ...actionBody("crud_put", "service", hook("defs-put")), title: "Renamed" },
      { "if-match": '"1"' },
    );
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.action).toMatchObject({ identifier: "crud_put", title: "Renamed", version: 2 });
    expect(put.headers.get("etag")).toBe('"2"');

    const stale = await callJson(
      "PUT",
      "/v1/actions/crud_put",
      { ...actionBody("crud_put", "service", hook("defs-put")), title: "Lost update" },
      { "if-match": '"1"' },
    );
    expect(expectError(stale, 412).code).toBe("version_mismatch");
    const now = await callJson<{ action: ActionView }>("GET", "/v1/actions/crud_put");
    expect(now.body.action).toMatchObject({ title: "Renamed", version: 2 });

    // The identifier in the path wins over the body's.
    const renamed = await callJson<{ action: ActionView }>(
      "PUT",
      "/v1/actions/crud_put",
      { ...actionBody("something_else", "service", hook("defs-put")), title: "Third" },
      { "if-match": '"2"' },
    );
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body.action).toMatchObject({ identifier: "crud_put", version: 3 });
    expect((await call("GET", "/v1/actions/something_else")).status).toBe(404);
  });

  it("PUT on an unknown action is 404", async () => {
    expectError(await callJson("PUT", "/v1/actions/nope_never", actionBody("nope_never", "service", hook("defs-x"))), 404);
  });

  it("deletes an action; it is gone afterwards", async () => {
    await createAction(actionBody("crud_del", "service", hook("defs-del")));
    const del = await callJson("DELETE", "/v1/actions/crud_del");
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    expectError(await callJson("GET", "/v1/actions/crud_del"), 404);
    expectError(await callJson("DELETE", "/v1/actions/crud_del"), 404);
  });
});

describe("bad definitions are 400 with the field's path", () => {
  const base = (over: Json = {}, trigger: Json = {}) => actionBody("bad_one", "service", hook("defs-bad"), over, trigger);

  const cases: [string, Json, string][] = [
    ["an unknown blueprint", actionBody("bad_one", "no_such_bp", hook("defs-bad")), "trigger.blueprintIdentifier"],
    [
      "steps that name an unknown input",
      base(
        {},
        {
          userInputs: {
            properties: { a: { type: "string" } },
            steps: [{ title: "One", order: ["a", "ghost"] }],
          },
        },
      ),
      "trigger.userInputs.steps.0.order.1",
    ],
    [
      "an input in no step",
      base(
        {},
        {
          userInputs: {
            properties: { a: { type: "string" }, b: { type: "string" } },
            steps: [{ title: "One", order: ["a"] }],
          },
        },
      ),
      "trigger.userInputs.steps",
    ],
    [
      "a bad jqQuery",
      base({}, { userInputs: { properties: { a: { type: "string", visible: { jqQuery: ".form.x ==== (" } } } } }),
      "trigger.userInputs.properties.a.visible.jqQuery",
    ],
    [
      "a bad jqQuery in userInputs.required",
      base({}, { userInputs: { properties: { a: { type: "string" } }, required: { jqQuery: "[[[" } } }),
      "trigger.userInputs.required.jqQuery",
    ],
    [
      "an entity input without a blueprint",
      base({}, { userInputs: { properties: { svc: { type: "string", format: "entity" } } } }),
      "trigger.userInputs.properties.svc.blueprint",
    ],
    [
      "an entity input on a blueprint that does not exist",
      base({}, { userInputs: { properties: { svc: { type: "string", format: "entity", blueprint: "ghost_bp" } } } }),
      "trigger.userInputs.properties.svc.blueprint",
    ],
    [
      "the unsupported invocation type GITHUB",
      base({ invocationMethod: { type: "GITHUB", org: "acme", repo: "x" } }),
      "invocationMethod.type",
    ],
    ["a WEBHOOK without an http(s) url", base({ invocationMethod: { type: "WEBHOOK", url: "ftp://x.example" } }), "invocationMethod.url"],
    ["the reserved identifier 'runs'", { ...base(), identifier: "runs" }, "identifier"],
    [
      "a required input that does not exist",
      base({}, { userInputs: { properties: {}, required: ["ghost"] } }),
      "trigger.userInputs.required.0",
    ],
    ["a bad operation", base({}, { operation: "UPDATE" }), "trigger.operation"],
    ["an unknown top-level field", { ...base(), colour: "red" }, "colour"],
  ];

  for (const [name, body, path] of cases) {
    it(`refuses ${name} (${path})`, async () => {
      const res = await callJson("POST", "/v1/actions", body);
      const error = expectError(res, 400, path);
      expect(error.code).toBe("invalid_input");
      expect((await call("GET", "/v1/actions/bad_one")).status).toBe(404);
    });
  }

  it("names the GITHUB problem so the user knows what to use instead", async () => {
    const res = await callJson("POST", "/v1/actions", base({ invocationMethod: { type: "GITHUB", org: "acme" } }));
    const error = expectError(res, 400, "invocationMethod.type");
    expect(error.details.find((d) => d.path === "invocationMethod.type")?.message).toMatch(/WEBHOOK/);
  });

  it("lists every problem at once", async () => {
    const res = await callJson(
      "POST",
      "/v1/actions",
      actionBody(
        "bad_many",
        "no_such_bp",
        hook("defs-bad"),
        {},
        {
          userInputs: { properties: { svc: { type: "string", format: "entity" } }, required: ["ghost"] },
        },
      ),
    );
    const error = expectError(res, 400);
    expect(error.details.map((d) => d.path)).toEqual(
      expect.arrayContaining([
        "trigger.blueprintIdentifier",
        "trigger.userInputs.properties.svc.blueprint",
        "trigger.userInputs.required.0",
      ]),
    );
  });

  it("PUT validates the same way", async () => {
    await createAction(actionBody("bad_put", "service", hook("defs-bad")));
    const res = await callJson(
      "PUT",
      "/v1/actions/bad_put",
      actionBody(
        "bad_put",
        "service",
        hook("defs-bad"),
        {},
        {
          userInputs: { properties: { a: { type: "string", default: { jqQuery: "((" } } } },
        },
      ),
    );
    expectError(res, 400, "trigger.userInputs.properties.a.default.jqQuery");
  });
});

describe("who may manage actions", () => {
  it("a Member may not create, replace or delete (403)", async () => {
    expectError(await callJson("POST", "/v1/actions", actionBody("m_try", "service", hook("defs-m")), as(member)), 403);
    await createAction(actionBody("m_owned", "service", hook("defs-m")));
    expectError(await callJson("PUT", "/v1/actions/m_owned", actionBody("m_owned", "service", hook("defs-m")), as(member)), 403);
    expectError(await callJson("DELETE", "/v1/actions/m_owned", undefined, as(member)), 403);
    expect((await call("GET", "/v1/actions/m_try")).status).toBe(404);
    expect((await call("GET", "/v1/actions/m_owned")).status).toBe(200);
  });

  it("the blueprint's moderator may create, replace and delete its actions", async () => {
    const created = await callJson<{ action: ActionView }>(
      "POST",
      "/v1/actions",
      actionBody("mod_one", "service", hook("defs-mod")),
      as(moderator),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.action.createdBy).toBe("mod@defs.test");
    const put = await callJson(
      "PUT",
      "/v1/actions/mod_one",
      { ...actionBody("mod_one", "service", hook("defs-mod")), title: "Mod's" },
      as(moderator),
    );
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await callJson("DELETE", "/v1/actions/mod_one", undefined, as(moderator))).status).toBe(200);
  });

  it("a moderator of another blueprint may not, nor move an action to a blueprint it does not moderate", async () => {
    expectError(await callJson("POST", "/v1/actions", actionBody("mod_infra", "infra", hook("defs-mod")), as(moderator)), 403);
    await createAction(actionBody("mod_move", "service", hook("defs-mod")));
    expectError(await callJson("PUT", "/v1/actions/mod_move", actionBody("mod_move", "infra", hook("defs-mod")), as(moderator)), 403);
    const still = await callJson<{ action: ActionView }>("GET", "/v1/actions/mod_move");
    expect(still.body.action.trigger).toMatchObject({ blueprintIdentifier: "service" });
  });

  it("a 403 is audited as DENIED", async () => {
    await callJson("POST", "/v1/actions", actionBody("m_denied", "service", hook("defs-m")), as(member));
    const audit = await callJson<{ audits: AuditEntry[] }>("GET", "/v1/audit-log?action=DENIED&resource_type=permissions");
    expect(audit.body.audits.some((a) => a.trigger.by.userId === "member@defs.test" && a.context.entity === "POST /v1/actions")).toBe(true);
  });
});

describe("what non-managers see", () => {
  beforeAll(async () => {
    await createAction(
      actionBody("secret_hook", "service", hook("defs-secret"), {
        invocationMethod: { type: "WEBHOOK", url: hook("defs-secret", { token: "url-secret" }), headers: secretHeaders },
      }),
    );
  });

  it("a Member reads the action without the webhook URL or headers", async () => {
    const got = await callJson<{ action: ActionView }>("GET", "/v1/actions/secret_hook", undefined, as(member));
    expect(got.status).toBe(200);
    expect(got.body.action.invocationMethod).toEqual({ type: "WEBHOOK" });
    expect(got.body.action).not.toHaveProperty("webhookDisabled");
    expect(JSON.stringify(got.body)).not.toContain("url-secret");
    expect(JSON.stringify(got.body)).not.toContain("backend-secret-123");
  });

  it("nor in the list", async () => {
    const list = await callJson<{ actions: ActionView[] }>("GET", "/v1/actions", undefined, as(member));
    expect(list.status).toBe(200);
    const mine = list.body.actions.find((a) => a.identifier === "secret_hook");
    expect(mine?.invocationMethod).toEqual({ type: "WEBHOOK" });
    expect(JSON.stringify(list.body)).not.toContain("backend-secret-123");
  });

  it("the blueprint's moderator and the admin see them", async () => {
    for (const token of [moderator, undefined]) {
      const got = await callJson<{ action: ActionView }>("GET", "/v1/actions/secret_hook", undefined, as(token));
      expect(got.body.action.invocationMethod).toMatchObject({ type: "WEBHOOK", headers: secretHeaders });
    }
  });
});

describe("audit rows", () => {
  it("create, update and delete each leave an action audit row", async () => {
    await createAction(actionBody("audited", "component", hook("defs-audit")));
    expect(
      (await callJson("PUT", "/v1/actions/audited", { ...actionBody("audited", "component", hook("defs-audit")), title: "Audited v2" }))
        .status,
    ).toBe(200);
    expect((await callJson("DELETE", "/v1/actions/audited")).status).toBe(200);
    const res = await callJson<{ audits: AuditEntry[] }>("GET", "/v1/audit-log?resource_type=action&limit=1000");
    expect(res.status).toBe(200);
    const rows = res.body.audits.filter((a) => a.context.entity === "audited");
    expect(rows.map((r) => r.action)).toEqual(["DELETE", "UPDATE", "CREATE"]);
    for (const r of rows) {
      expect(r.resourceType).toBe("action");
      expect(r.status).toBe("SUCCESS");
      expect(r.trigger.by.userId).toBe("admin@portal.test");
    }
    const [del, upd, crt] = rows;
    expect(crt?.diff.before).toBeNull();
    expect(crt?.diff.after).toMatchObject({ identifier: "audited", title: "audited" });
    expect(upd?.diff.before).toMatchObject({ title: "audited" });
    expect(upd?.diff.after).toMatchObject({ title: "Audited v2" });
    expect(del?.diff.before).toMatchObject({ title: "Audited v2" });
    expect(del?.diff.after).toBeNull();
  });

  it("a refused write leaves no action audit row", async () => {
    await callJson("POST", "/v1/actions", actionBody("never_audited", "no_such_bp", hook("defs-audit")));
    const res = await callJson<{ audits: AuditEntry[] }>("GET", "/v1/audit-log?resource_type=action&limit=1000");
    expect(res.body.audits.some((a) => a.context.entity === "never_audited")).toBe(false);
  });
});
