import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD, call, callJson, createUserToken } from "./helpers";
import { type BrowserSession, bearerPage, type Fields, formFields, htmx, postFields, signIn, unescapeHtml } from "./session";

/*
 * The blueprint and scorecard builders through the real app: the admin signs in with a session (every
 * post carries the CSRF token, as a browser's would) and posts what the rendered HTML holds; other users
 * use bearer tokens.
 */

const EVIL = "<script>alert(1)</script>";
const STAMPS = ["version", "createdAt", "updatedAt", "createdBy", "updatedBy"];

let admin: BrowserSession;
let member = "";
let moderator = "";

const page = (path: string) => admin.page(path);

/** A form post as the signed-in admin, with the session's CSRF token first. */
const post = (path: string, fields: Fields, headers: Record<string, string> = {}) =>
  postFields(admin, path, [["_csrf", admin.csrf], ...fields], headers);

/** The fields a browser would submit from `html`, leaving out the builder's own controls (names starting with "_"). */
const builderFields = (html: string): Fields => formFields(html, (name) => !name.startsWith("_"));

/** The JSON pane's text in a page or draft answer. */
function jsonPane(html: string): string {
  const m = /<textarea id="b-json"[^>]*>([\s\S]*?)<\/textarea>/.exec(html);
  if (!m) throw new Error(`no JSON pane in ${html.slice(0, 300)}`);
  return unescapeHtml(m[1] as string);
}

/** The form pane of a draft answer (or a page). */
function formPane(html: string): string {
  const start = html.indexOf('<section id="b-form-pane"');
  if (start < 0) throw new Error(`no form pane in ${html.slice(0, 300)}`);
  const end = html.indexOf('class="builder-pane builder-json-pane"', start);
  return html.slice(start, end < 0 ? undefined : end);
}

const bpDraft = (fields: Fields, from: "form" | "json", extra: Fields = []) =>
  post("/builder/blueprint-draft", [["_editing", ""], ["_from", from], ...extra, ...fields], htmx);

function withoutStamps(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => !STAMPS.includes(k) && k !== "entityCount"));
}

/** A blueprint using every feature the builder has a field for, in the API's normalised shape. */
const RICH = {
  identifier: "svc",
  title: "Service",
  icon: "Service",
  description: "Runs & serves",
  schema: {
    properties: {
      lang: {
        title: "Language",
        description: "Main language",
        icon: "Code",
        type: "string",
        enum: ["go", "ts"],
        enumColors: { go: "blue", ts: "purple" },
        default: "go",
        minLength: 2,
      },
      replicas: { title: "Replicas", type: "number", enum: [1, 3], default: 3 },
      minReplicas: { type: "number" },
      tags: { type: "array", items: { type: "string", enum: ["a", "b"] }, enumColors: { a: "pink" } },
      site: { type: "string", format: "url" },
      config: { type: "object", default: { a: [1, 2] } },
      live: { type: "boolean", default: true },
      expires: { type: "string", format: "timer" },
    },
    required: ["lang"],
  },
  relations: {
    system: { title: "System", target: "system", required: false, many: false },
    peers: { target: "svc", required: false, many: true },
  },
  mirrorProperties: { systemName: { title: "System name", path: "system.$title" } },
  calculationProperties: { link: { title: "Link", calculation: '"https://x/" & identifier', type: "string", format: "url" } },
  aggregationProperties: {
    deploys: {
      title: "Deploys",
      type: "number",
      target: "deploy",
      calculationSpec: { func: "count", calculationBy: "entities" },
      pathFilter: [{ fromBlueprint: "deploy", path: ["service"] }],
    },
    avgMinutes: {
      title: "Average minutes",
      type: "number",
      target: "deploy",
      calculationSpec: { func: "average", calculationBy: "property", property: "minutes" },
      query: { combinator: "and", rules: [{ property: "minutes", operator: ">", value: 0 }] },
    },
  },
  formulaProperties: {},
  ownership: { type: "Direct" },
};

