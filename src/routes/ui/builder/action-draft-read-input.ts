import { INPUT_FORMATS } from "../../../domain/actions/definition";
import { QUERY_OPERATORS } from "../../../domain/catalog/search/operators";
import {
  blankInput,
  DRAFT_INPUT_TYPES,
  type EnumRowDraft,
  type InputDraft,
  ITEM_TYPES,
  type QueryDraft,
  type RuleDraft,
} from "./action-draft";
import {
  isFiniteNumber,
  isJqQuery,
  isLineList,
  isNonEmptyString,
  isPlainObject,
  type JsonObject,
  Leftovers,
  leftoverText,
} from "./action-leftovers";
import { isBoolean, isString } from "./form-fields";

/**
 * One user input of a definition → the input card of the builder (and search queries → rule rows).
 * Every key is taken only when the card shows it exactly; the rest stays in the card's "kept as JSON" box.
 */

export function oneOf<T extends string>(values: readonly T[]) {
  return (value: unknown): value is T => typeof value === "string" && (values as readonly string[]).includes(value);
}

const isFalse = (value: unknown): value is false => value === false;
const isFormat = oneOf(INPUT_FORMATS);
const RULE_KEYS = new Set(["property", "operator", "value"]);

/** JSON as the builder's JSON boxes show it: scalars on one line, objects and lists indented. */
export function jsonText(value: unknown): string {
  return value !== null && typeof value === "object" ? JSON.stringify(value, null, 2) : JSON.stringify(value);
}

function ruleDraft(rule: unknown): RuleDraft {
  const simple =
    isPlainObject(rule) &&
    Object.keys(rule).every((k) => RULE_KEYS.has(k)) &&
    typeof rule.property === "string" &&
    oneOf(QUERY_OPERATORS)(rule.operator);
  if (!simple) return { kind: "json", property: "", operator: "=", valueMode: "text", value: jsonText(rule) };
  const base = { kind: "simple" as const, property: rule.property as string, operator: rule.operator as string };
  if (!Object.hasOwn(rule, "value")) return { ...base, valueMode: "none", value: "" };
  const value = rule.value;
  if (typeof value === "string") return { ...base, valueMode: "text", value };
  if (isJqQuery(value)) return { ...base, valueMode: "expression", value: value.jqQuery };
  return { ...base, valueMode: "json", value: jsonText(value) };
}

/**
 * A query (`{combinator, rules}`) read into rule rows; undefined when `key` holds no query the rows can
 * show (it then stays a leftover). With `searchType`, Port's `"type": "SEARCH"` is taken too.
 */
export function readQuery(read: Leftovers, key: string, searchType = false): (QueryDraft & { searchType: boolean }) | undefined {
  const raw = read.peek(key);
  if (!isPlainObject(raw) || !Array.isArray(raw.rules) || !oneOf(["and", "or"] as const)(raw.combinator)) return undefined;
  const query = read.child(key) as Leftovers;
  const combinator = query.take("combinator", oneOf(["and", "or"] as const)) ?? "and";
  const rules = (query.take("rules", Array.isArray) ?? []).map(ruleDraft);
  const type = searchType ? query.take("type", (v): v is "SEARCH" => v === "SEARCH") : undefined;
  return { enabled: true, combinator, rules, searchType: type !== undefined };
}

function enumRows(read: Leftovers, key: "enum", source: Leftovers, type: string): EnumRowDraft[] | undefined {
  const accept =
    type === "number"
      ? (v: unknown): v is unknown[] => Array.isArray(v) && v.length > 0 && v.every(isFiniteNumber)
      : type === "string"
        ? (v: unknown): v is unknown[] => Array.isArray(v) && v.length > 0 && v.every(isString)
        : (_v: unknown): _v is unknown[] => false;
  const values = source.take(key, accept);
  if (!values) return undefined;
  const texts = values.map(String);
  // Colours are shown beside their values, so they are taken only when each names one of the values.
  const colors = read.take(
    "enumColors",
    (v): v is Record<string, string> => isPlainObject(v) && Object.entries(v).every(([k, c]) => texts.includes(k) && isNonEmptyString(c)),
  );
  return texts.map((value) => ({ value, color: colors?.[value] ?? "" }));
}

function readNumbers(
  read: Leftovers,
  d: InputDraft,
  keys: readonly ("minLength" | "maxLength" | "minimum" | "maximum" | "minItems" | "maxItems")[],
) {
  for (const key of keys) {
    const n = read.take(key, isFiniteNumber);
    if (n !== undefined) d[key] = String(n);
  }
}

