import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import {
  actionBody,
  createAction,
  createBlueprint,
  createEntity,
  createTeam,
  expectError,
  getRun,
  hook,
  type Json,
  type RunView,
  receivedAtLeast,
  startRun,
} from "./actions-helpers";
import { call, callJson, createUserToken } from "./helpers";

interface DefaultPayload {
  context: { runId: string };
  payload: { properties: Record<string, unknown> };
}

/** The verified default-body payload the receiver got on `key` (the n-th request, 1-based). */
async function payloadOn(key: string, n = 1): Promise<DefaultPayload> {
  const list = await receivedAtLeast(key, n);
  const hit = list[n - 1];
  if (!hit) throw new Error("nothing received");
  return new Webhook(env.WEBHOOK_SIGNING_SECRET as string).verify(hit.body, hit.headers) as DefaultPayload;
}

function run(action: string, properties: Json, extra: Json = {}) {
  return callJson<{ run: RunView }>("POST", `/v1/actions/${action}/runs`, { properties, ...extra });
}

const TYPED_INPUTS: Json = {
  s: { type: "string", minLength: 2, maxLength: 5, pattern: "^[a-z]+$" },
  n: { type: "number", minimum: 1, maximum: 10 },
  b: { type: "boolean" },
  arr: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3 },
  nums: { type: "array", items: { type: "number" } },
  obj: { type: "object" },
  when: { type: "string", format: "date-time" },
  site: { type: "string", format: "url" },
  mail: { type: "string", format: "email" },
  owner: { type: "string", format: "user" },
  owners: { type: "array", items: { type: "string", format: "user" } },
  team: { type: "string", format: "team" },
  color: { type: "string", enum: ["red", "green"] },
  level: { type: "number", enum: [1, 2, 3] },
  svc: {
    type: "string",
    format: "entity",
    blueprint: "service",
    dataset: { combinator: "and", rules: [{ property: "language", operator: "=", value: "go" }] },
  },
  svcs: { type: "array", items: { type: "string", format: "entity", blueprint: "service" } },
};

beforeAll(async () => {
  await createBlueprint("service", { language: { type: "string" } });
  await createEntity("service", { identifier: "svc-go", properties: { language: "go" } });
  await createEntity("service", { identifier: "svc-go2", properties: { language: "go" } });
  await createEntity("service", { identifier: "svc-ts", properties: { language: "ts" } });
  await createTeam("platform");
  await createUserToken("someone@inputs.test", { roles: ["Member"] });
  await createAction(actionBody("typed", "service", hook("in-typed"), {}, { userInputs: { properties: TYPED_INPUTS, required: ["s"] } }));
});

