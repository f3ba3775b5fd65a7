import type { Database } from "../../db/client";
import type { ErrorDetail } from "../../lib/errors";
import { type SearchScope, search } from "../catalog/search/search";
import { evaluateExpression } from "../expressions/expression";
import type { UserInput, UserInputs } from "./definition";
import type { FormContext } from "./form";
import { entityInputBlueprint } from "./input-schema";

/**
 * Entity inputs (pickers): a value must be an entity of the input's blueprint that the requester may read
 * and that matches the input's `dataset` query, whose rule values may be `{jqQuery}` over the form.
 */

async function resolveJqValues(node: unknown, scope: unknown): Promise<unknown> {
  if (Array.isArray(node)) return Promise.all(node.map((n) => resolveJqValues(n, scope)));
  if (node === null || typeof node !== "object") return node;
  if ("jqQuery" in node) return (await evaluateExpression(String((node as { jqQuery: unknown }).jqQuery), scope)).value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = await resolveJqValues(v, scope);
  return out;
}

/** The search query an entity input offers, optionally narrowed to some identifiers or a free-text prefix. */
export async function pickerQuery(
  input: UserInput,
  form: Record<string, unknown>,
  ctx: FormContext,
  narrow: { identifiers?: string[]; text?: string },
): Promise<{ combinator: "and"; rules: unknown[] }> {
  const rules: unknown[] = [];
  if (input.dataset) rules.push(await resolveJqValues(input.dataset, { form, ...ctx }));
  if (narrow.identifiers) rules.push({ property: "$identifier", operator: "in", value: narrow.identifiers });
  if (narrow.text) {
    rules.push({
      combinator: "or",
      rules: [
        { property: "$identifier", operator: "contains", value: narrow.text },
        { property: "$title", operator: "contains", value: narrow.text },
      ],
    });
  }
  return { combinator: "and", rules };
}

/**
 * Checks every entity input's values and returns the picked entities by input name (what payloads show as
 * `.inputs.<name>`), plus a problem per value that is not an entity the requester could pick.
 */
export async function resolveEntityInputs(
  db: Database,
  scope: SearchScope,
  ui: UserInputs,
  values: Record<string, unknown>,
  ctx: FormContext,
): Promise<{ entities: Record<string, unknown>; problems: ErrorDetail[] }> {
  const entities: Record<string, unknown> = {};
  const problems: ErrorDetail[] = [];
  for (const [name, value] of Object.entries(values)) {
    const input = ui.properties[name] as UserInput;
    const blueprint = entityInputBlueprint(input);
    if (!blueprint) continue;
    const identifiers = [value].flat().map(String);
    const query = await pickerQuery(input, values, ctx, { identifiers });
    const found = await search(db, scope, { query, limit: Math.max(1, identifiers.length) }, blueprint);
    const byId = new Map(found.entities.map((e) => [e.identifier as string, e]));
    identifiers.forEach((id, i) => {
      if (!byId.has(id)) {
        const path = Array.isArray(value) ? `properties.${name}.${i}` : `properties.${name}`;
        problems.push({ path, message: `'${id}' is not a ${blueprint} entity you can pick here` });
      }
    });
    entities[name] = Array.isArray(value) ? identifiers.map((id) => byId.get(id) ?? null) : (byId.get(identifiers[0] as string) ?? null);
  }
  return { entities, problems };
}
