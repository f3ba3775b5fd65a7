import { type SQL, sql } from "drizzle-orm";
import type { ReadScope } from "../domain/access/decisions";
import type { Filter, SortKey } from "../domain/catalog/search/filter";
import { type Database, runBatchRows, statement } from "./client";
import { ENTITY_COLUMNS, type EntityRowJson, hydrateEntities, type StoredEntity } from "./entity-store";
import { filterSql, intersectionCountSql, sortKeySql } from "./filter-sql";
import { visibleAcrossSql, visibleSql } from "./read-scope-sql";

export interface SearchSpec {
  /** Blueprints to search in, each with the caller's read scope (blueprints absent here are not searched). */
  scopes: Map<string, ReadScope>;
  filter: Filter;
  sort: SortKey;
  /** Keyset position: continue after this (sort key, row id). */
  after?: [string | number, number] | undefined;
  limit: number;
}

/** Does the filter AND in a relatedTo walk? Its handful of reachable ids is the best place to start. */
function hasRelatedWalk(filter: Filter): boolean {
  if (filter.kind === "related") return true;
  if (filter.kind === "and") return filter.items.some(hasRelatedWalk);
  return false;
}

/**
 * The total's SQL: for one fully readable blueprint filtered by value tests alone, the intersection of the
 * index lookups (no entity rows read); otherwise a count under the page's own WHERE.
 */
function countSql(spec: Pick<SearchSpec, "scopes" | "filter">, where: SQL): SQL {
  const searchable = [...spec.scopes].filter(([, s]) => s.kind !== "none");
  const only = searchable.length === 1 ? searchable[0] : undefined;
  const fast = only && only[1].kind === "all" ? intersectionCountSql(spec.filter, only[0]) : null;
  return fast ?? sql`SELECT COUNT(*) AS n FROM entities e WHERE ${where}`;
}

/** Where the blueprint restriction, the caller's read scope and the filter meet: one WHERE. */
function whereSql(spec: Pick<SearchSpec, "scopes" | "filter">): SQL {
  const searchable = [...spec.scopes].filter(([, s]) => s.kind !== "none");
  if (searchable.length === 0) return sql`0`;
  if (searchable.length === 1) {
    const [bp, scope] = searchable[0] as [string, ReadScope];
    // A relatedTo walk reaches a few ids: start from them (unary + keeps the blueprint index out of the
    // plan) rather than walk every entity of the blueprint. Value lookups are cheaper tested per row from
    // the covering indexes, so the blueprint index stays the driver there (measured: docs/performance.md).
    const blueprintTest = hasRelatedWalk(spec.filter) ? sql`+e.blueprint = ${bp}` : sql`e.blueprint = ${bp}`;
    return sql`${blueprintTest} AND ${visibleSql("e", scope)} AND ${filterSql(spec.filter)}`;
  }
  return sql`${visibleAcrossSql("e", new Map(searchable))} AND ${filterSql(spec.filter)}`;
}

/**
 * A page of entities matching a filter, ordered by the sort key then row id, continuing after `after`
 * (keyset pagination: deep pages cost the same as the first, and rows inserted meanwhile neither repeat
 * nor shift the pages), and how many match in all. Page and count go to D1 in one batch.
 */
export async function searchEntities(
  db: Database,
  spec: SearchSpec,
): Promise<{ rows: StoredEntity[]; keys: [string | number, number][]; total: number }> {
  const key = sortKeySql(spec.sort);
  const desc = spec.sort.order === "desc";
  const after = spec.after
    ? desc
      ? sql` AND (${key}, e.id) < (${spec.after[0]}, ${spec.after[1]})`
      : sql` AND (${key}, e.id) > (${spec.after[0]}, ${spec.after[1]})`
    : sql``;
  const order = desc ? sql`ORDER BY sk DESC, e.id DESC` : sql`ORDER BY sk, e.id`;
  const where = whereSql(spec);
  const [page, count] = await runBatchRows<Record<string, unknown>>(db, [
    statement(db, sql`SELECT ${ENTITY_COLUMNS}, ${key} AS sk FROM entities e WHERE ${where}${after} ${order} LIMIT ${spec.limit}`),
    statement(db, countSql(spec, where)),
  ]);
  const rows = (page ?? []) as unknown as (EntityRowJson & { sk: string | number })[];
  const total = Number((count?.[0] as { n?: number } | undefined)?.n ?? 0);
  return { rows: await hydrateEntities(db, rows), keys: rows.map((r) => [r.sk, r.id]), total };
}

