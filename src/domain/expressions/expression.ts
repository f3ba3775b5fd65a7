import jsonata from "jsonata";

/**
 * The expression language shared by calculation properties, action input conditions, payload templates
 * and (later) automation conditions. Port writes these in jq; we evaluate JSONata. The common jq forms are
 * rewritten first, so most Port expressions work unchanged (docs/derived-properties.md lists the mapping).
 */

/** Longest one evaluation may run before it yields an error. */
const TIMEOUT_MS = 50;

const compiled = new Map<string, jsonata.Expression | { error: string }>();

/**
 * Rewrites jq idioms into JSONata: `.properties.x` → `properties.x`, `==` → `=`, `"a" + .b` → `"a" & b`,
 * `if c then a else b end` → `(c ? a : b)`.
 *
 * @example jqToJsonata('.form.language == "python"') // 'form.language = "python"'
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

function looksLikeJq(expression: string): boolean {
  // A jq path (`.inputs.ttl`) at the start or after an operator, bracket or comma; or jq's `then` / `==`.
  return /(^|[\s([,+\-*/=<>!?:])\.[A-Za-z_]/.test(expression.trim()) || /\bthen\b|==/.test(expression);
}

function compile(expression: string): jsonata.Expression | { error: string } {
  let hit = compiled.get(expression);
  if (!hit) {
    const source = looksLikeJq(expression) ? jqToJsonata(expression) : expression;
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

/** Why an expression does not compile, or null when it does. */
export function expressionProblem(expression: string): string | null {
  const c = compile(expression);
  return "error" in c ? c.error : null;
}

/**
 * Evaluates an expression over `input`. Never throws: a bad expression, a runtime error or a timeout
 * gives `{value: null, error}`. The value is plain JSON (undefined becomes null).
 *
 * @example await evaluateExpression('.form.replicas * 2', { form: { replicas: 3 } }) // { value: 6 }
 */
export async function evaluateExpression(expression: string, input: unknown): Promise<{ value: unknown; error?: string }> {
  const c = compile(expression);
  if ("error" in c) return { value: null, error: c.error };
  try {
    const value = await c.evaluate(input);
    // JSONata returns sequences as arrays with extra fields; normalise to plain JSON.
    return { value: value === undefined ? null : JSON.parse(JSON.stringify(value)) };
  } catch (e) {
    return { value: null, error: (e as { message?: string }).message ?? String(e) };
  }
}
