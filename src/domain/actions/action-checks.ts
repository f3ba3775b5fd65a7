import { AppError, type ErrorDetail, invalid } from "../../lib/errors";
import { keyProblem } from "../catalog/identifiers";
import { resolveQuery } from "../catalog/search/query";
import type { Blueprint } from "../catalog/types";
import { expressionProblem } from "../expressions/expression";
import { templateProblems } from "../expressions/template";
import type { ActionDefinition, Invocation, UserInput } from "./definition";

/** Replaces `{jqQuery}` rule values with a placeholder so the rest of a dataset query can be checked. */
export function withoutJqValues(node: unknown, placeholder: unknown = ""): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutJqValues(n, placeholder));
  if (node === null || typeof node !== "object") return node;
  if ("jqQuery" in node) return placeholder;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, withoutJqValues(v, placeholder)]));
}

function queryProblems(raw: unknown, blueprints: Blueprint[], all: Blueprint[], path: string): ErrorDetail[] {
  try {
    resolveQuery(raw, { blueprints, allBlueprints: all, user: { email: "check@portal", teams: [] }, now: new Date() }, path);
    return [];
  } catch (error) {
    if (error instanceof AppError) return error.details;
    throw error;
  }
}

function jqProblem(value: unknown, path: string): ErrorDetail[] {
  if (value === null || typeof value !== "object" || !("jqQuery" in value)) return [];
  const problem = expressionProblem(String((value as { jqQuery: unknown }).jqQuery));
  return problem ? [{ path: `${path}.jqQuery`, message: problem }] : [];
}

function inputProblems(name: string, input: UserInput, names: Set<string>, blueprints: Map<string, Blueprint>): ErrorDetail[] {
  const at = `trigger.userInputs.properties.${name}`;
  const problems: ErrorDetail[] = [];
  const nameProblem = keyProblem(name);
  if (nameProblem) problems.push({ path: at, message: `input name ${nameProblem}` });
  for (const key of ["visible", "required", "default", "enum"] as const) problems.push(...jqProblem(input[key], `${at}.${key}`));
  for (const dep of input.dependsOn ?? []) {
    if (!names.has(dep)) problems.push({ path: `${at}.dependsOn`, message: `'${dep}' is not an input of this action` });
  }
  const format = input.type === "array" ? input.items?.format : input.format;
  const blueprint = input.type === "array" ? (input.items?.blueprint ?? input.blueprint) : input.blueprint;
  if (format === "entity") {
    const target = blueprint ? blueprints.get(blueprint) : undefined;
    if (!blueprint) problems.push({ path: `${at}.blueprint`, message: "an entity input must name the blueprint it picks from" });
    else if (!target) problems.push({ path: `${at}.blueprint`, message: `blueprint '${blueprint}' does not exist` });
    else if (input.dataset) {
      problems.push(...queryProblems(withoutJqValues(input.dataset), [target], [...blueprints.values()], `${at}.dataset`));
    }
  }
  if (input.encryption && input.type !== "string")
    problems.push({ path: `${at}.encryption`, message: "only string inputs can be encrypted" });
  const patterns: [string, unknown][] = [
    ["pattern", input.pattern],
    ["items.pattern", input.items?.pattern],
  ];
  for (const [key, pattern] of patterns) {
    if (typeof pattern !== "string") continue;
    try {
      new RegExp(pattern, "u");
    } catch {
      problems.push({ path: `${at}.${key}`, message: "is not a valid regular expression" });
    }
  }
  return problems;
}

function layoutProblems(action: ActionDefinition, names: Set<string>): ErrorDetail[] {
  const ui = action.trigger.userInputs;
  const problems: ErrorDetail[] = [];
  const unknown = (list: string[] | undefined, path: string) =>
    (list ?? []).forEach((n, i) => {
      if (!names.has(n)) problems.push({ path: `${path}.${i}`, message: `'${n}' is not an input of this action` });
    });
  if (Array.isArray(ui.required)) unknown(ui.required, "trigger.userInputs.required");
  else problems.push(...jqProblem(ui.required, "trigger.userInputs.required"));
  unknown(ui.order, "trigger.userInputs.order");
  if (ui.steps) {
    const placed = new Map<string, number>();
    ui.steps.forEach((step, s) => {
      unknown(step.order, `trigger.userInputs.steps.${s}.order`);
      for (const n of step.order) {
        if (placed.has(n))
          problems.push({ path: `trigger.userInputs.steps.${s}.order`, message: `'${n}' is already in step ${placed.get(n)}` });
        placed.set(n, s);
      }
    });
    for (const n of names) {
      if (!placed.has(n))
        problems.push({ path: "trigger.userInputs.steps", message: `input '${n}' is in no step, so nobody could fill it` });
    }
  }
  return problems;
}

/**
 * Checks an action against the catalog: its blueprint exists, every input name, reference, expression and
 * query is valid, and the invocation's templates compile. Throws one 400 listing every problem.
 */
export function checkAction(action: ActionDefinition, blueprints: Map<string, Blueprint>): void {
  const problems: ErrorDetail[] = [];
  const bp = blueprints.get(action.trigger.blueprintIdentifier);
  if (!bp)
    problems.push({ path: "trigger.blueprintIdentifier", message: `blueprint '${action.trigger.blueprintIdentifier}' does not exist` });
  const inputs = action.trigger.userInputs.properties;
  const names = new Set(Object.keys(inputs));
  for (const [name, input] of Object.entries(inputs)) problems.push(...inputProblems(name, input, names, blueprints));
  problems.push(...layoutProblems(action, names));
  if (action.trigger.condition && bp) {
    if (action.trigger.operation === "CREATE") {
      problems.push({ path: "trigger.condition", message: "only DAY-2 and DELETE actions act on an entity a condition could test" });
    } else {
      const { type: _type, ...query } = action.trigger.condition;
      problems.push(...queryProblems(query, [bp], [...blueprints.values()], "trigger.condition"));
    }
  }
  problems.push(...invocationProblems(action.invocationMethod, blueprints));
  if (problems.length > 0) throw invalid(problems);
}

/** Problems with an invocation method: templates that do not compile, blueprints that do not exist. */
export function invocationProblems(invocation: Invocation, blueprints: Map<string, Blueprint>): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const missing = (bp: string | undefined) => {
    if (bp !== undefined && !blueprints.has(bp)) {
      problems.push({ path: "invocationMethod.blueprintIdentifier", message: `blueprint '${bp}' does not exist` });
    }
  };
  if (invocation.type === "WEBHOOK") {
    problems.push(...templateProblems(invocation.body, "invocationMethod.body"));
    problems.push(...templateProblems(invocation.headers, "invocationMethod.headers"));
  } else if (invocation.type === "UPSERT_ENTITY") {
    missing(invocation.blueprintIdentifier);
    problems.push(...templateProblems(invocation.mapping, "invocationMethod.mapping"));
  } else {
    missing(invocation.blueprintIdentifier);
    problems.push(...templateProblems(invocation.entityIdentifier, "invocationMethod.entityIdentifier"));
  }
  return problems;
}