beforeAll(async () => {
  for (const body of [
    { identifier: "system", title: "System", schema: { properties: {}, required: [] } },
    { identifier: "deploy", title: "Deploy", schema: { properties: { minutes: { type: "number" } }, required: [] } },
  ]) {
    const r = await callJson("POST", "/v1/blueprints", body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  admin = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  member = await createUserToken("member@portal.test", { roles: ["Member"] });
  moderator = await createUserToken("mod@portal.test", { roles: ["Member", "system-moderator"] });
});

describe("the blueprint builder", () => {
  let richFields: Fields = [];

  it("shows a rich blueprint's JSON as a form, and that form's JSON is the same blueprint (both ways)", async () => {
    const fromJson = await bpDraft([["_json", JSON.stringify(RICH)]], "json");
    expect(fromJson.status).toBe(200);
    richFields = builderFields(formPane(fromJson.html));
    expect(richFields).toContainEqual(["properties[0].enum[1].color", "purple"]);
    expect(richFields).toContainEqual(["properties[0].more", JSON.stringify({ minLength: 2 }, null, 2)]);
    expect(richFields).toContainEqual(["relations[1].many", "on"]);
    expect(richFields).toContainEqual(["aggregations[0].path", "service"]);

    const fromForm = await bpDraft(richFields, "form");
    expect(JSON.parse(jsonPane(fromForm.html))).toEqual(RICH);
    expect(fromForm.html).toContain("No problems found.");

    const again = await bpDraft([["_json", jsonPane(fromForm.html)]], "json");
    expect(builderFields(formPane(again.html))).toEqual(richFields);
  });

  it("keeps the form when the JSON does not parse, and says where", async () => {
    const res = await bpDraft([["_json", '{\n  "identifier": "svc",\n  "title": “Service”\n}'], ...richFields], "json");
    expect(res.status).toBe(200);
    expect(res.headers.get("HX-Reswap")).toBe("none");
    expect(res.html).toContain("line 3, column 12");
    expect(res.html).toContain("typographic quote");
    expect(res.html).not.toContain('id="b-form-pane"');
    // Not in step: the last JSON both halves agreed on stays what it was.
    expect(res.html).not.toContain('name="_synced"');
  });

  it("leaves newer JSON edits alone when an older form edit arrives, and applies buttons to them", async () => {
    const synced = JSON.stringify(RICH, null, 2);
    const edited = JSON.stringify({ ...RICH, title: "Typed in the JSON" }, null, 2);
    const late = await bpDraft(richFields, "form", [
      ["_json", edited],
      ["_synced", synced],
    ]);
    expect(late.status).toBe(204);
    const button = await bpDraft(richFields, "form", [
      ["_json", edited],
      ["_synced", synced],
      ["_op", "add-mirror"],
    ]);
    expect(builderFields(formPane(button.html))).toContainEqual(["title", "Typed in the JSON"]);
    expect(JSON.parse(jsonPane(button.html))).toMatchObject({ title: "Typed in the JSON", mirrorProperties: { mirror_1: { path: "" } } });
    expect(button.html).toMatch(/<input type="hidden" id="b-synced" name="_synced" value="\{/);
  });

  it("adds and removes rows with buttons, re-rendering the form and the JSON", async () => {
    const added = await bpDraft(richFields, "form", [["_op", "add-property"]]);
    expect(builderFields(formPane(added.html))).toContainEqual(["properties[8].key", "property_1"]);
    expect(JSON.parse(jsonPane(added.html)).schema.properties.property_1).toEqual({ type: "string" });
    expect(added.html).toContain('id="b-json" name="_json"');
    expect(added.html).toMatch(/<textarea id="b-json"[^>]*hx-swap-oob="true"/);
    const removed = await bpDraft(richFields, "form", [["_op", "remove-relation:0"]]);
    expect(Object.keys(JSON.parse(jsonPane(removed.html)).relations)).toEqual(["peers"]);
  });

  it("creates the blueprint the JSON pane showed, through the domain (read back from the API)", async () => {
    const shown = JSON.parse(jsonPane((await bpDraft(richFields, "form")).html));
    // The form was edited after the halves were last in step (an older JSON): the form is what is saved.
    const older = JSON.stringify({ ...RICH, title: "Older" }, null, 2);
    const res = await post("/builder/blueprints/new", [["_json", older], ["_synced", older], ...richFields]);
    expect(res.status, res.html.slice(0, 2000)).toBe(303);
    expect(res.headers.get("location")).toBe("/blueprints/svc");
    const api = await callJson<{ blueprint: Record<string, unknown> }>("GET", "/v1/blueprints/svc");
    expect(withoutStamps(api.body.blueprint)).toEqual(shown);
  });

  it("saves from the JSON when it was edited last, and shows domain problems next to their fields", async () => {
    const body = {
      ...RICH,
      identifier: "svc2",
      relations: { system: { target: "nope", required: false, many: false } },
      calculationProperties: { link: { title: "Link", calculation: "", type: "string" } },
    };
    const inStep = jsonPane((await bpDraft(richFields, "form")).html);
    const res = await post("/builder/blueprints/new", [["_json", JSON.stringify(body)], ["_synced", inStep], ...richFields]);
    expect(res.status).toBe(400);
    expect(res.html).toMatch(/id="b-relations-0-target-errors"><li>blueprint &#39;nope&#39; does not exist<\/li>/);
    expect(res.html).toMatch(/id="b-calculations-0-calculation-errors"><li>must be an expression<\/li>/);
    expect(res.html).toContain("Not saved: fix the problems shown next to the fields.");
    expect((await callJson("GET", "/v1/blueprints/svc2")).status).toBe(404);
  });

  it("refuses to guess when both halves changed since they were last in step", async () => {
    const inStep = jsonPane((await bpDraft(richFields, "form")).html);
    const json = JSON.stringify({ ...RICH, identifier: "svc4" });
    const fields = richFields.map(([k, v]): [string, string] => [k, k === "identifier" ? "svc4" : k === "title" ? "Form title" : v]);
    const res = await post("/builder/blueprints/new", [["_json", json], ["_synced", inStep], ...fields]);
    expect(res.status).toBe(400);
    expect(res.html).toContain("both the form and the JSON changed since they were last in step");
    expect(res.html).toContain('value="Form title"');
    expect(jsonPane(res.html)).toBe(json);
    expect((await callJson("GET", "/v1/blueprints/svc4")).status).toBe(404);
  });

  it("refuses a form whose values do not convert, at the field, and writes nothing", async () => {
    const fields = richFields.map(([k, v]): [string, string] => [
      k,
      k === "identifier" ? "svc3" : k === "properties[1].default" ? "three" : v,
    ]);
    const res = await post("/builder/blueprints/new", [...fields]);
    expect(res.status).toBe(400);
    expect(res.html).toMatch(/id="b-properties-1-default-errors"><li>must be a number<\/li>/);
    expect(res.html).toMatch(/id="b-properties-1-default"[^>]*aria-invalid="true"/);
    expect((await callJson("GET", "/v1/blueprints/svc3")).status).toBe(404);
  });

  it("refuses a stale edit with a conflict message, keeps the user's edits, and can then save over it", async () => {
    const opened = await page("/builder/blueprints/svc");
    expect(opened.status).toBe(200);
    expect(opened.html).toContain('name="_version" value="1"');
    expect(opened.html).toMatch(/id="b-identifier"[^>]*readonly=""/);
    const fields = builderFields(formPane(opened.html)).map(([k, v]): [string, string] => [k, k === "title" ? "Edited in the builder" : v]);
    const patched = await callJson("PATCH", "/v1/blueprints/svc", { title: "Changed elsewhere" });
    expect(patched.status).toBe(200);

    const stale = await post("/builder/blueprints/svc", [["_version", "1"], ...fields]);
    expect(stale.status).toBe(412);
    expect(stale.html).toContain("Someone else saved this since you opened it (it is now at version 2)");
    expect(stale.html).toContain('value="Edited in the builder"');
    expect((await callJson<{ blueprint: { title: string } }>("GET", "/v1/blueprints/svc")).body.blueprint.title).toBe("Changed elsewhere");

    const over = await post("/builder/blueprints/svc", [["_version", "1"], ["_overwrite", "2"], ...fields]);
    expect(over.status, over.html.slice(0, 1500)).toBe(303);
    const after = await callJson<{ blueprint: { title: string; version: number } }>("GET", "/v1/blueprints/svc");
    expect(after.body.blueprint).toMatchObject({ title: "Edited in the builder", version: 3 });
  });

  it("needs the CSRF token of the session", async () => {
    const res = await postFields(admin, "/builder/blueprints/new", [["_json", JSON.stringify({ identifier: "nocsrf", title: "x" })]]);
    expect(res.status).toBe(403);
    expect((await callJson("GET", "/v1/blueprints/nocsrf")).status).toBe(404);
  });

  it("escapes hostile titles everywhere it shows them", async () => {
    const r = await callJson("POST", "/v1/blueprints", {
      identifier: "evil",
      title: EVIL,
      schema: { properties: { x: { type: "string", title: EVIL, enum: [EVIL] } }, required: [] },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    for (const path of ["/builder", "/builder/blueprints/evil", "/builder/blueprints/evil/scorecards/new"]) {
      const p = await page(path);
      expect(p.status, path).toBe(200);
      expect(p.html, path).not.toContain(EVIL);
      expect(p.html, path).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
  });
});

describe("who may build", () => {
  it("explains the builders to a member and refuses their posts", async () => {
    const landing = await bearerPage(member, "/builder");
    expect(landing.status).toBe(200);
    expect(landing.html).toContain("You have neither role, so there is nothing for you to build yet.");
    expect(landing.html).not.toContain("/builder/blueprints/new");
    expect((await bearerPage(member, "/builder/blueprints/new")).status).toBe(403);
    const body = new URLSearchParams({ _json: JSON.stringify({ identifier: "bymember", title: "x" }) }).toString();
    const res = await call("POST", "/builder/blueprints/new", body, {
      authorization: `Bearer ${member}`,
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(res.status).toBe(403);
    expect((await callJson("GET", "/v1/blueprints/bymember")).status).toBe(404);
  });

  it("shows a moderator the blueprints they moderate, and lets them edit but not create", async () => {
    const landing = await bearerPage(moderator, "/builder");
    expect(landing.html).toContain('href="/builder/blueprints/system"');
    expect(landing.html).not.toContain('href="/builder/blueprints/svc"');
    expect(landing.html).toContain("Only admins create blueprints");
    expect((await bearerPage(moderator, "/builder/blueprints/system")).status).toBe(200);
    expect((await bearerPage(moderator, "/builder/blueprints/svc")).status).toBe(403);
    expect((await bearerPage(moderator, "/builder/blueprints/new")).status).toBe(403);
  });

  it("lists everything for the admin, with links to every builder", async () => {
    const landing = await page("/builder");
    expect(landing.html).toContain('href="/builder/blueprints/new"');
    expect(landing.html).toContain('href="/builder/blueprints/svc"');
    expect(landing.html).toContain('href="/builder/blueprints/svc/scorecards/new"');
    expect(landing.html).toContain('href="/actions/new?blueprint=svc"');
  });
});

describe("the scorecard builder", () => {
  const scDraft = (fields: Fields, extra: Fields = []) =>
    post("/builder/scorecard-draft", [["_blueprint", "svc"], ["_editing", ""], ["_from", "form"], ...extra, ...fields], htmx);

  beforeAll(async () => {
    for (const [identifier, lang] of [
      ["a", "go"],
      ["b", "ts"],
      ["c", "go"],
    ] as const) {
      const r = await callJson("POST", "/v1/blueprints/svc/entities", { identifier, properties: { lang } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
  });

  it("builds a scorecard with buttons, shows how many entities each rule would pass, and creates it", async () => {
    const start = await page("/builder/blueprints/svc/scorecards/new");
    expect(start.status).toBe(200);
    let fields = builderFields(formPane(start.html)).map(([k, v]): [string, string] => [
      k,
      k === "identifier" ? "ready" : k === "title" ? "Readiness" : v,
    ]);
    const withRule = await scDraft(fields, [["_op", "add-rule"]]);
    fields = builderFields(formPane(withRule.html));
    const withCondition = await scDraft(fields, [["_op", "add-condition:0"]]);
    fields = builderFields(formPane(withCondition.html)).map(([k, v]): [string, string] => {
      if (k === "rules[0].title") return [k, "Written in Go"];
      if (k === "rules[0].query.conditions[0].property") return [k, "lang"];
      if (k === "rules[0].query.conditions[0].operator") return [k, "="];
      return [k, v];
    });
    // The operator takes a value now: the pane re-rendered for it has the value field.
    const refreshed = await scDraft(fields, [["_op", "refresh"]]);
    fields = builderFields(formPane(refreshed.html)).map(([k, v]): [string, string] => [
      k,
      k === "rules[0].query.conditions[0].value" ? "go" : v,
    ]);
    expect(refreshed.html).toContain('<option value="contains"');
    expect(refreshed.html).not.toContain('<option value="&gt;"');

    const live = await scDraft(fields);
    expect(live.html).toContain("Would pass: 2 of 3 entities you can see");
    expect(live.html).toMatch(/<output id="b-rule-0-passing"[^>]*hx-swap-oob="true"/);
    const shown = JSON.parse(jsonPane(live.html));
    expect(shown.rules).toEqual([
      {
        identifier: "rule_1",
        title: "Written in Go",
        level: "Bronze",
        query: { combinator: "and", conditions: [{ property: "lang", operator: "=", value: "go" }] },
        weight: 1,
      },
    ]);

    const created = await post("/builder/blueprints/svc/scorecards/new", [["_blueprint", "svc"], ...fields]);
    expect(created.status, created.html.slice(0, 1500)).toBe(303);
    expect(created.headers.get("location")).toBe("/blueprints/svc/scorecards/ready");
    const api = await callJson<{ scorecards: Record<string, unknown>[] }>("GET", "/v1/blueprints/svc/scorecards");
    const stored = api.body.scorecards.find((s) => s.identifier === "ready");
    expect(stored).toMatchObject({ title: "Readiness", levels: shown.levels, rules: shown.rules });
    // Scored at once: the higher levels have no rules, so passing the Bronze rule reaches the top.
    const levelOf = async (id: string) =>
      (await callJson<{ entity: { scorecards: Record<string, { level: string }> } }>("GET", `/v1/blueprints/svc/entities/${id}`)).body
        .entity.scorecards.ready?.level;
    expect(await levelOf("a")).toBe("Gold");
    expect(await levelOf("b")).toBe("Basic");
  });

  it("edits the scorecard through the builder, checked against the blueprint, with its version", async () => {
    const opened = await page("/builder/blueprints/svc/scorecards/ready");
    expect(opened.status).toBe(200);
    expect(opened.html).toContain("Would pass: 2 of 3");
    const fields = builderFields(formPane(opened.html));
    const bad = fields.map(([k, v]): [string, string] => [k, k === "rules[0].query.conditions[0].property" ? "nope" : v]);
    const refused = await post("/builder/blueprints/svc/scorecards/ready", [["_blueprint", "svc"], ["_version", "1"], ...bad]);
    expect(refused.status).toBe(400);
    expect(refused.html).toMatch(/id="b-rules-0-query-conditions-0-property-errors"><li>&#39;nope&#39; is not a property/);

    const good = fields.map(([k, v]): [string, string] => [k, k === "title" ? "Readiness v2" : v]);
    const saved = await post("/builder/blueprints/svc/scorecards/ready", [["_blueprint", "svc"], ["_version", "1"], ...good]);
    expect(saved.status, saved.html.slice(0, 1500)).toBe(303);
    const api = await callJson<{ scorecard: { title: string; version: number } }>("GET", "/v1/blueprints/svc/scorecards/ready");
    expect(api.body.scorecard).toMatchObject({ title: "Readiness v2", version: 2 });
    const stale = await post("/builder/blueprints/svc/scorecards/ready", [["_blueprint", "svc"], ["_version", "1"], ...good]);
    expect(stale.status).toBe(412);
    expect(stale.html).toContain("now at version 2");
  });

  it("refuses members", async () => {
    expect((await bearerPage(member, "/builder/blueprints/svc/scorecards/new")).status).toBe(403);
    expect((await bearerPage(moderator, "/builder/blueprints/svc/scorecards/new")).status).toBe(403);
  });
});
