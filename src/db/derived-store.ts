import { sql } from "drizzle-orm";
import type { ReadScope } from "../domain/access/decisions";
import type { Filter } from "../domain/catalog/search/filter";
import { type Database, jsonChunks } from "./client";
import { filterSql, MAX_RELATION_HOPS } from "./filter-sql";
import { visibleAcrossSql } from "./read-scope-sql";

/** The entity at the end of a relation path from a root, with what a mirror can read of it. */
export interface PathTarget {
  root: number;
  identifier: string;
  title: string | null;
  team: string[];
  properties: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/**
 * For each root entity, the entities reached by following `path` (relation names, in order) — only those
 * the reader may read when `scopes` is given.
 */
export async function followPath(db: Database, roots: number[], path: string[], scopes?: Map<string, ReadScope>): Promise<PathTarget[]> {
  if (roots.length === 0 || path.length === 0) return [];
  const hop = (i: number) => sql.raw(`r${i}`);
  const joins = path
    .slice(1)
    .map(
      (rel, i) => sql` JOIN relations ${hop(i + 1)} ON ${hop(i + 1)}.source_id = ${hop(i)}.target_id AND ${hop(i + 1)}.relation = ${rel}`,
    );
  const out: PathTarget[] = [];
  for (const chunk of jsonChunks(roots)) {
    const rows = await db.all<{
      root: number;
      identifier: string;
      title: string | null;
      team: string;
      properties: string;
      created_at: string;
      updated_at: string;
    }>(sql`
      SELECT r0.source_id AS root, t.identifier, t.title, t.team, t.properties, t.created_at, t.updated_at
      FROM relations r0${sql.join(joins, sql``)}
      JOIN entities t ON t.id = ${hop(path.length - 1)}.target_id
      WHERE r0.relation = ${path[0]} AND r0.source_id IN (SELECT value FROM json_each(${chunk}))
        AND ${scopes ? visibleAcrossSql("t", scopes) : sql`1`}
      ORDER BY r0.source_id, r0.position`);
    for (const r of rows) {
      out.push({
        root: r.root,
        identifier: r.identifier,
        title: r.title,
        team: JSON.parse(r.team) as string[],
        properties: JSON.parse(r.properties) as Record<string, unknown>,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      });
    }
  }
  return out;
}

/**
 * For each root, the values of `property` (or one row per entity when `property` is null) of the entities
 * of `blueprint` related to it: pointing at it along `path` (relation names from the related entity to
 * the root), or, without a path, pointing at it over any relations up to MAX_RELATION_HOPS. Entities are
 * counted once per root, and only those matching `filter`.
 */
export async function relatedValues(
  db: Database,
  q: { roots: number[]; blueprint: string; path: string[] | null; property: string | null; filter: Filter },
): Promise<{ root: number; value: unknown }[]> {
  if (q.roots.length === 0) return [];
  const value = q.property === null ? sql`1` : sql`json_extract(e.properties, ${`$."${q.property}"`})`;
  const out: { root: number; value: unknown }[] = [];
  for (const chunk of jsonChunks(q.roots)) {
    let reach: ReturnType<typeof sql>;
    if (q.path && q.path.length > 0) {
      // Walk the path backwards from the root: the last relation points at the root.
      const steps = [...q.path].reverse();
      const hop = (i: number) => sql.raw(`p${i}`);
      const joins = steps
        .slice(1)
        .map(
          (rel, i) =>
            sql` JOIN relations ${hop(i + 1)} ON ${hop(i + 1)}.target_id = ${hop(i)}.source_id AND ${hop(i + 1)}.relation = ${rel}`,
        );
      reach = sql`SELECT DISTINCT p0.target_id AS root, ${hop(steps.length - 1)}.source_id AS id
        FROM relations p0${sql.join(joins, sql``)}
        WHERE p0.relation = ${steps[0]} AND p0.target_id IN (SELECT value FROM json_each(${chunk}))`;
    } else {
      reach = sql`WITH RECURSIVE walk(root, id, depth) AS (
          SELECT value, value, 0 FROM json_each(${chunk})
          UNION
          SELECT w.root, r.source_id, w.depth + 1 FROM relations r JOIN walk w ON r.target_id = w.id WHERE w.depth < ${MAX_RELATION_HOPS}
        )
        SELECT DISTINCT root, id FROM walk WHERE depth > 0`;
    }
    const rows = await db.all<{ root: number; value: unknown }>(sql`
      SELECT x.root, ${value} AS value FROM (${reach}) x JOIN entities e ON e.id = x.id
      WHERE e.blueprint = ${q.blueprint} AND ${filterSql(q.filter)}`);
    out.push(...rows);
  }
  return out;
}
