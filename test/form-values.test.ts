import { describe, expect, it } from "vitest";
import type { UserInputs } from "../src/domain/actions/definition";
import { controlOf, formText, fromDateTimeLocal, toDateTimeLocal, valuesFromForm } from "../src/routes/ui/form-values";

const ui = {
  properties: {
    name: { type: "string" },
    size: { type: "number" },
    level: { type: "number", enum: [1, 2] },
    on: { type: "boolean" },
    config: { type: "object" },
    tags: { type: "array", items: { type: "string" } },
    counts: { type: "array", items: { type: "number" } },
    objs: { type: "array", items: { type: "object" } },
    picks: { type: "array", items: { type: "string", enum: ["a", "b", "c"] } },
    when: { type: "string", format: "date-time" },
    notes: { type: "string", format: "markdown" },
    peer: { type: "string", format: "entity", blueprint: "app" },
    secret: { type: "string", encryption: "aes256-gcm" },
  },
  required: [],
} as unknown as UserInputs;

const input = (name: string) => ui.properties[name] as UserInputs["properties"][string];

describe("form values: posted strings to typed input values", () => {
  it("picks a control per type and format", () => {
    expect(Object.fromEntries(Object.keys(ui.properties).map((n) => [n, controlOf(input(n))]))).toEqual({
      name: "text",
      size: "number",
      level: "select",
      on: "checkbox",
      config: "json",
      tags: "lines",
      counts: "lines",
      objs: "lines",
      picks: "multiselect",
      when: "datetime",
      notes: "textarea",
      peer: "entity",
      secret: "password",
    });
  });

  it("converts numbers, booleans, JSON objects, lists and date-times; ignores empty and foreign fields", () => {
    const r = valuesFromForm(ui, {
      _csrf: "t",
      name: "shop",
      size: "3.5",
      level: "2",
      on: ["false", "true"],
      config: '{"a": [1]}',
      tags: "x\n\n y \r\nz",
      counts: "1\n2",
      objs: '{"k": 1}\n{"k": 2}',
      picks: ["", "a", "c"],
      when: "2026-11-25T09:00",
      notes: "",
      peer: " app1 ",
    });
    expect(r.problems).toEqual([]);
    expect(r.values).toEqual({
      name: "shop",
      size: 3.5,
      level: 2,
      on: true,
      config: { a: [1] },
      tags: ["x", "y", "z"],
      counts: [1, 2],
      objs: [{ k: 1 }, { k: 2 }],
      picks: ["a", "c"],
      when: "2026-11-25T09:00:00Z",
      peer: "app1",
    });
    expect(r.texts.size).toBe("3.5");
    expect(r.texts.on).toBeUndefined();
  });

  it("an unticked checkbox is false, a checkbox not rendered is absent", () => {
    expect(valuesFromForm(ui, { on: "false" }).values).toEqual({ on: false });
    expect(valuesFromForm(ui, {}).values).toEqual({});
  });

  it("passes unconvertible text on for the domain to judge, and reports bad JSON by path", () => {
    const r = valuesFromForm(ui, { size: "abc", config: "{nope", tags: "[1,", objs: "{}\n{bad" });
    expect(r.values.size).toBe("abc");
    expect(r.problems.map((p) => p.path)).toEqual(["properties.config", "properties.tags", "properties.objs.1"]);
    expect(r.problems[0]?.message).toMatch(/^is not valid JSON/);
  });

  it("reads a list given as a JSON array", () => {
    expect(valuesFromForm(ui, { counts: "[3, 4]" }).values).toEqual({ counts: [3, 4] });
  });

  it("writes typed values back as control text", () => {
    expect(formText(input("tags"), ["a", "b"])).toBe("a\nb");
    expect(formText(input("objs"), [{ k: 1 }])).toBe('[\n  {\n    "k": 1\n  }\n]');
    expect(formText(input("config"), { a: 1 })).toBe('{\n  "a": 1\n}');
    expect(formText(input("when"), "2026-11-25T09:00:00+02:00")).toBe("2026-11-25T07:00");
    expect(formText(input("size"), 2)).toBe("2");
    expect(formText(input("name"), undefined)).toBe("");
    expect(toDateTimeLocal("2026-01-02")).toBe("2026-01-02T00:00");
    expect(fromDateTimeLocal("2026-01-02T03:04:05")).toBe("2026-01-02T03:04:05Z");
    expect(fromDateTimeLocal("2026-01-02")).toBe("2026-01-02");
  });
});
