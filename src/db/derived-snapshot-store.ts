import { sql } from "drizzle-orm";
import { type Database, jsonChunks, type Statement, statement } from "./client";

/** The last derived values seen per entity (see migrations/0007_events.sql). */
export async function derivedSnapshots(
  db: Database,
  blueprint: string,
  identifiers: string[],
): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const chunk of jsonChunks(identifiers)) {
    const rows = await db.all<{ identifier: string; derived: string }>(
      sql`SELECT identifier, derived FROM derived_snapshots WHERE blueprint = ${blueprint} AND identifier IN (SELECT value FROM json_each(${chunk}))`,
    );
    for (const r of rows) out.set(r.identifier, JSON.parse(r.derived));
  }
  return out;
}

export function saveDerivedSnapshotsStatements(
  db: Database,
  blueprint: string,
  rows: { identifier: string; derived: Record<string, unknown> }[],
  at: string,
): Statement[] {
  return jsonChunks(rows.map((r) => ({ i: r.identifier, d: JSON.stringify(r.derived) }))).map((chunk) =>
    statement(
      db,
      sql`INSERT INTO derived_snapshots (blueprint, identifier, derived, at)
          SELECT ${blueprint}, j.value->>'i', j.value->>'d', ${at} FROM json_each(${chunk}) j WHERE true
          ON CONFLICT (blueprint, identifier) DO UPDATE SET derived = excluded.derived, at = excluded.at`,
    ),
  );
}

/** Entities with a relation pointing at this one: `{blueprint, identifier}` of each source. */
export async function relationSources(
  db: Database,
  blueprint: string,
  identifier: string,
): Promise<{ blueprint: string; identifier: string }[]> {
  return db.all(sql`
    SELECT DISTINCT s.blueprint, s.identifier FROM entities t
    JOIN relations r ON r.target_id = t.id
    JOIN entities s ON s.id = r.source_id
    WHERE t.blueprint = ${blueprint} AND t.identifier = ${identifier}`);
}
