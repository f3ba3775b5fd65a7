import { ownEntry } from "../../../lib/own";
import type { BlueprintForm } from "./blueprint-form";
import type { DraftProblem } from "./form-fields";

/**
 * Where a blueprint problem belongs in the builder's form. Problems carry the paths the API reports
 * (`schema.properties.lang.enum.1`); the form names rows by position (`properties[2].enum[1].value`).
 * A path that names no field of the form lands on the row's "More (JSON)" field, or at the top ("").
 */

const TOP_FIELDS = new Set(["identifier", "title", "icon", "description"]);
const SECTIONS = new Set(["schema", "relations", "mirrorProperties", "calculationProperties", "aggregationProperties", "ownership"]);

function rowField(field: string, index: number, sub: string): string {
  return `${field}[${index}].${sub}`;
}

function propertyField(form: BlueprintForm, key: string, sub: string[]): string {
  const i = form.properties.findIndex((r) => r.key === key);
  if (i < 0) return "";
  const [first, second, third] = sub;
  const enumField = (at: string | undefined, part: "value" | "color") =>
    at !== undefined && Number.isInteger(Number(at)) ? rowField("properties", i, `enum[${at}].${part}`) : rowField("properties", i, "enum");
  switch (first) {
    case undefined:
      return rowField("properties", i, "key");
    case "type":
    case "format":
    case "title":
    case "description":
    case "icon":
    case "default":
    case "more":
      return rowField("properties", i, first);
    case "enum":
      return enumField(second, "value");
    case "enumColors": {
      const value = sub.slice(1).join(".");
      const j = form.properties[i]?.enum.findIndex((e) => e.value === value) ?? -1;
      return j >= 0 ? rowField("properties", i, `enum[${j}].color`) : rowField("properties", i, "enum");
    }
    case "items":
      if (second === "type") return rowField("properties", i, "itemsType");
      if (second === "format") return rowField("properties", i, "itemsFormat");
      if (second === "enum") return enumField(third, "value");
      return rowField("properties", i, "more");
    default:
      return rowField("properties", i, "more");
  }
}

/** The `required` list the form produces, for problems that name an index into it. */
function requiredKeys(form: BlueprintForm): string[] {
  return [...new Set(form.properties.filter((r) => r.required).map((r) => r.key))];
}

const ROW_FIELDS: Record<string, { field: string; rows: (f: BlueprintForm) => { key: string }[]; subs: Record<string, string> }> = {
  relations: {
    field: "relations",
    rows: (f) => f.relations,
    subs: { target: "target", many: "many", required: "required", title: "title", description: "description", more: "more" },
  },
  mirrorProperties: { field: "mirrors", rows: (f) => f.mirrors, subs: { path: "path", title: "title", more: "more" } },
  calculationProperties: {
    field: "calculations",
    rows: (f) => f.calculations,
    subs: { calculation: "calculation", type: "type", format: "format", title: "title", description: "description", more: "more" },
  },
  aggregationProperties: {
    field: "aggregations",
    rows: (f) => f.aggregations,
    subs: {
      target: "target",
      title: "title",
      description: "description",
      query: "query",
      pathFilter: "path",
      "calculationSpec.func": "func",
      "calculationSpec.property": "property",
      more: "more",
    },
  },
};

/**
 * The form field a problem belongs to ("" = the form as a whole).
 *
 * @example blueprintProblemField(form, {path: "schema.properties.lang.default", message: "…"}) // "properties[0].default"
 */
export function blueprintProblemField(form: BlueprintForm, problem: DraftProblem): string {
  if (problem.field !== undefined) return problem.field;
  const [head = "", ...rest] = problem.path.split(".");
  if (problem.path === "") return "";
  if (TOP_FIELDS.has(head)) return head;
  if (head === "ownership") return rest[0] === "path" ? "ownership.path" : "ownership.type";
  if (head === "schema") {
    if (rest[0] === "properties" && rest[1] !== undefined) return propertyField(form, rest[1], rest.slice(2));
    const key = rest[0] === "required" ? requiredKeys(form)[Number(rest[1])] : undefined;
    const i = key === undefined ? -1 : form.properties.findIndex((r) => r.key === key);
    return i >= 0 ? rowField("properties", i, "required") : "";
  }
  const section = ownEntry(ROW_FIELDS, head);
  if (section && rest[0] !== undefined) {
    const i = section.rows(form).findIndex((r) => r.key === rest[0]);
    if (i < 0) return "";
    if (rest.length === 1) return rowField(section.field, i, "key");
    const sub = section.subs[rest.slice(1, 3).join(".")] ?? section.subs[rest[1] as string] ?? "more";
    return rowField(section.field, i, sub);
  }
  return SECTIONS.has(head) ? "" : "more";
}
