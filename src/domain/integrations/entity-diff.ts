import type { StoredEntity } from "../../db/entity-store";
import { shapeRelations } from "../catalog/entity-shape";
import type { Blueprint } from "../catalog/types";
import type { MappedEntity } from "./map-items";

/** JSON with object keys sorted, so two equal values always print the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** Empty relation values (null, []) all mean "no target". */
function relationValue(v: unknown): unknown {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0) ? null : v;
}

/**
 * The fields a mapped entity would change on the stored one, under the merge rules syncs write with:
 * fields the mapping does not set stay as they are, and a null clears a property. Empty when a write would
 * change nothing (so a sync of an unchanged source writes nothing, and no events are raised).
 *
 * @example changedFields(bp, stored, { identifier: "a", properties: { lang: "go" }, relations: {} }) // ["properties.lang"]
 */
export function changedFields(blueprint: Blueprint, stored: StoredEntity, body: MappedEntity["body"]): string[] {
  const out: string[] = [];
  if (body.title !== undefined && (body.title ?? null) !== stored.title) out.push("title");
  if (body.icon !== undefined && (body.icon ?? null) !== stored.icon) out.push("icon");
  if (body.team !== undefined && !same([...body.team].sort(), [...stored.team].sort())) out.push("team");
  for (const [key, value] of Object.entries(body.properties)) {
    if (!same(value ?? null, stored.properties[key] ?? null)) out.push(`properties.${key}`);
  }
  const storedRelations = shapeRelations(blueprint, stored.relations);
  for (const [key, value] of Object.entries(body.relations)) {
    if (!same(relationValue(value), relationValue(storedRelations[key]))) out.push(`relations.${key}`);
  }
  return out;
}
