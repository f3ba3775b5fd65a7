import { beforeAll, describe, expect, it } from "vitest";
import { builderCatalog, editorFields, fieldValue, jsonPane, storedDefinition, withField } from "./action-builder-helpers";
import { ADMIN_EMAIL, ADMIN_PASSWORD, callJson } from "./helpers";
import { type BrowserSession, type Fields, htmx, invitedUser, postFields, signIn } from "./session";

/*
 * The action builder through the real app, as a browser drives it: the JSON pane and the form follow each
 * other, the preview resolves the run form's conditions, Save goes through the API's domain call (and
 * stores exactly what the JSON pane shows), and the builder is for managers only, CSRF-protected and
 * escaped.
 */

let admin: BrowserSession;
let member: BrowserSession;
let moderator: BrowserSession;

const EVIL = "<script>alert(1)</script>";

/** A definition with a condition: `image` shows only when `kind` is custom. */
function conditional(identifier: string, title = "Conditional") {
  return {
    identifier,
    title,
    trigger: {
      type: "self-service",
      operation: "CREATE",
      blueprintIdentifier: "service",
      userInputs: {
        properties: {
          kind: { type: "string", title: "Kind", enum: ["basic", "custom"] },
          image: { type: "string", title: "Image", visible: { jqQuery: '.form.kind == "custom"' }, dependsOn: ["kind"] },
        },
        required: ["kind"],
      },
    },
    invocationMethod: { type: "WEBHOOK", url: "https://ci.example.com/conditional" },
  };
}

/** The new-action page's fields with the JSON pane applied to the form (as typing JSON would). */
async function fieldsFor(definition: unknown): Promise<{ fields: Fields; html: string }> {
  const start = editorFields((await admin.page("/actions/new")).html);
  const applied = await postFields(admin, "/actions/builder/json", withField(start, "builder.json", JSON.stringify(definition)));
  expect(applied.status, applied.html).toBe(200);
  return { fields: editorFields(applied.html), html: applied.html };
}

beforeAll(async () => {
  await builderCatalog();
  admin = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  member = await invitedUser("member@portal.test", { roles: ["Member"] });
  moderator = await invitedUser("mod@portal.test", { roles: ["Member", "system-moderator"] });
});

describe("the action builder's panes", () => {
  it("a JSON syntax error is shown beside the JSON and leaves the editor as it was", async () => {
    const start = editorFields((await admin.page("/actions/new")).html);
    const typed = withField(withField(start, "action.title", "Kept title"), "builder.json", '{"identifier": "x",');
    const live = await postFields(admin, "/actions/builder/json", typed, htmx);
    expect(live.status).toBe(200);
    expect(live.html).toContain('id="builder-json-status"');
    expect(live.html).toContain(
      "The JSON is not valid: expected a property name in double quotes, found unexpected end of input at line 1, column 20",
    );
    expect(live.html).not.toContain('id="builder-fields"');
    expect(live.html).not.toContain('id="builder-json"'); // the pane being typed in is not replaced
    const page = await postFields(admin, "/actions/builder/json", typed);
    expect(page.status).toBe(400);
    expect(fieldValue(editorFields(page.html), "action.title")).toBe("Kept title");
    expect(fieldValue(editorFields(page.html), "builder.json")).toBe('{"identifier": "x",');
  });

  it("the preview resolves the run form: an input shows once another has the value its condition wants", async () => {
    const { fields, html } = await fieldsFor(conditional("cond_preview"));
    expect(html).toContain('name="kind"');
    expect(html).not.toContain('name="image"');
    const basic = await postFields(admin, "/actions/builder/preview", [...fields, ["kind", "basic"]], htmx);
    expect(basic.html).toContain('<option value="basic" selected');
    expect(basic.html).not.toContain('name="image"');
    const custom = await postFields(admin, "/actions/builder/preview", [...fields, ["kind", "custom"]], htmx);
    expect(custom.html).toContain('id="in-1-image" name="image"');
    // An edit to the condition in the form keeps the values typed into the preview.
    const edited = withField(fields, "action.inputs[1].visibleExpr", '.form.kind == "basic"');
    const synced = await postFields(admin, "/actions/builder/sync", [...edited, ["kind", "custom"]], htmx);
    expect(synced.html).toContain('<option value="custom" selected');
    expect(synced.html).not.toContain('name="image"');
  });
  it("the preview's entity pickers are plain text boxes: an unsaved action has no options route to ask", async () => {
    const definition = conditional("picker_preview");
    definition.trigger.userInputs.properties.kind = {
      type: "string",
      title: "Owner service",
      format: "entity",
      blueprint: "service",
    } as never;
    const { html } = await fieldsFor(definition);
    expect(html).toContain('name="kind"');
    expect(html).toContain('placeholder="Identifier of a service entity"');
    expect(html).not.toContain("/inputs/kind/options");
  });
});

