/** One field that differs between two versions of an entity, named by its path (`properties.language`). */
export type FieldChange =
  | { path: string; kind: "added"; after: unknown }
  | { path: string; kind: "removed"; before: unknown }
  | { path: string; kind: "changed"; before: unknown; after: unknown };

/** Bookkeeping that changes on every write (or never): listing it would hide the change that mattered. */
const BOOKKEEPING = new Set(["identifier", "blueprint", "version", "createdAt", "createdBy", "updatedAt", "updatedBy"]);

/** Objects nested deeper than this are compared whole (an object property's own keys are still listed). */
const MAX_DEPTH = 4;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** No value: absent, null, or an empty list (a team or many-relation set for the first time is "added"). */
function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

/** Same value, whatever the key order of objects inside arrays or past MAX_DEPTH. */
function sameValue(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : isRecord(v)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical(v[k])]),
          )
        : (v ?? null);
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function walk(before: unknown, after: unknown, path: string, depth: number, out: FieldChange[]): void {
  if (isRecord(before) && isRecord(after) && depth < MAX_DEPTH) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) {
      if (depth === 0 && BOOKKEEPING.has(key)) continue;
      walk(before[key], after[key], path === "" ? key : `${path}.${key}`, depth + 1, out);
    }
    return;
  }
  if (sameValue(before, after)) return;
  if (isEmpty(before)) out.push({ path, kind: "added", after });
  else if (isEmpty(after)) out.push({ path, kind: "removed", before });
  else out.push({ path, kind: "changed", before, after });
}

/**
 * What changed between two versions of an entity as audit rows hold them (the API's entity JSON): one entry
 * per property, relation, title, team or scorecard level that differs, in path order. A value that becomes
 * null or disappears is "removed"; one that appears is "added".
 *
 * @example entityChanges({ properties: { lang: "go" } }, { properties: { lang: "ts", tier: 1 } })
 * // [{ path: "properties.lang", kind: "changed", before: "go", after: "ts" },
 * //  { path: "properties.tier", kind: "added", after: 1 }]
 */
export function entityChanges(before: unknown, after: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  walk(before ?? {}, after ?? {}, "", 0, out);
  return out;
}
