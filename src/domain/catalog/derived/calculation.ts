import jsonata from "jsonata";

/** Longest a calculation may run per entity before it yields null. */
const TIMEOUT_MS = 50;

const compiled = new Map<string, jsonata.Expression | { error: string }>();

/**
 * Port writes calculations in jq; we evaluate JSONata. The common jq forms are rewritten first, so most
 * Port calculations work unchanged (docs/derived-properties.md lists the mapping):
 * `.properties.x` → `properties.x`, `==` → `=`, `"a" + .b` → `"a" & b`, `if c then a else b end` → `(c ? a : b)`.
 */
export function jqToJsonata(expr: string): string {
  let out = expr.trim();
  out = out.replace(/\bif\s+(.+?)\s+then\s+(.+?)\s+else\s+(.+?)\s+end\b/gs, "($1 ? $2 : $3)");
  out = out.replace(/==/g, "=");
  // A path starting with "." (not a decimal like 0.5, not a field access after a name or bracket).
  out = out.replace(/(^|[^\w\])."'$])\.([A-Za-z_$][\w$]*)/g, "$1$2");
  // jq joins strings with +; JSONata with &. Only rewrite + next to a string literal (numbers keep +).
  out = out.replace(/("(?:[^"\\]|\\.)*")\s*\+\s*/g, "$1 & ").replace(/\s*\+\s*("(?:[^"\\]|\\.)*")/g, " & $1");
  return out;
}

function compile(expression: string): jsonata.Expression | { error: string } {
  let hit = compiled.get(expression);
  if (!hit) {
    const source = expression.trim().startsWith(".") || /\bthen\b|==/.test(expression) ? jqToJsonata(expression) : expression;
    try {
      hit = jsonata(source, { timeout: TIMEOUT_MS });
    } catch (e) {
      hit = { error: `not a valid expression: ${(e as { message?: string }).message ?? String(e)}` };
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(expression, hit);
  }
  return hit;
}

/** Whether an expression compiles (blueprint validation reports the reason when it does not). */
export function calculationProblem(expression: string): string | null {
  const c = compile(expression);
  return "error" in c ? c.error : null;
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
  const c = compile(expression);
  if ("error" in c) return { value: null, error: c.error };
  try {
    let value = await c.evaluate(input);
    // JSONata returns sequences as arrays with extra fields; normalise to plain JSON.
    value = value === undefined ? null : JSON.parse(JSON.stringify(value));
    const check = type ? TYPE_CHECKS[type] : undefined;
    if (value !== null && check && !check(value)) return { value: null, error: `the result is not a ${type}` };
    return { value };
  } catch (e) {
    return { value: null, error: (e as { message?: string }).message ?? String(e) };
  }
}