describe("values per type and format", () => {
  it("accepts a valid value of every type and format, and keeps them on the run", async () => {
    const properties = {
      s: "abc",
      n: 7,
      b: false,
      arr: ["x", "y"],
      nums: [1, 2.5],
      obj: { a: { b: 1 } },
      when: "2026-11-25T09:00:00Z",
      site: "https://example.com/x",
      mail: "dev@example.com",
      owner: "someone@inputs.test",
      owners: ["someone@inputs.test", "admin@portal.test"],
      team: "platform",
      color: "green",
      level: 2,
      svc: "svc-go",
      svcs: ["svc-go", "svc-ts"],
    };
    const res = await run("typed", properties);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.run.properties).toEqual(properties);
    expect((await getRun(res.body.run.id)).run.properties).toEqual(properties);
  });

  it("accepts a date without time, and Port's entity object for an entity input", async () => {
    const res = await run("typed", { s: "ab", when: "2026-11-25", svc: { identifier: "svc-go2", title: "x" } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.run.properties).toMatchObject({ when: "2026-11-25", svc: "svc-go2" });
  });

  const bad: [string, Json, string][] = [
    ["a missing required input", {}, "properties.s"],
    ["a string that is too short", { s: "a" }, "properties.s"],
    ["a string that is too long", { s: "abcdef" }, "properties.s"],
    ["a string that misses the pattern", { s: "AB1" }, "properties.s"],
    ["a number for a string", { s: 12 }, "properties.s"],
    ["a string for a number", { s: "ab", n: "5" }, "properties.n"],
    ["a number under the minimum", { s: "ab", n: 0 }, "properties.n"],
    ["a number over the maximum", { s: "ab", n: 11 }, "properties.n"],
    ["a string for a boolean", { s: "ab", b: "true" }, "properties.b"],
    ["a string for an array", { s: "ab", arr: "x" }, "properties.arr"],
    ["too many items", { s: "ab", arr: ["a", "b", "c", "d"] }, "properties.arr"],
    ["an item of the wrong type", { s: "ab", nums: [1, "two"] }, "properties.nums.1"],
    ["an array for an object", { s: "ab", obj: [1] }, "properties.obj"],
    ["a bad date-time", { s: "ab", when: "next tuesday" }, "properties.when"],
    ["a bad url", { s: "ab", site: "not a url" }, "properties.site"],
    ["a non-http url", { s: "ab", site: "javascript:alert(1)" }, "properties.site"],
    ["a bad email", { s: "ab", mail: "nobody" }, "properties.mail"],
    ["a user that does not exist", { s: "ab", owner: "ghost@inputs.test" }, "properties.owner"],
    ["a user that is not an email", { s: "ab", owner: "ghost" }, "properties.owner"],
    ["one unknown user in a list", { s: "ab", owners: ["someone@inputs.test", "ghost@inputs.test"] }, "properties.owners.1"],
    ["a team that does not exist", { s: "ab", team: "ghosts" }, "properties.team"],
    ["a value outside the enum", { s: "ab", color: "blue" }, "properties.color"],
    ["a number outside the enum", { s: "ab", level: 4 }, "properties.level"],
    ["an entity outside the dataset", { s: "ab", svc: "svc-ts" }, "properties.svc"],
    ["an entity that does not exist", { s: "ab", svc: "svc-nope" }, "properties.svc"],
    ["an entity object outside the dataset", { s: "ab", svc: { identifier: "svc-ts" } }, "properties.svc"],
    ["one unknown entity in a list", { s: "ab", svcs: ["svc-go", "svc-nope"] }, "properties.svcs.1"],
    ["an input the action does not have", { s: "ab", nope: 1 }, "properties.nope"],
  ];
  for (const [name, properties, path] of bad) {
    it(`refuses ${name} (${path})`, async () => {
      const res = await run("typed", properties);
      const error = expectError(res, 400, path);
      expect(error.code).toBe("invalid_input");
    });
  }

  it("refuses an input name that happens to be an Object.prototype member (properties.toString, properties.constructor)", async () => {
    expectError(await run("typed", { s: "ab", toString: "x" }), 400, "properties.toString");
    expectError(await run("typed", { s: "ab", constructor: "x" }), 400, "properties.constructor");
  });

  it("names every bad value at once", async () => {
    const res = await run("typed", { s: "A", n: 100, color: "blue", nope: true });
    const error = expectError(res, 400);
    expect(error.details.map((d) => d.path)).toEqual(
      expect.arrayContaining(["properties.s", "properties.n", "properties.color", "properties.nope"]),
    );
  });
});

