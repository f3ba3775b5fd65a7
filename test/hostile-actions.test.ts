import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hook } from "./actions-helpers";
import { createUserToken } from "./helpers";
import { check, expectApiAnswer, expectEscaped, runs, send, streamText, Tally, timeoutFor } from "./hostile/checks";
import { admin, adminBrowser } from "./hostile/fixtures";
import { hostileBody, hostilePathSegment, INJECTIONS, type Json } from "./hostile/generators";

// Hostile input against self-service actions and their runs: definitions (create, replace, permissions),
// starting runs with hostile inputs, the run API backends call (status, logs, links), approvals,
// automations and webhook subscriptions. Accepted runs are rendered (run page, its live HTML events,
// run lists) and must show every payload escaped.

const tally = new Tally();
const APPROVER = "approver@hostile.test";
let approverToken = "";
/** Runs waiting for approval (started with hostile inputs that were accepted). */
const waiting: string[] = [];
/** Runs in progress, reported on by the run API suite. */
const inProgress: string[] = [];

const inputs: Json = {
  properties: {
    name: { type: "string", title: "Name", description: "lower case", pattern: "^[a-z]+$", maxLength: 20 },
    size: { type: "number", minimum: 1, maximum: 5, default: 2 },
    flag: { type: "boolean" },
    kind: { type: "string", enum: ["a", "b"], visible: { jqQuery: ".form.flag == true" }, dependsOn: ["flag"] },
    target: { type: "string", format: "entity", blueprint: "hx_service" },
    list: { type: "array", items: { type: "string" }, maxItems: 3 },
    secret: { type: "string", encryption: "aes256-gcm" },
    note: { type: "string", format: "multi-line" },
    obj: { type: "object" },
  },
  required: ["name"],
  steps: [
    { title: "One", order: ["name", "size", "flag", "kind"] },
    { title: "Two", order: ["target", "list", "secret", "note", "obj"] },
  ],
};

function actionDefinition(identifier: string, key: string, extra: Json = {}): Json {
  return {
    identifier,
    title: `Act ${identifier}`,
    icon: "Cloud",
    description: "hostile",
    trigger: { type: "self-service", operation: "CREATE", blueprintIdentifier: "hx_service", userInputs: inputs },
    invocationMethod: {
      type: "WEBHOOK",
      url: hook(key),
      method: "POST",
      headers: { "X-Name": "{{ .inputs.name }}" },
      body: { name: "{{ .inputs.name }}", "{{ spreadValue() }}": "{{ .inputs }}" },
      synchronized: false,
    },
    requiredApproval: false,
    permissions: { execute: { roles: ["Member"] }, approve: { users: [APPROVER] } },
    runTimeoutMinutes: 30,
    approvalTtlHours: 24,
    category: "Hostile",
    ...extra,
  };
}

const validRun: Json = {
  properties: {
    name: "abc",
    size: 3,
    flag: true,
    kind: "a",
    target: "hx-1",
    list: ["x"],
    secret: "s3cret",
    note: "line\nline",
    obj: { a: 1 },
  },
};

beforeAll(async () => {
  await admin("POST", "/v1/blueprints", {
    identifier: "hx_service",
    title: "Service",
    schema: { properties: { name: { type: "string" } } },
  });
  await admin("POST", "/v1/blueprints/hx_service/entities", { identifier: "hx-1", title: INJECTIONS[1] });
  approverToken = await createUserToken(APPROVER);
  await admin("POST", "/v1/actions", actionDefinition("hx_approve", "hx-approve", { requiredApproval: true }));
  await admin("POST", "/v1/actions", actionDefinition("hx_run", "hx-run"));
  await admin("POST", "/v1/actions", actionDefinition("hx_scratch", "hx-scratch"));
  for (let i = 0; i < 4; i++) {
    const res = await admin("POST", "/v1/actions/hx_run/runs", validRun, 202);
    inProgress.push((res.run as { id: string }).id);
  }
});

afterAll(() => {
  console.log(tally.summary("actions"));
});

