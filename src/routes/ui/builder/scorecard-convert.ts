import {
  COMPARE_OPERATORS,
  LIST_OPERATORS,
  NO_VALUE_OPERATORS,
  RANGE_OPERATORS,
  type ValueKind,
} from "../../../domain/catalog/search/operators";
import { DEFAULT_LEVELS } from "../../../domain/scorecards/definition";
import { type ConditionField, fieldNamed, RELATED_PREFIX } from "./condition-fields";
import {
  type DraftProblem,
  extrasAt,
  isPlainObject,
  isString,
  isText,
  Leftovers,
  mergeOver,
  parseJsonText,
  parseMore,
  parseNumber,
} from "./form-fields";
import type { ConditionRow, LevelRow, QueryForm, RuleRow, ScorecardForm } from "./scorecard-form";

/**
 * Scorecard form ⇄ Port's scorecard JSON. Conditions the simple fields cannot show exactly (nested groups,
 * date presets, contextual values, scorecard-level rules) become JSON conditions, and keys without a field
 * travel in "More (JSON)", so JSON → form → JSON is lossless.
 */

/** A typed value as the condition's kind wants it (a number, true/false, or text). */
function typed(text: string, kind: ValueKind, path: string, problems: DraftProblem[]): unknown {
  if (kind === "number") return parseNumber(text, path, problems);
  if (kind === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

function listOf(text: string): string[] {
  return text
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

function conditionJson(row: ConditionRow, fields: ConditionField[], path: string, problems: DraftProblem[]): unknown {
  if (row.mode === "json") {
    const value = parseJsonText(row.json, path, problems);
    if (value === undefined && row.json.trim() === "") problems.push({ path, message: "is empty: write a condition as JSON" });
    return value ?? {};
  }
  if (row.property.startsWith(RELATED_PREFIX)) {
    const ids = listOf(row.value);
    return {
      operator: "relatedTo",
      blueprint: row.property.slice(RELATED_PREFIX.length),
      value: ids.length === 1 ? ids[0] : ids,
      direction: "downstream",
    };
  }
  const { kind } = fieldNamed(fields, row.property);
  const op = row.operator;
  const at = `${path}.value`;
  if (NO_VALUE_OPERATORS.has(op)) return { property: row.property, operator: op };
  if (COMPARE_OPERATORS.has(op) && row.valueProperty !== "")
    return { property: row.property, operator: op, value: { property: row.valueProperty } };
  let value: unknown;
  if (LIST_OPERATORS.has(op)) value = listOf(row.value).map((v, i) => typed(v, kind, `${at}.${i}`, problems));
  else if (RANGE_OPERATORS.has(op))
    value = { from: typed(row.value, kind, `${at}.from`, problems), to: typed(row.valueTo, kind, `${at}.to`, problems) };
  else value = typed(row.value, kind, at, problems);
  return { property: row.property, operator: op, value };
}

function queryJson(q: QueryForm, extras: Record<string, unknown>, fields: ConditionField[], path: string, problems: DraftProblem[]) {
  return mergeOver(
    { combinator: q.combinator, conditions: q.conditions.map((c, j) => conditionJson(c, fields, `${path}.conditions.${j}`, problems)) },
    extras,
  );
}

function ruleJson(rule: RuleRow, fields: ConditionField[], path: string, problems: DraftProblem[]): Record<string, unknown> {
  const extras = parseMore(rule.more, path, problems);
  return mergeOver(
    {
      identifier: rule.identifier,
      title: rule.title,
      description: rule.description || undefined,
      level: rule.level,
      query: queryJson(rule.query, extrasAt(extras, "query"), fields, `${path}.query`, problems),
      weight: parseNumber(rule.weight, `${path}.weight`, problems),
    },
    extras,
  );
}

/**
 * The scorecard JSON a form describes, and the problems that kept parts of it out (these block saving).
 * `fields` are the blueprint's condition fields (they say how each value is typed).
 */
export function scorecardFromForm(
  form: ScorecardForm,
  fields: ConditionField[],
): { definition: Record<string, unknown>; problems: DraftProblem[] } {
  const problems: DraftProblem[] = [];
  const extras = parseMore(form.more, "", problems);
  const filterExtras = extrasAt(extras, "filter");
  const hasFilter = form.filter.conditions.length > 0 || Object.keys(filterExtras).length > 0;
  const definition = mergeOver(
    {
      identifier: form.identifier,
      title: form.title,
      description: form.description || undefined,
      filter: hasFilter ? queryJson(form.filter, filterExtras, fields, "filter", problems) : undefined,
      // Levels or rules only JSON could show stay in More while the form has no rows of its own.
      levels:
        form.levels.length > 0 || extras.levels === undefined
          ? form.levels.map((l) => mergeOver({ title: l.title, color: l.color || undefined }, {}))
          : undefined,
      rules:
        form.rules.length > 0 || extras.rules === undefined
          ? form.rules.map((r, i) => ruleJson(r, fields, `rules.${i}`, problems))
          : undefined,
    },
    extras,
  );
  return { definition, problems };
}

// JSON → form ----------------------------------------------------------------------------------------

function fits(v: unknown, kind: ValueKind): boolean {
  if (kind === "number") return typeof v === "number" && Number.isFinite(v);
  if (kind === "boolean") return typeof v === "boolean";
  return typeof v === "string";
}

/** A list element the comma-separated field can show exactly. */
function listable(v: unknown, kind: ValueKind): boolean {
  if (!fits(v, kind)) return false;
  return typeof v !== "string" || (v !== "" && v.trim() === v && !v.includes(","));
}

function onlyKeys(raw: Record<string, unknown>, allowed: string[]): boolean {
  return Object.keys(raw).every((k) => allowed.includes(k));
}

const blank = { value: "", valueTo: "", valueProperty: "", json: "" };

/** The simple row showing `raw`, or null when only JSON can show it exactly. */
function simpleRow(raw: Record<string, unknown>, fields: ConditionField[]): ConditionRow | null {
  const { operator: op, value } = raw;
  if (op === "relatedTo") {
    const ids = typeof value === "string" ? [value] : Array.isArray(value) && value.length > 1 ? value : null;
    if (!onlyKeys(raw, ["operator", "blueprint", "value", "direction"]) || raw.direction !== "downstream" || !isString(raw.blueprint))
      return null;
    if (!ids?.every((v) => listable(v, "string"))) return null;
    return { mode: "simple", ...blank, property: `${RELATED_PREFIX}${raw.blueprint}`, operator: op, value: ids.join(", ") };
  }
  if (!isString(raw.property) || !isString(op) || !onlyKeys(raw, ["property", "operator", "value"])) return null;
  const row = { mode: "simple" as const, ...blank, property: raw.property, operator: op };
  const { kind } = fieldNamed(fields, raw.property);
  if (NO_VALUE_OPERATORS.has(op)) return value === undefined ? row : null;
  if (COMPARE_OPERATORS.has(op) && isPlainObject(value) && onlyKeys(value, ["property"]) && isText(value.property)) {
    return { ...row, valueProperty: value.property };
  }
  if (LIST_OPERATORS.has(op)) {
    return Array.isArray(value) && value.length > 0 && value.every((v) => listable(v, kind)) ? { ...row, value: value.join(", ") } : null;
  }
  if (RANGE_OPERATORS.has(op)) {
    if (!isPlainObject(value) || !onlyKeys(value, ["from", "to"]) || !fits(value.from, kind) || !fits(value.to, kind)) return null;
    return { ...row, value: String(value.from), valueTo: String(value.to) };
  }
  return fits(value, kind) ? { ...row, value: String(value) } : null;
}

function conditionRow(raw: unknown, fields: ConditionField[]): ConditionRow {
  const row = isPlainObject(raw) ? simpleRow(raw, fields) : null;
  return row ?? { mode: "json", ...blank, property: "", operator: "", json: JSON.stringify(raw) };
}

/** Reads `{combinator, conditions}` into rows; other keys of the query stay in `rest`. */
function queryRows(rest: Leftovers, fields: ConditionField[]): QueryForm {
  const combinator = rest.take("combinator", isString) ?? "and";
  const conditions = rest.take("conditions", Array.isArray) ?? [];
  return { combinator, conditions: conditions.map((c) => conditionRow(c, fields)) };
}

function ruleRow(raw: unknown, fields: ConditionField[]): RuleRow {
  const rest = new Leftovers(raw);
  let query: QueryForm = { combinator: "and", conditions: [] };
  const identifier = rest.take("identifier", isString) ?? "";
  const title = rest.take("title", isString) ?? "";
  rest.nested("query", (q) => {
    query = queryRows(q, fields);
  });
  const weight = rest.take("weight", (v): v is number => typeof v === "number" && Number.isFinite(v));
  return {
    identifier,
    title,
    description: rest.text("description"),
    level: rest.take("level", isString) ?? "",
    weight: weight === undefined ? "" : String(weight),
    query,
    more: rest.json(),
  };
}

function isLevel(v: unknown): v is { title: string; color?: string } {
  return isPlainObject(v) && onlyKeys(v, ["title", "color"]) && isString(v.title) && (v.color === undefined || isText(v.color));
}

/**
 * The form showing a scorecard JSON (as the JSON pane holds it, or as the API returns it).
 *
 * @example scorecardFormFromJson(await getScorecard(db, "service", "readiness"), conditionFields(bp, all))
 */
export function scorecardFormFromJson(raw: Record<string, unknown>, fields: ConditionField[]): ScorecardForm {
  const rest = new Leftovers(raw);
  for (const stored of ["id", "blueprint", "version", "createdAt", "updatedAt", "createdBy", "updatedBy"]) delete rest.rest[stored];
  const identifier = rest.take("identifier", isString) ?? "";
  const title = rest.take("title", isString) ?? "";
  let filter: QueryForm = { combinator: "and", conditions: [] };
  rest.nested("filter", (f) => {
    filter = queryRows(f, fields);
  });
  // Without levels the domain stores Port's default four, so the form shows those.
  const listed = "levels" in rest.rest ? rest.take("levels", (v): v is unknown[] => Array.isArray(v) && v.every(isLevel)) : DEFAULT_LEVELS;
  const levels: LevelRow[] = (listed ?? []).map((l) => {
    const level = l as { title: string; color?: string };
    return { title: level.title, color: level.color ?? "" };
  });
  const rules = (rest.take("rules", Array.isArray) ?? []).map((r) => ruleRow(r, fields));
  return { identifier, title, description: rest.text("description"), filter, levels, rules, more: rest.json() };
}