describe("entity inputs with a dataset over the form", () => {
  beforeAll(async () => {
    await createAction(
      actionBody(
        "picker",
        "service",
        hook("in-picker"),
        {},
        {
          userInputs: {
            properties: {
              lang: { type: "string", enum: ["go", "ts"] },
              svc: {
                type: "string",
                format: "entity",
                blueprint: "service",
                dataset: { combinator: "and", rules: [{ property: "language", operator: "=", value: { jqQuery: ".form.lang" } }] },
              },
            },
            required: ["lang", "svc"],
          },
        },
      ),
    );
  });

  it("accepts an entity that matches the dataset for the form's values", async () => {
    expect((await run("picker", { lang: "ts", svc: "svc-ts" })).status).toBe(202);
    expect((await run("picker", { lang: "go", svc: "svc-go" })).status).toBe(202);
  });

  it("refuses an entity the dataset excludes for the form's values", async () => {
    expectError(await run("picker", { lang: "go", svc: "svc-ts" }), 400, "properties.svc");
    expectError(await run("picker", { lang: "ts", svc: "svc-go" }), 400, "properties.svc");
  });

  it("sends the picked entity in the payload", async () => {
    await createAction(
      actionBody(
        "picker_payload",
        "service",
        hook("in-picker-payload"),
        {},
        {
          userInputs: { properties: { svc: { type: "string", format: "entity", blueprint: "service" } } },
        },
      ),
    );
    const started = await startRun("picker_payload", { properties: { svc: "svc-go" } });
    expect(started.properties).toEqual({ svc: "svc-go" });
    const p = await payloadOn("in-picker-payload");
    expect(p.payload.properties.svc).toMatchObject({ identifier: "svc-go", properties: { language: "go" } });
  });
});

describe("conditions", () => {
  beforeAll(async () => {
    await createAction(
      actionBody(
        "cond",
        "service",
        hook("in-cond"),
        {},
        {
          userInputs: {
            properties: {
              language: { type: "string", enum: ["go", "ts"] },
              goVersion: { type: "string", visible: { jqQuery: '.form.language == "go"' } },
              env: { type: "string", enum: ["dev", "prod"] },
              reason: { type: "string" },
              approverNote: { type: "string", required: { jqQuery: '.form.env == "prod"' } },
              region: { type: "string", default: { jqQuery: 'if .form.env == "prod" then "eu-west-1" else "local" end' } },
              size: { type: "string", enum: { jqQuery: 'if .form.env == "prod" then ["large", "xlarge"] else ["small"] end' } },
              never: { type: "string", visible: false },
            },
            required: { jqQuery: 'if .form.env == "prod" then ["reason", "language"] else ["language"] end' },
          },
        },
      ),
    );
  });

  it("an input shown only for go is kept for go", async () => {
    const res = await run("cond", { language: "go", goVersion: "1.23", env: "dev" });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.run.properties).toMatchObject({ goVersion: "1.23" });
  });

  it("a hidden input's value is dropped: not on the run, not in the payload", async () => {
    await createAction(
      actionBody(
        "cond_hidden",
        "service",
        hook("in-cond-hidden"),
        {},
        {
          userInputs: {
            properties: {
              language: { type: "string", enum: ["go", "ts"] },
              goVersion: { type: "string", visible: { jqQuery: '.form.language == "go"' } },
              never: { type: "string", visible: false },
            },
          },
        },
      ),
    );
    const started = await startRun("cond_hidden", { properties: { language: "ts", goVersion: "1.23", never: "x" } });
    expect(started.properties).toEqual({ language: "ts" });
    expect((await getRun(started.id)).run.properties).toEqual({ language: "ts" });
    const p = await payloadOn("in-cond-hidden");
    expect(p.context.runId).toBe(started.id);
    expect(p.payload.properties).toEqual({ language: "ts" });
  });

  it("a hidden input is not validated either", async () => {
    // goVersion would fail as a number for a string, but it is hidden for ts.
    const res = await run("cond", { language: "ts", goVersion: 5, env: "dev" });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.run.properties).not.toHaveProperty("goVersion");
  });

  it("userInputs.required as {jqQuery} requires inputs only when it lists them", async () => {
    expectError(await run("cond", { language: "go", env: "prod", approverNote: "n", size: "large" }), 400, "properties.reason");
    const dev = await run("cond", { language: "go", env: "dev" });
    expect(dev.status, JSON.stringify(dev.body)).toBe(202);
    expectError(await run("cond", { env: "dev" }), 400, "properties.language");
  });

  it("an input's own required {jqQuery} applies when true", async () => {
    expectError(await run("cond", { language: "go", env: "prod", reason: "r", size: "large" }), 400, "properties.approverNote");
    const ok = await run("cond", { language: "go", env: "prod", reason: "r", approverNote: "n", size: "large" });
    expect(ok.status, JSON.stringify(ok.body)).toBe(202);
  });

  it("a jq default is computed from the form, and a submitted value wins", async () => {
    const prod = await run("cond", { language: "go", env: "prod", reason: "r", approverNote: "n", size: "large" });
    expect(prod.body.run.properties).toMatchObject({ region: "eu-west-1" });
    const dev = await run("cond", { language: "go", env: "dev" });
    expect(dev.body.run.properties).toMatchObject({ region: "local" });
    const mine = await run("cond", { language: "go", env: "dev", region: "us-east-2" });
    expect(mine.body.run.properties).toMatchObject({ region: "us-east-2" });
  });

  it("a jq enum allows values by the form", async () => {
    expectError(await run("cond", { language: "go", env: "dev", size: "large" }), 400, "properties.size");
    expect((await run("cond", { language: "go", env: "dev", size: "small" })).status).toBe(202);
    expectError(await run("cond", { language: "go", env: "prod", reason: "r", approverNote: "n", size: "small" }), 400, "properties.size");
  });

  it("visible: false always hides", async () => {
    const res = await run("cond", { language: "go", env: "dev", never: "x" });
    expect(res.status).toBe(202);
    expect(res.body.run.properties).not.toHaveProperty("never");
  });
});

