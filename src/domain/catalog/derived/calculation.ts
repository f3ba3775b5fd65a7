import { evaluateExpression, expressionProblem } from "../../expressions/expression";

/** Whether an expression compiles (blueprint validation reports the reason when it does not). */
export function calculationProblem(expression: string): string | null {
  return expressionProblem(expression);
}

const TYPE_CHECKS: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === "string",
  number: (v) => typeof v === "number" && Number.isFinite(v),
  boolean: (v) => typeof v === "boolean",
  array: (v) => Array.isArray(v),
  object: (v) => typeof v === "object" && v !== null && !Array.isArray(v),
};

/**
 * Evaluates a calculation over an entity's own fields. Never throws: a failure (bad expression, runtime
 * error, timeout, wrong result type) gives null and the reason.
 */
export async function evaluateCalculation(
  expression: string,
  type: string | undefined,
  input: Record<string, unknown>,
): Promise<{ value: unknown; error?: string }> {
  const result = await evaluateExpression(expression, input);
  if (result.error !== undefined) return result;
  const check = type ? TYPE_CHECKS[type] : undefined;
  if (result.value !== null && check && !check(result.value)) return { value: null, error: `the result is not a ${type}` };
  return { value: result.value };
}
