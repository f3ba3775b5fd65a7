import { sql } from "drizzle-orm";
import { type Database, type Statement, statement } from "./client";

export type CredentialKind = "client" | "personal" | "invite";

export interface CredentialRecord {
  id: string;
  userId: string;
  kind: CredentialKind;
  name: string;
  clientId: string | null;
  hint: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CredentialRow {
  id: string;
  user_id: string;
  kind: CredentialKind;
  name: string;
  client_id: string | null;
  hint: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

const COLUMNS = sql.raw("id, user_id, kind, name, client_id, hint, created_at, expires_at, last_used_at, revoked_at");

export function toCredential(r: CredentialRow): CredentialRecord {
  return {
    id: r.id,
    userId: r.user_id,
    kind: r.kind,
    name: r.name,
    clientId: r.client_id,
    hint: r.hint,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

export function insertCredentialStatement(
  db: Database,
  c: Omit<CredentialRecord, "lastUsedAt" | "revokedAt"> & { secretHash: string },
): Statement {
  return statement(
    db,
    sql`INSERT INTO credentials (id, user_id, kind, name, client_id, secret_hash, hint, created_at, expires_at)
        VALUES (${c.id}, ${c.userId}, ${c.kind}, ${c.name}, ${c.clientId}, ${c.secretHash}, ${c.hint}, ${c.createdAt}, ${c.expiresAt})`,
  );
}

/** The credential whose secret hashes to `secretHash`, of `kind` (revoked and expired ones included). */
export async function findCredentialBySecretHash(db: Database, kind: CredentialKind, secretHash: string): Promise<CredentialRecord | null> {
  const row = await db.get<CredentialRow>(sql`SELECT ${COLUMNS} FROM credentials WHERE secret_hash = ${secretHash} AND kind = ${kind}`);
  return row ? toCredential(row) : null;
}

export async function findCredentialByClientId(
  db: Database,
  clientId: string,
): Promise<(CredentialRecord & { secretHash: string }) | null> {
  const row = await db.get<CredentialRow & { secret_hash: string }>(
    sql`SELECT ${COLUMNS}, secret_hash FROM credentials WHERE client_id = ${clientId} AND kind = 'client'`,
  );
  return row ? { ...toCredential(row), secretHash: row.secret_hash } : null;
}

/** The statement behind findCredential, for callers that batch it with other reads. */
export function credentialByIdStatement(db: Database, id: string): Statement {
  return statement(db, sql`SELECT ${COLUMNS} FROM credentials WHERE id = ${id}`);
}

export async function findCredential(db: Database, id: string): Promise<CredentialRecord | null> {
  const row = await db.get<CredentialRow>(sql`SELECT ${COLUMNS} FROM credentials WHERE id = ${id}`);
  return row ? toCredential(row) : null;
}

export async function listCredentials(db: Database, userId: string | null, kind: CredentialKind): Promise<CredentialRecord[]> {
  const rows = await db.all<CredentialRow>(
    userId === null
      ? sql`SELECT ${COLUMNS} FROM credentials WHERE kind = ${kind} ORDER BY created_at DESC`
      : sql`SELECT ${COLUMNS} FROM credentials WHERE user_id = ${userId} AND kind = ${kind} ORDER BY created_at DESC`,
  );
  return rows.map(toCredential);
}

export function revokeCredentialStatement(db: Database, id: string, at: string): Statement {
  return statement(db, sql`UPDATE credentials SET revoked_at = ${at} WHERE id = ${id} AND revoked_at IS NULL`);
}

/** Removes a user's credentials of one kind (disabling a user drops their pending invitation). */
export function deleteUserCredentialsStatement(db: Database, userId: string, kind: CredentialKind): Statement {
  return statement(db, sql`DELETE FROM credentials WHERE user_id = ${userId} AND kind = ${kind}`);
}

export function deleteCredentialStatement(db: Database, id: string): Statement {
  return statement(db, sql`DELETE FROM credentials WHERE id = ${id}`);
}

/** Records use, at most once a minute per credential (a write per request would be waste). */
export function touchCredentialStatement(db: Database, id: string, at: string): Statement {
  return statement(
    db,
    sql`UPDATE credentials SET last_used_at = ${at}
        WHERE id = ${id} AND (last_used_at IS NULL OR last_used_at < strftime('%Y-%m-%dT%H:%M:%fZ', ${at}, '-60 seconds'))`,
  );
}
