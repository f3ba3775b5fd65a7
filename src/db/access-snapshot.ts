import { sql } from "drizzle-orm";
import type { BlueprintPermissions } from "../domain/access/permissions";
import type { Blueprint } from "../domain/catalog/types";
import { toBlueprint } from "./blueprint-store";
import { type Database, runBatchRows, statement } from "./client";

interface BlueprintRowRaw {
  identifier: string;
  title: string;
  icon: string | null;
  description: string | null;
  definition: string;
  version: number;
  created_at: string;
  updated_at: string;
  created_by: string;
  updated_by: string;
}

/**
 * Every blueprint and every stored permission set, read in one D1 round trip: what each request's access
 * decisions need.
 */
export async function loadAccessSnapshot(
  db: Database,
): Promise<{ blueprints: Blueprint[]; permissions: Map<string, BlueprintPermissions> }> {
  const [bpRows, permRows] = (await runBatchRows<Record<string, unknown>>(db, [
    statement(db, sql`SELECT * FROM blueprints ORDER BY identifier`),
    statement(db, sql`SELECT blueprint, permissions FROM blueprint_permissions`),
  ])) as [BlueprintRowRaw[], { blueprint: string; permissions: string }[]];
  const blueprints = bpRows.map((r) =>
    toBlueprint({
      identifier: r.identifier,
      title: r.title,
      icon: r.icon,
      description: r.description,
      definition: r.definition,
      version: r.version,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      createdBy: r.created_by,
      updatedBy: r.updated_by,
    }),
  );
  return { blueprints, permissions: new Map(permRows.map((r) => [r.blueprint, JSON.parse(r.permissions) as BlueprintPermissions])) };
}
