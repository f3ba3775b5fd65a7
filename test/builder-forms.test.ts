import { describe, expect, it } from "vitest";
import type { Blueprint } from "../src/domain/catalog/types";
import { decodeFormPaths } from "../src/lib/form-paths";
import { blueprintFormFromJson, blueprintFromForm } from "../src/routes/ui/builder/blueprint-convert";
import {
  applyBlueprintOp,
  type BlueprintForm,
  blueprintFormFromTree,
  emptyBlueprintForm,
  emptyPropertyRow,
} from "../src/routes/ui/builder/blueprint-form";
import { blueprintProblemField } from "../src/routes/ui/builder/blueprint-problems";
import { conditionFields } from "../src/routes/ui/builder/condition-fields";
import { scorecardFormFromJson, scorecardFromForm } from "../src/routes/ui/builder/scorecard-convert";
import { applyScorecardOp, emptyScorecardForm, type ScorecardForm } from "../src/routes/ui/builder/scorecard-form";
import { scorecardProblemField } from "../src/routes/ui/builder/scorecard-problems";

// The pure halves of the builders: form ⇄ JSON conversions, edit operations and where problems are shown.

/** The form as the browser would post it: every field by its path name, as text (ownership is a group). */
function posted(form: BlueprintForm | ScorecardForm): [string, string][] {
  const out: [string, string][] = [];
  const renamed: Record<string, string> = { ownershipType: "ownership.type", ownershipPath: "ownership.path" };
  const walk = (value: unknown, path: string) => {
    const name = renamed[path] ?? path;
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(v, `${name}[${i}]`);
    } else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, name ? `${name}.${k}` : k);
    else if (value === true) out.push([name, "on"]);
    else if (typeof value === "string") out.push([name, value]);
  };
  walk(form, "");
  return out;
}

/** A form that uses every feature of the blueprint builder. */
function richForm(): BlueprintForm {
  return {
    ...emptyBlueprintForm(),
    identifier: "svc",
    title: "Service <b>",
    icon: "Service",
    description: "Runs things",
    ownershipType: "Inherited",
    ownershipPath: "system",
    // "More (JSON)" boxes show their JSON pretty-printed (two-space indent).
    more: JSON.stringify({ formulaProperties: { f: { title: "F", formula: "x" } } }, null, 2),
    properties: [
      {
        key: "lang",
        title: "Language",
        type: "string",
        format: "",
        itemsType: "",
        itemsFormat: "",
        description: "Main language",
        icon: "Code",
        required: true,
        default: "go",
        enum: [
          { value: "go", color: "blue" },
          { value: "ts", color: "" },
        ],
        more: '{\n  "minLength": 2\n}',
      },
      {
        ...emptyPropertyRow("replicas"),
        type: "number",
        default: "3",
        enum: [
          { value: "1", color: "red" },
          { value: "3", color: "green" },
        ],
      },
      { ...emptyPropertyRow("tags"), type: "array", itemsType: "string", itemsFormat: "", enum: [{ value: "a", color: "pink" }] },
      { ...emptyPropertyRow("site"), type: "string", format: "url" },
      { ...emptyPropertyRow("config"), type: "object", default: '{"a":1}' },
      { ...emptyPropertyRow("live"), type: "boolean", default: "true" },
    ],
    relations: [{ key: "system", title: "System", description: "", target: "system", many: false, required: true, more: "" }],
    mirrors: [{ key: "domain", title: "Domain", path: "system.$title", more: "" }],
    calculations: [
      { key: "url", title: "URL", description: "", type: "string", format: "url", calculation: '"https://x/" & identifier', more: "" },
    ],
    aggregations: [
      {
        key: "deploys",
        title: "Deploys",
        description: "",
        target: "deploy",
        func: "count",
        property: "",
        path: "service",
        query: "",
        more: "",
      },
      {
        key: "avgTime",
        title: "Average time",
        description: "",
        target: "deploy",
        func: "average",
        property: "minutes",
        path: "",
        query: '{\n  "combinator": "and",\n  "rules": []\n}',
        more: "",
      },
    ],
  };
}

