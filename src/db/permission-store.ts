import { sql } from "drizzle-orm";
import type { BlueprintPermissions } from "../domain/access/permissions";
import { type Database, type Statement, statement } from "./client";

/** Stored permissions of every blueprint that has any (others use the defaults). */
export async function listPermissions(db: Database): Promise<Map<string, BlueprintPermissions>> {
  const rows = await db.all<{ blueprint: string; permissions: string }>(sql`SELECT blueprint, permissions FROM blueprint_permissions`);
  return new Map(rows.map((r) => [r.blueprint, JSON.parse(r.permissions) as BlueprintPermissions]));
}

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
