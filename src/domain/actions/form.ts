import type { ErrorDetail } from "../../lib/errors";
import { zodDetails } from "../../lib/zod-details";
import { evaluateExpression } from "../expressions/expression";
import type { UserInput, UserInputs } from "./definition";
import { entityIdentifierOf, entityInputBlueprint, inputValueSchema } from "./input-schema";

/**
 * Resolves a filled-in form against an action's user inputs: which inputs are visible (conditions may
 * depend on inputs of any wizard step), which are required, which values each enum allows, which defaults
 * apply — then validates the visible values. Values of hidden inputs are dropped before validation and
 * never reach the payload.
 */

/** What conditions may read besides the form (Port's `.entity`, `.user`, `.trigger`). */
export interface FormContext {
  entity: Record<string, unknown> | null;
  user: { email: string; name: string | null; roles: string[]; teams: string[] };
  operation: string;
}

export interface ResolvedForm {
  /** Input names in display order (the wizard's step order, else `order`, else definition order). */
  order: string[];
  visible: Set<string>;
  required: Set<string>;
  /** Each input's allowed values after its enum condition. */
  allowed: Map<string, unknown[]>;
  /** The visible inputs' values: submitted, else their default. */
  values: Record<string, unknown>;
  /** Problems with the values, located as `properties.<input>`. */
  problems: ErrorDetail[];
}

function isJq(value: unknown): value is { jqQuery: string } {
  return value !== null && typeof value === "object" && typeof (value as { jqQuery?: unknown }).jqQuery === "string";
}

/** Display order of the inputs. */
export function inputOrder(ui: UserInputs): string[] {
  const all = Object.keys(ui.properties);
  const listed = ui.steps ? ui.steps.flatMap((s) => s.order) : (ui.order ?? []);
  return [...new Set([...listed.filter((n) => all.includes(n)), ...all])];
}

async function computed(value: unknown, scope: unknown, path: string, problems: ErrorDetail[]): Promise<unknown> {
  if (!isJq(value)) return value;
  const result = await evaluateExpression(value.jqQuery, scope);
  if (result.error) problems.push({ path, message: `its condition failed: ${result.error}` });
  return result.value;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
}

/** Fills defaults of visible inputs in display order, so a default may read the inputs before it. */
async function valuesFor(
  ui: UserInputs,
  order: string[],
  visible: Set<string>,
  submitted: Record<string, unknown>,
  ctx: FormContext,
  problems: ErrorDetail[],
): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  for (const name of order) {
    if (!visible.has(name)) continue;
    const input = ui.properties[name] as UserInput;
    if (!isEmpty(submitted[name])) values[name] = submitted[name];
    else if (input.default !== undefined) {
      const value = await computed(input.default, { form: values, ...ctx }, `properties.${name}`, problems);
      if (value !== null && value !== undefined) values[name] = value;
    }
  }
  return values;
}

async function visibleSet(ui: UserInputs, order: string[], values: Record<string, unknown>, ctx: FormContext, problems: ErrorDetail[]) {
  const visible = new Set<string>();
  for (const name of order) {
    const rule = (ui.properties[name] as UserInput).visible;
    const shown = rule === undefined ? true : await computed(rule, { form: values, ...ctx }, `properties.${name}`, problems);
    if (shown) visible.add(name);
  }
  return visible;
}

/**
 * Resolves the form. Unknown input names are problems; everything else is reported per visible input.
 *
 * @example const form = await resolveForm(action.trigger.userInputs, body.properties, ctx)
 */
export async function resolveForm(ui: UserInputs, submittedRaw: Record<string, unknown>, ctx: FormContext): Promise<ResolvedForm> {
  const problems: ErrorDetail[] = [];
  const order = inputOrder(ui);
  const submitted: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(submittedRaw)) {
    // Own keys only: an input called "toString" must not find Object.prototype's method.
    const input = Object.hasOwn(ui.properties, name) ? ui.properties[name] : undefined;
    if (!input) problems.push({ path: `properties.${name}`, message: "is not an input of this action" });
    else if (entityInputBlueprint(input))
      submitted[name] = Array.isArray(value) ? value.map(entityIdentifierOf) : entityIdentifierOf(value);
    else submitted[name] = value;
  }
  // Visibility can chain (a hidden input hides its dependants), so iterate to a fixed point.
  let visible = new Set(order);
  let values: Record<string, unknown> = {};
  const conditionProblems: ErrorDetail[] = [];
  for (let round = 0; round <= order.length; round++) {
    conditionProblems.length = 0;
    values = await valuesFor(ui, order, visible, submitted, ctx, conditionProblems);
    const next = await visibleSet(ui, order, values, ctx, conditionProblems);
    const same = next.size === visible.size && [...next].every((n) => visible.has(n));
    visible = next;
    if (same) break;
  }
  values = Object.fromEntries(Object.entries(values).filter(([n]) => visible.has(n)));
  problems.push(...conditionProblems);

  const scope = { form: values, ...ctx };
  const required = new Set<string>();
  const listed = await computed(ui.required, scope, "properties", problems);
  if (Array.isArray(listed)) for (const n of listed) if (typeof n === "string") required.add(n);
  const allowed = new Map<string, unknown[]>();
  for (const name of order) {
    const input = ui.properties[name] as UserInput;
    const own = await computed(input.required, scope, `properties.${name}`, problems);
    if (own === true) required.add(name);
    if (input.enum !== undefined) {
      const list = await computed(input.enum, scope, `properties.${name}`, problems);
      if (Array.isArray(list)) allowed.set(name, list);
      else problems.push({ path: `properties.${name}`, message: "its enum condition did not give a list" });
    }
  }
  for (const name of [...required]) if (!visible.has(name)) required.delete(name);

  for (const name of order) {
    if (!visible.has(name)) continue;
    const value = values[name];
    if (isEmpty(value)) {
      delete values[name];
      if (required.has(name)) problems.push({ path: `properties.${name}`, message: "is required" });
      continue;
    }
    const parsed = inputValueSchema(ui.properties[name] as UserInput, allowed.get(name)).safeParse(value);
    if (parsed.success) values[name] = parsed.data;
    else problems.push(...zodDetails(parsed.error, `properties.${name}`));
  }
  return { order, visible, required, allowed, values, problems };
}

/**
 * The inputs some condition may read: every `dependsOn`, and every `.form.<name>` an expression mentions.
 * Only a change to one of these can change the form, so only these re-render it live (re-rendering on
 * every change would replace the form while the user types in the next field).
 */
export function conditionInputs(ui: UserInputs): Set<string> {
  const names = new Set<string>();
  const expressions: string[] = [];
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value !== null && typeof value === "object") {
      if (isJq(value)) expressions.push(value.jqQuery);
      else Object.values(value).forEach(collect);
    }
  };
  collect(ui.required);
  for (const input of Object.values(ui.properties)) {
    for (const dep of input.dependsOn ?? []) names.add(dep);
    collect([input.visible, input.required, input.default, input.enum, input.dataset]);
  }
  for (const expression of expressions) {
    for (const match of expression.matchAll(/\bform\.([A-Za-z0-9_@-]+)/g)) names.add(match[1] as string);
  }
  return names;
}