/** A free-text hit: the entity and how it matched. */
export interface TextHit {
  entity: StoredEntity;
  /** 0: identifier or title starts with the text; 1: they contain it; 2: only a property does. */
  tier: number;
}

/**
 * Free-text search over identifiers, titles and string properties. Terms of 3+ characters use the
 * trigram index (any part of a word); shorter text falls back to identifier/title prefixes. Ranking:
 * identifier/title prefix hits first, then identifier/title substring hits, then property hits, each by
 * bm25 with identifier weighted over title over body.
 */
export async function searchText(db: Database, q: { text: string; scopes: Map<string, ReadScope>; limit: number }): Promise<TextHit[]> {
  const terms = q.text
    .trim()
    .split(/\s+/)
    .filter((t) => t.length > 0)
    .slice(0, 8);
  if (terms.length === 0) return [];
  const first = terms[0] as string;
  const visible = whereSql({ scopes: q.scopes, filter: { kind: "all" } });
  // instr() = 1 is a case-insensitive prefix test of any length (D1 refuses LIKE patterns over 50 bytes).
  const startsWithFirst = sql`(instr(lower(e.identifier), lower(${first})) = 1 OR instr(lower(COALESCE(e.title, '')), lower(${first})) = 1)`;
  const tier = sql`CASE WHEN ${startsWithFirst} THEN 0
    WHEN instr(lower(e.identifier), lower(${first})) > 0 OR instr(lower(COALESCE(e.title, '')), lower(${first})) > 0 THEN 1 ELSE 2 END`;
  let rows: (EntityRowJson & { tier: number })[];
  if (terms.every((t) => t.length >= 3)) {
    const quoted = terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(" AND ");
    // When the caller reads everything, rank candidates inside the FTS index first and join only the best;
    // with team-scoped reads every match is joined, so a visible hit is never cut off by invisible ones.
    const everyoneVisible = [...q.scopes.values()].every((s) => s.kind === "all");
    const stage = async (index: "names" | "body", exclude: number[], want: number) => {
      const ranked =
        index === "names"
          ? sql`SELECT rowid, bm25(entity_names, 10.0, 5.0) AS score FROM entity_names WHERE entity_names MATCH ${quoted}`
          : sql`SELECT rowid, bm25(entity_search, 0.0, 0.0, 1.0) AS score FROM entity_search WHERE entity_search MATCH ${`{body} : (${quoted})`}`;
      const candidates = everyoneVisible ? sql`${ranked} ORDER BY score LIMIT ${want * 5}` : ranked;
      return db.all<EntityRowJson & { tier: number }>(sql`
        SELECT ${ENTITY_COLUMNS}, ${tier} AS tier FROM (${candidates}) s JOIN entities e ON e.id = s.rowid
        WHERE ${visible} AND e.id NOT IN (SELECT value FROM json_each(${JSON.stringify(exclude)}))
        ORDER BY tier, s.score, e.identifier LIMIT ${want}`);
    };
    // Identifier and title hits first (their own small index); property text only fills what is left.
    rows = await stage("names", [], q.limit);
    if (rows.length < q.limit)
      rows.push(
        ...(await stage(
          "body",
          rows.map((r) => r.id),
          q.limit - rows.length,
        )),
      );
  } else {
    rows = await db.all(sql`
      SELECT ${ENTITY_COLUMNS}, 0 AS tier FROM entities e
      WHERE ${startsWithFirst} AND ${visible}
      ORDER BY length(e.identifier), e.identifier LIMIT ${q.limit}`);
  }
  const entities = await hydrateEntities(db, rows);
  return entities.map((entity, i) => ({ entity, tier: rows[i]?.tier ?? 2 }));
}
