import { sql } from "drizzle-orm";
import { type Database, jsonChunks, type Statement, statement } from "./client";

/** An entity an integration owns (it created it). */
export interface OwnedEntity {
  blueprint: string;
  identifier: string;
}

/**
 * Records that the integration created these entities of `blueprint`, seen by `syncId`. Runs in the batch
 * that creates them, so ownership is never recorded for an entity that was not written, nor lost for one
 * that was.
 */
export function claimCreatedStatements(db: Database, integration: string, blueprint: string, ids: string[], syncId: string): Statement[] {
  return jsonChunks(ids).map((chunk) =>
    statement(
      db,
      sql`INSERT INTO integration_entities (integration, blueprint, identifier, last_seen_sync)
          SELECT ${integration}, ${blueprint}, value, ${syncId} FROM json_each(${chunk}) WHERE true
          ON CONFLICT (integration, blueprint, identifier) DO UPDATE SET last_seen_sync = excluded.last_seen_sync, stale_since = NULL`,
    ),
  );
}

/** Marks owned entities as returned by `syncId` (entities the integration does not own are not touched). */
export function markSeenStatements(db: Database, integration: string, blueprint: string, ids: string[], syncId: string): Statement[] {
  return jsonChunks(ids).map((chunk) =>
    statement(
      db,
      sql`UPDATE integration_entities SET last_seen_sync = ${syncId}, stale_since = NULL
          WHERE integration = ${integration} AND blueprint = ${blueprint} AND identifier IN (SELECT value FROM json_each(${chunk}))`,
    ),
  );
}

/**
 * How many entities the integration owns, and how many of them `syncId` did not see (for `stale` mode,
 * entities already stale are not counted again).
 */
export async function countOwned(
  db: Database,
  integration: string,
  syncId: string,
  skipStale: boolean,
): Promise<{ owned: number; missing: number }> {
  const stale = skipStale ? sql` AND stale_since IS NULL` : sql``;
  const rows = await db.all<{ owned: number; missing: number }>(sql`
    SELECT count(*) AS owned, coalesce(sum(CASE WHEN last_seen_sync <> ${syncId}${stale} THEN 1 ELSE 0 END), 0) AS missing
    FROM integration_entities WHERE integration = ${integration}`);
  return rows[0] ?? { owned: 0, missing: 0 };
}

/** Up to `limit` owned entities `syncId` did not see (not yet stale, in `stale` mode). */
export async function missingOwned(
  db: Database,
  integration: string,
  syncId: string,
  skipStale: boolean,
  limit: number,
): Promise<OwnedEntity[]> {
  const stale = skipStale ? sql` AND stale_since IS NULL` : sql``;
  return db.all<OwnedEntity>(sql`
    SELECT blueprint, identifier FROM integration_entities
    WHERE integration = ${integration} AND last_seen_sync <> ${syncId}${stale}
    ORDER BY blueprint, identifier LIMIT ${limit}`);
}

/** Every entity the integration owns, up to `limit` (dry runs of small sources). */
export async function listOwned(db: Database, integration: string, limit: number): Promise<(OwnedEntity & { stale: boolean })[]> {
  const rows = await db.all<OwnedEntity & { stale: number }>(sql`
    SELECT blueprint, identifier, stale_since IS NOT NULL AS stale FROM integration_entities
    WHERE integration = ${integration} ORDER BY blueprint, identifier LIMIT ${limit}`);
  return rows.map((r) => ({ blueprint: r.blueprint, identifier: r.identifier, stale: r.stale === 1 }));
}

/** Which of these entities of `blueprint` the integration owns. */
export async function ownedAmong(db: Database, integration: string, blueprint: string, ids: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const chunk of jsonChunks(ids)) {
    const rows = await db.all<{ identifier: string }>(sql`
      SELECT identifier FROM integration_entities
      WHERE integration = ${integration} AND blueprint = ${blueprint} AND identifier IN (SELECT value FROM json_each(${chunk}))`);
    for (const r of rows) out.add(r.identifier);
  }
  return out;
}

/** Owned and stale entity counts of each integration. */
export async function ownershipCounts(db: Database): Promise<Map<string, { owned: number; stale: number }>> {
  const rows = await db.all<{ integration: string; owned: number; stale: number }>(sql`
    SELECT integration, count(*) AS owned, sum(CASE WHEN stale_since IS NOT NULL THEN 1 ELSE 0 END) AS stale
    FROM integration_entities GROUP BY integration`);
  return new Map(rows.map((r) => [r.integration, { owned: r.owned, stale: r.stale ?? 0 }]));
}

/** Forgets ownership of these entities (deleted, or gone already). */
export function dropOwnershipStatements(db: Database, integration: string, entities: OwnedEntity[]): Statement[] {
  return jsonChunks(entities.map((e) => ({ b: e.blueprint, i: e.identifier }))).map((chunk) =>
    statement(
      db,
      sql`DELETE FROM integration_entities WHERE integration = ${integration}
          AND (blueprint, identifier) IN (SELECT j.value->>'b', j.value->>'i' FROM json_each(${chunk}) j)`,
    ),
  );
}

/**
 * Marks owned entities as stale since `now`, or as seen by `syncId` (`keepFor`: an entity that could not be
 * deleted stays owned, and this sync does not pick it again).
 */
export function markMissingStatements(
  db: Database,
  integration: string,
  entities: OwnedEntity[],
  change: { staleSince: string } | { keepFor: string },
): Statement[] {
  const set = "staleSince" in change ? sql`stale_since = ${change.staleSince}` : sql`last_seen_sync = ${change.keepFor}`;
  return jsonChunks(entities.map((e) => ({ b: e.blueprint, i: e.identifier }))).map((chunk) =>
    statement(
      db,
      sql`UPDATE integration_entities SET ${set} WHERE integration = ${integration}
          AND (blueprint, identifier) IN (SELECT j.value->>'b', j.value->>'i' FROM json_each(${chunk}) j)`,
    ),
  );
}