function readEntity(read: Leftovers, d: InputDraft, blueprintFrom: Leftovers): void {
  d.blueprint = blueprintFrom.take("blueprint", isNonEmptyString) ?? "";
  const dataset = readQuery(read, "dataset");
  if (dataset) d.dataset = { enabled: true, combinator: dataset.combinator, rules: dataset.rules };
}

function readString(read: Leftovers, d: InputDraft): void {
  d.format = read.take("format", isFormat) ?? "";
  d.secret = read.take("encryption", (v): v is "aes256-gcm" => v === "aes256-gcm") !== undefined;
  readNumbers(read, d, ["minLength", "maxLength"]);
  d.pattern = read.take("pattern", isNonEmptyString) ?? "";
  if (d.format === "entity") readEntity(read, d, read);
}

function readArray(read: Leftovers, d: InputDraft): void {
  readNumbers(read, d, ["minItems", "maxItems"]);
  const items = read.child("items");
  if (!items) return;
  d.itemType = items.take("type", oneOf(ITEM_TYPES.filter((t) => t !== ""))) ?? "";
  d.itemFormat = items.take("format", isFormat) ?? "";
  if (d.itemType === "string") d.itemPattern = items.take("pattern", isNonEmptyString) ?? "";
  const rows = enumRows(read, "enum", items, d.itemType);
  if (rows) {
    d.enumMode = "list";
    d.enumRows = rows;
  }
  if (d.itemFormat === "entity") readEntity(read, d, items);
}

function readConditions(read: Leftovers, d: InputDraft, listed: boolean | null): void {
  const visible = read.take("visible", (v): v is false | { jqQuery: string } => isFalse(v) || isJqQuery(v));
  if (visible === false) d.visible = "never";
  else if (visible) [d.visible, d.visibleExpr] = ["expression", visible.jqQuery];
  if (listed === true) d.required = "always";
  else {
    // An input's own required flag; when the input is also listed, the flag stays a leftover.
    const own = read.take("required", (v): v is boolean | { jqQuery: string } => isBoolean(v) || isJqQuery(v));
    if (typeof own === "boolean") [d.required, d.requiredOwn] = [own ? "always" : "never", true];
    else if (own) [d.required, d.requiredExpr] = ["expression", own.jqQuery];
  }
  const fallback = read.peek("default");
  if (isJqQuery(fallback)) [d.defaultMode, d.defaultValue] = ["expression", fallback.jqQuery];
  else if (typeof fallback === "string" && d.type === "string") [d.defaultMode, d.defaultValue] = ["text", fallback];
  else if (read.has("default")) [d.defaultMode, d.defaultValue] = ["json", jsonText(fallback)];
  read.take("default", (_v): _v is unknown => true);
  const dependsOn = read.take("dependsOn", (v): v is string[] => isLineList(v) && v.length > 0 && v.every((n) => /^[^,\s]+$/.test(n)));
  if (dependsOn) d.dependsOn = dependsOn.join(", ");
}

/**
 * The card for input `key`. `listed` says whether `userInputs.required` lists it (null when that is an
 * expression); `step` is the index of the wizard step that holds it ("" for none).
 */
export function inputDraftOf(key: string, raw: JsonObject, listed: boolean | null, step: string): InputDraft {
  const read = new Leftovers(raw);
  const d = blankInput(key, step);
  d.type = read.take("type", oneOf(DRAFT_INPUT_TYPES)) ?? "string";
  d.title = read.take("title", isNonEmptyString) ?? "";
  d.description = read.take("description", isNonEmptyString) ?? "";
  d.icon = read.take("icon", isNonEmptyString) ?? "";
  if (d.type === "string") readString(read, d);
  if (d.type === "number") readNumbers(read, d, ["minimum", "maximum"]);
  if (d.type === "array") readArray(read, d);
  if (d.type === "string" || d.type === "number") {
    const rows = enumRows(read, "enum", read, d.type);
    if (rows) [d.enumMode, d.enumRows] = ["list", rows];
  }
  const enumExpr = read.take("enum", isJqQuery);
  if (enumExpr) [d.enumMode, d.enumExpr] = ["expression", enumExpr.jqQuery];
  readConditions(read, d, listed);
  d.extra = leftoverText(read.remaining());
  return d;
}
