import { type ErrorDetail, invalid } from "../../../lib/errors";
import type { ReadScope } from "../../access/decisions";
import { indexedCalculations } from "../derived/indexed-calculations";
import type { Blueprint, PropertyDefinition } from "../types";
import { canonicalInstant, DATE_PRESETS } from "./date-presets";
import type { AggregateSpec, EntityColumn, Filter, Test } from "./filter";
import { VALUE_OPERATORS, type ValueKind, valueKindOf } from "./operators";
import { compareRule, isFilter, isPropertyReference, scorecardRule } from "./special-rules";

/** What resolving a query needs to know. */
export interface QueryContext {
  /** Blueprints the query may touch (one for a blueprint-scoped search). */
  blueprints: Blueprint[];
  /** Every blueprint (relation definitions, for `relatedTo` with `required`). */
  allBlueprints: Blueprint[];
  /** The caller's read scope per blueprint (mirror rules only match values the caller may read). */
  scopes?: Map<string, ReadScope> | undefined;
  /** The caller, for `{context: "user" | "userTeams"}` values. */
  user: { email: string; teams: string[] };
  now: Date;
}

// No prototype: looked up by the property a query names, and `toString` must not be a column.
const META_COLUMNS: Record<string, EntityColumn> = Object.assign(Object.create(null), {
  $identifier: "identifier",
  $title: "title",
  $blueprint: "blueprint",
  $createdAt: "created_at",
  $updatedAt: "updated_at",
  $createdBy: "created_by",
  $updatedBy: "updated_by",
});
const INSTANT_COLUMNS = new Set<EntityColumn>(["created_at", "updated_at"]);
const MAX_DEPTH = 10;
// D1 binds at most 100 parameters per statement and a rule binds about three.
const MAX_RULES = 25;

type Scalar = string | number;

/**
 * Resolves Port's query (`{combinator, rules}`, rules nesting) into a Filter, or throws a 400 whose
 * details name each bad rule by path (`query.rules.1.rules.0.value`).
 */