describe("blueprint form ⇄ JSON", () => {
  it("form → posted fields → form → JSON → form loses nothing", () => {
    const form = richForm();
    expect(blueprintFormFromTree(decodeFormPaths(posted(form)))).toEqual(form);
    const { definition, problems } = blueprintFromForm(form);
    expect(problems).toEqual([]);
    expect(blueprintFormFromJson(definition)).toEqual(form);
  });

  it("writes Port's shape", () => {
    const { definition } = blueprintFromForm(richForm());
    expect(definition.schema).toMatchObject({
      required: ["lang"],
      properties: {
        lang: { type: "string", enum: ["go", "ts"], enumColors: { go: "blue" }, default: "go", minLength: 2 },
        replicas: { type: "number", enum: [1, 3], enumColors: { "1": "red", "3": "green" }, default: 3 },
        tags: { type: "array", items: { type: "string", enum: ["a"] }, enumColors: { a: "pink" } },
        config: { type: "object", default: { a: 1 } },
        live: { type: "boolean", default: true },
      },
    });
    expect(definition.ownership).toEqual({ type: "Inherited", path: "system" });
    expect(definition.formulaProperties).toEqual({ f: { title: "F", formula: "x" } });
    expect(definition.aggregationProperties).toEqual({
      deploys: {
        title: "Deploys",
        type: "number",
        target: "deploy",
        calculationSpec: { func: "count", calculationBy: "entities" },
        pathFilter: [{ fromBlueprint: "deploy", path: ["service"] }],
      },
      avgTime: {
        title: "Average time",
        type: "number",
        target: "deploy",
        calculationSpec: { func: "average", calculationBy: "property", property: "minutes" },
        query: { combinator: "and", rules: [] },
      },
    });
  });

  it("JSON → form → JSON keeps what the form has no field for", () => {
    const port = {
      identifier: "svc",
      title: "",
      schema: {
        properties: {
          name: { type: "string", title: "", pattern: "^[a-z]+$", default: "", enum: ["x", 1], enumColors: { x: "red" } },
          n: { type: "number", minimum: 0, maximum: 9 },
          odd: { type: "integer" },
          list: { type: "array", items: { type: "string", enum: ["a", "b"], enumColors: { a: "red" }, minLength: 1 }, uniqueItems: true },
        },
        required: ["n"],
      },
      relations: {},
      mirrorProperties: { m: { title: "M", path: "a.b", extra: 1 } },
      calculationProperties: { c: { title: "C", calculation: "1", type: "number", colorized: true } },
      aggregationProperties: {
        a: { title: "A", target: "x", calculationSpec: { func: "count" }, pathFilter: [{ path: ["r"] }] },
      },
      formulaProperties: {},
      ownership: { type: "Direct", title: "Owners" },
      changelogDestination: { type: "WEBHOOK" },
    };
    const back = blueprintFromForm(blueprintFormFromJson(port)).definition;
    expect(back.schema).toEqual(port.schema);
    expect(back.mirrorProperties).toEqual(port.mirrorProperties);
    expect(back.calculationProperties).toEqual(port.calculationProperties);
    expect(back.ownership).toEqual(port.ownership);
    expect(back.changelogDestination).toEqual(port.changelogDestination);
    expect(back.title).toBe("");
    // Port's aggregation defaults are written out; everything given is kept.
    expect(back.aggregationProperties).toEqual({
      a: {
        title: "A",
        type: "number",
        target: "x",
        calculationSpec: { func: "count", calculationBy: "entities" },
        pathFilter: [{ path: ["r"] }],
      },
    });
  });

  it("reports what the form cannot turn into JSON, at the field", () => {
    const form = richForm();
    form.properties[1] = { ...form.properties[1], default: "three" } as (typeof form.properties)[number];
    form.properties.push({ ...emptyPropertyRow("lang") });
    form.more = "{oops";
    const { problems } = blueprintFromForm(form);
    const fields = problems.map((p) => blueprintProblemField(form, p));
    expect(fields).toEqual(["more", "properties[6].key", "properties[1].default"]);
    expect(problems.map((p) => p.message)).toContain("must be a number");
  });

  it("places domain paths on form fields", () => {
    const form = richForm();
    const at = (path: string) => blueprintProblemField(form, { path, message: "x" });
    expect(at("title")).toBe("title");
    expect(at("schema.properties.replicas.enum.1")).toBe("properties[1].enum[1].value");
    expect(at("schema.properties.lang.enumColors.go")).toBe("properties[0].enum[0].color");
    expect(at("schema.properties.tags.items.format")).toBe("properties[2].itemsFormat");
    expect(at("schema.properties.lang.minLength")).toBe("properties[0].more");
    expect(at("schema.required.0")).toBe("properties[0].required");
    expect(at("relations.system.target")).toBe("relations[0].target");
    expect(at("mirrorProperties.domain.path")).toBe("mirrors[0].path");
    expect(at("aggregationProperties.avgTime.calculationSpec.property")).toBe("aggregations[1].property");
    expect(at("aggregationProperties.deploys.pathFilter.0.path")).toBe("aggregations[0].path");
    expect(at("ownership.path")).toBe("ownership.path");
    expect(at("changelogDestination")).toBe("more");
    expect(at("")).toBe("");
  });

  it("adds rows with unused keys and removes the one named", () => {
    let form = applyBlueprintOp(richForm(), "add-property", "system");
    expect(form.properties.at(-1)?.key).toBe("property_1");
    form = applyBlueprintOp(form, "add-enum:0", "system");
    expect(form.properties[0]?.enum).toHaveLength(3);
    form = applyBlueprintOp(form, "remove-enum:0:0", "system");
    expect(form.properties[0]?.enum.map((e) => e.value)).toEqual(["ts", ""]);
    form = applyBlueprintOp(form, "add-relation", "system");
    expect(form.relations.at(-1)).toMatchObject({ key: "relation_1", target: "system" });
    form = applyBlueprintOp(form, "remove-property:0", "system");
    expect(form.properties.map((p) => p.key)).not.toContain("lang");
    expect(applyBlueprintOp(form, "remove-property:99", "system")).toEqual(form);
    expect(applyBlueprintOp(form, "nonsense", "system")).toEqual(form);
  });
});