describe("saving from the builder", () => {
  it("creates the action exactly as the JSON pane shows it", async () => {
    const { fields } = await fieldsFor(conditional("saved_action"));
    const edited = withField(withField(fields, "action.title", "Saved from the form"), "action.inputs[0].enumRows[1].color", "red");
    const synced = await postFields(admin, "/actions/builder/sync", edited, htmx);
    const shown = jsonPane(synced.html);
    const created = await postFields(admin, "/actions/new", edited);
    expect(created.status, created.html).toBe(303);
    expect(created.headers.get("location")).toBe("/actions/saved_action/edit?saved=1");
    expect(await storedDefinition("saved_action")).toEqual(shown);
    const again = await postFields(admin, "/actions/new", edited);
    expect(again.status).toBe(409);
    expect(again.html).toContain("already exists");
  });

  it("shows the API's problems and unreadable fields beside their fields, and saves nothing", async () => {
    const { fields } = await fieldsFor(conditional("bad_action"));
    const badPattern = await postFields(admin, "/actions/new", withField(fields, "action.inputs[1].pattern", "(unclosed"));
    expect(badPattern.status).toBe(400);
    expect(badPattern.html).toMatch(/id="ab-inputs-1-pattern-errors"><li>is not a valid regular expression/);
    const badDefault = withField(withField(fields, "action.inputs[1].defaultMode", "json"), "action.inputs[1].defaultValue", "{oops");
    const unreadable = await postFields(admin, "/actions/new", badDefault);
    expect(unreadable.status).toBe(400);
    expect(unreadable.html).toMatch(/id="ab-inputs-1-defaultValue-errors"><li>is not valid JSON/);
    expect((await callJson("GET", "/v1/actions/bad_action")).status).toBe(404);
  });

  it("saves the pane edited last, and refuses to guess when both changed", async () => {
    const { fields } = await fieldsFor(conditional("from_form"));
    const json = withField(fields, "builder.json", JSON.stringify(conditional("from_json", "Typed as JSON")));
    expect((await postFields(admin, "/actions/new", json)).status).toBe(303);
    expect((await storedDefinition("from_json")).title).toBe("Typed as JSON");
    const both = withField(json, "action.title", "Typed in the form");
    const refused = await postFields(admin, "/actions/new", both);
    expect(refused.status).toBe(409);
    expect(refused.html).toContain("Both the form and the JSON changed");
    expect((await callJson("GET", "/v1/actions/from_form")).status).toBe(404);
  });

  it("refuses an edit made from a stale version and writes nothing", async () => {
    await callJson("POST", "/v1/actions", conditional("stale_action", "First"));
    const fields = editorFields((await admin.page("/actions/stale_action/edit")).html);
    expect(fieldValue(fields, "builder.version")).toBe("1");
    const replaced = await callJson("PUT", "/v1/actions/stale_action", conditional("stale_action", "Changed elsewhere"), {
      "if-match": '"1"',
    });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    const stale = await postFields(admin, "/actions/stale_action/edit", withField(fields, "action.title", "Mine"));
    expect(stale.status).toBe(412);
    expect(stale.html).toContain("changed since you read it");
    const got = await callJson<{ action: { title: string; version: number } }>("GET", "/v1/actions/stale_action");
    expect([got.body.action.title, got.body.action.version]).toEqual(["Changed elsewhere", 2]);
    const fresh = editorFields((await admin.page("/actions/stale_action/edit")).html);
    const saved = await postFields(admin, "/actions/stale_action/edit", withField(fresh, "action.title", "Mine"));
    expect(saved.status, saved.html).toBe(303);
    expect((await storedDefinition("stale_action")).title).toBe("Mine");
  });
});

describe("who may use the builder", () => {
  it("refuses posts without the CSRF token", async () => {
    const fields = editorFields((await admin.page("/actions/new")).html).filter(([n]) => n !== "_csrf");
    for (const path of ["/actions/new", "/actions/builder/sync", "/actions/builder/json"]) {
      const res = await postFields(admin, path, [...fields, ["_csrf", "forged"]]);
      expect(res.status, path).toBe(403);
    }
    expect((await callJson("GET", "/v1/actions/my_action")).status).toBe(404);
  });

  it("is for managers: members are refused, a moderator builds on their own blueprint only", async () => {
    const fields = editorFields((await admin.page("/actions/new")).html);
    expect((await member.page("/actions/new")).status).toBe(403);
    for (const path of ["/actions/new", "/actions/builder/sync", "/actions/builder/op"]) {
      const res = await postFields(member, path, withField(fields, "_csrf", member.csrf));
      expect(res.status, path).toBe(403);
    }
    await callJson("POST", "/v1/actions", conditional("managed_only"));
    expect((await member.page("/actions/managed_only/edit")).status).toBe(403);
    const mod = await moderator.page("/actions/new");
    expect(mod.status).toBe(200);
    expect(fieldValue(editorFields(mod.html), "action.blueprint")).toBe("system");
    expect(mod.html).not.toContain('<option value="service"');
    const onService = await postFields(
      moderator,
      "/actions/new",
      withField(withField(fields, "_csrf", moderator.csrf), "action.identifier", "mod_try"),
    );
    expect(onService.status).toBe(403);
    expect((await callJson("GET", "/v1/actions/mod_try")).status).toBe(404);
  });

  it("escapes hostile titles, keys and values in every pane", async () => {
    const hostile = conditional("hostile", `${EVIL} Evil`);
    (hostile.trigger.userInputs.properties.kind as Record<string, unknown>).title = '"><img src=x onerror=alert(2)>';
    (hostile.trigger.userInputs.properties.image as Record<string, unknown>).default = `</textarea>${EVIL}`;
    const { html } = await fieldsFor(hostile);
    const live = await postFields(
      admin,
      "/actions/builder/json",
      withField(editorFields(html), "builder.json", JSON.stringify(hostile)),
      htmx,
    );
    for (const out of [html, live.html]) {
      expect(out).not.toContain(EVIL);
      expect(out).not.toContain("<img src=x");
      expect(out).toContain("&lt;script&gt;alert(1)&lt;/script&gt; Evil");
    }
  });
});