describe("action definitions", () => {
  it(
    "POST /v1/actions and PUT /v1/actions/{id}: hostile definitions never 5xx",
    async () => {
      let n = 0;
      const arb = fc.tuple(fc.constantFrom("POST", "PUT"), hostileBody(actionDefinition("hx_new", "hx-new")));
      await check(arb, runs(300), async ([method, wire]) => {
        tally.count(`${method} /v1/actions${method === "PUT" ? "/{id}" : ""}`);
        n += 1;
        const renamed =
          "json" in wire && (wire.json as Json)?.identifier === "hx_new"
            ? { json: { ...(wire.json as Json), identifier: method === "PUT" ? "hx_scratch" : `hx_new_${n}` } }
            : wire;
        const res = await send(method, method === "PUT" ? "/v1/actions/hx_scratch" : "/v1/actions", renamed);
        await expectApiAnswer(res, tally, `${method} action`);
      });
    },
    timeoutFor(60_000),
  );

  it(
    "PATCH /v1/actions/{id}/permissions: hostile grants never 5xx",
    async () => {
      const valid = {
        execute: { roles: ["Member"], users: ["a@b.c"], teams: ["alpha"], ownedByTeam: true },
        approve: { roles: ["Admin"], users: [], teams: [] },
      };
      await check(hostileBody(valid), runs(200), async (wire) => {
        tally.count("PATCH /v1/actions/{id}/permissions");
        await expectApiAnswer(await send("PATCH", "/v1/actions/hx_scratch/permissions", wire), tally, "PATCH action permissions");
      });
    },
    timeoutFor(20_000),
  );
});

describe("runs", () => {
  it(
    "POST /v1/actions/{id}/runs: hostile inputs never 5xx; accepted runs render escaped",
    async () => {
      const browser = await adminBrowser();
      await check(hostileBody(validRun), runs(400), async (wire) => {
        tally.count("POST /v1/actions/{id}/runs");
        const res = await send("POST", "/v1/actions/hx_approve/runs", wire);
        const body = await expectApiAnswer(res, tally, "POST run");
        if (res.status !== 202) return;
        tally.accepted += 1;
        const id = (body.run as { id: string }).id;
        waiting.push(id);
        expect(JSON.stringify(body), "an encrypted input never comes back in clear").not.toContain('"secret":"s3cret"');
        if (waiting.length % 5 !== 1) return;
        const page = await browser.page(`/runs/${id}`);
        expect(page.status).toBe(200);
        expectEscaped(page.html, tally, `run page ${id}`);
      });
      expect(waiting.length, "some hostile runs must be accepted").toBeGreaterThan(10);
    },
    timeoutFor(60_000),
  );

  it(
    "the run API (PATCH run, POST logs): hostile reports never 5xx; the run page and its HTML events escape them",
    async () => {
      const report = hostileBody({
        status: "SUCCESS",
        statusLabel: "Deployed",
        summary: "done",
        link: ["https://ci.example.com/1"],
        externalRunId: "x-1",
      });
      const log = hostileBody({ message: INJECTIONS[0] as string, terminationStatus: "FAILURE", statusLabel: "Failed" });
      const arb = fc.tuple(
        fc.constantFrom(...inProgress),
        fc.oneof(
          report.map((w) => ["PATCH", w] as const),
          log.map((w) => ["POST", w] as const),
        ),
      );
      await check(arb, runs(400), async ([id, [method, wire]]) => {
        const path = method === "PATCH" ? `/v1/actions/runs/${id}` : `/v1/actions/runs/${id}/logs`;
        tally.count(`${method} /v1/actions/runs/{id}${method === "POST" ? "/logs" : ""}`);
        const res = await send(method, path, wire);
        await expectApiAnswer(res, tally, `${method} ${path}`);
        if (res.status < 300) tally.accepted += 1;
      });
      const browser = await adminBrowser();
      for (const id of inProgress) {
        const page = await browser.page(`/runs/${id}`);
        expect(page.status).toBe(200);
        expectEscaped(page.html, tally, `run page ${id}`);
        const events = await send("GET", `/runs/${id}/events`, undefined, { authorization: "", cookie: browser.cookie });
        expect(events.status).toBe(200);
        expectEscaped(await streamText(events), tally, `run events ${id}`);
        const logs = await send("GET", `/v1/actions/runs/${id}/logs`, undefined);
        await expectApiAnswer(logs, tally, "GET logs");
      }
    },
    timeoutFor(60_000),
  );

  it(
    "PATCH /v1/actions/runs/{id}/approval: hostile decisions never 5xx",
    async () => {
      const arb = fc.tuple(fc.constantFrom(...waiting), hostileBody({ status: "APPROVE", description: "ok" }));
      await check(arb, runs(300), async ([id, wire]) => {
        tally.count("PATCH /v1/actions/runs/{id}/approval");
        const res = await send("PATCH", `/v1/actions/runs/${id}/approval`, wire, { authorization: `Bearer ${approverToken}` });
        await expectApiAnswer(res, tally, "PATCH approval");
      });
    },
    timeoutFor(30_000),
  );

  it("the run lists render every accepted run escaped", async () => {
    const browser = await adminBrowser();
    for (const path of ["/runs?all=1", "/runs", "/approvals", "/self-service", "/actions/hx_approve/run"]) {
      const page = await browser.page(path);
      expect(page.status, path).toBe(200);
      expectEscaped(page.html, tally, path);
    }
  });
});

