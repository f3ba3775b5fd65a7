import { type SQL, sql } from "drizzle-orm";
import type { ReadScope } from "../domain/access/decisions";
import type { ChangeStamp } from "../domain/catalog/types";
import type { CompiledScorecard, ScorecardDefinition } from "../domain/scorecards/definition";
import { type Database, type Statement, statement } from "./client";
import { filterSql } from "./filter-sql";
import { visibleSql } from "./read-scope-sql";

export type StoredScorecard = ScorecardDefinition & ChangeStamp & { blueprint: string };

interface Row {
  blueprint: string;
  definition: string;
  version: number;
  created_at: string;
  updated_at: string;
  created_by: string;
  updated_by: string;
}

function toScorecard(r: Row): StoredScorecard {
  return {
    ...(JSON.parse(r.definition) as ScorecardDefinition),
    blueprint: r.blueprint,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    createdBy: r.created_by,
    updatedBy: r.updated_by,
  };
}

/** Scorecards of one blueprint, or of all. */
export async function listScorecards(db: Database, blueprint?: string): Promise<StoredScorecard[]> {
  const where = blueprint === undefined ? sql`1 = 1` : sql`blueprint = ${blueprint}`;
  return (await db.all<Row>(sql`SELECT * FROM scorecards WHERE ${where} ORDER BY blueprint, title COLLATE NOCASE`)).map(toScorecard);
}

export async function findScorecard(db: Database, blueprint: string, identifier: string): Promise<StoredScorecard | null> {
  const row = await db.get<Row>(sql`SELECT * FROM scorecards WHERE blueprint = ${blueprint} AND identifier = ${identifier}`);
  return row ? toScorecard(row) : null;
}

/** Inserts a scorecard, or replaces it at `expectedVersion` (no row changes when the version moved on). */
export function saveScorecardStatement(
  db: Database,
  blueprint: string,
  s: ScorecardDefinition,
  stamp: { actor: string; at: string },
  expectedVersion: number | null,
): Statement {
  const definition = JSON.stringify(s);
  if (expectedVersion === null) {
    return statement(
      db,
      sql`INSERT INTO scorecards (blueprint, identifier, title, definition, version, created_at, updated_at, created_by, updated_by)
          VALUES (${blueprint}, ${s.identifier}, ${s.title}, ${definition}, 1, ${stamp.at}, ${stamp.at}, ${stamp.actor}, ${stamp.actor})`,
    );
  }
  return statement(
    db,
    sql`UPDATE scorecards SET title = ${s.title}, definition = ${definition}, version = version + 1, updated_at = ${stamp.at}, updated_by = ${stamp.actor}
        WHERE blueprint = ${blueprint} AND identifier = ${s.identifier} AND version = ${expectedVersion}`,
  );
}

export function deleteScorecardStatements(db: Database, blueprint: string, identifier: string): Statement[] {
  return [
    statement(db, sql`DELETE FROM scorecard_results WHERE blueprint = ${blueprint} AND scorecard = ${identifier}`),
    statement(db, sql`DELETE FROM scorecard_exemptions WHERE blueprint = ${blueprint} AND scorecard = ${identifier}`),
    statement(db, sql`DELETE FROM scorecards WHERE blueprint = ${blueprint} AND identifier = ${identifier}`),
  ];
}

/** Which entities a scoring pass covers: all of the blueprint, some identifiers, or an id range (chunks). */
export type ScoreTarget =
  | { kind: "all" }
  | { kind: "identifiers"; identifiers: string[] }
  | { kind: "range"; afterId: number; toId: number };

function targetSql(t: ScoreTarget, alias: string): SQL {
  const a = sql.raw(alias);
  if (t.kind === "all") return sql`1 = 1`;
  if (t.kind === "range") return sql`${a}.id > ${t.afterId} AND ${a}.id <= ${t.toId}`;
  return sql`${a}.identifier IN (SELECT value FROM json_each(${JSON.stringify(t.identifiers)}))`;
}

/** A rule name inside a JSON path. Rule identifiers are checked to be [A-Za-z0-9_-] (definition.ts). */
function rulePath(rule: string): SQL {
  return sql.raw(`'$."${rule.replace(/[^A-Za-z0-9_-]/g, "")}"'`);
}

