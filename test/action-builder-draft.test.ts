import { beforeAll, describe, expect, it } from "vitest";
import { builderCatalog, editorFields, fieldValue, jsonPane, storedDefinition, withField } from "./action-builder-helpers";
import { ADMIN_EMAIL, ADMIN_PASSWORD, callJson } from "./helpers";
import { type BrowserSession, type Fields, htmx, postFields, signIn } from "./session";

/*
 * The action builder's form and JSON describe the same definition: a stored action read into the form
 * and written back is unchanged (every feature has a field), what the form cannot show is kept as JSON,
 * and the buttons (add, remove, move) change the form and the JSON together.
 */

let admin: BrowserSession;

/** An action using every feature the form edits. */
const RICH = {
  identifier: "rich",
  title: "Rich action",
  icon: "Rocket",
  description: "Uses every feature",
  category: "Platform",
  trigger: {
    type: "self-service",
    operation: "DAY-2",
    blueprintIdentifier: "service",
    condition: {
      type: "SEARCH",
      combinator: "and",
      rules: [
        { property: "lang", operator: "=", value: "go" },
        { combinator: "or", rules: [{ property: "$title", operator: "isNotEmpty" }] },
      ],
    },
    userInputs: {
      properties: {
        name: { type: "string", title: "Name", description: "Lower-case", icon: "Tag", minLength: 3, maxLength: 30, pattern: "^[a-z-]+$" },
        kind: { type: "string", title: "Kind", enum: ["basic", "custom"], enumColors: { basic: "blue", custom: "red" }, default: "basic" },
        image: {
          type: "string",
          format: "url",
          title: "Image",
          visible: { jqQuery: '.form.kind == "custom"' },
          required: { jqQuery: '.form.kind == "custom"' },
          dependsOn: ["kind"],
        },
        size: { type: "number", title: "Size", minimum: 1, maximum: 8, enum: [1, 2, 4], default: 2 },
        region: { type: "string", enum: { jqQuery: 'if .form.kind == "custom" then ["eu"] else ["us", "eu"] end' }, dependsOn: ["kind"] },
        public: { type: "boolean", title: "Public", default: false },
        config: { type: "object", default: { replicas: 1 } },
        tags: { type: "array", items: { type: "string", enum: ["x", "y"] }, minItems: 1, maxItems: 2 },
        peers: {
          type: "array",
          items: { type: "string", format: "entity", blueprint: "service" },
          dataset: { combinator: "and", rules: [{ property: "lang", operator: "=", value: { jqQuery: ".entity.properties.lang" } }] },
        },
        system: {
          type: "string",
          format: "entity",
          blueprint: "system",
          dataset: {
            combinator: "or",
            rules: [
              { property: "$identifier", operator: "in", value: ["core", "edge"] },
              { property: "$title", operator: "isNotEmpty" },
            ],
          },
        },
        token: { type: "string", title: "Token", encryption: "aes256-gcm" },
        owner: { type: "string", format: "user", default: { jqQuery: ".user.email" } },
        squad: { type: "string", format: "team" },
        when: { type: "string", format: "date-time" },
        notes: { type: "string", format: "markdown", visible: false },
      },
      required: ["name", "system"],
      steps: [
        { title: "Basics", order: ["name", "kind", "image", "size", "region", "public"] },
        { title: "Details", order: ["config", "tags", "peers", "system", "token", "owner", "squad", "when", "notes"] },
      ],
    },
  },
  invocationMethod: {
    type: "WEBHOOK",
    url: "https://ci.example.com/hook",
    method: "PUT",
    synchronized: true,
    headers: { "X-Squad": "{{ .inputs.squad }}" },
    body: { name: "{{ .inputs.name }}", size: "{{ .inputs.size }}" },
  },
  requiredApproval: { type: "ALL" },
  approvalNotification: { type: "webhook", url: "https://hooks.example.com/approve", format: "slack" },
  permissions: {
    execute: { roles: ["Member"], users: ["ana@portal.test"], teams: ["alpha"], ownedByTeam: true },
    approve: { roles: [], users: ["approver@portal.test"], teams: ["beta"] },
  },
  runTimeoutMinutes: 30,
  approvalTtlHours: 24,
};

