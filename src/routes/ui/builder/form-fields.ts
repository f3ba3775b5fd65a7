import type { ErrorDetail } from "../../../lib/errors";
import type { FormTree } from "../../../lib/form-paths";

/**
 * Helpers shared by the low-code builders: reading a decoded form tree, keeping the parts of a definition a
 * form cannot show (so JSON → form → JSON loses nothing), and the builders' small edit operations.
 */

/** A decoded form (see lib/form-paths): nested objects and lists of strings. */
export type Tree = { [key: string]: FormTree };

/**
 * A problem with a draft: a domain-style `path` (as the API reports it), and the form `field` it belongs to
 * when the path alone cannot find it (a second row with the same key).
 */
export interface DraftProblem extends ErrorDetail {
  field?: string;
}

/** Port's colour names (enum colours and scorecard levels); the badge classes of these names live in app.css. */
export const PORT_COLORS = [
  "paleBlue",
  "blue",
  "lightBlue",
  "turquoise",
  "green",
  "yellow",
  "orange",
  "red",
  "pink",
  "purple",
  "darkGray",
  "lightGray",
  "bronze",
  "silver",
  "gold",
] as const;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A field's text (the first, if the name was posted twice); "" when absent. */
export function textOf(tree: Tree, key: string): string {
  const v = tree[key];
  if (typeof v === "string") return v;
  if (Array.isArray(v) && typeof v[0] === "string") return v[0];
  return "";
}

/** A checkbox: posted (with any value) means ticked. */
export function flagOf(tree: Tree, key: string): boolean {
  return tree[key] !== undefined && tree[key] !== "";
}

/** A repeated group (`rows[0].a`, `rows[1].a`) as a list of sub-trees; anything else is no rows. */
export function rowsOf(tree: Tree, key: string): Tree[] {
  const v = tree[key];
  return Array.isArray(v) ? (v as FormTree[]).filter((row): row is Tree => isPlainObject(row)) : [];
}

/** A nested group (`ownership.type`) as a sub-tree; {} when absent. */
export function groupOf(tree: Tree, key: string): Tree {
  const v = tree[key];
  return isPlainObject(v) ? (v as Tree) : {};
}

/** Predicates for `Leftovers.take`: which stored values a form control shows exactly. */
export const isString = (v: unknown): v is string => typeof v === "string";
export const isText = (v: unknown): v is string => typeof v === "string" && v !== "";
export const isTrue = (v: unknown): v is true => v === true;
export const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";

/**
 * What remains of a definition after the form took what it can show. Whatever stays is shown as JSON in
 * the row's "More (JSON)" field and merged back on the way out, so nothing a form cannot express is lost.
 */
export class Leftovers {
  readonly rest: Record<string, unknown>;

  constructor(source: unknown) {
    this.rest = isPlainObject(source) ? { ...source } : {};
  }

  /** Removes and returns `key` if `accept` says a form control can show its value exactly. */
  take<T>(key: string, accept: (v: unknown) => v is T): T | undefined {
    const v = this.rest[key];
    if (!accept(v)) return undefined;
    delete this.rest[key];
    return v;
  }

  /** Takes a non-empty string for a text field ("" when there is none). */
  text(key: string): string {
    return this.take(key, isText) ?? "";
  }

  /** Works on a nested object the same way; it leaves the leftovers once nothing of it remains. */
  nested(key: string, use: (inner: Leftovers) => void): void {
    if (!isPlainObject(this.rest[key])) return;
    const inner = new Leftovers(this.rest[key]);
    use(inner);
    if (Object.keys(inner.rest).length === 0) delete this.rest[key];
    else this.rest[key] = inner.rest;
  }

  /** The leftovers as the text of a "More (JSON)" field ("" when nothing is left). */
  json(): string {
    return Object.keys(this.rest).length === 0 ? "" : JSON.stringify(this.rest, null, 2);
  }
}

/** A JSON field's value; a syntax error becomes a problem at `path` and the value is left out. */
export function parseJsonText(text: string, path: string, problems: DraftProblem[]): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    problems.push({ path, message: `is not valid JSON (${(error as Error).message})` });
    return undefined;
  }
}

/** A "More (JSON)" field: an object of extra keys merged under the form's own. */
export function parseMore(text: string, path: string, problems: DraftProblem[]): Record<string, unknown> {
  const value = parseJsonText(text, path ? `${path}.more` : "more", problems);
  if (value === undefined) return {};
  if (isPlainObject(value)) return value;
  problems.push({ path: path ? `${path}.more` : "more", message: "must be a JSON object of extra fields" });
  return {};
}

/** A number field: "" is no value; anything else must be a finite number. */
export function parseNumber(text: string, path: string, problems: DraftProblem[]): number | undefined {
  if (text.trim() === "") return undefined;
  const n = Number(text);
  if (Number.isFinite(n)) return n;
  problems.push({ path, message: "must be a number" });
  return undefined;
}

/**
 * The form's own values laid over the "More (JSON)" extras: the form's keys first and in its order (a
 * form value left empty keeps the extra of that name), then the extras the form has no field for.
 */
export function mergeOver(own: Record<string, unknown>, extras: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(own)) {
    const v = value !== undefined ? value : extras[key];
    if (v !== undefined) out[key] = v;
  }
  for (const [key, value] of Object.entries(extras)) if (!(key in out) && !(key in own)) out[key] = value;
  return out;
}

/** The extras' nested object at `key` (for merging a nested group such as `items`), or {}. */
export function extrasAt(extras: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = extras[key];
  return isPlainObject(v) ? v : {};
}

/** A key not used yet: `property_1`, `property_2`, … */
export function unusedKey(prefix: string, used: string[]): string {
  const taken = new Set(used);
  for (let n = 1; ; n++) if (!taken.has(`${prefix}_${n}`)) return `${prefix}_${n}`;
}

/** An edit operation posted by a builder button: `remove-enum:2:0` → {name: "remove-enum", args: ["2", "0"]}. */
export function parseOp(op: string): { name: string; args: string[] } {
  const [name = "", ...args] = op.split(":");
  return { name, args };
}

/** A list index from an op argument, or -1 when it names no existing item. */
export function indexArg(arg: string | undefined, length: number): number {
  const n = Number(arg);
  return Number.isInteger(n) && n >= 0 && n < length ? n : -1;
}

export function withoutIndex<T>(items: T[], index: number): T[] {
  return items.filter((_, i) => i !== index);
}

/** Swaps an item with its neighbour (`by` = -1 up, +1 down); out-of-range moves change nothing. */
export function moved<T>(items: T[], index: number, by: -1 | 1): T[] {
  const other = index + by;
  if (index < 0 || other < 0 || other >= items.length) return items;
  const out = [...items];
  [out[index], out[other]] = [out[other] as T, out[index] as T];
  return out;
}

/**
 * A problem placed at a form field. Next to a field of its own the message says enough; on a catch-all
 * field ("More (JSON)", a row's identifier, the top of the form) it keeps its path, which names the key.
 */
export function placed(field: string, problem: DraftProblem): { field: string; message: string } {
  const own = field !== "" && field !== "more" && !field.endsWith(".more") && !field.endsWith(".key") && !field.endsWith(".json");
  return { field, message: own || problem.path === "" ? problem.message : `${problem.path}: ${problem.message}` };
}

/** Groups problems by the form field they belong to ("" = the whole form). */
export function indexProblems(problems: { field: string; message: string }[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const p of problems) index.set(p.field, [...(index.get(p.field) ?? []), p.message]);
  return index;
}
