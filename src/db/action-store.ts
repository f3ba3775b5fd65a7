import { sql } from "drizzle-orm";
import type { ActionDefinition } from "../domain/actions/definition";
import type { ChangeStamp } from "../domain/catalog/types";
import { type Database, type Statement, statement } from "./client";

/** An action as stored: its definition, who changed it, and whether its webhook was disabled. */
export type StoredAction = ActionDefinition & ChangeStamp & { webhookDisabled: string | null };

interface ActionRow {
  identifier: string;
  definition: string;
  permissions: string;
  webhook_disabled: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  created_by: string;
  updated_by: string;
}

function toAction(row: ActionRow): StoredAction {
  return {
    ...(JSON.parse(row.definition) as ActionDefinition),
    permissions: JSON.parse(row.permissions),
    webhookDisabled: row.webhook_disabled,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    createdBy: row.created_by,
    updatedBy: row.updated_by,
  };
}

/** Every action, optionally only those offered on one blueprint, by title. */
export async function listActions(db: Database, blueprint?: string): Promise<StoredAction[]> {
  const where =
    blueprint === undefined ? sql`trigger_type = 'self-service'` : sql`trigger_type = 'self-service' AND blueprint = ${blueprint}`;
  const rows = await db.all<ActionRow>(sql`SELECT * FROM actions WHERE ${where} ORDER BY title COLLATE NOCASE, identifier`);
  return rows.map(toAction);
}

export async function findAction(db: Database, identifier: string): Promise<StoredAction | null> {
  const row = await db.get<ActionRow>(sql`SELECT * FROM actions WHERE identifier = ${identifier} AND trigger_type = 'self-service'`);
  return row ? toAction(row) : null;
}

/**
 * Inserts or replaces an action. With `expectedVersion` the replace only happens at that version (the
 * statement then changes no row, which the caller reports as 412). Saving clears a disabled webhook.
 */
export function saveActionStatement(
  db: Database,
  action: ActionDefinition,
  stamp: { actor: string; at: string },
  expectedVersion: number | null,
): Statement {
  const { permissions, ...definition } = action;
  const values = {
    definition: JSON.stringify(definition),
    permissions: JSON.stringify(permissions),
  };
  if (expectedVersion === null) {
    return statement(
      db,
      sql`INSERT INTO actions (identifier, title, icon, description, trigger_type, operation, blueprint, definition, permissions,
                               version, created_at, updated_at, created_by, updated_by)
          VALUES (${action.identifier}, ${action.title}, ${action.icon ?? null}, ${action.description ?? null}, ${action.trigger.type},
                  ${action.trigger.operation}, ${action.trigger.blueprintIdentifier}, ${values.definition}, ${values.permissions},
                  1, ${stamp.at}, ${stamp.at}, ${stamp.actor}, ${stamp.actor})`,
    );
  }
  return statement(
    db,
    sql`UPDATE actions SET title = ${action.title}, icon = ${action.icon ?? null}, description = ${action.description ?? null},
               trigger_type = ${action.trigger.type}, operation = ${action.trigger.operation}, blueprint = ${action.trigger.blueprintIdentifier},
               definition = ${values.definition}, permissions = ${values.permissions}, webhook_disabled = NULL,
               version = version + 1, updated_at = ${stamp.at}, updated_by = ${stamp.actor}
        WHERE identifier = ${action.identifier} AND version = ${expectedVersion}`,
  );
}

/** Whether any action or automation already uses the identifier (they share one namespace, as in Port). */
export async function identifierTaken(db: Database, identifier: string): Promise<boolean> {
  return (await db.get(sql`SELECT 1 AS x FROM actions WHERE identifier = ${identifier}`)) !== undefined;
}

export function deleteActionStatement(db: Database, identifier: string): Statement {
  return statement(db, sql`DELETE FROM actions WHERE identifier = ${identifier}`);
}

/** Disables an action's webhook (its endpoint answered 410 Gone) until the action is saved again. */
export async function disableWebhook(db: Database, identifier: string, reason: string): Promise<void> {
  await db.run(sql`UPDATE actions SET webhook_disabled = ${reason} WHERE identifier = ${identifier}`);
}

/** Active users matching any of the roles, emails or teams: who a grant names. */
export async function usersMatching(
  db: Database,
  grant: { roles: string[]; users: string[]; teams: string[] },
): Promise<{ id: string; email: string }[]> {
  const payload = JSON.stringify(grant);
  return db.all<{ id: string; email: string }>(sql`
    SELECT u.id, u.email FROM users u
    WHERE u.status = 'active' AND (
      EXISTS (SELECT 1 FROM json_each(u.roles) r WHERE r.value IN (SELECT value FROM json_each(${payload}, '$.roles')))
      OR lower(u.email) IN (SELECT lower(value) FROM json_each(${payload}, '$.users'))
      OR EXISTS (SELECT 1 FROM team_members m WHERE m.user_id = u.id AND m.team IN (SELECT value FROM json_each(${payload}, '$.teams')))
    )
    ORDER BY u.email`);
}
