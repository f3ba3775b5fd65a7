import { DEFAULT_LEVELS } from "../../../domain/scorecards/definition";
import { groupOf, indexArg, moved, parseOp, rowsOf, type Tree, textOf, unusedKey, withoutIndex } from "./form-fields";

/**
 * The scorecard builder's form as data (text as typed). Field names in the HTML are these paths:
 * `levels[1].color`, `rules[0].query.conditions[2].operator`, `filter.conditions[0].value`.
 */

export interface ConditionRow {
  /** "simple": property / operator / value fields; "json": the condition as JSON (nested groups, presets, …). */
  mode: "simple" | "json";
  property: string;
  operator: string;
  /** The value as typed: one value, a comma-separated list, or a range's start. */
  value: string;
  /** A range's end (between / notBetween). */
  valueTo: string;
  /** Compare with this property of the same entity instead of a value. */
  valueProperty: string;
  json: string;
}

export interface QueryForm {
  combinator: string;
  conditions: ConditionRow[];
}

export interface LevelRow {
  title: string;
  color: string;
}

export interface RuleRow {
  identifier: string;
  title: string;
  description: string;
  level: string;
  weight: string;
  query: QueryForm;
  more: string;
}

export interface ScorecardForm {
  identifier: string;
  title: string;
  description: string;
  /** Which entities are scored; no conditions = every entity of the blueprint. */
  filter: QueryForm;
  levels: LevelRow[];
  rules: RuleRow[];
  more: string;
}

/** Where a condition lives: the filter, or a rule by index. */
export type ConditionScope = "filter" | number;

/** The form of a new scorecard: Port's default levels and no rules yet. */
export function emptyScorecardForm(): ScorecardForm {
  return {
    identifier: "",
    title: "",
    description: "",
    filter: { combinator: "and", conditions: [] },
    levels: DEFAULT_LEVELS.map((l) => ({ ...l })),
    rules: [],
    more: "",
  };
}

function queryFromTree(tree: Tree): QueryForm {
  return {
    combinator: textOf(tree, "combinator") || "and",
    conditions: rowsOf(tree, "conditions").map((c) => ({
      mode: textOf(c, "mode") === "json" ? "json" : "simple",
      property: textOf(c, "property"),
      operator: textOf(c, "operator"),
      value: textOf(c, "value"),
      valueTo: textOf(c, "valueTo"),
      valueProperty: textOf(c, "valueProperty"),
      json: textOf(c, "json"),
    })),
  };
}

/** Reads the posted form (already decoded into a tree). */
export function scorecardFormFromTree(tree: Tree): ScorecardForm {
  return {
    identifier: textOf(tree, "identifier"),
    title: textOf(tree, "title"),
    description: textOf(tree, "description"),
    filter: queryFromTree(groupOf(tree, "filter")),
    levels: rowsOf(tree, "levels").map((l) => ({ title: textOf(l, "title"), color: textOf(l, "color") })),
    rules: rowsOf(tree, "rules").map((r) => ({
      identifier: textOf(r, "identifier"),
      title: textOf(r, "title"),
      description: textOf(r, "description"),
      level: textOf(r, "level"),
      weight: textOf(r, "weight"),
      query: queryFromTree(groupOf(r, "query")),
      more: textOf(r, "more"),
    })),
    more: textOf(tree, "more"),
  };
}

/** A condition's scope from an op argument ("filter" or a rule index), or null when it names nothing. */
function scopeArg(arg: string | undefined, form: ScorecardForm): ConditionScope | null {
  if (arg === "filter") return "filter";
  const i = indexArg(arg, form.rules.length);
  return i < 0 ? null : i;
}

function withQuery(form: ScorecardForm, scope: ConditionScope, change: (q: QueryForm) => QueryForm): ScorecardForm {
  if (scope === "filter") return { ...form, filter: change(form.filter) };
  return { ...form, rules: form.rules.map((r, i) => (i === scope ? { ...r, query: change(r.query) } : r)) };
}

/** What a new condition starts as (the route picks a property of the blueprint). */
export interface NewCondition {
  property: string;
  operator: string;
}

/**
 * Applies a builder button (`add-rule`, `level-up:2`, `remove-condition:filter:0`, …). Unknown operations
 * and indexes that name nothing leave the form as it was.
 */
export function applyScorecardOp(form: ScorecardForm, op: string, fresh: NewCondition): ScorecardForm {
  const { name, args } = parseOp(op);
  const levelAt = indexArg(args[0], form.levels.length);
  switch (name) {
    case "add-level": {
      const titles = form.levels.map((l) => l.title);
      let n = form.levels.length + 1;
      while (titles.includes(`Level ${n}`)) n++;
      return { ...form, levels: [...form.levels, { title: `Level ${n}`, color: "paleBlue" }] };
    }
    case "remove-level":
      return { ...form, levels: withoutIndex(form.levels, levelAt) };
    case "level-up":
    case "level-down":
      return { ...form, levels: moved(form.levels, levelAt, name === "level-up" ? -1 : 1) };
    case "add-rule":
      return {
        ...form,
        rules: [
          ...form.rules,
          {
            identifier: unusedKey(
              "rule",
              form.rules.map((r) => r.identifier),
            ),
            title: "",
            description: "",
            level: form.levels[1]?.title ?? "",
            weight: "1",
            query: { combinator: "and", conditions: [] },
            more: "",
          },
        ],
      };
    case "remove-rule":
      return { ...form, rules: withoutIndex(form.rules, indexArg(args[0], form.rules.length)) };
    case "add-condition":
    case "add-json-condition":
    case "remove-condition": {
      const scope = scopeArg(args[0], form);
      if (scope === null) return form;
      return withQuery(form, scope, (q) => {
        if (name === "remove-condition") return { ...q, conditions: withoutIndex(q.conditions, indexArg(args[1], q.conditions.length)) };
        const row: ConditionRow =
          name === "add-condition"
            ? { mode: "simple", ...fresh, value: "", valueTo: "", valueProperty: "", json: "" }
            : {
                mode: "json",
                property: "",
                operator: "",
                value: "",
                valueTo: "",
                valueProperty: "",
                json: '{"combinator": "and", "rules": []}',
              };
        return { ...q, conditions: [...q.conditions, row] };
      });
    }
    default:
      // "refresh" (a property or operator changed, so the value fields change shape) and anything unknown.
      return form;
  }
}