/**
 * Statements that (re)score entities in SQL, in one batch (a transaction): refresh a row per entity in the
 * filter (dropping those that left it), record each rule's outcome, apply current exemptions, derive the level (the
 * highest level whose rules, and all below, pass) and the weighted score, record today's history, and write an ENTITY_UPDATED event (origin SCORECARD) for each changed level.
 * Entities inside the same batch's earlier writes are scored as written.
 */
export function scoreStatements(db: Database, s: CompiledScorecard, target: ScoreTarget, now: string): Statement[] {
  const scope = sql`blueprint = ${s.blueprint} AND scorecard = ${s.identifier}`;
  const entityIn = sql`entity_id IN (SELECT e.id FROM entities e WHERE e.blueprint = ${s.blueprint} AND ${targetSql(target, "e")})`;
  const passes = (rule: string) => sql`COALESCE(json_extract(effective, ${rulePath(rule)}), 0) = 1`;
  // Level n is reached when every rule of levels 1..n passes; the CASE stops at the first level that fails.
  const levelCase = s.levels.slice(1).map((_, i) => {
    const rules = s.rules.filter((r) => r.levelIndex === i + 1);
    const all = rules.length
      ? sql.join(
          rules.map((r) => passes(r.identifier)),
          sql` AND `,
        )
      : sql`1`;
    return sql` WHEN NOT (${all}) THEN ${i}`;
  });
  const totalWeight = s.rules.reduce((sum, r) => sum + r.weight, 0);
  const score = totalWeight
    ? sql`ROUND(100.0 * (${sql.join(
        s.rules.map((r) => sql`CASE WHEN ${passes(r.identifier)} THEN ${r.weight} ELSE 0 END`),
        sql` + `,
      )}) / ${totalWeight}, 1)`
    : sql`100`;
  const day = now.slice(0, 10);
  // A few written entities are tested through their own index rows; a whole blueprint by value lookups.
  const perEntity = target.kind === "identifiers" && target.identifiers.length <= 100;
  return [
    // Rows are kept (not deleted and re-inserted) so each remembers the level it had: a change is an event.
    statement(db, sql`UPDATE scorecard_results SET stale = 1, prev_level = level WHERE ${scope} AND ${entityIn}`),
    statement(
      db,
      sql`INSERT INTO scorecard_results (blueprint, scorecard, entity_id, rules, effective, level_index, level, score, computed_at, prev_level, stale)
          SELECT ${s.blueprint}, ${s.identifier}, e.id, '{}', '{}', 0, '', 0, ${now}, NULL, 0
          FROM entities e WHERE e.blueprint = ${s.blueprint} AND ${targetSql(target, "e")} AND ${filterSql(s.filter, { perEntity })}
          ON CONFLICT (blueprint, scorecard, entity_id) DO UPDATE SET stale = 0, rules = '{}', computed_at = excluded.computed_at`,
    ),
    // Entities that left the filter are no longer scored.
    statement(db, sql`DELETE FROM scorecard_results WHERE ${scope} AND ${entityIn} AND stale = 1`),
    // One statement per rule keeps each within D1's 100 bound parameters, however many rules there are.
    ...s.rules.map((r) =>
      statement(
        db,
        sql`UPDATE scorecard_results SET rules = json_set(rules, ${rulePath(r.identifier)},
              (SELECT CASE WHEN ${filterSql(r.filter, { perEntity })} THEN 1 ELSE 0 END FROM entities e WHERE e.id = scorecard_results.entity_id))
            WHERE ${scope} AND ${entityIn}`,
      ),
    ),
    statement(
      db,
      sql`UPDATE scorecard_results SET effective = json_patch(rules, COALESCE((
            SELECT json_group_object(x.rule, 1) FROM scorecard_exemptions x JOIN entities en ON en.blueprint = x.blueprint AND en.identifier = x.identifier
            WHERE en.id = scorecard_results.entity_id AND x.blueprint = scorecard_results.blueprint AND x.scorecard = scorecard_results.scorecard
              AND x.applied = 1 AND (x.expires_at IS NULL OR x.expires_at > ${now})), '{}'))
          WHERE ${scope} AND ${entityIn}`,
    ),
    statement(
      db,
      sql`UPDATE scorecard_results SET level_index = CASE${sql.join(levelCase, sql``)} ELSE ${s.levels.length - 1} END, score = ${score}
          WHERE ${scope} AND ${entityIn}`,
    ),
    statement(
      db,
      sql`UPDATE scorecard_results SET level = json_extract(${JSON.stringify(s.levels)}, '$[' || level_index || ']') WHERE ${scope} AND ${entityIn}`,
    ),
    // A changed level is an ENTITY_UPDATED event (origin SCORECARD) whose diff holds the old and new level.
    statement(
      db,
      sql`INSERT INTO audit_log (at, actor, origin, action, resource_type, blueprint, entity, before, after, request_id)
          SELECT ${now}, 'scorecard', 'SCORECARD', 'UPDATE', 'entity', r.blueprint, e.identifier,
                 json_object('identifier', e.identifier, 'blueprint', e.blueprint, 'title', e.title, 'team', json(e.team),
                             'properties', json(e.properties), 'scorecards', json_object(r.scorecard, json_object('level', r.prev_level))),
                 json_object('identifier', e.identifier, 'blueprint', e.blueprint, 'title', e.title, 'team', json(e.team),
                             'properties', json(e.properties), 'scorecards', json_object(r.scorecard, json_object('level', r.level, 'score', r.score))),
                 'scorecard:' || r.scorecard
          FROM entities e CROSS JOIN scorecard_results r ON r.blueprint = ${s.blueprint} AND r.scorecard = ${s.identifier} AND r.entity_id = e.id
          WHERE e.blueprint = ${s.blueprint} AND ${targetSql(target, "e")} AND r.prev_level IS NOT NULL AND r.prev_level <> r.level`,
    ),
    statement(
      db,
      sql`INSERT INTO scorecard_history (blueprint, scorecard, identifier, day, level_index, score)
          SELECT r.blueprint, r.scorecard, e.identifier, ${day}, r.level_index, r.score
          FROM entities e CROSS JOIN scorecard_results r ON r.blueprint = ${s.blueprint} AND r.scorecard = ${s.identifier} AND r.entity_id = e.id
          WHERE e.blueprint = ${s.blueprint} AND ${targetSql(target, "e")}
          ON CONFLICT (blueprint, scorecard, identifier, day) DO UPDATE SET level_index = excluded.level_index, score = excluded.score`,
    ),
  ];
}

