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
  const teams = JSON.stringify(scope.teams);
  const e = sql.raw(alias);
  if (scope.path.length === 0) {
    return sql`EXISTS (SELECT 1 FROM entity_values tv WHERE tv.entity_id = ${e}.id AND tv.property = '$team'
                       AND tv.str IN (SELECT value FROM json_each(${teams})))`;
  }
  // relations r0 (from the entity) → r1 → … → the owner, whose $team must match.
  const joins = scope.path
    .slice(1)
    .map(
      (rel, i) =>
        sql` JOIN relations ${sql.raw(`r${i + 1}`)} ON ${sql.raw(`r${i + 1}`)}.source_id = ${sql.raw(`r${i}`)}.target_id AND ${sql.raw(`r${i + 1}`)}.relation = ${rel}`,
    );
  const last = sql.raw(`r${scope.path.length - 1}`);
  return sql`EXISTS (SELECT 1 FROM relations r0${sql.join(joins, sql``)}
                     JOIN entity_values tv ON tv.entity_id = ${last}.target_id AND tv.property = '$team'
                     WHERE r0.source_id = ${e}.id AND r0.relation = ${scope.path[0]}
                       AND tv.str IN (SELECT value FROM json_each(${teams})))`;
}

/** Like visibleSql, for rows that may belong to any blueprint: each blueprint's own scope applies. */
export function visibleAcrossSql(alias: string, scopes: Map<string, ReadScope>): SQL {
  const all = [...scopes].filter(([, s]) => s.kind === "all").map(([bp]) => bp);
  const parts: SQL[] = [sql`${sql.raw(alias)}.blueprint IN (SELECT value FROM json_each(${JSON.stringify(all)}))`];
  for (const [bp, scope] of scopes) {
    if (scope.kind === "teams") parts.push(sql`(${sql.raw(alias)}.blueprint = ${bp} AND ${visibleSql(alias, scope)})`);
  }
  return sql`(${sql.join(parts, sql` OR `)})`;
}
