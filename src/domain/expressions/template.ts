import type { ErrorDetail } from "../../lib/errors";
import { evaluateExpression, expressionProblem } from "./expression";

/**
 * JSON templates as Port writes webhook bodies and entity mappings: any string may hold `{{ expression }}`
 * parts. A string that is exactly one `{{ … }}` becomes the expression's value with its JSON type; a string
 * mixing text and expressions becomes text. An object key `{{ spreadValue() }}` spreads its (object) value
 * into the enclosing object; any other templated key names the field, and a key that evaluates to null
 * drops it.
 */

const WHOLE = /^\s*\{\{([\s\S]+?)\}\}\s*$/;
const PARTS = /\{\{([\s\S]+?)\}\}/g;
const SPREAD = /^\{\{\s*spreadValue\(\)\s*\}\}$/;

function join(path: string, key: string | number): string {
  return typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

async function renderString(text: string, context: unknown, path: string, errors: ErrorDetail[]): Promise<unknown> {
  const whole = WHOLE.exec(text);
  if (whole && !whole[1]?.includes("}}")) {
    const result = await evaluateExpression(whole[1] as string, context);
    if (result.error) errors.push({ path, message: result.error });
    return result.value;
  }
  if (!text.includes("{{")) return text;
  let out = "";
  let last = 0;
  for (const match of text.matchAll(PARTS)) {
    const result = await evaluateExpression(match[1] as string, context);
    if (result.error) errors.push({ path, message: result.error });
    out += text.slice(last, match.index) + asText(result.value);
    last = (match.index ?? 0) + match[0].length;
  }
  return out + text.slice(last);
}

async function render(template: unknown, context: unknown, path: string, errors: ErrorDetail[]): Promise<unknown> {
  if (typeof template === "string") return renderString(template, context, path, errors);
  if (Array.isArray(template)) {
    const out: unknown[] = [];
    for (const [i, item] of template.entries()) out.push(await render(item, context, join(path, i), errors));
    return out;
  }
  if (template === null || typeof template !== "object") return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    const here = join(path, key);
    const rendered = await render(value, context, here, errors);
    if (SPREAD.test(key)) {
      if (rendered !== null && typeof rendered === "object" && !Array.isArray(rendered)) Object.assign(out, rendered);
      else if (rendered !== null) errors.push({ path: here, message: "spreadValue() needs an object" });
      continue;
    }
    const name = key.includes("{{") ? await renderString(key, context, here, errors) : key;
    if (name === null || name === undefined || name === "") continue;
    out[asText(name)] = rendered;
  }
  return out;
}

/**
 * Renders a JSON template over `context`. Never throws; expressions that fail give null and are listed.
 *
 * @example await renderTemplate({ id: "{{ .run.id }}", "{{ spreadValue() }}": "{{ .inputs }}" }, ctx)
 */
export async function renderTemplate(template: unknown, context: unknown): Promise<{ value: unknown; errors: ErrorDetail[] }> {
  const errors: ErrorDetail[] = [];
  const value = await render(template, context, "", errors);
  return { value, errors };
}

/** Expressions in a template that do not compile, located by path (prefixed with `at`). */
export function templateProblems(template: unknown, at: string): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const visit = (node: unknown, path: string) => {
    if (typeof node === "string") {
      for (const match of node.matchAll(PARTS)) {
        const expr = (match[1] as string).trim();
        if (expr === "spreadValue()") continue;
        const problem = expressionProblem(expr);
        if (problem) problems.push({ path, message: problem });
      }
    } else if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) visit(item, join(path, i));
    } else if (node !== null && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        visit(key, join(path, key));
        visit(value, join(path, key));
      }
    }
  };
  visit(template, at);
  return problems;
}
