import { type SQL, sql } from "drizzle-orm";
import type { ReadScope } from "../domain/access/decisions";
import type { Database } from "./client";
import { visibleAcrossSql, visibleSql } from "./read-scope-sql";

/**
 * Queries of the home page: the entities a user's teams own and the scorecard rules they fail. Each query
 * keeps only entities the reader may read (their read scopes are part of the WHERE).
 */

/** Whose entities: the teams, and each blueprint's ownership path (empty: the entity's own `team`). */
export interface TeamOwnership {
  teams: string[];
  paths: Map<string, string[]>;
}

/**
 * Entities `alias` owned by one of the teams. Directly owned entities are found from the `$team` index rows
 * (an index lookup per blueprint and team, not a walk over every entity); inherited ownership follows each
 * blueprint's relation path, as read scopes do.
 */
function ownedSql(alias: string, owned: TeamOwnership): SQL {
  const a = sql.raw(alias);
  const teams = JSON.stringify(owned.teams);
  const direct = [...owned.paths].filter(([, path]) => path.length === 0).map(([bp]) => bp);
  const parts: SQL[] = [
    sql`${a}.id IN (SELECT tv.entity_id FROM entity_values tv
                    WHERE tv.blueprint IN (SELECT value FROM json_each(${JSON.stringify(direct)}))
                      AND tv.property = '$team' AND tv.str IN (SELECT value FROM json_each(${teams})))`,
  ];
  for (const [blueprint, path] of owned.paths) {
    if (path.length > 0)
      parts.push(sql`(${a}.blueprint = ${blueprint} AND ${visibleSql(alias, { kind: "teams", teams: owned.teams, path })})`);
  }
  return sql`(${sql.join(parts, sql` OR `)})`;
}

/** One entity as the home page lists it. */
export interface OwnedEntity {
  blueprint: string;
  identifier: string;
  title: string | null;
  updatedAt: string;
}

/** The teams' entities the reader may read, most recently updated first. */
export async function ownedEntities(
  db: Database,
  owned: TeamOwnership,
  scopes: Map<string, ReadScope>,
  limit: number,
): Promise<OwnedEntity[]> {
  return db.all<OwnedEntity>(sql`
    SELECT e.blueprint, e.identifier, e.title, e.updated_at AS updatedAt FROM entities e
    WHERE ${ownedSql("e", owned)} AND ${visibleAcrossSql("e", scopes)}
    ORDER BY e.updated_at DESC, e.id DESC LIMIT ${limit}`);
}

/** How many of the teams' entities the reader may read, per blueprint. */
export async function ownedEntityCounts(db: Database, owned: TeamOwnership, scopes: Map<string, ReadScope>): Promise<Map<string, number>> {
  const rows = await db.all<{ blueprint: string; n: number }>(sql`
    SELECT e.blueprint, count(*) AS n FROM entities e
    WHERE ${ownedSql("e", owned)} AND ${visibleAcrossSql("e", scopes)}
    GROUP BY e.blueprint`);
  return new Map(rows.map((r) => [r.blueprint, r.n]));
}

/** A rule the teams' entities fail: how many fail it, and the first few of them by identifier. */
export interface FailingRuleRow {
  blueprint: string;
  scorecard: string;
  rule: string;
  failing: number;
  sample: { identifier: string; title: string | null }[];
}

/**
 * The scorecard rules failed (exemptions count as passing) by the teams' entities the reader may read,
 * most failed first, with up to `sample` entities each.
 */
export async function failingRulesOfOwned(
  db: Database,
  owned: TeamOwnership,
  scopes: Map<string, ReadScope>,
  sample: number,
): Promise<FailingRuleRow[]> {
  const rows = await db.all<{
    blueprint: string;
    scorecard: string;
    rule: string;
    n: number;
    identifier: string;
    title: string | null;
  }>(sql`
    WITH failing AS (
      SELECT r.blueprint, r.scorecard, j.key AS rule, e.identifier, e.title
      FROM scorecard_results r JOIN entities e ON e.id = r.entity_id JOIN json_each(r.effective) j
      WHERE COALESCE(j.value, 0) <> 1 AND ${ownedSql("e", owned)} AND ${visibleAcrossSql("e", scopes)}
    ), ranked AS (
      SELECT *, count(*) OVER (PARTITION BY blueprint, scorecard, rule) AS n,
             row_number() OVER (PARTITION BY blueprint, scorecard, rule ORDER BY identifier) AS k
      FROM failing
    )
    SELECT blueprint, scorecard, rule, n, identifier, title FROM ranked WHERE k <= ${sample}
    ORDER BY n DESC, blueprint, scorecard, rule, k`);
  const groups = new Map<string, FailingRuleRow>();
  for (const r of rows) {
    const key = JSON.stringify([r.blueprint, r.scorecard, r.rule]);
    const group = groups.get(key) ?? { blueprint: r.blueprint, scorecard: r.scorecard, rule: r.rule, failing: r.n, sample: [] };
    group.sample.push({ identifier: r.identifier, title: r.title });
    groups.set(key, group);
  }
  return [...groups.values()];
}
