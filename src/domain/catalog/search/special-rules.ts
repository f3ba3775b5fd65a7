import type { ErrorDetail } from "../../../lib/errors";
import type { Blueprint } from "../types";
import type { Filter } from "./filter";

/**
 * Two rules beyond Port's query language, kept out of query.ts: comparing two properties of the same
 * entity, and testing an entity's scorecard level.
 */

type Comparison = { op: "=" | "<>" | ">" | ">=" | "<" | "<="; negate: boolean };

// `!=` is a real <> test: an entity missing either property matches no comparison, != included.
// No prototype: looked up by the operator a query sends (`toString` answered 500).
const COMPARISONS: Record<string, Comparison> = Object.assign(Object.create(null), {
  "=": { op: "=", negate: false },
  "!=": { op: "<>", negate: false },
  ">": { op: ">", negate: false },
  ">=": { op: ">=", negate: false },
  "<": { op: "<", negate: false },
  "<=": { op: "<=", negate: false },
} satisfies Record<string, Comparison>);

/** A rule value naming another property: `{"property": "minReplicas"}`. */
export function isPropertyReference(value: unknown): value is { property: string } {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { property?: unknown }).property === "string"
  );
}

function fieldOf(bp: Blueprint, property: string): "num" | "str" | null {
  const def = bp.schema.properties[property];
  if (!def) return null;
  const type = def.type === "array" ? def.items?.type : def.type;
  return type === "number" ? "num" : type === "string" || type === "boolean" ? "str" : null;
}

/** `{property: a, operator, value: {property: b}}`: a compared with b on the same entity (missing values never match). */
export function compareRule(blueprints: Blueprint[], left: string, operator: string, right: string, p: string): Filter | ErrorDetail {
  const comparison = COMPARISONS[operator];
  if (!comparison) return { path: `${p}.operator`, message: "comparing two properties takes =, !=, >, >=, < or <=" };
  const fields = blueprints.flatMap((b) => {
    const l = fieldOf(b, left);
    const r = fieldOf(b, right);
    return l && r ? [{ blueprint: b.identifier, l, r }] : [];
  });
  if (fields.length === 0)
    return { path: `${p}.value.property`, message: `'${left}' and '${right}' are not both scalar properties of the blueprint` };
  const first = fields[0] as { l: "num" | "str"; r: "num" | "str" };
  if (fields.some((f) => f.l !== first.l || f.r !== first.l)) {
    return { path: `${p}.value.property`, message: `'${left}' and '${right}' hold different kinds of values (number vs text)` };
  }
  return { kind: "compare", blueprints: fields.map((f) => f.blueprint), left, right, field: first.l, ...comparison };
}

/** `{scorecard: "production_readiness", operator: "=" | "!=" | "in" | "notIn", value: "Gold" | [...]}`. */
export function scorecardRule(blueprints: Blueprint[], rule: Record<string, unknown>, p: string): Filter | ErrorDetail {
  if (typeof rule.scorecard !== "string") return { path: `${p}.scorecard`, message: "must name a scorecard" };
  const negate = rule.operator === "!=" || rule.operator === "notIn";
  if (!["=", "!=", "in", "notIn"].includes(String(rule.operator))) return { path: `${p}.operator`, message: "must be =, !=, in or notIn" };
  const levels = Array.isArray(rule.value) ? rule.value : [rule.value];
  if (levels.length === 0 || !levels.every((l) => typeof l === "string"))
    return { path: `${p}.value`, message: "must be a level title or a list of them" };
  return {
    kind: "scorecard",
    blueprints: blueprints.map((b) => b.identifier),
    scorecard: rule.scorecard,
    levels: levels as string[],
    negate,
  };
}

export function isFilter(value: Filter | ErrorDetail): value is Filter {
  return "kind" in value;
}
