import { beforeAll, describe, expect, inject, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD, call, callJson, createUserToken, raw } from "./helpers";

/*
 * The self-service pages through the real app: the admin signs in with a session (so every post carries
 * the CSRF token, as a browser's would); other users use bearer tokens (exempt from CSRF).
 */

const ORIGIN = "http://portal.test";
const COOKIE = "__Host-portal_session";
const receiver = inject("receiverUrl");
const EVIL = "<script>alert(1)</script>";

let session = "";
let csrf = "";
let alice = ""; // Member, team alpha
let bob = ""; // Member, team beta
let approver = ""; // Member, named approver of approve_app

function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`missing ${what}`);
  return value;
}

function asAdmin(headers: Record<string, string> = {}): Record<string, string> {
  return { authorization: "", cookie: `${COOKIE}=${session}`, ...headers };
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

async function page(path: string, headers: Record<string, string> = asAdmin()) {
  const res = await call("GET", path, undefined, headers);
  return { status: res.status, html: await res.text(), headers: res.headers };
}

/** A form post as a browser sends it (urlencoded, same origin), as the signed-in admin with the CSRF field. */
async function post(path: string, fields: [string, string][], headers: Record<string, string> = {}) {
  const body = new URLSearchParams([["_csrf", csrf], ...fields]).toString();
  const res = await call("POST", path, body, asAdmin({ "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, ...headers }));
  return { status: res.status, html: await res.text(), headers: res.headers };
}

const htmx = { "HX-Request": "true" };

async function createAction(body: Record<string, unknown>) {
  const r = await callJson("POST", "/v1/actions", body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
}

function webhook(key: string) {
  return { type: "WEBHOOK", url: `${receiver}/hook/${key}` };
}

beforeAll(async () => {
  for (const name of ["alpha", "beta"]) expect((await callJson("POST", "/v1/teams", { name })).status).toBe(201);
  const bp = await callJson("POST", "/v1/blueprints", {
    identifier: "app",
    title: "App",
    schema: { properties: { lang: { type: "string", enum: ["go", "rust"] } }, required: [] },
  });
  expect(bp.status, JSON.stringify(bp.body)).toBe(201);
  for (const [identifier, team, lang] of [
    ["app1", "alpha", "go"],
    ["app2", "beta", "go"],
    ["app3", "alpha", "rust"],
  ] as const) {
    const e = await callJson("POST", "/v1/blueprints/app/entities", {
      identifier,
      title: `App ${identifier}`,
      team: [team],
      properties: { lang },
    });
    expect(e.status, JSON.stringify(e.body)).toBe(201);
  }
  await createAction({
    identifier: "create_app",
    title: "Create an app",
    description: "Scaffolds a new app",
    category: "Scaffolding",
    trigger: {
      type: "self-service",
      operation: "CREATE",
      blueprintIdentifier: "app",
      userInputs: {
        properties: {
          name: { type: "string", title: "Name", description: "Lower-case name" },
          size: { type: "number", title: "Size", default: 2 },
          public: { type: "boolean", title: "Public" },
          kind: { type: "string", title: "Kind", enum: ["basic", "custom"], default: "basic" },
          image: { type: "string", title: "Custom image", visible: { jqQuery: '.form.kind == "custom"' } },
          notes: { type: "string", format: "multi-line", title: "Notes" },
          config: { type: "object", title: "Config" },
          tags: { type: "array", title: "Tags", items: { type: "string" } },
          launch: { type: "string", format: "date-time", title: "Launch" },
          owner: { type: "string", format: "email", title: "Owner" },
          docs: { type: "string", format: "url", title: "Docs" },
          peer: { type: "string", format: "entity", blueprint: "app", title: "Peer" },
          token: { type: "string", title: "Token", encryption: "aes256-gcm" },
        },
        required: ["name"],
      },
    },
    invocationMethod: webhook("ui-create"),
  });
  await createAction({
    identifier: "wizard_app",
    title: "Wizard app",
    trigger: {
      type: "self-service",
      operation: "CREATE",
      blueprintIdentifier: "app",
      userInputs: {
        properties: { name: { type: "string", title: "Name" }, size: { type: "number", title: "Size" } },
        required: ["name", "size"],
        steps: [
          { title: "Basics", order: ["name"] },
          { title: "Details", order: ["size"] },
        ],
      },
    },
    invocationMethod: webhook("ui-wizard"),
  });
  await createAction({
    identifier: "restart",
    title: "Restart",
    description: "Restarts a Go app",
    trigger: {
      type: "self-service",
      operation: "DAY-2",
      blueprintIdentifier: "app",
      condition: { type: "SEARCH", combinator: "and", rules: [{ property: "lang", operator: "=", value: "go" }] },
    },
    invocationMethod: webhook("ui-restart"),
    permissions: { execute: { roles: [], users: [], teams: [], ownedByTeam: true } },
  });
  await createAction({
    identifier: "evil",
    title: `${EVIL} Evil`,
    trigger: {
      type: "self-service",
      operation: "CREATE",
      blueprintIdentifier: "app",
      userInputs: {
        properties: { x: { type: "string", title: '<img src=x onerror="alert(2)">', default: `"><script>alert(3)</script>` } },
      },
    },
    invocationMethod: webhook("ui-evil"),
  });
  alice = await createUserToken("alice@portal.test", { roles: ["Member"], teams: ["alpha"] });
  bob = await createUserToken("bob@portal.test", { roles: ["Member"], teams: ["beta"] });
  approver = await createUserToken("approver@portal.test", { roles: ["Member"] });
  await createAction({
    identifier: "approve_app",
    title: "Approved app",
    trigger: { type: "self-service", operation: "CREATE", blueprintIdentifier: "app", userInputs: { properties: {} } },
    invocationMethod: webhook("ui-approve"),
    requiredApproval: true,
    permissions: { approve: { roles: [], users: ["approver@portal.test"], teams: [] } },
  });

  const login = await raw("POST", "/login", new URLSearchParams({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD, next: "/" }).toString(), {
    "content-type": "application/x-www-form-urlencoded",
    origin: ORIGIN,
  });
  expect(login.status).toBe(303);
  const line = must(
    login.headers.getSetCookie().find((l) => l.startsWith(`${COOKIE}=`)),
    "session cookie",
  );
  session = line.slice(COOKIE.length + 1).split(";")[0] ?? "";
  csrf = must(/name="_csrf" value="([^"]+)"/.exec((await page("/self-service")).html)?.[1], "_csrf");
});

describe("the self-service hub", () => {
  it("lists actions by category, links CREATE forms, sends DAY-2 actions to entity pages", async () => {
    const p = await page("/self-service");
    expect(p.status).toBe(200);
    expect(p.html).toContain('<a href="/self-service">Self-service</a>');
    expect(p.html).toContain("<h2>Scaffolding</h2>");
    expect(p.html).toContain('<a href="/actions/create_app/run">Create an app</a>');
    expect(p.html).toMatch(/Restart[\s\S]*run it from an entity page of <a href="\/blueprints\/app">App<\/a>/);
    expect(p.html).not.toContain('href="/actions/restart/run"');
  });

  it("filters by title or description, as a fragment for htmx and a page without", async () => {
    const frag = await page("/self-service?q=scaffolds", asAdmin(htmx));
    expect(frag.html.startsWith('<div id="action-groups"')).toBe(true);
    expect(frag.html).toContain("Create an app");
    expect(frag.html).not.toContain("Restart");
    const full = await page("/self-service?q=nothing-like-this");
    expect(full.html).toContain("<html");
    expect(full.html).toContain("No action matches");
  });
});

describe("the run form", () => {
  it("renders a labelled control per input type", async () => {
    const p = await page("/actions/create_app/run");
    expect(p.status).toBe(200);
    const h = p.html;
    expect(h).toContain('<label for="in-0-name">Name<span class="required" aria-hidden="true"> *</span>');
    expect(h).toMatch(/<input type="text" id="in-0-name" name="name" aria-required="true"/);
    expect(h).toMatch(/<input type="number" id="in-1-size" name="size"[^>]*value="2"/);
    expect(h).toContain('<input type="hidden" name="public" value="false"/><input type="checkbox" id="in-2-public" name="public"');
    expect(h).toMatch(/<select id="in-3-kind" name="kind"[^>]*>.*<option value="basic" selected="">basic<\/option>/s);
    expect(h).not.toContain('name="image"');
    expect(h).toMatch(/<textarea id="in-5-notes" name="notes"/);
    expect(h).toMatch(/<textarea id="in-6-config" name="config"[^>]*class="mono"/);
    expect(h).toMatch(/<textarea id="in-7-tags" name="tags"[^>]*placeholder="One per line, or a JSON array"/);
    expect(h).toContain('type="datetime-local" id="in-8-launch"');
    expect(h).toContain('type="email" id="in-9-owner"');
    expect(h).toContain('type="url" id="in-10-docs"');
    expect(h).toMatch(/id="in-11-peer"[^>]*list="in-11-peer-options"[^>]*hx-get="\/actions\/create_app\/inputs\/peer\/options"/);
    expect(h).toContain('<datalist id="in-11-peer-options">');
    expect(h).toContain('type="password" id="in-12-token"');
    expect(h).toContain('hx-post="/actions/create_app/form" hx-trigger="change"');
    expect(h).toMatch(/<input type="hidden" name="_csrf" value="[^"]+"/);
  });

  it("offers entity picker options for the typed text", async () => {
    const p = await page("/actions/create_app/inputs/peer/options?peer=app", asAdmin(htmx));
    expect(p.html).toContain('<option value="app1">App app1</option>');
    expect(p.html).toContain('<option value="app3">');
    const one = await page("/actions/create_app/inputs/peer/options?q=app2", asAdmin(htmx));
    expect(one.html).toBe('<datalist id="in-11-peer-options"><option value="app2">App app2</option></datalist>');
  });

  it("re-renders on change: a condition shows and hides an input, and drops its value", async () => {
    const shown = await post(
      "/actions/create_app/form",
      [
        ["kind", "custom"],
        ["name", "a"],
      ],
      htmx,
    );
    expect(shown.status).toBe(200);
    expect(shown.html.startsWith('<form id="action-form"')).toBe(true);
    expect(shown.html).toContain('name="image"');
    const hidden = await post(
      "/actions/create_app/form",
      [
        ["kind", "basic"],
        ["image", "nginx"],
        ["name", "a"],
      ],
      htmx,
    );
    expect(hidden.html).not.toContain('name="image"');
    expect(hidden.html).not.toContain("nginx");
    expect(hidden.html).toContain('value="a"');
  });

  it("the wizard does not move on while a required input of the step is missing", async () => {
    const stuck = await post(
      "/actions/wizard_app/form",
      [
        ["_step", "0"],
        ["_nav", "next"],
        ["name", ""],
      ],
      htmx,
    );
    expect(stuck.html).toContain('<input type="hidden" name="_step" value="0"/>');
    expect(stuck.html).toMatch(/id="in-0-name-errors" class="field-errors"><li>is required<\/li>/);
    // Later steps' inputs travel as hidden fields, not as controls.
    expect(stuck.html).not.toContain('id="in-1-size"');
    expect(stuck.html).toContain('<input type="hidden" name="size" value=""/>');
    const next = await post(
      "/actions/wizard_app/form",
      [
        ["_step", "0"],
        ["_nav", "next"],
        ["name", "shop"],
      ],
      htmx,
    );
    expect(next.html).toContain('<input type="hidden" name="_step" value="1"/>');
    expect(next.html).toContain('<input type="hidden" name="name" value="shop"/>');
    expect(next.html).toContain('id="in-1-size"');
    expect(next.html).not.toContain("is required");
    const back = await post(
      "/actions/wizard_app/form",
      [
        ["_step", "1"],
        ["_nav", "back"],
        ["name", "shop"],
      ],
      htmx,
    );
    expect(back.html).toContain('<input type="hidden" name="_step" value="0"/>');
  });

  it("submitting shows problems beside their fields, then starts the run and redirects to it", async () => {
    const bad = await post("/actions/create_app/runs", [
      ["name", ""],
      ["config", "{oops"],
    ]);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("<html");
    expect(bad.html).toMatch(/id="in-0-name-errors" class="field-errors"><li>is required<\/li>/);
    expect(bad.html).toMatch(/id="in-6-config-errors" class="field-errors"><li>is not valid JSON/);
    const wrongType = await post(
      "/actions/create_app/runs",
      [
        ["name", "x"],
        ["size", "abc"],
      ],
      htmx,
    );
    expect(wrongType.status).toBe(200);
    expect(wrongType.html).toMatch(/id="in-1-size-errors" class="field-errors"><li>must be a number/);

    const ok = await post("/actions/create_app/runs", [
      ["name", "shop"],
      ["size", "3"],
      ["public", "false"],
      ["public", "true"],
      ["tags", "a\nb"],
      ["config", '{"k": 1}'],
      ["launch", "2026-11-25T09:00"],
      ["token", "s3cret-value"],
    ]);
    expect(ok.status, ok.html).toBe(303);
    const location = must(ok.headers.get("location"), "location");
    expect(location).toMatch(/^\/runs\/r_[a-z0-9]+$/);
    const run = await callJson<{ run: { properties: Record<string, unknown>; source: string } }>("GET", `/v1/actions${location}`);
    expect(run.body.run.source).toBe("UI");
    expect(run.body.run.properties).toMatchObject({
      name: "shop",
      size: 3,
      public: true,
      tags: ["a", "b"],
      config: { k: 1 },
      launch: "2026-11-25T09:00:00Z",
      kind: "basic",
      token: "********",
    });
    const viaHtmx = await post("/actions/create_app/runs", [["name", "again"]], htmx);
    expect(viaHtmx.status).toBe(200);
    expect(viaHtmx.headers.get("hx-redirect")).toMatch(/^\/runs\/r_/);
  });

  it("refuses a post without the CSRF token", async () => {
    const res = await call(
      "POST",
      "/actions/create_app/runs",
      "name=x",
      asAdmin({ "content-type": "application/x-www-form-urlencoded", origin: ORIGIN }),
    );
    expect(res.status).toBe(403);
  });

  it("escapes a malicious action title, input title and default value", async () => {
    const hub = await page("/self-service");
    expect(hub.html).not.toContain(EVIL);
    expect(hub.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; Evil");
    const form = await page("/actions/evil/run");
    expect(form.html).not.toContain("<script>alert");
    expect(form.html).not.toContain("<img");
    expect(form.html).toContain("&lt;img src=x onerror=&quot;alert(2)&quot;&gt;");
    expect(form.html).toContain('value="&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"');
  });
});

async function startRun(action: string, fields: [string, string][]): Promise<string> {
  const res = await post(`/actions/${action}/runs`, fields);
  expect(res.status, res.html).toBe(303);
  return must(res.headers.get("location"), "location").replace("/runs/", "");
}

describe("run pages", () => {
  it("shows status, requester and inputs with secrets masked, and subscribes to live events", async () => {
    const id = await startRun("create_app", [
      ["name", EVIL],
      ["token", "top-secret"],
    ]);
    const p = await page(`/runs/${id}`);
    expect(p.status).toBe(200);
    expect(p.html).toContain('<span class="badge badge-blue">In progress</span>');
    expect(p.html).toContain(ADMIN_EMAIL);
    expect(p.html).toContain("<dt>token</dt><dd><span>********</span></dd>");
    expect(p.html).not.toContain("top-secret");
    expect(p.html).not.toContain(EVIL);
    expect(p.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(p.html).toContain('<script src="/vendor/htmx-sse.min.js" defer="">');
    expect(p.html).toMatch(new RegExp(`hx-ext="sse" sse-connect="/runs/${id}/events\\?after=0" sse-close="end"`));
    expect(p.html).toContain('sse-swap="log" hx-swap="beforeend"');
    expect(p.html).toContain("Audit trail");
    expect((await page("/self-service")).html).not.toContain("htmx-sse.min.js");
  });

  it("streams the run's events as escaped HTML fragments, keeping their ids", async () => {
    const id = await startRun("create_app", [["name", "streamed"]]);
    expect((await callJson("POST", `/v1/actions/runs/${id}/logs`, { message: "<b>step one</b>" })).status).toBe(201);
    const end = await callJson("POST", `/v1/actions/runs/${id}/logs`, { message: "done", terminationStatus: "SUCCESS" });
    expect(end.status).toBe(201);
    const res = await call("GET", `/runs/${id}/events`, undefined, asAdmin());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const text = await res.text();
    expect(text).toMatch(/^event: run\ndata: <div class="run-status">/);
    const log = must(
      /id: (\d+)\nevent: log\ndata: <li class="log-line"><time datetime="[^"]+">[\d:]+<\/time> <span class="log-message">&lt;b&gt;step one&lt;\/b&gt;<\/span><\/li>/.exec(
        text,
      ),
      "log event",
    );
    expect(text).toContain("event: end\ndata: <p");
    expect(text).not.toContain("<b>");
    // Resuming after the first log line's id replays only what came later.
    const resumed = await (await call("GET", `/runs/${id}/events`, undefined, asAdmin({ "last-event-id": log[1] as string }))).text();
    expect(resumed).not.toContain("step one");
    expect(resumed).toContain("done");
    // The finished run's page shows its log without subscribing.
    const p = await page(`/runs/${id}`);
    expect(p.html).toContain("&lt;b&gt;step one&lt;/b&gt;");
    expect(p.html).not.toContain("sse-connect");
    expect(p.html).toContain("Success");
  });

  it("lists my runs with a status filter, and hides other people's runs", async () => {
    const mine = await page("/runs");
    expect(mine.html).toContain("Create an app");
    const done = await page("/runs?status=SUCCESS");
    expect(done.html).toContain('<option value="SUCCESS" selected="">');
    expect(done.html).not.toContain("In progress</span>");
    const aliceRuns = await page("/runs?all=1", bearer(alice));
    expect(aliceRuns.status).toBe(200);
    expect(aliceRuns.html).toContain("No runs.");
  });

  it("lists a pending run under Approvals for its approver only, who can approve it", async () => {
    const id = await startRun("approve_app", []);
    const forApprover = await page("/approvals", bearer(approver));
    expect(forApprover.html).toContain(`href="/runs/${id}" hx-boost="false"`);
    expect((await page("/approvals", bearer(bob))).html).not.toContain(id);
    expect((await page("/approvals")).html).not.toContain(id);
    const asRequester = await page(`/runs/${id}`);
    expect(asRequester.html).toContain("Waiting for approval");
    expect(asRequester.html).not.toContain('value="APPROVE"');
    const asApprover = await page(`/runs/${id}`, bearer(approver));
    expect(asApprover.html).toContain('<button type="submit" name="status" value="APPROVE">');
    const decided = await call("POST", `/runs/${id}/approval`, "status=APPROVE&description=looks+good", {
      ...bearer(approver),
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(decided.status).toBe(303);
    const after = await page(`/runs/${id}`, bearer(approver));
    expect(after.html).toContain("Approved</strong> by approver@portal.test");
    expect(after.html).not.toContain('value="APPROVE"');
    expect((await page("/approvals", bearer(approver))).html).not.toContain(id);
    expect((await page(`/runs/${id}`, bearer(bob))).status).toBe(404);
  });
});

describe("actions on catalog pages", () => {
  it("offers a DAY-2 action on an entity only to who may run it there, when the entity meets its condition", async () => {
    const link = 'href="/actions/restart/run?entity=app1"';
    expect((await page("/blueprints/app/entities/app1", bearer(alice))).html).toContain(link);
    expect((await page("/blueprints/app/entities/app1", bearer(bob))).html).not.toContain(link);
    expect((await page("/blueprints/app/entities/app1")).html).toContain(link);
    expect((await page("/blueprints/app/entities/app2", bearer(alice))).html).not.toContain("/actions/restart/run");
    expect((await page("/blueprints/app/entities/app3", bearer(alice))).html).not.toContain("/actions/restart/run");
    const form = await page("/actions/restart/run?entity=app1", bearer(alice));
    expect(form.html).toContain('<input type="hidden" name="_entity" value="app1"/>');
    expect(form.html).not.toContain('class="alert"');
    const refused = await page("/actions/restart/run?entity=app3", bearer(alice));
    expect(refused.html).toContain("does not meet the action&#39;s condition");
    expect(refused.html).toMatch(/<button type="submit" disabled="">\s*Run action/);
  });

  it("shows the blueprint's CREATE actions as buttons to who may run them", async () => {
    expect((await page("/blueprints/app")).html).toContain('<a class="button-link" href="/actions/create_app/run"');
    expect((await page("/blueprints/app", bearer(alice))).html).not.toContain('href="/actions/create_app/run"');
  });
});

describe("the action builder", () => {
  const definition = (title: string) =>
    JSON.stringify({
      identifier: "built",
      title,
      trigger: {
        type: "self-service",
        operation: "CREATE",
        blueprintIdentifier: "app",
        userInputs: { properties: { flavour: { type: "string", title: "Flavour", enum: ["a", "b"] } } },
      },
      invocationMethod: webhook("ui-built"),
    });

  it("previews the form and lists problems with their paths", async () => {
    const preview = await post("/actions/builder/json", [["builder.json", definition("Built")]], htmx);
    expect(preview.html).toContain('<select id="in-0-flavour" name="flavour"');
    expect(preview.html).not.toContain("/actions/built/runs"); // the preview is inert: it runs nothing
    const broken = await post("/actions/builder/json", [["builder.json", '{"identifier": "x", "trigger": {"operation": "LATER"}}']], htmx);
    expect(broken.html).toContain("<code>trigger.operation</code>");
  });

  it("creates and edits an action for managers, with errors listed; others may not", async () => {
    expect((await page("/actions/new")).status).toBe(200);
    expect((await page("/actions/new", bearer(alice))).status).toBe(403);
    // A post holding only the JSON pane (the builder's editor fields left out) saves that JSON.
    const bad = await post("/actions/new", [["builder.json", "{“identifier”: 1}"]]);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("typographic quote");
    const created = await post("/actions/new", [["builder.json", definition("Built")]]);
    expect(created.status, created.html).toBe(303);
    expect(created.headers.get("location")).toBe("/actions/built/edit?saved=1");
    const edit = await page("/actions/built/edit?saved=1");
    expect(edit.html).toContain("Saved.");
    expect(edit.html).toContain('name="builder.version" value="1"');
    const saved = await post("/actions/built/edit", [
      ["builder.json", definition("Built again")],
      ["builder.version", "1"],
    ]);
    expect(saved.status, saved.html).toBe(303);
    expect((await page("/self-service")).html).toContain("Built again");
    const stale = await post("/actions/built/edit", [
      ["builder.json", definition("Stale")],
      ["builder.version", "1"],
    ]);
    expect(stale.status).toBe(412);
    expect(stale.html).toContain("changed since you read it");
    expect((await page("/actions/built/edit", bearer(alice))).status).toBe(403);
  });
});