async function create(body: Record<string, unknown>): Promise<void> {
  const created = await callJson("POST", "/v1/actions", body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
}

/** The editor's draft fields only (`action.*`), as posted. */
function draftFields(fields: Fields): Fields {
  return fields.filter(([name]) => name.startsWith("action."));
}

beforeAll(async () => {
  await builderCatalog();
  admin = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
});

describe("the action builder's form and JSON", () => {
  it("reads a stored action into the form and writes it back unchanged, then back into the same form", async () => {
    await create(RICH);
    const stored = await storedDefinition("rich");
    const edit = await admin.page("/actions/rich/edit");
    expect(edit.status).toBe(200);
    expect(edit.html).not.toContain("kept as JSON");
    const fields = editorFields(edit.html);
    expect(fieldValue(fields, "action.inputs[2].visibleExpr")).toBe('.form.kind == "custom"');
    expect(fieldValue(fields, "action.execute.ownedByTeam")).toBe("true");
    expect(fieldValue(fields, "action.approval")).toBe("ALL");
    // The form → its JSON: the stored definition, exactly.
    const synced = await postFields(admin, "/actions/builder/sync", fields, htmx);
    expect(synced.status).toBe(200);
    expect(jsonPane(synced.html)).toEqual(stored);
    expect(synced.html).not.toContain('id="builder-fields"'); // nothing structural changed: the editor stays
    // That JSON → the form again: the same fields.
    const back = await postFields(
      admin,
      "/actions/builder/json",
      withField(fields, "builder.json", JSON.stringify(jsonPane(synced.html))),
      htmx,
    );
    expect(draftFields(editorFields(back.html))).toEqual(draftFields(fields));
  });

  it("round-trips the other invocations and Port's alternative spellings", async () => {
    const base = { title: "Variant", trigger: { type: "self-service", operation: "DAY-2", blueprintIdentifier: "service" } };
    const variants = [
      {
        ...base,
        identifier: "upsert_variant",
        invocationMethod: {
          type: "UPSERT_ENTITY",
          blueprintIdentifier: "service",
          mapping: {
            identifier: "{{ .inputs.name }}",
            title: { "{{ spreadValue() }}": "{{ .inputs }}" },
            properties: { lang: "{{ .inputs.lang }}", replicas: 3 },
            relations: { system: "{{ .inputs.system }}" },
          },
        },
        trigger: {
          ...base.trigger,
          userInputs: {
            properties: { name: { type: "string", required: true }, lang: { type: "string" }, system: { type: "string" } },
            required: { jqQuery: '[ "lang" ]' },
            order: ["system", "name", "lang"],
          },
        },
        requiredApproval: true,
        approvalNotification: { type: "email" },
      },
      {
        ...base,
        identifier: "delete_variant",
        trigger: {
          ...base.trigger,
          operation: "DELETE",
          userInputs: { properties: { why: { type: "string", required: false } }, required: [] },
        },
        invocationMethod: { type: "DELETE_ENTITY", entityIdentifier: "{{ .entity.identifier }}", deleteDependents: true },
      },
    ];
    for (const variant of variants) {
      await create(variant);
      const stored = await storedDefinition(variant.identifier);
      const edit = await admin.page(`/actions/${variant.identifier}/edit`);
      expect(edit.html, variant.identifier).not.toContain("kept as JSON");
      const synced = await postFields(admin, "/actions/builder/sync", editorFields(edit.html), htmx);
      expect(jsonPane(synced.html), variant.identifier).toEqual(stored);
    }
  });

  it("keeps what the form cannot show as JSON, and writes it back unchanged", async () => {
    const odd = {
      ...RICH,
      identifier: "odd",
      trigger: {
        ...RICH.trigger,
        condition: undefined,
        operation: "CREATE",
        userInputs: {
          properties: { name: { type: "string", sort: { by: "$title" }, className: "wide", visible: true } },
          required: [],
        },
      },
      invocationMethod: {
        type: "WEBHOOK",
        url: "https://ci.example.com/odd",
        agent: false,
        synchronized: false,
        method: "POST",
        headers: {},
      },
    };
    await create(JSON.parse(JSON.stringify(odd)));
    const stored = await storedDefinition("odd");
    const edit = await admin.page("/actions/odd/edit");
    expect(edit.html).toContain("kept as JSON");
    const fields = editorFields(edit.html);
    expect(JSON.parse(fieldValue(fields, "action.inputs[0].extra") ?? "")).toEqual({
      sort: { by: "$title" },
      className: "wide",
      visible: true,
    });
    expect(JSON.parse(fieldValue(fields, "action.extra") ?? "")).toEqual({ invocationMethod: { agent: false } });
    const synced = await postFields(admin, "/actions/builder/sync", fields, htmx);
    expect(jsonPane(synced.html)).toEqual(stored);
  });

  it("keeps an invalid definition as written, so the API still names its problems", async () => {
    const invalid = {
      identifier: "broken",
      title: 5,
      trigger: { type: "self-service", operation: "LATER", blueprintIdentifier: "service", userInputs: { properties: { a: "text" } } },
      invocationMethod: { type: "GITHUB", org: "acme", workflow: "deploy.yml" },
    };
    const start = editorFields((await admin.page("/actions/new")).html);
    const applied = await postFields(admin, "/actions/builder/json", withField(start, "builder.json", JSON.stringify(invalid)), htmx);
    expect(applied.html).toContain("kept as JSON");
    expect(applied.html).toContain("GITHUB is not supported here");
    const fields = [...editorFields(applied.html), ...start.filter(([n]) => !n.startsWith("action.") && n !== "builder.shape")];
    const synced = await postFields(admin, "/actions/builder/sync", fields, htmx);
    const shown = jsonPane(synced.html) as Record<string, unknown>;
    expect(shown.title).toBe(5);
    expect(shown.invocationMethod).toEqual(invalid.invocationMethod);
    expect((shown.trigger as Record<string, unknown>).operation).toBe("LATER");
    expect((shown.trigger as { userInputs: unknown }).userInputs).toMatchObject({ properties: { a: "text" } });
  });

  it("adds, moves and removes inputs, steps, values and rules, with the JSON following", async () => {
    expect(fieldValue(editorFields((await admin.page("/actions/new?blueprint=system")).html), "action.blueprint")).toBe("system");
    const page = await admin.page("/actions/new?blueprint=service");
    let fields = editorFields(page.html);
    expect(fieldValue(fields, "action.blueprint")).toBe("service");
    const op = async (name: string) => {
      const res = await postFields(admin, "/actions/builder/op", [...fields, ["builder.op", name]], htmx);
      expect(res.status, res.html).toBe(200);
      fields = [...editorFields(res.html), ...fields.filter(([n]) => !n.startsWith("action.") && n !== "builder.shape")];
      return res;
    };
    await op("input.add");
    expect(fieldValue(fields, "action.inputs[1].key")).toBe("input_2");
    const moved = await op("input.up:1");
    expect(fieldValue(fields, "action.inputs[0].key")).toBe("input_2");
    expect(
      Object.keys((jsonPane(moved.html) as { trigger: { userInputs: { properties: object } } }).trigger.userInputs.properties),
    ).toEqual(["input_2", "name"]);
    await op("step.add");
    await op("step.add");
    fields = withField(fields, "action.inputs[1].step", "1");
    const stepped = jsonPane((await op("refresh")).html) as { trigger: { userInputs: { steps: unknown } } };
    expect(stepped.trigger.userInputs.steps).toEqual([
      { title: "Step 1", order: ["input_2"] },
      { title: "Step 2", order: ["name"] },
    ]);
    fields = withField(fields, "action.inputs[0].enumMode", "list");
    await op("enum.add:0");
    fields = withField(fields, "action.inputs[0].enumRows[0].value", "small");
    await op("enum.add:0");
    fields = withField(fields, "action.inputs[0].enumRows[1].value", "large");
    const listed = jsonPane((await op("enum.remove:0:0")).html) as { trigger: { userInputs: { properties: { input_2: unknown } } } };
    expect(listed.trigger.userInputs.properties.input_2).toEqual({ type: "string", enum: ["large"] });
    fields = withField(fields, "action.operation", "DAY-2");
    await op("rule.add:condition");
    fields = withField(fields, "action.condition.rules[0].property", "lang");
    fields = withField(fields, "action.condition.rules[0].value", "go");
    const conditioned = jsonPane((await op("step.remove:0")).html) as { trigger: Record<string, unknown> };
    expect(conditioned.trigger.condition).toEqual({ combinator: "and", rules: [{ property: "lang", operator: "=", value: "go" }] });
    expect((conditioned.trigger.userInputs as { steps: unknown }).steps).toEqual([{ title: "Step 2", order: ["input_2", "name"] }]);
    // Without JavaScript a button posts the form to the same place and gets the whole page back.
    const whole = await postFields(admin, "/actions/builder/op", [...fields, ["builder.op", "input.add"]]);
    expect(whole.status).toBe(200);
    expect(whole.html).toContain("<!DOCTYPE html>");
    expect(fieldValue(editorFields(whole.html), "action.inputs[2].key")).toBe("input_3");
    const unknown = await postFields(admin, "/actions/builder/op", [...fields, ["builder.op", "input.explode:0"]]);
    expect(unknown.status).toBe(400);
  });
});
