import type { AggregationRow, BlueprintForm, CalculationRow, EnumRow, MirrorRow, PropertyRow, RelationRow } from "./blueprint-form";
import {
  type DraftProblem,
  extrasAt,
  isBoolean,
  isPlainObject,
  isString,
  isText,
  Leftovers,
  mergeOver,
  parseJsonText,
  parseMore,
  parseNumber,
} from "./form-fields";

/**
 * Blueprint form ⇄ Port's blueprint JSON. The form keeps text as typed; the JSON is what the API takes.
 * What the form has no field for travels in each row's "More (JSON)" field, so JSON → form → JSON is
 * lossless; problems of the form itself (a default that is not a number, two rows with one key) carry the
 * path the API would report, so the same code puts them next to their fields.
 */

type Keyed = { key: string };

/** Rows with distinct keys; a repeated key is a problem on the later row (a JSON object cannot hold both). */
function distinct<T extends Keyed>(rows: T[], field: string, section: string, problems: DraftProblem[]): [T, string][] {
  const seen = new Set<string>();
  const out: [T, string][] = [];
  rows.forEach((row, i) => {
    if (seen.has(row.key)) {
      problems.push({ path: `${section}.${row.key}`, field: `${field}[${i}].key`, message: `'${row.key}' is used by an earlier row` });
      return;
    }
    seen.add(row.key);
    out.push([row, `${section}.${row.key}`]);
  });
  return out;
}