/** One entity's results in every scorecard of its blueprint. */
export async function entityResults(
  db: Database,
  blueprint: string,
  identifier: string,
): Promise<
  {
    scorecard: string;
    rules: Record<string, number>;
    effective: Record<string, number>;
    level: string;
    levelIndex: number;
    score: number;
  }[]
> {
  const rows = await db.all<{ scorecard: string; rules: string; effective: string; level: string; level_index: number; score: number }>(sql`
    SELECT r.scorecard, r.rules, r.effective, r.level, r.level_index, r.score FROM scorecard_results r
    JOIN entities e ON e.id = r.entity_id WHERE e.blueprint = ${blueprint} AND e.identifier = ${identifier}`);
  return rows.map((r) => ({
    scorecard: r.scorecard,
    rules: JSON.parse(r.rules),
    effective: JSON.parse(r.effective),
    level: r.level,
    levelIndex: r.level_index,
    score: r.score,
  }));
}

/** The highest entity id of a blueprint (chunked full rescoring walks ids up to it). */
export async function maxEntityId(db: Database, blueprint: string): Promise<number> {
  return (await db.get<{ m: number | null }>(sql`SELECT max(id) AS m FROM entities WHERE blueprint = ${blueprint}`))?.m ?? 0;
}

/** A scored entity as the overview lists it. */
export interface ScoredEntity {
  identifier: string;
  title: string | null;
  team: string[];
  level: string;
  levelIndex: number;
  score: number;
  effective: Record<string, number>;
}

/**
 * A scorecard's results for the entities the reader may read (`scope` is part of the WHERE), optionally one
 * team's, lowest level first. Also the count per level over the same rows.
 */
