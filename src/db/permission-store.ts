import { sql } from "drizzle-orm";
import type { BlueprintPermissions } from "../domain/access/permissions";
import { type Database, type Statement, statement } from "./client";

export async function findPermissions(db: Database, blueprint: string): Promise<BlueprintPermissions | null> {
  const row = await db.get<{ permissions: string }>(sql`SELECT permissions FROM blueprint_permissions WHERE blueprint = ${blueprint}`);
  return row ? (JSON.parse(row.permissions) as BlueprintPermissions) : null;
}

export function upsertPermissionsStatement(
  db: Database,
  blueprint: string,
  permissions: BlueprintPermissions,
  at: string,
  by: string,
): Statement {
  return statement(
    db,
    sql`INSERT INTO blueprint_permissions (blueprint, permissions, updated_at, updated_by)
        VALUES (${blueprint}, ${JSON.stringify(permissions)}, ${at}, ${by})
        ON CONFLICT (blueprint) DO UPDATE SET permissions = excluded.permissions, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
  );
}
