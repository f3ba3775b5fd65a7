import { sql } from "drizzle-orm";
import type { BlueprintPermissions } from "../domain/access/permissions";
import type { Blueprint } from "../domain/catalog/types";
import { toBlueprint } from "./blueprint-store";
import { type Database, runBatchRows, type Statement, statement } from "./client";
import { type CredentialRecord, type CredentialRow, credentialByIdStatement, toCredential } from "./credential-store";
import { toUser, type UserRecord, type UserRow, userByIdStatement } from "./user-store";

/** What every request's access decisions read: all blueprints and every stored permission set. */
export interface AccessSnapshot {
  blueprints: Blueprint[];
  permissions: Map<string, BlueprintPermissions>;
}

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

function snapshotStatements(db: Database): Statement[] {
  return [
    statement(db, sql`SELECT * FROM blueprints ORDER BY identifier`),
    statement(db, sql`SELECT blueprint, permissions FROM blueprint_permissions`),
  ];
}

function toSnapshot(rows: Record<string, unknown>[][]): AccessSnapshot {
  const [bpRows, permRows] = rows as [BlueprintRowRaw[], { blueprint: string; permissions: string }[]];
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

/** Every blueprint and every stored permission set, read in one D1 round trip. */
export async function loadAccessSnapshot(db: Database): Promise<AccessSnapshot> {
  return toSnapshot(await runBatchRows<Record<string, unknown>>(db, snapshotStatements(db)));
}

/**
 * A token's credential, its user and the access snapshot, in one round trip: everything a
 * token-authenticated request reads before its route runs.
 */
export async function loadTokenContext(
  db: Database,
  credentialId: string,
  userId: string,
): Promise<{ credential: CredentialRecord | null; user: UserRecord | null; snapshot: AccessSnapshot }> {
  const [credentials, users, ...snapshot] = await runBatchRows<Record<string, unknown>>(db, [
    credentialByIdStatement(db, credentialId),
    userByIdStatement(db, userId),
    ...snapshotStatements(db),
  ]);
  const c = credentials?.[0] as CredentialRow | undefined;
  const u = users?.[0] as UserRow | undefined;
  return { credential: c ? toCredential(c) : null, user: u ? toUser(u) : null, snapshot: toSnapshot(snapshot) };
}