describe("conditions across wizard steps", () => {
  beforeAll(async () => {
    await createAction(
      actionBody(
        "wizard",
        "service",
        hook("in-wizard"),
        {},
        {
          userInputs: {
            properties: {
              engine: { type: "string", visible: { jqQuery: '.form.kind == "database"' }, enum: ["postgres", "mysql"] },
              pgExtensions: { type: "array", items: { type: "string" }, visible: { jqQuery: '.form.engine == "postgres"' } },
              kind: { type: "string", enum: ["app", "database"] },
            },
            required: ["kind", "engine"],
            steps: [
              { title: "Basics", order: ["kind"] },
              { title: "Database", order: ["engine", "pgExtensions"] },
            ],
          },
        },
      ),
    );
  });

  it("an input of step 2 appears for the step 1 value it depends on, and is then required", async () => {
    expectError(await run("wizard", { kind: "database" }), 400, "properties.engine");
    const res = await run("wizard", { kind: "database", engine: "postgres", pgExtensions: ["postgis"] });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.run.properties).toEqual({ kind: "database", engine: "postgres", pgExtensions: ["postgis"] });
  });

  it("hidden by step 1, a step 2 input is neither required nor kept, and its dependants hide too", async () => {
    const res = await run("wizard", { kind: "app", engine: "postgres", pgExtensions: ["postgis"] });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.run.properties).toEqual({ kind: "app" });
    const p = await payloadOn("in-wizard", 2);
    expect(p.context.runId).toBe(res.body.run.id);
    expect(p.payload.properties).toEqual({ kind: "app" });
  });
});

