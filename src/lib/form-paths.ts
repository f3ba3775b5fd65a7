/**
 * Form fields named by path (`properties[2].enum[0]`, `trigger.operation`) decoded into one nested value, so
 * a low-code builder can post a whole definition as an ordinary HTML form and read it back as JSON.
 *
 * Rules, kept small on purpose:
 * - `a.b` is a key of an object, `a[3]` an index of an array (indexes may have gaps: rows the user removed;
 *   gaps are closed in index order, so `[0]` and `[5]` become a two-item array).
 * - A name posted several times (checkboxes, multi-selects) becomes an array of its values.
 * - Keys that would reach the prototype (`__proto__`, `constructor`, `prototype`) are refused.
 * - Values stay strings: the builder that owns the form knows which are numbers or booleans.
 */
export type FormTree = string | string[] | FormTree[] | { [key: string]: FormTree };

const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

export class FormPathError extends Error {}

/** `a.b[2].c` → ["a", "b", 2, "c"]. */
export function parseFormPath(name: string): (string | number)[] {
  const parts: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let consumed = 0;
  for (let m = re.exec(name); m; m = re.exec(name)) {
    const between = name.slice(consumed, m.index);
    if (between !== "" && between !== ".") throw new FormPathError(`Field name '${name}' is not a path`);
    if (m[1] !== undefined) {
      if (FORBIDDEN.has(m[1])) throw new FormPathError(`Field name '${name}' uses the reserved key '${m[1]}'`);
      parts.push(m[1]);
    } else parts.push(Number(m[2]));
    consumed = m.index + m[0].length;
  }
  if (consumed !== name.length || parts.length === 0) throw new FormPathError(`Field name '${name}' is not a path`);
  return parts;
}

type Node = { [key: string]: Node } | Map<number, Node> | string | string[];

function childOf(parent: Node, key: string | number, nextIsIndex: boolean): Node {
  const make = (): Node => (nextIsIndex ? new Map<number, Node>() : Object.create(null));
  if (parent instanceof Map) {
    if (typeof key !== "number") throw new FormPathError(`'${key}' used as a key of a list`);
    const existing = parent.get(key);
    if (existing !== undefined) return existing;
    const created = make();
    parent.set(key, created);
    return created;
  }
  if (typeof parent === "string" || Array.isArray(parent)) throw new FormPathError("A field is both a value and a group");
  if (typeof key === "number") throw new FormPathError(`[${key}] used on an object`);
  const existing = parent[key];
  if (existing !== undefined) return existing;
  const created = make();
  parent[key] = created;
  return created;
}

function assign(parent: Node, key: string | number, value: string): void {
  if (parent instanceof Map) {
    if (typeof key !== "number") throw new FormPathError(`'${key}' used as a key of a list`);
    const existing = parent.get(key);
    parent.set(key, existing === undefined ? value : appendValue(existing, value));
    return;
  }
  if (typeof parent === "string" || Array.isArray(parent)) throw new FormPathError("A field is both a value and a group");
  if (typeof key === "number") throw new FormPathError(`[${key}] used on an object`);
  const existing = parent[key];
  parent[key] = existing === undefined ? value : appendValue(existing, value);
}

function appendValue(existing: Node, value: string): Node {
  if (typeof existing === "string") return [existing, value];
  if (Array.isArray(existing)) return [...existing, value];
  throw new FormPathError("A field is both a value and a group");
}

function finish(node: Node): FormTree {
  if (typeof node === "string" || Array.isArray(node)) return node;
  if (node instanceof Map) {
    return [...node.entries()].sort(([a], [b]) => a - b).map(([, child]) => finish(child));
  }
  const out: { [key: string]: FormTree } = {};
  for (const [k, v] of Object.entries(node)) out[k] = finish(v);
  return out;
}

/**
 * Decodes form entries (as from `FormData.entries()` or Hono's parseBody with `all: true`) whose names are
 * paths. Names listed in `ignore` (e.g. `_csrf`) are skipped; File values are refused.
 */
export function decodeFormPaths(
  entries: Iterable<[string, unknown]>,
  ignore: ReadonlySet<string> = new Set(),
): { [key: string]: FormTree } {
  const root: Node = Object.create(null);
  for (const [name, raw] of entries) {
    if (ignore.has(name)) continue;
    const values = Array.isArray(raw) ? raw : [raw];
    const path = parseFormPath(name);
    let node: Node = root;
    for (let i = 0; i < path.length - 1; i++) node = childOf(node, path[i] as string | number, typeof path[i + 1] === "number");
    for (const value of values) {
      if (typeof value !== "string") throw new FormPathError(`Field '${name}' is not text`);
      assign(node, path[path.length - 1] as string | number, value);
    }
  }
  return finish(root) as { [key: string]: FormTree };
}
