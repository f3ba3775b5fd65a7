import type { ValueRecord } from "../../db/entity-store";
import { canonicalInstant } from "./search/date-presets";
import type { Blueprint } from "./types";

/** Longest string kept in the value index; longer text (markdown, yaml) is searched in the JSON instead. */
const MAX_INDEXED_STRING = 512;

const INSTANT_FORMATS = new Set(["date-time", "timer"]);

function scalarRecord(property: string, value: unknown, format: string | undefined): ValueRecord | null {
  // Instants are indexed in one canonical UTC form so range filters can compare them as text.
  if (typeof value === "string" && format && INSTANT_FORMATS.has(format)) {
    return { property, str: canonicalInstant(value) ?? value, num: null };
  }
  if (typeof value === "string") return value.length <= MAX_INDEXED_STRING ? { property, str: value, num: null } : null;
  if (typeof value === "number") return { property, str: null, num: value };
  if (typeof value === "boolean") return { property, str: value ? "true" : "false", num: value ? 1 : 0 };
  return null;
}

/**
 * The typed index rows for an entity: one per scalar property value, one per scalar array element,
 * and one per team (`$team`). Objects are not indexed.
 */
export function indexValues(blueprint: Blueprint, properties: Record<string, unknown>, team: string[]): ValueRecord[] {
  const out: ValueRecord[] = [];
  for (const [key, value] of Object.entries(properties)) {
    const def = blueprint.schema.properties[key];
    if (!def) continue;
    const format = def.type === "array" ? def.items?.format : def.format;
    for (const v of Array.isArray(value) ? value : [value]) {
      const rec = scalarRecord(key, v, format);
      if (rec) out.push(rec);
    }
  }
  for (const t of team) out.push({ property: "$team", str: t, num: null });
  return out;
}

/** Index rows for one value (a scalar, or each scalar element of a list). */
export function valueRecords(property: string, value: unknown, format: string | undefined): ValueRecord[] {
  const out: ValueRecord[] = [];
  for (const v of Array.isArray(value) ? value : [value]) {
    const rec = scalarRecord(property, v, format);
    if (rec) out.push(rec);
  }
  return out;
}