describe("automations and webhook subscriptions", () => {
  // Unpublished and disabled, on a blueprint nothing writes to: accepted ones must not start delivering.
  const automation = {
    identifier: "hx_auto",
    title: "Auto",
    trigger: {
      type: "automation",
      event: { type: "ENTITY_UPDATED", blueprintIdentifier: "hx_service" },
      condition: { type: "JQ", combinator: "and", expressions: ['.diff.after.properties.name == "x"'] },
    },
    invocationMethod: { type: "WEBHOOK", url: hook("hx-auto"), body: { e: "{{ .event.diff.after.identifier }}" } },
    publish: false,
  };
  const subscription = { title: "Sub", url: hook("hx-sub"), events: ["ENTITY_CREATED"], blueprints: ["hx_service"], enabled: false };

  it(
    "POST/PUT /v1/automations and /v1/webhooks: hostile bodies never 5xx",
    async () => {
      await admin("POST", "/v1/automations", automation);
      const created = await admin("POST", "/v1/webhooks", subscription);
      const sub = (created.webhook as { id: string }).id;
      let n = 0;
      const arb = fc.tuple(
        fc.constantFrom("POST", "PUT"),
        fc.oneof(
          hostileBody(automation).map((w) => ["automations", w] as const),
          hostileBody(subscription).map((w) => ["webhooks", w] as const),
        ),
      );
      await check(arb, runs(400), async ([method, [kind, wire]]) => {
        tally.count(`${method} /v1/${kind}${method === "PUT" ? "/{id}" : ""}`);
        n += 1;
        const json = "json" in wire ? (wire.json as Json) : null;
        const renamed =
          kind === "automations" && method === "POST" && json?.identifier === "hx_auto"
            ? { json: { ...json, identifier: `hx_auto_${n}` } }
            : wire;
        const path = method === "POST" ? `/v1/${kind}` : `/v1/${kind}/${kind === "automations" ? "hx_auto" : sub}`;
        await expectApiAnswer(await send(method, path, renamed), tally, `${method} ${path}`);
      });
    },
    timeoutFor(60_000),
  );

  it(
    "hostile identifiers in action, run, automation and webhook URLs never 5xx",
    async () => {
      const routes = [
        "/v1/actions/{x}",
        "/v1/actions/{x}/runs",
        "/v1/actions/{x}/permissions",
        "/v1/actions/runs/{x}",
        "/v1/actions/runs/{x}/logs",
        "/v1/actions/runs/{x}/stream",
        "/v1/actions/runs/{x}/approval",
        "/v1/automations/{x}",
        "/v1/webhooks/{x}",
        "/runs/{x}",
        "/runs/{x}/events",
        "/runs/{x}/history",
        "/actions/{x}/run",
        "/actions/{x}/inputs/{x}/options",
      ];
      const arb = fc.tuple(fc.constantFrom(...routes), fc.constantFrom("GET", "PUT", "PATCH", "POST", "DELETE"), hostilePathSegment);
      const browser = await adminBrowser();
      await check(arb, runs(300), async ([route, method, segment]) => {
        tally.count("GET/PUT/PATCH/POST/DELETE with hostile ids (actions, runs, automations, webhooks, run pages)");
        const path = route.replaceAll("{x}", segment);
        if (route.startsWith("/v1/")) {
          await expectApiAnswer(
            await send(method, path, method === "GET" || method === "DELETE" ? undefined : { json: {} }),
            tally,
            `${method} ${path}`,
          );
          return;
        }
        const res = await send("GET", path, undefined, { authorization: "", cookie: browser.cookie });
        expect(res.status, `${path}`).toBeLessThan(500);
        expectEscaped(await streamText(res), tally, path);
      });
    },
    timeoutFor(30_000),
  );
});

describe("totals", () => {
  it("the suite tried what it promises", () => {
    expect(tally.total).toBeGreaterThanOrEqual(runs(2300));
    expect(tally.serverErrors).toBe(0);
    expect(tally.pagesWithEscapedPayload, "run pages must have shown payloads (escaped)").toBeGreaterThan(2);
  });
});