export function resolveQuery(raw: unknown, ctx: QueryContext, path = "query"): Filter {
  const problems: ErrorDetail[] = [];
  let count = 0;
  const fail = (p: string, message: string): Filter => {
    problems.push({ path: p, message });
    return { kind: "none" };
  };

  const group = (node: Record<string, unknown>, p: string, depth: number): Filter => {
    if (depth > MAX_DEPTH) return fail(p, `nests deeper than ${MAX_DEPTH} levels`);
    const combinator = node.combinator;
    if (combinator !== "and" && combinator !== "or") return fail(`${p}.combinator`, "must be and or or");
    if (!Array.isArray(node.rules)) return fail(`${p}.rules`, "must be a list of rules");
    const items = node.rules.map((r, i) => rule(r, `${p}.rules.${i}`, depth + 1));
    if (items.length === 0) return combinator === "and" ? { kind: "all" } : { kind: "none" };
    return { kind: combinator, items };
  };

  const rule = (node: unknown, p: string, depth: number): Filter => {
    if (++count > MAX_RULES) return fail(p, `a query may hold at most ${MAX_RULES} rules`);
    if (typeof node !== "object" || node === null || Array.isArray(node)) return fail(p, "must be a rule object");
    const r = node as Record<string, unknown>;
    if ("combinator" in r) return group(r, p, depth);
    if (r.operator === "relatedTo") return related(r, p);
    if ("scorecard" in r) return special(scorecardRule(ctx.blueprints, r, p));
    if (typeof r.property !== "string") return fail(`${p}.property`, "must name a property or a meta-property such as $identifier");
    if (typeof r.operator !== "string") return fail(`${p}.operator`, "is required");
    return propertyRule(r.property, r.operator, contextual(r.value, `${p}.value`), p);
  };

  const contextual = (value: unknown, p: string): unknown => {
    if (typeof value !== "object" || value === null || !("context" in value)) return value;
    const v = value as { context?: unknown; property?: unknown };
    if (v.context === "userTeams") return ctx.user.teams;
    if (v.context === "user") {
      if (v.property === "$team") return ctx.user.teams;
      if (v.property === undefined || v.property === "$identifier" || v.property === "email") return ctx.user.email;
      problems.push({ path: `${p}.property`, message: "user context offers $identifier (email) and $team" });
      return null;
    }
    problems.push({ path: `${p}.context`, message: "must be user or userTeams" });
    return null;
  };

  const related = (r: Record<string, unknown>, p: string): Filter => {
    if (typeof r.blueprint !== "string") return fail(`${p}.blueprint`, "must name the blueprint of the related entity");
    const ids =
      typeof r.value === "string"
        ? [r.value]
        : Array.isArray(r.value) && r.value.every((v) => typeof v === "string")
          ? (r.value as string[])
          : null;
    if (!ids || ids.length === 0) return fail(`${p}.value`, "must be an identifier or a list of identifiers");
    const direction = r.direction ?? "both";
    if (direction !== "upstream" && direction !== "downstream" && direction !== "both")
      return fail(`${p}.direction`, "must be upstream or downstream");
    if (r.required !== undefined && typeof r.required !== "boolean") return fail(`${p}.required`, "must be true or false");
    if (r.required === undefined) return { kind: "related", blueprint: r.blueprint, identifiers: ids, direction };
    // Port's `required`: walk only relations declared required (true) or optional (false).
    const relations = [
      ...new Set(
        ctx.allBlueprints.flatMap((b) =>
          Object.entries(b.relations)
            .filter(([, d]) => d.required === r.required)
            .map(([k]) => k),
        ),
      ),
    ];
    return { kind: "related", blueprint: r.blueprint, identifiers: ids, direction, relations };
  };

  const propertyRule = (property: string, operator: string, value: unknown, p: string): Filter => {
    const column = META_COLUMNS[property];
    if (column) return columnRule(column, operator, value, p);
    const blueprints =
      property === "$team"
        ? ctx.blueprints.map((b) => b.identifier)
        : ctx.blueprints.filter((b) => property in b.schema.properties).map((b) => b.identifier);
    if (blueprints.length === 0) {
      const derived =
        mirrorRule(property, operator, value, p) ??
        aggregateRule(property, operator, value, p) ??
        calculationRule(property, operator, value, p);
      return derived ?? fail(`${p}.property`, `'${property}' is not a property of ${describeScope(ctx)}`);
    }
    const def: PropertyDefinition | undefined = ctx.blueprints.find((b) => b.schema.properties[property])?.schema.properties[property];
    const { kind, format } = valueKindOf(def);
    if ((operator === "isEmpty" || operator === "isNotEmpty") && property === "$team") {
      // Teams live in the value index, not in properties: "has any $team row".
      return { kind: "values", property, blueprints, field: "str", test: { op: ">=", value: "", negate: operator === "isEmpty" } };
    }
    if (operator === "isEmpty" || operator === "isNotEmpty")
      return { kind: "present", property, blueprints, present: operator === "isNotEmpty" };
    if (operator === "isExpired" || operator === "isNotExpired") {
      if (format !== "timer") return fail(`${p}.operator`, `${operator} applies to timer properties; '${property}' is not one`);
      const now = ctx.now.toISOString();
      return operator === "isExpired"
        ? { kind: "values", property, blueprints, field: "str", test: { op: "<=", value: now, negate: false } }
        : { kind: "values", property, blueprints, field: "str", test: { op: ">", value: now, negate: false } };
    }
    if (isPropertyReference(value)) return special(compareRule(ctx.blueprints, property, operator, value.property, p));
    const test = buildTest(operator, value, kind, p);
    return test ? { kind: "values", property, blueprints, field: kind === "number" ? "num" : "str", test } : { kind: "none" };
  };

  const special = (result: Filter | ErrorDetail): Filter => (isFilter(result) ? result : fail(result.path, result.message));

  /** A rule on a mirror property becomes a test on the entity at the end of the mirror's relation path. */
  const mirrorRule = (property: string, operator: string, value: unknown, p: string): Filter | null => {
    const owner = ctx.blueprints.find((b) => b.mirrorProperties[property]);
    const mirror = owner?.mirrorProperties[property];
    if (!owner || !mirror) return null;
    const parts = mirror.path.split(".");
    const field = parts.pop() as string;
    let current: Blueprint | undefined = owner;
    for (const rel of parts) current = ctx.allBlueprints.find((b) => b.identifier === current?.relations[rel]?.target);
    const targetScope: ReadScope = (current && ctx.scopes?.get(current.identifier)) ?? { kind: "all" };
    const column = META_COLUMNS[field];
    if (column) {
      const test = buildTest(operator, value, INSTANT_COLUMNS.has(column) ? "instant" : "string", p);
      return test
        ? { kind: "mirror", blueprints: [owner.identifier], path: parts, target: { column }, targetScope, test }
        : { kind: "none" };
    }
    const def = current?.schema.properties[field];
    const { kind } = valueKindOf(def);
    const test = buildTest(operator, value, kind, p);
    return test
      ? {
          kind: "mirror",
          targetScope,
          blueprints: [owner.identifier],
          path: parts,
          target: { property: field, field: kind === "number" ? "num" : "str" },
          test,
        }
      : { kind: "none" };
  };

  /** A rule on an aggregation property: a number test on the value the query computes. */
  const aggregateRule = (property: string, operator: string, value: unknown, p: string): Filter | null => {
    const owner = ctx.blueprints.find((b) => b.aggregationProperties[property]);
    if (!owner) return null;
    const spec = aggregateSpecOf(owner, property, ctx);
    if (typeof spec === "string") return fail(`${p}.property`, spec);
    const test = buildTest(operator, value, "number", p);
    return test ? { kind: "aggregate", blueprints: [owner.identifier], aggregate: spec, test } : { kind: "none" };
  };

  /** A rule on a calculation: its values are indexed at write time when it reads only stored fields. */
  const calculationRule = (property: string, operator: string, value: unknown, p: string): Filter | null => {
    const owner = ctx.blueprints.find((b) => b.calculationProperties[property]);
    if (!owner) return null;
    if (!indexedCalculations(owner).some(([k]) => k === property)) {
      return fail(`${p}.property`, `'${property}' reads other derived properties, so it can be read but not used in search rules or sorts`);
    }
    const calc = owner.calculationProperties[property] as { type?: string; format?: string };
    const { kind } = valueKindOf({ type: (calc.type ?? "string") as PropertyDefinition["type"], format: calc.format });
    if (operator === "isEmpty" || operator === "isNotEmpty") return fail(`${p}.operator`, `${operator} does not apply to calculations`);
    const test = buildTest(operator, value, kind, p);
    return test
      ? { kind: "values", property, blueprints: [owner.identifier], field: kind === "number" ? "num" : "str", test }
      : { kind: "none" };
  };

  const columnRule = (column: EntityColumn, operator: string, value: unknown, p: string): Filter => {
    if (operator === "isEmpty" || operator === "isNotEmpty") {
      if (column !== "title") return fail(`${p}.operator`, `${operator} applies to $title among meta-properties`);
      return { kind: "column", column, test: { op: "=", value: "", negate: operator === "isNotEmpty" } };
    }
    const test = buildTest(operator, value, INSTANT_COLUMNS.has(column) ? "instant" : "string", p);
    return test ? { kind: "column", column, test } : { kind: "none" };
  };

  const scalar = (v: unknown, kind: ValueKind, p: string): Scalar | null => {
    if (kind === "number") {
      if (typeof v === "number" && Number.isFinite(v)) return v;
      problems.push({ path: p, message: "must be a number" });
      return null;
    }
    if (kind === "boolean") {
      if (typeof v === "boolean") return v ? "true" : "false";
      problems.push({ path: p, message: "must be true or false" });
      return null;
    }
    if (kind === "instant") {
      const instant = canonicalInstant(v);
      if (instant) return instant;
      problems.push({ path: p, message: "must be an ISO 8601 date or date-time" });
      return null;
    }
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    problems.push({ path: p, message: "must be a string" });
    return null;
  };

  const list = (v: unknown, kind: ValueKind, p: string): Scalar[] | null => {
    if (!Array.isArray(v)) {
      problems.push({ path: p, message: "must be a list of values" });
      return null;
    }
    const out = v.map((x, i) => scalar(x, kind, `${p}.${i}`));
    return out.every((x) => x !== null) ? (out as Scalar[]) : null;
  };

  const buildTest = (operator: string, value: unknown, kind: ValueKind, p: string): Test | null => {
    const vp = `${p}.value`;
    switch (operator) {
      case "=":
      case "!=": {
        if (Array.isArray(value)) {
          const values = list(value, kind, vp);
          return values ? { op: "in", values, negate: operator === "!=" } : null;
        }
        const v = scalar(value, kind, vp);
        return v === null ? null : { op: "=", value: v, negate: operator === "!=" };
      }
      case ">":
      case ">=":
      case "<":
      case "<=": {
        if (!VALUE_OPERATORS[kind].includes(operator)) {
          problems.push({ path: `${p}.operator`, message: `${operator} compares numbers and dates` });
          return null;
        }
        const v = scalar(value, kind, vp);
        return v === null ? null : { op: operator, value: v, negate: false };
      }
      case "in":
      case "notIn": {
        const values = list(typeof value === "string" ? [value] : value, kind, vp);
        return values ? { op: "in", values, negate: operator === "notIn" } : null;
      }
      case "contains":
      case "doesNotContains":
      case "beginsWith":
      case "doesNotBeginsWith":
      case "endsWith":
      case "doesNotEndsWith": {
        if (typeof value !== "string" || value.length === 0) {
          problems.push({ path: vp, message: "must be a non-empty string" });
          return null;
        }
        const op = operator.replace(/^doesNot/, "").replace(/^./, (c) => c.toLowerCase()) as "contains" | "beginsWith" | "endsWith";
        return { op, value, negate: operator.startsWith("doesNot") };
      }
      case "containsAny": {
        const values = list(value, "string", vp);
        return values ? { op: "containsAny", values: values as string[] } : null;
      }
      case "between":
      case "notBetween": {
        const range = rangeOf(value, kind, vp);
        return range ? { op: "between", from: range[0], to: range[1], negate: operator === "notBetween" } : null;
      }
      default:
        problems.push({ path: `${p}.operator`, message: `'${operator}' is not an operator` });
        return null;
    }
  };

  const rangeOf = (value: unknown, kind: ValueKind, p: string): [Scalar, Scalar] | null => {
    if (typeof value !== "object" || value === null) {
      problems.push({ path: p, message: "must be {from, to} or {preset}" });
      return null;
    }
    const v = value as { from?: unknown; to?: unknown; preset?: unknown };
    if (v.preset !== undefined) {
      const preset = typeof v.preset === "string" ? DATE_PRESETS[v.preset] : undefined;
      if (!preset || kind !== "instant") {
        problems.push({ path: `${p}.preset`, message: `must be one of ${Object.keys(DATE_PRESETS).join(", ")} (on a date)` });
        return null;
      }
      const [from, to] = preset(ctx.now.getTime());
      return [new Date(from).toISOString(), new Date(to).toISOString()];
    }
    const from = scalar(v.from, kind === "boolean" ? "string" : kind, `${p}.from`);
    const to = scalar(v.to, kind === "boolean" ? "string" : kind, `${p}.to`);
    return from === null || to === null ? null : [from, to];
  };

  const filter =
    typeof raw === "object" && raw !== null && !Array.isArray(raw)
      ? group(raw as Record<string, unknown>, path, 0)
      : fail(path, "must be {combinator, rules}");
  if (problems.length > 0) throw invalid(problems, "invalid_query");
  return filter;
}

