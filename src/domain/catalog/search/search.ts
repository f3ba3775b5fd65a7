import type { Database } from "../../../db/client";
import { searchEntities, searchText } from "../../../db/search-store";
import { fromBase64Url, toBase64Url } from "../../../lib/crypto";
import { type ErrorDetail, invalid, notFound } from "../../../lib/errors";
import type { ReadScope } from "../../access/decisions";
import { withDerivedProperties } from "../derived/derive";
import { indexedCalculations } from "../derived/indexed-calculations";
import type { Blueprint, Entity } from "../types";
import type { Filter, SortKey } from "./filter";
import { aggregateSpecOf, resolveQuery } from "./query";

/** The search request body (Port's `POST /v1/entities/search`, plus `sort`). */
export interface SearchRequest {
  query?: unknown;
  include?: string[] | undefined;
  exclude?: string[] | undefined;
  limit?: number | undefined;
  /** The `next` cursor of the previous page. */
  from?: string | undefined;
  sort?: { property: string; order?: "asc" | "desc" | undefined } | undefined;
}

/** Who is searching, in what: every blueprint with the caller's read scope. */
export interface SearchScope {
  blueprints: Map<string, Blueprint>;
  scopes: Map<string, ReadScope>;
  user: { email: string; teams: string[] };
  now: Date;
}

export const DEFAULT_LIMIT = 200;
export const MAX_LIMIT = 1000;

// No prototype (nor in META_FIELDS): looked up by names callers send, and `constructor` must miss.
const SORT_COLUMNS: Record<string, SortKey["on"]> = Object.assign(Object.create(null), {
  $identifier: { column: "identifier" },
  $title: { column: "title" },
  $blueprint: { column: "blueprint" },
  $createdAt: { column: "created_at" },
  $updatedAt: { column: "updated_at" },
});

/** A sort on a mirror property: the path and what it reads at the end. */
function mirrorSort(
  property: string,
  blueprints: Blueprint[],
  all: Map<string, Blueprint>,
  scopes: Map<string, ReadScope>,
): SortKey["on"] | null {
  const owner = blueprints.find((b) => b.mirrorProperties[property]);
  const mirror = owner?.mirrorProperties[property];
  if (!owner || !mirror) return null;
  const path = mirror.path.split(".");
  const field = path.pop() as string;
  let current: Blueprint | undefined = owner;
  for (const rel of path) current = all.get(current?.relations[rel]?.target ?? "");
  const targetScope: ReadScope = (current && scopes.get(current.identifier)) ?? { kind: "all" };
  const column = SORT_COLUMNS[field];
  if (column && "column" in column) return { mirror: path, target: column, targetScope };
  const def = current?.schema.properties[field];
  const type = def?.type === "array" ? def.items?.type : def?.type;
  return { mirror: path, target: { property: field, field: type === "number" ? "num" : "str" }, targetScope };
}

function resolveSort(
  sort: SearchRequest["sort"],
  blueprints: Blueprint[],
  all: Map<string, Blueprint>,
  scopes: Map<string, ReadScope>,
): SortKey {
  if (!sort) return { on: { column: "identifier" }, order: "asc" };
  const order = sort.order ?? "asc";
  const column = SORT_COLUMNS[sort.property];
  if (column) return { on: column, order };
  const mirror = mirrorSort(sort.property, blueprints, all, scopes);
  if (mirror) return { on: mirror, order };
  const calcOwner = blueprints.find((b) => b.calculationProperties[sort.property]);
  if (calcOwner) {
    if (!indexedCalculations(calcOwner).some(([k]) => k === sort.property)) {
      throw invalid([{ path: "sort.property", message: `'${sort.property}' reads other derived properties and cannot be sorted on` }]);
    }
    const type = (calcOwner.calculationProperties[sort.property] as { type?: string }).type;
    return { on: { property: sort.property, field: type === "number" ? "num" : "str" }, order };
  }
  const owner = blueprints.find((b) => b.aggregationProperties[sort.property]);
  if (owner) {
    const spec = aggregateSpecOf(owner, sort.property, {
      allBlueprints: [...all.values()],
      user: { email: "", teams: [] },
      now: new Date(),
    });
    if (typeof spec === "string") throw invalid([{ path: "sort.property", message: spec }]);
    return { on: { aggregate: spec }, order };
  }
  const def = blueprints.find((b) => b.schema.properties[sort.property])?.schema.properties[sort.property];
  if (!def || def.type === "object") throw invalid([{ path: "sort.property", message: `'${sort.property}' cannot be sorted on here` }]);
  const type = def.type === "array" ? def.items?.type : def.type;
  return { on: { property: sort.property, field: type === "number" ? "num" : "str" }, order };
}

function sortSignature(sort: SortKey): string {
  const on =
    "column" in sort.on
      ? sort.on.column
      : "mirror" in sort.on
        ? `mirror:${sort.on.mirror.join(".")}`
        : "aggregate" in sort.on
          ? `aggregate:${JSON.stringify(sort.on.aggregate)}`
          : sort.on.property;
  return `${on}:${sort.order}`;
}

function encodeCursor(key: [string | number, number], sort: SortKey): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify([key[0], key[1], sortSignature(sort)])));
}

function decodeCursor(cursor: string, sort: SortKey): [string | number, number] {
  try {
    const [k, id, sig] = JSON.parse(new TextDecoder().decode(fromBase64Url(cursor))) as [string | number, number, string];
    if (sig === sortSignature(sort) && (typeof k === "string" || typeof k === "number") && Number.isInteger(id)) return [k, id];
  } catch {
    // fall through
  }
  throw invalid([{ path: "from", message: "is not a cursor this search returned (or the sort changed)" }]);
}

