import type { ErrorDetail } from "../../lib/errors";
import { evaluateExpression } from "../expressions/expression";
import type { Mapping, MappingResource } from "./mapping";

/** One item a source returned, of one kind (an AWS type name, a Backstage kind, `item` for http-json). */
export interface SourceItem {
  kind: string;
  data: unknown;
  /** How error messages name the item (an identifier, an index). */
  ref: string;
}

/** An entity body produced by the mapping, for one blueprint. */
export interface MappedEntity {
  blueprint: string;
  body: {
    identifier: string;
    title?: string | null;
    icon?: string | null;
    team?: string[];
    properties: Record<string, unknown>;
    relations: Record<string, string | string[] | null>;
  };
  /** Ingest: the resource's `deleteWhen` was true, so the entity is to be deleted. */
  deleteRequested: boolean;
}

export interface MappingResult {
  entities: MappedEntity[];
  /** Entities whose identifier and blueprint are known but another field failed (they count as seen). */
  failed: { blueprint: string; identifier: string }[];
  errors: ErrorDetail[];
  /** Items that could not be mapped to an identifier: the fetch is then treated as incomplete. */
  unidentified: number;
}

const SIMPLE_PATH = /^\.[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/;
const STRING_LITERAL = /^"(?:[^"\\]|\\.)*"$/;

/**
 * Evaluates a mapping expression. Plain paths (`.a.b`) and string literals, most of any real mapping, are
 * read directly (thousands of items per page make the JSONata round trip the cost that matters); anything
 * else, and paths that meet a list (JSONata maps over lists), goes through the shared expression language.
 */
async function evaluate(expression: string, input: unknown): Promise<{ value: unknown; error?: string }> {
  if (STRING_LITERAL.test(expression)) return { value: JSON.parse(expression) as string };
  if (expression === "true" || expression === "false") return { value: expression === "true" };
  if (SIMPLE_PATH.test(expression)) {
    let node: unknown = input;
    let direct = true;
    for (const key of expression.slice(1).split(".")) {
      if (Array.isArray(node)) {
        direct = false;
        break;
      }
      node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
      if (node === undefined) break;
    }
    if (direct && !(Array.isArray(node) && node.some(Array.isArray))) return { value: node === undefined ? null : node };
  }
  return evaluateExpression(expression, input);
}

function text(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

function describe(value: unknown): string {
  const shown = JSON.stringify(value) ?? "undefined";
  return shown.length > 60 ? `${shown.slice(0, 60)}…` : shown;
}

type FieldProblem = { field: string; message: string };

/** Maps one item (or one element of its itemsToParse) with one resource. */
async function mapOne(
  r: MappingResource,
  input: unknown,
): Promise<{ entity?: MappedEntity; failed?: { blueprint: string; identifier: string }; problems: FieldProblem[] }> {
  const m = r.port.entity.mappings;
  const problems: FieldProblem[] = [];
  const field = async (name: string, expression: string): Promise<unknown> => {
    const result = await evaluate(expression, input);
    if (result.error) problems.push({ field: name, message: result.error });
    return result.value;
  };
  const identifier = text(await field("identifier", m.identifier));
  const blueprint = text(await field("blueprint", m.blueprint));
  if (!identifier) problems.push({ field: "identifier", message: `must give a non-empty string (got ${describe(identifier)})` });
  if (!blueprint) problems.push({ field: "blueprint", message: "must give a blueprint identifier" });
  if (!identifier || !blueprint) return { problems };

  const body: MappedEntity["body"] = { identifier, properties: {}, relations: {} };
  if (m.title) body.title = text(await field("title", m.title));
  if (m.icon) body.icon = text(await field("icon", m.icon));
  if (m.team) {
    const team = await field("team", m.team);
    body.team = [team ?? []]
      .flat()
      .map(text)
      .filter((t): t is string => t !== null && t !== "");
  }
  for (const [key, expression] of Object.entries(m.properties)) body.properties[key] = await field(`properties.${key}`, expression);
  for (const [key, expression] of Object.entries(m.relations)) {
    const value = await field(`relations.${key}`, expression);
    // Relation targets are identifiers: numbers become text, empty values mean "no target".
    body.relations[key] = Array.isArray(value) ? value.map(text).filter((v): v is string => v !== null && v !== "") : text(value) || null;
  }
  const deleteRequested = r.deleteWhen ? Boolean(await field("deleteWhen", r.deleteWhen)) : false;
  if (problems.length > 0) return { failed: { blueprint, identifier }, problems };
  return { entity: { blueprint, body, deleteRequested }, problems };
}

/**
 * Maps source items to entity bodies: for each resource in order, the items of its kind that pass its
 * selector (each element of `itemsToParse`, when given). Never throws; every problem is an error detail
 * naming the resource field and the item.
 */
export async function mapItems(mapping: Mapping, items: SourceItem[]): Promise<MappingResult> {
  const result: MappingResult = { entities: [], failed: [], errors: [], unidentified: 0 };
  for (const [index, r] of mapping.resources.entries()) {
    const at = `mapping.resources.${index}`;
    for (const item of items) {
      if (item.kind !== r.kind) continue;
      const selected = await evaluate(r.selector.query, item.data);
      if (selected.error) {
        result.errors.push({ path: `${at}.selector.query`, message: `${item.ref}: ${selected.error}` });
        result.unidentified += 1;
        continue;
      }
      if (!selected.value) continue;
      let inputs: unknown[] = [item.data];
      if (r.port.itemsToParse) {
        const list = await evaluate(r.port.itemsToParse, item.data);
        if (list.error || (list.value !== null && !Array.isArray(list.value))) {
          result.errors.push({ path: `${at}.port.itemsToParse`, message: `${item.ref}: ${list.error ?? "must give a list"}` });
          result.unidentified += 1;
          continue;
        }
        const base = item.data !== null && typeof item.data === "object" && !Array.isArray(item.data) ? item.data : {};
        inputs = ((list.value as unknown[] | null) ?? []).map((element) => ({ ...base, item: element }));
      }
      for (const input of inputs) {
        const mapped = await mapOne(r, input);
        for (const p of mapped.problems) {
          result.errors.push({ path: `${at}.port.entity.mappings.${p.field}`, message: `${item.ref}: ${p.message}` });
        }
        if (mapped.entity) result.entities.push(mapped.entity);
        else if (mapped.failed) result.failed.push(mapped.failed);
        else result.unidentified += 1;
      }
    }
  }
  return result;
}
