import type { DraftProblem } from "./form-fields";
import type { QueryForm, ScorecardForm } from "./scorecard-form";

/**
 * Where a scorecard problem belongs in the builder's form: API paths (`rules.1.query.conditions.0.value`)
 * to field names (`rules[1].query.conditions[0].value`). A path naming no field lands on "More (JSON)" or
 * at the top ("").
 */

const TOP_FIELDS = new Set(["identifier", "title", "description"]);
const RULE_FIELDS = new Set(["identifier", "title", "description", "level", "weight", "more"]);

function conditionField(query: QueryForm | undefined, prefix: string, rest: string[]): string {
  const [section, index, sub, subsub] = rest;
  if (section === "combinator" || (section === "conditions" && index === undefined)) return `${prefix}.combinator`;
  const j = Number(index);
  const row = section === "conditions" && Number.isInteger(j) ? query?.conditions[j] : undefined;
  if (!row) return `${prefix}.combinator`;
  const at = `${prefix}.conditions[${j}]`;
  if (row.mode === "json") return `${at}.json`;
  if (sub === "operator") return `${at}.operator`;
  if (sub === "value") {
    if (subsub === "property") return `${at}.valueProperty`;
    return subsub === "to" ? `${at}.valueTo` : `${at}.value`;
  }
  return `${at}.property`;
}

/**
 * The form field a scorecard problem belongs to ("" = the form as a whole).
 *
 * @example scorecardProblemField(form, {path: "rules.0.level", message: "…"}) // "rules[0].level"
 */
export function scorecardProblemField(form: ScorecardForm, problem: DraftProblem): string {
  if (problem.field !== undefined) return problem.field;
  const [head = "", ...rest] = problem.path.split(".");
  if (problem.path === "") return "";
  if (TOP_FIELDS.has(head)) return head;
  if (head === "filter") return conditionField(form.filter, "filter", rest);
  if (head === "levels") {
    const i = Number(rest[0]);
    if (!Number.isInteger(i) || !form.levels[i]) return "levels";
    return `levels[${i}].${rest[1] === "color" ? "color" : "title"}`;
  }
  if (head === "rules") {
    const i = Number(rest[0]);
    const rule = Number.isInteger(i) ? form.rules[i] : undefined;
    if (!rule) return "rules";
    const sub = rest[1];
    if (sub === "query") return conditionField(rule.query, `rules[${i}].query`, rest.slice(2));
    return `rules[${i}].${sub !== undefined && RULE_FIELDS.has(sub) ? sub : sub === undefined ? "identifier" : "more"}`;
  }
  return "more";
}