describe("encrypted inputs", () => {
  const SECRET = "s3cr3t-value-do-not-leak";

  it("are shown as ******** in the API and the audit log, and sent in clear to the backend", async () => {
    await createAction(
      actionBody(
        "enc",
        "service",
        hook("in-enc"),
        {},
        {
          userInputs: { properties: { token: { type: "string", encryption: "aes256-gcm" }, name: { type: "string" } } },
        },
      ),
    );
    const started = await startRun("enc", { properties: { token: SECRET, name: "n" } });
    expect(started.properties).toEqual({ token: "********", name: "n" });
    const got = await getRun(started.id);
    expect(got.run.properties).toEqual({ token: "********", name: "n" });
    expect(JSON.stringify(got)).not.toContain(SECRET);
    const list = await call("GET", "/v1/actions/runs?action=enc");
    expect(await list.text()).not.toContain(SECRET);

    const p = await payloadOn("in-enc");
    expect(p.payload.properties).toEqual({ token: SECRET, name: "n" });

    const audit = await callJson<{ audits: { action: string; diff: { after: { properties?: Json } | null } }[] }>(
      "GET",
      `/v1/audit-log?run_id=${started.id}`,
    );
    expect(audit.status).toBe(200);
    const created = audit.body.audits.find((a) => a.action === "CREATE");
    expect(created?.diff.after?.properties).toEqual({ token: "********", name: "n" });
    const all = await call("GET", "/v1/audit-log?limit=1000");
    expect(await all.text()).not.toContain(SECRET);
  });

  it("only a string input may be encrypted", async () => {
    const res = await callJson(
      "POST",
      "/v1/actions",
      actionBody(
        "enc_bad",
        "service",
        hook("in-enc-bad"),
        {},
        {
          userInputs: { properties: { n: { type: "number", encryption: "aes256-gcm" } } },
        },
      ),
    );
    expectError(res, 400, "trigger.userInputs.properties.n.encryption");
  });
});

describe("every error is a 4xx JSON error, never a 500", () => {
  const bodies: [string, unknown][] = [
    ["properties not an object", { properties: "x" }],
    ["properties an array", { properties: [1, 2] }],
    ["a number where an entity is picked", { properties: { s: "ab", svc: 5 } }],
    ["an entity object with a non-string identifier", { properties: { s: "ab", svc: { identifier: 5 } } }],
    ["an object for a user", { properties: { s: "ab", owner: { email: "x" } } }],
    ["an array of objects for a team", { properties: { s: "ab", team: [{}] } }],
    ["an entity on a CREATE action", { properties: { s: "ab" }, entity: "svc-go" }],
    ["an entity that is not a string", { properties: { s: "ab" }, entity: 5 }],
    ["a huge string", { properties: { s: "a".repeat(200_000) } }],
    ["a deeply nested object", { properties: { s: "ab", obj: JSON.parse(`${"[".repeat(200)}${"]".repeat(200)}`) } }],
    ["a string body", "not json at all {"],
    ["null for a required input", { properties: { s: null } }],
    ["an entity input given null inside a list", { properties: { s: "ab", svcs: [null] } }],
  ];
  for (const [name, body] of bodies) {
    it(name, async () => {
      const res = await call("POST", "/v1/actions/typed/runs", body);
      const text = await res.text();
      expect(res.status, text).toBeGreaterThanOrEqual(400);
      expect(res.status, text).toBeLessThan(500);
      const parsed = JSON.parse(text) as {
        ok: boolean;
        error: { code: string; message: string; details: { path: string; message: string }[] };
      };
      expect(parsed.ok).toBe(false);
      expect(typeof parsed.error.code).toBe("string");
      expect(typeof parsed.error.message).toBe("string");
      for (const d of parsed.error.details) {
        expect(typeof d.path).toBe("string");
        expect(typeof d.message).toBe("string");
      }
    });
  }

  it("an unknown action is 404 JSON", async () => {
    expectError(await callJson("POST", "/v1/actions/no_such_action/runs", { properties: {} }), 404);
  });

  it("a condition that fails at run time is a 400 naming the input, not a 500", async () => {
    await createAction(
      actionBody(
        "cond_err",
        "service",
        hook("in-cond-err"),
        {},
        {
          userInputs: { properties: { a: { type: "string", visible: { jqQuery: '$error("boom")' } } } },
        },
      ),
    );
    const res = await call("POST", "/v1/actions/cond_err/runs", { properties: { a: "x" } });
    expect(res.status, await res.clone().text()).toBeLessThan(500);
  });
});