export async function scorecardResults(
  db: Database,
  blueprint: string,
  scorecard: string,
  scope: ReadScope,
  opts: { team?: string | undefined; limit: number },
): Promise<{ rows: ScoredEntity[]; counts: Map<number, number> }> {
  const where = sql`r.blueprint = ${blueprint} AND r.scorecard = ${scorecard} AND ${visibleSql("e", scope)}
    ${opts.team ? sql`AND EXISTS (SELECT 1 FROM json_each(e.team) t WHERE t.value = ${opts.team})` : sql``}`;
  const rows = await db.all<{
    identifier: string;
    title: string | null;
    team: string;
    level: string;
    level_index: number;
    score: number;
    effective: string;
  }>(sql`
    SELECT e.identifier, e.title, e.team, r.level, r.level_index, r.score, r.effective
    FROM scorecard_results r JOIN entities e ON e.id = r.entity_id
    WHERE ${where} ORDER BY r.level_index, r.score, e.identifier LIMIT ${opts.limit}`);
  const counts = await db.all<{ level_index: number; n: number }>(sql`
    SELECT r.level_index, count(*) AS n FROM scorecard_results r JOIN entities e ON e.id = r.entity_id
    WHERE ${where} GROUP BY r.level_index`);
  return {
    rows: rows.map((r) => ({
      identifier: r.identifier,
      title: r.title,
      team: JSON.parse(r.team),
      level: r.level,
      levelIndex: r.level_index,
      score: r.score,
      effective: JSON.parse(r.effective),
    })),
    counts: new Map(counts.map((c) => [c.level_index, c.n])),
  };
}

export interface Exemption {
  rule: string;
  identifier: string;
  reason: string;
  expiresAt: string | null;
  active: boolean;
  createdAt: string;
  createdBy: string;
}

/** Exemptions of the entities the reader may read (`scope` is part of the query). */
export async function listExemptions(db: Database, blueprint: string, scorecard: string, scope: ReadScope): Promise<Exemption[]> {
  const rows = await db.all<{
    rule: string;
    identifier: string;
    reason: string;
    expires_at: string | null;
    applied: number;
    created_at: string;
    created_by: string;
  }>(
    sql`SELECT x.* FROM scorecard_exemptions x JOIN entities e ON e.blueprint = x.blueprint AND e.identifier = x.identifier
        WHERE x.blueprint = ${blueprint} AND x.scorecard = ${scorecard} AND ${visibleSql("e", scope)} ORDER BY x.identifier, x.rule`,
  );
  return rows.map((r) => ({
    rule: r.rule,
    identifier: r.identifier,
    reason: r.reason,
    expiresAt: r.expires_at,
    active: r.applied === 1,
    createdAt: r.created_at,
    createdBy: r.created_by,
  }));
}

export function saveExemptionStatement(db: Database, blueprint: string, scorecard: string, e: Omit<Exemption, "active">): Statement {
  return statement(
    db,
    sql`INSERT INTO scorecard_exemptions (blueprint, scorecard, rule, identifier, reason, expires_at, applied, created_at, created_by)
        VALUES (${blueprint}, ${scorecard}, ${e.rule}, ${e.identifier}, ${e.reason}, ${e.expiresAt}, 1, ${e.createdAt}, ${e.createdBy})
        ON CONFLICT (blueprint, scorecard, rule, identifier) DO UPDATE SET reason = excluded.reason, expires_at = excluded.expires_at,
          applied = 1, created_at = excluded.created_at, created_by = excluded.created_by`,
  );
}

export function deleteExemptionStatement(db: Database, blueprint: string, scorecard: string, rule: string, identifier: string): Statement {
  return statement(
    db,
    sql`DELETE FROM scorecard_exemptions WHERE blueprint = ${blueprint} AND scorecard = ${scorecard} AND rule = ${rule} AND identifier = ${identifier}`,
  );
}

/** Exemptions that expired but still count (their entities need rescoring), and marks them done. */
export async function takeExpiredExemptions(
  db: Database,
  now: string,
): Promise<{ blueprint: string; scorecard: string; identifier: string }[]> {
  const rows = await db.all<{ blueprint: string; scorecard: string; identifier: string }>(sql`
    UPDATE scorecard_exemptions SET applied = 0 WHERE applied = 1 AND expires_at IS NOT NULL AND expires_at <= ${now}
    RETURNING blueprint, scorecard, identifier`);
  return rows;
}

/** Level history of a scorecard: entities per level per day, from `since` (YYYY-MM-DD). */
export async function levelHistory(
  db: Database,
  blueprint: string,
  scorecard: string,
  since: string,
  scope: ReadScope,
): Promise<{ day: string; levelIndex: number; n: number }[]> {
  return db.all(sql`
    SELECT h.day, h.level_index AS levelIndex, count(*) AS n FROM scorecard_history h
    JOIN entities e ON e.blueprint = h.blueprint AND e.identifier = h.identifier
    WHERE h.blueprint = ${blueprint} AND h.scorecard = ${scorecard} AND h.day >= ${since} AND ${visibleSql("e", scope)}
    GROUP BY h.day, h.level_index ORDER BY h.day, h.level_index`);
}