const now = "2026-01-01T00:00:00Z";
const stamp = { version: 1, createdAt: now, updatedAt: now, createdBy: "a", updatedBy: "a" };
const service: Blueprint = {
  identifier: "service",
  title: "Service",
  schema: {
    properties: {
      lang: { type: "string" },
      replicas: { type: "number" },
      minReplicas: { type: "number" },
      live: { type: "boolean" },
      launched: { type: "string", format: "date-time" },
    },
    required: [],
  },
  relations: { system: { target: "system", required: false, many: false } },
  mirrorProperties: {},
  calculationProperties: {},
  aggregationProperties: {},
  formulaProperties: {},
  ...stamp,
};
const system: Blueprint = { ...service, identifier: "system", title: "System", relations: {} };
const fields = conditionFields(service, new Map([service, system].map((b) => [b.identifier, b])));

describe("scorecard form ⇄ JSON", () => {
  const condition = (property: string, operator: string, value = "", more: Partial<{ valueTo: string; valueProperty: string }> = {}) => ({
    mode: "simple" as const,
    property,
    operator,
    value,
    valueTo: more.valueTo ?? "",
    valueProperty: more.valueProperty ?? "",
    json: "",
  });

  function richScorecard(): ScorecardForm {
    return {
      ...emptyScorecardForm(),
      identifier: "ready",
      title: "Ready",
      description: "d",
      filter: { combinator: "or", conditions: [condition("lang", "in", "go, ts")] },
      rules: [
        {
          identifier: "r1",
          title: "Rule 1",
          description: "",
          level: "Bronze",
          weight: "2",
          more: "",
          query: {
            combinator: "and",
            conditions: [
              condition("lang", "=", "go"),
              condition("replicas", ">=", "", { valueProperty: "minReplicas" }),
              condition("replicas", "between", "1", { valueTo: "5" }),
              condition("live", "=", "true"),
              condition("$team", "isNotEmpty"),
              condition("relatedTo:system", "relatedTo", "cart"),
              { ...condition("", ""), mode: "json", json: '{"combinator":"or","rules":[]}' },
            ],
          },
        },
      ],
    };
  }

  it("form → JSON → form loses nothing, and writes typed values", () => {
    const form = richScorecard();
    const { definition, problems } = scorecardFromForm(form, fields);
    expect(problems).toEqual([]);
    expect((definition.rules as { query: { conditions: unknown[] } }[])[0]?.query.conditions).toEqual([
      { property: "lang", operator: "=", value: "go" },
      { property: "replicas", operator: ">=", value: { property: "minReplicas" } },
      { property: "replicas", operator: "between", value: { from: 1, to: 5 } },
      { property: "live", operator: "=", value: true },
      { property: "$team", operator: "isNotEmpty" },
      { operator: "relatedTo", blueprint: "system", value: "cart", direction: "downstream" },
      { combinator: "or", rules: [] },
    ]);
    expect(definition.filter).toEqual({ combinator: "or", conditions: [{ property: "lang", operator: "in", value: ["go", "ts"] }] });
    expect(scorecardFormFromJson(definition, fields)).toEqual(form);
  });

  it("JSON → form → JSON keeps conditions the simple row cannot show, as JSON conditions", () => {
    const port = {
      identifier: "x",
      title: "X",
      levels: [{ title: "Basic" }, { title: "Gold", color: "gold" }],
      rules: [
        {
          identifier: "a",
          title: "A",
          level: "Gold",
          query: {
            combinator: "and",
            conditions: [
              { property: "launched", operator: "between", value: { preset: "lastWeek" } },
              { property: "$team", operator: "in", value: { context: "userTeams" } },
              { property: "lang", operator: "in", value: "go" },
              { scorecard: "other", operator: "=", value: "Gold" },
              { property: "lang", operator: "in", value: ["a,b"] },
            ],
          },
          weight: 1,
        },
      ],
    };
    const form = scorecardFormFromJson(port, fields);
    expect(form.rules[0]?.query.conditions.map((c) => c.mode)).toEqual(["json", "json", "json", "json", "json"]);
    expect(scorecardFromForm(form, fields).definition).toEqual(port);
  });

  it("places problems on fields and applies level and condition operations", () => {
    const form = richScorecard();
    const at = (path: string) => scorecardProblemField(form, { path, message: "x" });
    expect(at("rules.0.query.conditions.1.value.property")).toBe("rules[0].query.conditions[1].valueProperty");
    expect(at("rules.0.query.conditions.2.value.to")).toBe("rules[0].query.conditions[2].valueTo");
    expect(at("rules.0.query.conditions.6.rules.0")).toBe("rules[0].query.conditions[6].json");
    expect(at("rules.0.level")).toBe("rules[0].level");
    expect(at("filter.conditions.0.operator")).toBe("filter.conditions[0].operator");
    expect(at("levels.2.title")).toBe("levels[2].title");
    expect(at("levels")).toBe("levels");
    const fresh = { property: "lang", operator: "isNotEmpty" };
    let next = applyScorecardOp(form, "level-up:2", fresh);
    expect(next.levels.map((l) => l.title)).toEqual(["Basic", "Silver", "Bronze", "Gold"]);
    next = applyScorecardOp(next, "add-condition:filter", fresh);
    expect(next.filter.conditions.at(-1)).toMatchObject({ mode: "simple", property: "lang", operator: "isNotEmpty" });
    next = applyScorecardOp(next, "remove-condition:0:0", fresh);
    expect(next.rules[0]?.query.conditions).toHaveLength(6);
    next = applyScorecardOp(next, "add-rule", fresh);
    expect(next.rules.at(-1)).toMatchObject({ identifier: "rule_1", level: "Silver", weight: "1" });
    expect(applyScorecardOp(next, "remove-condition:9:0", fresh)).toEqual(next);
  });

  it("offers the operators the query language accepts for each kind of value", () => {
    const ops = (name: string) => fields.find((f) => f.value === name)?.operators ?? [];
    expect(ops("replicas")).toContain("between");
    expect(ops("replicas")).not.toContain("contains");
    expect(ops("lang")).toContain("beginsWith");
    expect(ops("lang")).not.toContain(">");
    expect(ops("live")).toEqual(["=", "!=", "isEmpty", "isNotEmpty"]);
    expect(ops("$identifier")).not.toContain("isEmpty");
    expect(ops("relatedTo:system")).toEqual(["relatedTo"]);
  });
});