const SQL_AGGREGATES = new Set(["count", "sum", "average", "min", "max"]);

/**
 * An aggregation property as a query can compute it, or why it cannot (median is computed on read only).
 */
export function aggregateSpecOf(owner: Blueprint, property: string, ctx: Omit<QueryContext, "blueprints">): AggregateSpec | string {
  const def = owner.aggregationProperties[property] as {
    target?: string;
    calculationSpec?: { func?: string; property?: string };
    query?: unknown;
    pathFilter?: { path?: string[] }[];
  };
  const target = ctx.allBlueprints.find((b) => b.identifier === def.target);
  const func = def.calculationSpec?.func ?? "count";
  if (!target) return `aggregation '${property}' has no valid target`;
  if (!SQL_AGGREGATES.has(func)) return `'${property}' (${func}) can be read but not used in search rules or sorts`;
  const filter = def.query === undefined ? ({ kind: "all" } as const) : resolveQuery(def.query, { ...ctx, blueprints: [target] });
  return {
    target: target.identifier,
    path: def.pathFilter?.[0]?.path ?? null,
    func: func as AggregateSpec["func"],
    property: func === "count" ? null : (def.calculationSpec?.property ?? null),
    filter,
  };
}

function describeScope(ctx: QueryContext): string {
  return ctx.blueprints.length === 1 ? `blueprint '${ctx.blueprints[0]?.identifier}'` : "any blueprint";
}
