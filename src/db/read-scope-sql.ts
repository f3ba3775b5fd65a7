import { type SQL, sql } from "drizzle-orm";
import type { ReadScope } from "../domain/access/decisions";

/**
 * The WHERE fragment that keeps only entities `alias` (an `entities` row) that `scope` lets the caller
 * read. Team scopes match the owning teams in the value index (`$team` rows), directly or, for inherited
 * ownership, on the entity at the end of the relation path: the filter is part of the query, never applied
 * after fetching.
 */
export function visibleSql(alias: string, scope: ReadScope): SQL {
  if (scope.kind === "all") return sql`1`;
  if (scope.kind === "none") return sql`0`;
  return sql`EXISTS (SELECT 1 FROM ${ownerTeamRowsSql(sql.raw(`${alias}.id`), scope.path)}
                     AND tv.str IN (SELECT value FROM json_each(${JSON.stringify(scope.teams)})))`;
}

/**
 * `FROM … WHERE …` yielding the `$team` index rows (alias `tv`) of the entity that owns `entityId`: the
 * entity itself for an empty path, else the one reached along the relation path (r0 → r1 → …).
 * Callers add their own conditions with AND.
 */
export function ownerTeamRowsSql(entityId: SQL, path: string[]): SQL {
  if (path.length === 0) return sql`entity_values tv WHERE tv.entity_id = ${entityId} AND tv.property = '$team'`;
  const hop = (i: number) => sql.raw(`r${i}`);
  const joins = path
    .slice(1)
    .map(
      (rel, i) => sql` JOIN relations ${hop(i + 1)} ON ${hop(i + 1)}.source_id = ${hop(i)}.target_id AND ${hop(i + 1)}.relation = ${rel}`,
    );
  return sql`relations r0${sql.join(joins, sql``)}
             JOIN entity_values tv ON tv.entity_id = ${hop(path.length - 1)}.target_id AND tv.property = '$team'
             WHERE r0.source_id = ${entityId} AND r0.relation = ${path[0]}`;
}

/** Like visibleSql, for rows that may belong to any blueprint: each blueprint's own scope applies. */
export function visibleAcrossSql(alias: string, scopes: Map<string, ReadScope>): SQL {
  const all = [...scopes].filter(([, s]) => s.kind === "all").map(([bp]) => bp);
  // Unary + keeps the blueprint index from driving the query: across blueprints the rows come from
  // elsewhere (a relation walk, the text index), and walking entities by blueprint would visit them all.
  const parts: SQL[] = [sql`+${sql.raw(alias)}.blueprint IN (SELECT value FROM json_each(${JSON.stringify(all)}))`];
  // Blueprints that share the same team scope share one condition, so the bound parameters stay few
  // however many blueprints are team-scoped (D1 allows 100 per statement).
  const groups = new Map<string, { scope: ReadScope; blueprints: string[] }>();
  for (const [bp, scope] of scopes) {
    if (scope.kind !== "teams") continue;
    const key = JSON.stringify([scope.teams, scope.path]);
    const group = groups.get(key) ?? { scope, blueprints: [] };
    group.blueprints.push(bp);
    groups.set(key, group);
  }
  for (const { scope, blueprints } of groups.values()) {
    parts.push(
      sql`(+${sql.raw(alias)}.blueprint IN (SELECT value FROM json_each(${JSON.stringify(blueprints)})) AND ${visibleSql(alias, scope)})`,
    );
  }
  return sql`(${sql.join(parts, sql` OR `)})`;
}
