import { indexedCalculations } from "../../../domain/catalog/derived/indexed-calculations";
import type { Blueprint, PropertyDefinition } from "../../../domain/catalog/types";

/**
 * What a scorecard condition may test on a blueprint, and with which operators: the same choices the
 * query language (domain/catalog/search/query.ts) accepts for each kind of value, so the builder offers
 * nothing a save would refuse.
 */

/** How a value is typed into a condition and compared. */
export type ValueKind = "string" | "number" | "boolean" | "instant";

export interface ConditionField {
  /** The condition's `property` (or `relatedTo:<blueprint>` for a relation). */
  value: string;
  label: string;
  group: "Meta" | "Properties" | "Derived" | "Relations";
  kind: ValueKind;
  operators: string[];
}

/** Operators that take no value. */
export const NO_VALUE_OPERATORS = new Set(["isEmpty", "isNotEmpty", "isExpired", "isNotExpired"]);
/** Operators whose value is a list (typed comma-separated). */
export const LIST_OPERATORS = new Set(["in", "notIn", "containsAny"]);
/** Operators whose value is a range {from, to}. */
export const RANGE_OPERATORS = new Set(["between", "notBetween"]);
/** Operators that may compare with another property of the entity instead of a value. */
export const COMPARE_OPERATORS = new Set(["=", "!=", ">", ">=", "<", "<="]);

export const RELATED_PREFIX = "relatedTo:";

export const OPERATOR_LABELS: Record<string, string> = {
  "=": "= equals",
  "!=": "≠ does not equal",
  ">": "> greater than",
  ">=": "≥ at least",
  "<": "< less than",
  "<=": "≤ at most",
  in: "is one of",
  notIn: "is none of",
  contains: "contains",
  doesNotContains: "does not contain",
  beginsWith: "begins with",
  doesNotBeginsWith: "does not begin with",
  endsWith: "ends with",
  doesNotEndsWith: "does not end with",
  containsAny: "contains any of",
  between: "is between",
  notBetween: "is not between",
  isEmpty: "is empty",
  isNotEmpty: "is not empty",
  isExpired: "has expired",
  isNotExpired: "has not expired",
  relatedTo: "is related to",
};

const BY_KIND: Record<ValueKind, string[]> = {
  string: [
    "=",
    "!=",
    "in",
    "notIn",
    "contains",
    "doesNotContains",
    "beginsWith",
    "doesNotBeginsWith",
    "endsWith",
    "doesNotEndsWith",
    "containsAny",
  ],
  number: ["=", "!=", ">", ">=", "<", "<=", "in", "notIn", "between", "notBetween"],
  boolean: ["=", "!="],
  instant: ["=", "!=", ">", ">=", "<", "<=", "between", "notBetween"],
};
const PRESENCE = ["isEmpty", "isNotEmpty"];

function kindOf(type: string | undefined, format: string | undefined): ValueKind {
  if (type === "number") return "number";
  if (type === "boolean") return "boolean";
  return format === "date-time" || format === "timer" ? "instant" : "string";
}

function propertyKind(def: PropertyDefinition | undefined): { kind: ValueKind; format: string | undefined } {
  const type = def?.type === "array" ? def.items?.type : def?.type;
  const format = def?.type === "array" ? def.items?.format : def?.format;
  return { kind: kindOf(type, format), format };
}

function metaFields(): ConditionField[] {
  const meta = (value: string, label: string, kind: ValueKind, extra: string[] = []): ConditionField => ({
    value,
    label,
    group: "Meta",
    kind,
    operators: [...BY_KIND[kind], ...extra],
  });
  return [
    meta("$identifier", "Identifier", "string"),
    meta("$title", "Title", "string", PRESENCE),
    meta("$team", "Team", "string", PRESENCE),
    meta("$createdAt", "Created at", "instant"),
    meta("$updatedAt", "Updated at", "instant"),
    meta("$createdBy", "Created by", "string"),
    meta("$updatedBy", "Updated by", "string"),
  ];
}

function schemaFields(bp: Blueprint): ConditionField[] {
  return Object.entries(bp.schema.properties).map(([key, def]) => {
    const { kind, format } = propertyKind(def);
    const scalar = def.type !== "object" && def.items?.type !== "object";
    const operators = [...(scalar ? BY_KIND[kind] : []), ...PRESENCE, ...(format === "timer" ? ["isExpired", "isNotExpired"] : [])];
    return { value: key, label: def.title ? `${def.title} (${key})` : key, group: "Properties", kind, operators };
  });
}

/** Mirror, indexed calculation and SQL-computable aggregation properties: value tests only, no emptiness. */
function derivedFields(bp: Blueprint, all: Map<string, Blueprint>): ConditionField[] {
  const out: ConditionField[] = [];
  const field = (value: string, title: unknown, kind: ValueKind): ConditionField => ({
    value,
    label: typeof title === "string" && title ? `${title} (${value})` : value,
    group: "Derived",
    kind,
    operators: BY_KIND[kind],
  });
  for (const [key, mirror] of Object.entries(bp.mirrorProperties)) {
    const parts = mirror.path.split(".");
    const last = parts.pop() ?? "";
    let target: Blueprint | undefined = bp;
    for (const rel of parts) target = all.get(target?.relations[rel]?.target ?? "");
    const kind = last === "$createdAt" || last === "$updatedAt" ? "instant" : propertyKind(target?.schema.properties[last]).kind;
    out.push(field(key, mirror.title, kind));
  }
  for (const [key, calc] of indexedCalculations(bp)) {
    out.push(field(key, bp.calculationProperties[key]?.title, kindOf(String(calc.type ?? "string"), String(calc.format ?? ""))));
  }
  for (const [key, agg] of Object.entries(bp.aggregationProperties)) {
    const func = (agg.calculationSpec as { func?: unknown } | undefined)?.func ?? "count";
    if (func !== "median") out.push(field(key, agg.title, "number"));
  }
  return out;
}

function relationFields(bp: Blueprint, all: Map<string, Blueprint>): ConditionField[] {
  const targets = new Map<string, string[]>();
  for (const [key, rel] of Object.entries(bp.relations)) targets.set(rel.target, [...(targets.get(rel.target) ?? []), key]);
  return [...targets].map(([target, keys]) => ({
    value: `${RELATED_PREFIX}${target}`,
    label: `${all.get(target)?.title ?? target} entity (via ${keys.join(", ")})`,
    group: "Relations",
    kind: "string",
    operators: ["relatedTo"],
  }));
}

/**
 * Everything a condition on `bp` may name, grouped for a select.
 *
 * @example conditionFields(service, all).find((f) => f.value === "replicas")?.operators // ["=", "!=", ">", …]
 */
export function conditionFields(bp: Blueprint, all: Map<string, Blueprint>): ConditionField[] {
  return [...metaFields(), ...schemaFields(bp), ...derivedFields(bp, all), ...relationFields(bp, all)];
}

/** The field a condition names; an unknown name is offered as typed text so it can still be shown and fixed. */
export function fieldNamed(fields: ConditionField[], value: string): ConditionField {
  return (
    fields.find((f) => f.value === value) ?? {
      value,
      label: `${value} (not on this blueprint)`,
      group: "Properties",
      kind: "string",
      operators: [...BY_KIND.string, ...PRESENCE],
    }
  );
}
