import { sql } from "drizzle-orm";
import type { ChangeStamp } from "../domain/catalog/types";
import type { InitiativeDefinition } from "../domain/scorecards/initiative-definition";
import { type Database, type Statement, statement } from "./client";

export type StoredInitiative = InitiativeDefinition & ChangeStamp;

interface Row {
  definition: string;
  version: number;
  created_at: string;
  updated_at: string;
  created_by: string;
  updated_by: string;
}

function toInitiative(r: Row): StoredInitiative {
  return {
    ...(JSON.parse(r.definition) as InitiativeDefinition),
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    createdBy: r.created_by,
    updatedBy: r.updated_by,
  };
}

export async function listInitiatives(db: Database): Promise<StoredInitiative[]> {
  return (await db.all<Row>(sql`SELECT * FROM initiatives ORDER BY json_extract(definition, '$.targetDate'), title`)).map(toInitiative);
}

export async function findInitiative(db: Database, identifier: string): Promise<StoredInitiative | null> {
  const row = await db.get<Row>(sql`SELECT * FROM initiatives WHERE identifier = ${identifier}`);
  return row ? toInitiative(row) : null;
}

/** Inserts an initiative, or replaces it at `expectedVersion` (no row changes when the version moved on). */
export function saveInitiativeStatement(
  db: Database,
  i: InitiativeDefinition,
  stamp: { actor: string; at: string },
  expectedVersion: number | null,
): Statement {
  const definition = JSON.stringify(i);
  if (expectedVersion === null) {
    return statement(
      db,
      sql`INSERT INTO initiatives (identifier, title, blueprint, scorecard, definition, version, created_at, updated_at, created_by, updated_by)
          VALUES (${i.identifier}, ${i.title}, ${i.blueprint}, ${i.scorecard}, ${definition}, 1, ${stamp.at}, ${stamp.at}, ${stamp.actor}, ${stamp.actor})`,
    );
  }
  return statement(
    db,
    sql`UPDATE initiatives SET title = ${i.title}, blueprint = ${i.blueprint}, scorecard = ${i.scorecard}, definition = ${definition},
               version = version + 1, updated_at = ${stamp.at}, updated_by = ${stamp.actor}
        WHERE identifier = ${i.identifier} AND version = ${expectedVersion}`,
  );
}

export function deleteInitiativeStatement(db: Database, identifier: string): Statement {
  return statement(db, sql`DELETE FROM initiatives WHERE identifier = ${identifier}`);
}