const META_FIELDS: Record<string, keyof Entity> = Object.assign(Object.create(null), {
  $identifier: "identifier",
  $title: "title",
  $blueprint: "blueprint",
  $team: "team",
  $icon: "icon",
  $createdAt: "createdAt",
  $updatedAt: "updatedAt",
  $createdBy: "createdBy",
  $updatedBy: "updatedBy",
});

/** Port's include / exclude: `$identifier`, `properties.x`, `relations.y`, or whole `properties` / `relations`. */
export function project(entity: Entity, include: string[] | undefined, exclude: string[] | undefined): Record<string, unknown> {
  const pick = (e: Entity, field: string): [string[], unknown] | null => {
    const meta = META_FIELDS[field];
    if (meta) return [[meta], e[meta]];
    const [section, key] = field.split(/\.(.*)/s) as [string, string | undefined];
    if (section === "version" && key === undefined) return [["version"], e.version];
    if (section !== "properties" && section !== "relations") return null;
    if (key === undefined) return [[section], e[section as keyof Entity]];
    const bag = e[section as "properties" | "relations"] as Record<string, unknown>;
    return Object.hasOwn(bag, key) ? [[section, key], bag[key]] : null;
  };
  let out: Record<string, unknown> = { ...entity };
  if (include && include.length > 0) {
    out = {};
    for (const field of include) {
      const hit = pick(entity, field);
      if (!hit) continue;
      const [path, value] = hit;
      if (path.length === 1) out[path[0] as string] = value;
      else out[path[0] as string] = { ...(out[path[0] as string] as object), [path[1] as string]: value };
    }
  }
  for (const field of exclude ?? []) {
    const hit = pick(entity, field);
    if (!hit) continue;
    const [path] = hit;
    if (path.length === 1) delete out[path[0] as string];
    else {
      const bag = { ...(out[path[0] as string] as Record<string, unknown>) };
      delete bag[path[1] as string];
      out[path[0] as string] = bag;
    }
  }
  return out;
}

/**
 * Runs a search: resolves the query against the blueprints in reach (one for a blueprint-scoped search),
 * applies the caller's read scopes inside the same SQL, and pages by keyset.
 */
export async function search(
  db: Database,
  scope: SearchScope,
  request: SearchRequest,
  blueprint?: string,
): Promise<{ entities: Record<string, unknown>[]; next: string | null; total: number }> {
  // Across blueprints, only those the caller may read take part: rules and counts never touch the others.
  const target =
    blueprint === undefined
      ? [...scope.blueprints.values()].filter((b) => scope.scopes.get(b.identifier)?.kind !== "none")
      : [scope.blueprints.get(blueprint)].filter((b): b is Blueprint => !!b);
  if (blueprint !== undefined && target.length === 0) throw notFound(`Blueprint '${blueprint}'`);
  const problems: ErrorDetail[] = [];
  const limit = request.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    problems.push({ path: "limit", message: `must be a whole number from 1 to ${MAX_LIMIT}` });
  if (problems.length > 0) throw invalid(problems);
  const filter: Filter =
    request.query === undefined
      ? { kind: "all" }
      : resolveQuery(request.query, {
          blueprints: target,
          allBlueprints: [...scope.blueprints.values()],
          user: scope.user,
          now: scope.now,
          scopes: scope.scopes,
        });
  const sort = resolveSort(request.sort, target, scope.blueprints, scope.scopes);
  const scopes = new Map(target.map((b) => [b.identifier, scope.scopes.get(b.identifier) ?? ({ kind: "none" } as ReadScope)]));
  const after = request.from ? decodeCursor(request.from, sort) : undefined;
  const page = await searchEntities(db, { scopes, filter, sort, after, limit: limit + 1 });
  const more = page.rows.length > limit;
  const rows = more ? page.rows.slice(0, limit) : page.rows;
  const lastKey = page.keys[rows.length - 1];
  const total = page.total;
  return {
    entities: (await withDerivedProperties(db, scope.blueprints, rows, scope.scopes)).map((e) =>
      project(e, request.include, request.exclude),
    ),
    next: more && lastKey ? encodeCursor(lastKey, sort) : null,
    total,
  };
}

/** Free-text search, grouped by blueprint in rank order. */
export async function searchFreeText(
  db: Database,
  scope: SearchScope,
  text: string,
  limit: number,
): Promise<{ blueprint: string; title: string; entities: { identifier: string; title: string | null; tier: number }[] }[]> {
  // Control characters cannot be part of any indexed text; they would only upset the FTS query parser.
  const clean = [...text].map((ch) => (ch < " " ? " " : ch)).join("");
  const hits = await searchText(db, { text: clean, scopes: scope.scopes, limit });
  const groups = new Map<
    string,
    { blueprint: string; title: string; entities: { identifier: string; title: string | null; tier: number }[] }
  >();
  for (const hit of hits) {
    const bp = hit.entity.blueprint;
    const group = groups.get(bp) ?? { blueprint: bp, title: scope.blueprints.get(bp)?.title ?? bp, entities: [] };
    group.entities.push({ identifier: hit.entity.identifier, title: hit.entity.title, tier: hit.tier });
    groups.set(bp, group);
  }
  return [...groups.values()];
}
