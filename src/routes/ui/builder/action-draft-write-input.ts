import type { ErrorDetail } from "../../../lib/errors";
import type { EnumRowDraft, InputDraft, QueryDraft, RuleDraft } from "./action-draft";
import { deepMerge, isPlainObject, type JsonObject } from "./action-leftovers";

/**
 * One input card of the builder → the user input of the definition (and rule rows → a search query).
 * Text that cannot be read (bad JSON, a number that is not one) is a problem located at the card's field
 * (its slot, e.g. `inputs.2.defaultValue`), which the editor shows beside that field.
 */

/** Collects the fields whose text cannot be read, by slot. */
export class FieldProblems {
  readonly list: ErrorDetail[] = [];

  add(slot: string, message: string): void {
    this.list.push({ path: slot, message });
  }

  json(text: string, slot: string): unknown {
    try {
      return JSON.parse(text);
    } catch (error) {
      this.add(slot, `is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
      return undefined;
    }
  }

  /** A number typed in a field ("" = left out). */
  number(text: string, slot: string): number | undefined {
    if (text.trim() === "") return undefined;
    const n = Number(text.trim());
    if (Number.isFinite(n)) return n;
    this.add(slot, "must be a number");
    return undefined;
  }

  /** A "kept as JSON" box: an object merged into what the fields wrote. */
  merge(base: JsonObject, text: string, slot: string): JsonObject {
    if (text.trim() === "") return base;
    const extra = this.json(text, slot);
    if (extra === undefined) return base;
    if (!isPlainObject(extra)) {
      this.add(slot, "must be a JSON object");
      return base;
    }
    return deepMerge(base, extra) as JsonObject;
  }
}

/** One-per-line text → its non-empty lines. */
export function linesOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

function ruleOf(rule: RuleDraft, slot: string, problems: FieldProblems): unknown {
  if (rule.kind === "json") return problems.json(rule.value, `${slot}.value`);
  const out: JsonObject = { property: rule.property, operator: rule.operator };
  if (rule.valueMode === "text") out.value = rule.value;
  else if (rule.valueMode === "expression") out.value = { jqQuery: rule.value };
  else if (rule.valueMode === "json") out.value = problems.json(rule.value, `${slot}.value`);
  return out;
}

/** The query of a rule editor (`slot` names it, e.g. `condition`). */
export function queryOf(query: QueryDraft, slot: string, problems: FieldProblems): JsonObject {
  return { combinator: query.combinator, rules: query.rules.map((r, i) => ruleOf(r, `${slot}.rules.${i}`, problems)) };
}

function enumOf(rows: EnumRowDraft[], type: string, slot: string, problems: FieldProblems) {
  const values = rows.map((row, j) => (type === "number" ? problems.number(row.value, `${slot}.enumRows.${j}.value`) : row.value));
  const colored = rows.filter((row) => row.color.trim() !== "");
  const colors = colored.length > 0 ? Object.fromEntries(colored.map((row) => [row.value, row.color.trim()])) : undefined;
  return { values, colors };
}

function constraints(d: InputDraft, keys: readonly (keyof InputDraft)[], slot: string, problems: FieldProblems): JsonObject {
  const out: JsonObject = {};
  for (const key of keys) {
    const n = problems.number(d[key] as string, `${slot}.${key}`);
    if (n !== undefined) out[key] = n;
  }
  return out;
}

function typed(d: InputDraft, slot: string, problems: FieldProblems): JsonObject {
  const out: JsonObject = {};
  const list = d.enumMode === "list" ? enumOf(d.enumRows, d.type === "array" ? d.itemType : d.type, slot, problems) : undefined;
  const entity = d.type === "string" ? d.format === "entity" : d.type === "array" && d.itemFormat === "entity";
  if (d.type === "string") {
    if (d.format) out.format = d.format;
    if (entity && d.blueprint) out.blueprint = d.blueprint;
    if (d.secret) out.encryption = "aes256-gcm";
    Object.assign(out, constraints(d, ["minLength", "maxLength"], slot, problems));
    if (d.pattern) out.pattern = d.pattern;
  } else if (d.type === "number") {
    Object.assign(out, constraints(d, ["minimum", "maximum"], slot, problems));
  } else if (d.type === "array") {
    Object.assign(out, constraints(d, ["minItems", "maxItems"], slot, problems));
    if (d.itemType) {
      const items: JsonObject = { type: d.itemType };
      if (d.itemFormat) items.format = d.itemFormat;
      if (entity && d.blueprint) items.blueprint = d.blueprint;
      if (d.itemType === "string" && d.itemPattern) items.pattern = d.itemPattern;
      if (list) items.enum = list.values;
      out.items = items;
    } else if (list) problems.add(`${slot}.itemType`, "choose the items' type to list allowed values");
  }
  if (list && d.type !== "array") out.enum = list.values;
  if (list?.colors && ["string", "number", "array"].includes(d.type)) out.enumColors = list.colors;
  if (d.enumMode === "expression") out.enum = { jqQuery: d.enumExpr };
  if (entity && d.dataset.enabled) out.dataset = queryOf(d.dataset, `${slot}.dataset`, problems);
  return out;
}

function conditions(d: InputDraft, listExpression: boolean, slot: string, problems: FieldProblems): JsonObject {
  const out: JsonObject = {};
  if (d.visible === "never") out.visible = false;
  if (d.visible === "expression") out.visible = { jqQuery: d.visibleExpr };
  if (d.required === "expression") out.required = { jqQuery: d.requiredExpr };
  // "Always" is a member of userInputs.required unless that is an expression (or the input used its own flag).
  else if (d.requiredOwn || listExpression) {
    if (d.required === "always") out.required = true;
    else if (d.requiredOwn) out.required = false;
  }
  if (d.defaultMode === "text") out.default = d.defaultValue;
  if (d.defaultMode === "expression") out.default = { jqQuery: d.defaultValue };
  if (d.defaultMode === "json") {
    const value = problems.json(d.defaultValue, `${slot}.defaultValue`);
    if (value !== undefined) out.default = value;
  }
  const dependsOn = d.dependsOn
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "");
  if (dependsOn.length > 0) out.dependsOn = dependsOn;
  return out;
}

/** Does "Always" on this card list the input in `userInputs.required`? */
export function listedAsRequired(d: InputDraft, listExpression: boolean): boolean {
  return d.required === "always" && !d.requiredOwn && !listExpression;
}

/** The user input a card describes (`slot` is the card's, e.g. `inputs.2`). */
export function userInputOf(d: InputDraft, listExpression: boolean, slot: string, problems: FieldProblems): JsonObject {
  const out: JsonObject = { type: d.type };
  if (d.title) out.title = d.title;
  if (d.description) out.description = d.description;
  if (d.icon) out.icon = d.icon;
  Object.assign(out, typed(d, slot, problems), conditions(d, listExpression, slot, problems));
  return problems.merge(out, d.extra, `${slot}.extra`);
}
