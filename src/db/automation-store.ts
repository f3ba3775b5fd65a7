import { sql } from "drizzle-orm";
import type { AutomationDefinition } from "../domain/automations/definition";
import type { ChangeStamp } from "../domain/catalog/types";
import { type Database, type Statement, statement } from "./client";

/** Automations share the `actions` table (trigger_type 'automation'), and so its identifiers, as in Port. */
export type StoredAutomation = AutomationDefinition & ChangeStamp & { webhookDisabled: string | null };

interface Row {
  definition: string;
  webhook_disabled: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  created_by: string;
  updated_by: string;
}

function toAutomation(r: Row): StoredAutomation {
  return {
    ...(JSON.parse(r.definition) as AutomationDefinition),
    webhookDisabled: r.webhook_disabled,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    createdBy: r.created_by,
    updatedBy: r.updated_by,
  };
}

export async function listAutomations(db: Database): Promise<StoredAutomation[]> {
  const rows = await db.all<Row>(sql`SELECT * FROM actions WHERE trigger_type = 'automation' ORDER BY title COLLATE NOCASE, identifier`);
  return rows.map(toAutomation);
}

export async function findAutomation(db: Database, identifier: string): Promise<StoredAutomation | null> {
  const row = await db.get<Row>(sql`SELECT * FROM actions WHERE identifier = ${identifier} AND trigger_type = 'automation'`);
  return row ? toAutomation(row) : null;
}

/** Inserts an automation, or replaces it at `expectedVersion` (no row changes when the version moved on). */
export function saveAutomationStatement(
  db: Database,
  a: AutomationDefinition,
  stamp: { actor: string; at: string },
  expectedVersion: number | null,
): Statement {
  const definition = JSON.stringify(a);
  // `operation` holds the event type and `blueprint` the blueprint (or action) it follows, for lookups.
  const scope = a.trigger.event.blueprintIdentifier ?? a.trigger.event.actionIdentifier ?? null;
  if (expectedVersion === null) {
    return statement(
      db,
      sql`INSERT INTO actions (identifier, title, icon, description, trigger_type, operation, blueprint, definition, permissions,
                               version, created_at, updated_at, created_by, updated_by)
          VALUES (${a.identifier}, ${a.title}, ${a.icon ?? null}, ${a.description ?? null}, 'automation', ${a.trigger.event.type}, ${scope},
                  ${definition}, '{}', 1, ${stamp.at}, ${stamp.at}, ${stamp.actor}, ${stamp.actor})`,
    );
  }
  return statement(
    db,
    sql`UPDATE actions SET title = ${a.title}, icon = ${a.icon ?? null}, description = ${a.description ?? null},
               operation = ${a.trigger.event.type}, blueprint = ${scope}, definition = ${definition}, webhook_disabled = NULL,
               version = version + 1, updated_at = ${stamp.at}, updated_by = ${stamp.actor}
        WHERE identifier = ${a.identifier} AND trigger_type = 'automation' AND version = ${expectedVersion}`,
  );
}