/** An enum value typed as text, as the property's element type wants it. */
function enumValue(text: string, kind: string, path: string, problems: DraftProblem[]): unknown {
  if (kind === "number") return parseNumber(text, path, problems) ?? text;
  if (kind === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

function defaultValue(row: PropertyRow, path: string, problems: DraftProblem[]): unknown {
  const text = row.default;
  if (text === "") return undefined;
  switch (row.type) {
    case "number":
      return parseNumber(text, path, problems);
    case "boolean":
      if (text === "true" || text === "false") return text === "true";
      problems.push({ path, message: "must be true or false" });
      return undefined;
    case "object":
    case "array":
      return parseJsonText(text, path, problems);
    default:
      return text;
  }
}

function propertyJson(row: PropertyRow, path: string, problems: DraftProblem[]): Record<string, unknown> {
  const extras = parseMore(row.more, path, problems);
  const isArray = row.type === "array";
  const enumPath = isArray ? `${path}.items.enum` : `${path}.enum`;
  const values =
    row.enum.length === 0
      ? undefined
      : row.enum.map((e, j) => enumValue(e.value, isArray ? row.itemsType : row.type, `${enumPath}.${j}`, problems));
  const colored = row.enum.filter((e) => e.color !== "");
  const items = isArray
    ? mergeOver({ type: row.itemsType || undefined, format: row.itemsFormat || undefined, enum: values }, extrasAt(extras, "items"))
    : undefined;
  return mergeOver(
    {
      title: row.title || undefined,
      description: row.description || undefined,
      icon: row.icon || undefined,
      type: row.type,
      format: row.format || undefined,
      items: items && Object.keys(items).length > 0 ? items : undefined,
      enum: isArray ? undefined : values,
      enumColors: colored.length > 0 ? Object.fromEntries(colored.map((e) => [e.value, e.color])) : undefined,
      default: defaultValue(row, `${path}.default`, problems),
    },
    extras,
  );
}

function relationJson(row: RelationRow, path: string, problems: DraftProblem[]): Record<string, unknown> {
  return mergeOver(
    {
      title: row.title || undefined,
      description: row.description || undefined,
      target: row.target,
      required: row.required,
      many: row.many,
    },
    parseMore(row.more, path, problems),
  );
}

function mirrorJson(row: MirrorRow, path: string, problems: DraftProblem[]): Record<string, unknown> {
  return mergeOver({ title: row.title || undefined, path: row.path }, parseMore(row.more, path, problems));
}

function calculationJson(row: CalculationRow, path: string, problems: DraftProblem[]): Record<string, unknown> {
  return mergeOver(
    {
      title: row.title || undefined,
      description: row.description || undefined,
      calculation: row.calculation,
      type: row.type,
      format: row.format || undefined,
    },
    parseMore(row.more, path, problems),
  );
}

/** Port writes calculationBy "entities" for count and "property" otherwise; it follows from func. */
function calculationBy(func: string): string {
  return func === "count" ? "entities" : "property";
}

function aggregationJson(row: AggregationRow, path: string, problems: DraftProblem[]): Record<string, unknown> {
  const extras = parseMore(row.more, path, problems);
  const spec = mergeOver(
    { func: row.func, calculationBy: calculationBy(row.func), property: row.func === "count" ? undefined : row.property },
    extrasAt(extras, "calculationSpec"),
  );
  const relations = row.path.split(".").filter((p) => p !== "");
  return mergeOver(
    {
      title: row.title || undefined,
      description: row.description || undefined,
      type: "number",
      target: row.target,
      calculationSpec: spec,
      query: parseJsonText(row.query, `${path}.query`, problems),
      pathFilter: relations.length > 0 ? [{ fromBlueprint: row.target, path: relations }] : undefined,
    },
    extras,
  );
}

/**
 * The blueprint JSON a form describes, and the problems that kept parts of it out (these block saving).
 *
 * @example blueprintFromForm(form).definition // {identifier, title, schema: {properties, required}, relations, …}
 */
export function blueprintFromForm(form: BlueprintForm): { definition: Record<string, unknown>; problems: DraftProblem[] } {
  const problems: DraftProblem[] = [];
  const extras = parseMore(form.more, "", problems);
  const section = <T extends Keyed>(rows: T[], field: string, name: string, toJson: (r: T, p: string, pr: DraftProblem[]) => unknown) =>
    Object.fromEntries(distinct(rows, field, name, problems).map(([row, path]) => [row.key, toJson(row, path, problems)]));
  const properties = section(form.properties, "properties", "schema.properties", propertyJson);
  const required = distinct(form.properties, "properties", "schema.properties", [])
    .filter(([row]) => row.required)
    .map(([row]) => row.key);
  const ownership = form.ownershipType
    ? mergeOver({ type: form.ownershipType, path: form.ownershipPath || undefined }, extrasAt(extras, "ownership"))
    : undefined;
  const definition = mergeOver(
    {
      identifier: form.identifier,
      title: form.title,
      icon: form.icon || undefined,
      description: form.description || undefined,
      schema: { properties, required },
      relations: section(form.relations, "relations", "relations", relationJson),
      mirrorProperties: section(form.mirrors, "mirrors", "mirrorProperties", mirrorJson),
      calculationProperties: section(form.calculations, "calculations", "calculationProperties", calculationJson),
      aggregationProperties: section(form.aggregations, "aggregations", "aggregationProperties", aggregationJson),
      formulaProperties: extras.formulaProperties ?? {},
      ownership,
    },
    extras,
  );
  return { definition, problems };
}

// JSON → form ----------------------------------------------------------------------------------------

const ELEMENT_CHECKS: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === "string",
  number: (v) => typeof v === "number" && Number.isFinite(v),
  boolean: (v) => typeof v === "boolean",
};

/** Enum rows for `values` when every value fits a text field of the element type (else they stay in More). */
function enumRows(values: unknown, kind: string): EnumRow[] | undefined {
  const fits = ELEMENT_CHECKS[kind];
  if (!fits || !Array.isArray(values) || values.length === 0 || !values.every(fits)) return undefined;
  return values.map((v) => ({ value: String(v), color: "" }));
}

function defaultText(type: string): (v: unknown) => v is unknown {
  return (v: unknown): v is unknown => {
    if (type === "string") return isText(v);
    if (type === "number") return typeof v === "number" && Number.isFinite(v);
    if (type === "boolean") return isBoolean(v);
    if (type === "object") return isPlainObject(v);
    if (type === "array") return Array.isArray(v);
    return false;
  };
}

function propertyRow(key: string, raw: unknown, required: boolean): PropertyRow {
  const rest = new Leftovers(raw);
  const type = rest.take("type", isString) ?? "string";
  let itemsType = "";
  let itemsFormat = "";
  let values: EnumRow[] | undefined;
  if (type === "array") {
    rest.nested("items", (items) => {
      itemsType = items.take("type", isString) ?? "";
      itemsFormat = items.text("format");
      values = enumRows(items.rest.enum, itemsType);
      if (values) delete items.rest.enum;
    });
  } else {
    values = enumRows(rest.rest.enum, type);
    if (values) delete rest.rest.enum;
  }
  const colors = rest.rest.enumColors;
  const shown = new Set((values ?? []).map((v) => v.value));
  if (values && isPlainObject(colors) && Object.entries(colors).every(([k, c]) => shown.has(k) && typeof c === "string")) {
    values = values.map((v) => ({ ...v, color: (colors[v.value] as string | undefined) ?? "" }));
    delete rest.rest.enumColors;
  }
  const title = rest.text("title");
  const description = rest.text("description");
  const icon = rest.text("icon");
  const format = rest.take("format", isString) ?? "";
  const def = rest.take("default", defaultText(type));
  return {
    key,
    title,
    type,
    format,
    itemsType,
    itemsFormat,
    description,
    icon,
    required,
    default: def === undefined ? "" : typeof def === "string" ? def : JSON.stringify(def),
    enum: values ?? [],
    more: rest.json(),
  };
}

function entriesOf(section: unknown): [string, unknown][] {
  return isPlainObject(section) ? Object.entries(section) : [];
}

function aggregationRow(key: string, raw: unknown): AggregationRow {
  const rest = new Leftovers(raw);
  let func = "count";
  let property = "";
  rest.take("type", (v): v is string => v === "number");
  rest.nested("calculationSpec", (spec) => {
    func = spec.take("func", isString) ?? "count";
    spec.take("calculationBy", (v): v is string => v === calculationBy(func));
    if (func !== "count") property = spec.take("property", isString) ?? "";
  });
  const target = rest.take("target", isString) ?? "";
  const query = rest.take("query", (v): v is unknown => v !== undefined);
  const filters = rest.rest.pathFilter;
  let path = "";
  if (Array.isArray(filters) && filters.length === 1) {
    const only = filters[0] as { fromBlueprint?: unknown; path?: unknown };
    const keys = isPlainObject(only) ? Object.keys(only) : [];
    const relations = only?.path;
    if (
      keys.every((k) => k === "fromBlueprint" || k === "path") &&
      only.fromBlueprint === target &&
      Array.isArray(relations) &&
      relations.length > 0 &&
      relations.every((r) => typeof r === "string" && r !== "" && !r.includes("."))
    ) {
      path = relations.join(".");
      delete rest.rest.pathFilter;
    }
  }
  return {
    key,
    title: rest.text("title"),
    description: rest.text("description"),
    target,
    func,
    property,
    path,
    query: query === undefined ? "" : JSON.stringify(query, null, 2),
    more: rest.json(),
  };
}

/**
 * The form showing a blueprint JSON (as the JSON pane holds it, or as the API returns it).
 *
 * @example blueprintFormFromJson(await getBlueprint(db, "service"))
 */
export function blueprintFormFromJson(raw: Record<string, unknown>): BlueprintForm {
  const rest = new Leftovers(raw);
  for (const stamp of ["version", "createdAt", "updatedAt", "createdBy", "updatedBy"]) delete rest.rest[stamp];
  const identifier = rest.take("identifier", isString) ?? "";
  const title = rest.take("title", isString) ?? "";
  let properties: PropertyRow[] = [];
  rest.nested("schema", (schema) => {
    const required = schema.take("required", (v): v is string[] => Array.isArray(v) && v.every(isString)) ?? [];
    properties = entriesOf(schema.rest.properties).map(([key, def]) => propertyRow(key, def, required.includes(key)));
    delete schema.rest.properties;
  });
  const section = <T>(name: string, toRow: (key: string, raw: unknown) => T): T[] => {
    const rows = entriesOf(rest.rest[name]).map(([key, def]) => toRow(key, def));
    if (isPlainObject(rest.rest[name])) delete rest.rest[name];
    return rows;
  };
  const relations = section("relations", (key, def) => {
    const r = new Leftovers(def);
    const row = { key, title: r.text("title"), description: r.text("description"), target: r.take("target", isString) ?? "" };
    return { ...row, many: r.take("many", isBoolean) ?? false, required: r.take("required", isBoolean) ?? false, more: r.json() };
  });
  const mirrors = section("mirrorProperties", (key, def) => {
    const r = new Leftovers(def);
    return { key, title: r.text("title"), path: r.take("path", isString) ?? "", more: r.json() };
  });
  const calculations = section("calculationProperties", (key, def) => {
    const r = new Leftovers(def);
    const row = { key, title: r.text("title"), description: r.text("description"), type: r.take("type", isString) ?? "string" };
    return { ...row, format: r.text("format"), calculation: r.take("calculation", isString) ?? "", more: r.json() };
  });
  const aggregations = section("aggregationProperties", aggregationRow);
  if (isPlainObject(rest.rest.formulaProperties) && Object.keys(rest.rest.formulaProperties).length === 0) {
    delete rest.rest.formulaProperties;
  }
  let ownershipType = "";
  let ownershipPath = "";
  rest.nested("ownership", (o) => {
    ownershipType = o.text("type");
    ownershipPath = o.text("path");
  });
  return {
    identifier,
    title,
    icon: rest.text("icon"),
    description: rest.text("description"),
    ownershipType,
    ownershipPath,
    properties,
    relations,
    mirrors,
    calculations,
    aggregations,
    more: rest.json(),
  };
}
