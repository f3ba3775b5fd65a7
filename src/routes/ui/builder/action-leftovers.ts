/**
 * Reading an action definition into the builder's form without losing anything: each form field takes
 * ("consumes") a key only when it can show that value exactly and write it back the same; whatever no
 * field takes stays a leftover, which the builder shows as JSON ("kept as JSON") and merges back on the
 * way out. So a definition the form cannot fully represent (Port-only keys, odd but valid shapes) still
 * round-trips unchanged.
 */

import { isPlainObject } from "./form-fields";

// The builders share one notion of a JSON object; the action builder's readers import it from here.
export { isPlainObject };

export type JsonObject = Record<string, unknown>;

/** Port's computed value, `{"jqQuery": "…"}` and nothing else (anything more is not a jqQuery). */
export function isJqQuery(value: unknown): value is { jqQuery: string } {
  return isPlainObject(value) && Object.keys(value).length === 1 && typeof value.jqQuery === "string";
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** A list a one-per-line textarea shows exactly: non-empty strings without surrounding space or newlines. */
export function isLineList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string" && v !== "" && v === v.trim() && !/[\r\n]/.test(v));
}

/**
 * One object being read into form fields. `take` hands a key to a field when `accept` says the field can
 * show it; `child` descends into a nested object. `remaining` is what no field took.
 *
 * @example
 * const read = new Leftovers(action);
 * const title = read.take("title", isNonEmptyString) ?? "";
 * const extras = read.remaining(); // e.g. { publish: true }
 */
export class Leftovers {
  private readonly rest: JsonObject;
  private readonly children = new Map<string, Leftovers>();

  constructor(source: JsonObject) {
    this.rest = { ...source };
  }

  /** The value of `key` when `accept` takes it (it is then no longer a leftover), else undefined. */
  take<T>(key: string, accept: (value: unknown) => value is T): T | undefined {
    if (!Object.hasOwn(this.rest, key)) return undefined;
    const value = this.rest[key];
    if (!accept(value)) return undefined;
    delete this.rest[key];
    return value;
  }

  /** Whether `key` is still unread (present and not taken). */
  has(key: string): boolean {
    return Object.hasOwn(this.rest, key);
  }

  /** The keys no field has taken yet. */
  keys(): string[] {
    return Object.keys(this.rest);
  }

  /** The value of an unread key, without taking it. */
  peek(key: string): unknown {
    return Object.hasOwn(this.rest, key) ? this.rest[key] : undefined;
  }

  /** A reader for the nested object at `key` (undefined when it is not an object); its leftovers stay under `key`. */
  child(key: string): Leftovers | undefined {
    const value = this.peek(key);
    if (!isPlainObject(value)) return undefined;
    delete this.rest[key];
    const reader = new Leftovers(value);
    this.children.set(key, reader);
    return reader;
  }

  /** What no field took, nested as in the source; undefined when everything was taken. */
  remaining(): JsonObject | undefined {
    const out: JsonObject = { ...this.rest };
    for (const [key, reader] of this.children) {
      const rest = reader.remaining();
      if (rest !== undefined) out[key] = rest;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
}

/** Leftovers as the JSON a "kept as JSON" box shows ("" when there are none). */
export function leftoverText(rest: JsonObject | undefined): string {
  return rest === undefined ? "" : JSON.stringify(rest, null, 2);
}

/**
 * Puts leftovers back: objects merge key by key (so a leftover `{"dataset": {"x": 1}}` joins the dataset
 * the form wrote); anything else in `extra` replaces what the form wrote.
 */
export function deepMerge(base: unknown, extra: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(extra)) return extra;
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const merged = Object.hasOwn(out, key) ? deepMerge(out[key], value) : value;
    // Defined, not assigned: a "__proto__" key from parsed JSON stays a plain key instead of a prototype.
    Object.defineProperty(out, key, { value: merged, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
