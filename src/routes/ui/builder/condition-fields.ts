import { indexedCalculations } from "../../../domain/catalog/derived/indexed-calculations";
import {
  OPERATOR_PHRASES,
  PRESENCE_OPERATORS,
  QUERY_OPERATORS,
  TIMER_OPERATORS,
  VALUE_OPERATORS,
  type ValueKind,
  valueKindOf,
} from "../../../domain/catalog/search/operators";
import type { Blueprint, PropertyDefinition } from "../../../domain/catalog/types";

/**
 * What a scorecard condition may test on a blueprint, and with which operators: the same choices the
 * query language accepts for each kind of value (domain/catalog/search/operators.ts), so the builder offers
 * nothing a save would refuse.
 */

export interface ConditionField {
  /** The condition's `property` (or `relatedTo:<blueprint>` for a relation). */
  value: string;
  label: string;
  group: "Meta" | "Properties" | "Derived" | "Relations";
  kind: ValueKind;
  operators: string[];
}

export const RELATED_PREFIX = "relatedTo:";

/** Comparisons lead with their symbol, the way conditions are read back in JSON. */
const SYMBOLS: Record<string, string> = { "=": "=", "!=": "≠", ">": ">", ">=": "≥", "<": "<", "<=": "≤" };

export const OPERATOR_LABELS: Record<string, string> = {
  ...Object.fromEntries(QUERY_OPERATORS.map((o) => [o, SYMBOLS[o] ? `${SYMBOLS[o]} ${OPERATOR_PHRASES[o]}` : OPERATOR_PHRASES[o]])),
  relatedTo: "is related to",
};

function metaFields(): ConditionField[] {
  const meta = (value: string, label: string, kind: ValueKind, extra: readonly string[] = []): ConditionField => ({
    value,
    label,
    group: "Meta",
    kind,
    operators: [...VALUE_OPERATORS[kind], ...extra],
  });
  return [
    meta("$identifier", "Identifier", "string"),
    meta("$title", "Title", "string", PRESENCE_OPERATORS),
    meta("$team", "Team", "string", PRESENCE_OPERATORS),
    meta("$createdAt", "Created at", "instant"),
    meta("$updatedAt", "Updated at", "instant"),
    meta("$createdBy", "Created by", "string"),
    meta("$updatedBy", "Updated by", "string"),
  ];
}

function schemaFields(bp: Blueprint): ConditionField[] {
  return Object.entries(bp.schema.properties).map(([key, def]) => {
    const { kind, format } = valueKindOf(def);
    const scalar = def.type !== "object" && def.items?.type !== "object";
    const operators = [...(scalar ? VALUE_OPERATORS[kind] : []), ...PRESENCE_OPERATORS, ...(format === "timer" ? TIMER_OPERATORS : [])];
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
    operators: [...VALUE_OPERATORS[kind]],
  });
  for (const [key, mirror] of Object.entries(bp.mirrorProperties)) {
    const parts = mirror.path.split(".");
    const last = parts.pop() ?? "";
    let target: Blueprint | undefined = bp;
    for (const rel of parts) target = all.get(target?.relations[rel]?.target ?? "");
    const kind = last === "$createdAt" || last === "$updatedAt" ? "instant" : valueKindOf(target?.schema.properties[last]).kind;
    out.push(field(key, mirror.title, kind));
  }
  for (const [key, calc] of indexedCalculations(bp)) {
    out.push(field(key, bp.calculationProperties[key]?.title, calculationKind(calc)));
  }
  for (const [key, agg] of Object.entries(bp.aggregationProperties)) {
    const func = (agg.calculationSpec as { func?: unknown } | undefined)?.func ?? "count";
    if (func !== "median") out.push(field(key, agg.title, "number"));
  }
  return out;
}

function calculationKind(calc: { type?: unknown; format?: unknown }): ValueKind {
  return valueKindOf({ type: String(calc.type ?? "string") as PropertyDefinition["type"], format: String(calc.format ?? "") }).kind;
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
      operators: [...VALUE_OPERATORS.string, ...PRESENCE_OPERATORS],
    }
  );
}
