import { sql } from "drizzle-orm";
import { abortUnlessChangedStatement, type Database, type Statement, statement } from "./client";

/** An integration as stored (migrations/0013): settings as JSON, secret fields sealed, never in clear. */
export interface IntegrationRecord {
  identifier: string;
  title: string;
  type: string;
  config: Record<string, unknown>;
  /** AES-256-GCM sealed JSON of the secret fields (see domain/integrations/secrets), or null. */
  sealedSecrets: string | null;
  mapping: unknown;
  intervalMinutes: number | null;
  onMissing: "delete" | "stale";
  maxDeleteShare: number;
  pageSize: number;
  enabled: boolean;
  ingestKeyHash: string | null;
  ingestKeyHint: string | null;
  nextRunAt: string | null;
  currentSyncId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
}

interface Row {
  identifier: string;
  title: string;
  type: string;
  config: string;
  secrets: string | null;
  mapping: string;
  interval_minutes: number | null;
  on_missing: string;
  max_delete_share: number;
  page_size: number;
  enabled: number;
  ingest_key_hash: string | null;
  ingest_key_hint: string | null;
  next_run_at: string | null;
  current_sync_id: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  created_by: string;
  updated_by: string;
}

function toRecord(r: Row): IntegrationRecord {
  return {
    identifier: r.identifier,
    title: r.title,
    type: r.type,
    config: JSON.parse(r.config) as Record<string, unknown>,
    sealedSecrets: r.secrets,
    mapping: JSON.parse(r.mapping) as unknown,
    intervalMinutes: r.interval_minutes,
    onMissing: r.on_missing === "stale" ? "stale" : "delete",
    maxDeleteShare: r.max_delete_share,
    pageSize: r.page_size,
    enabled: r.enabled === 1,
    ingestKeyHash: r.ingest_key_hash,
    ingestKeyHint: r.ingest_key_hint,
    nextRunAt: r.next_run_at,
    currentSyncId: r.current_sync_id,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    createdBy: r.created_by,
    updatedBy: r.updated_by,
  };
}

export async function listIntegrations(db: Database): Promise<IntegrationRecord[]> {
  const rows = await db.all<Row>(sql`SELECT * FROM integrations ORDER BY title COLLATE NOCASE, identifier`);
  return rows.map(toRecord);
}

export async function findIntegration(db: Database, identifier: string): Promise<IntegrationRecord | null> {
  const rows = await db.all<Row>(sql`SELECT * FROM integrations WHERE identifier = ${identifier}`);
  return rows[0] ? toRecord(rows[0]) : null;
}

export async function findIntegrationByIngestKey(db: Database, keyHash: string): Promise<IntegrationRecord | null> {
  const rows = await db.all<Row>(sql`SELECT * FROM integrations WHERE ingest_key_hash = ${keyHash}`);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Inserts a new integration; a taken identifier fails the statement (UNIQUE). */
export function insertIntegrationStatement(db: Database, r: IntegrationRecord): Statement {
  return statement(
    db,
    sql`INSERT INTO integrations (identifier, title, type, config, secrets, mapping, interval_minutes, on_missing, max_delete_share,
          page_size, enabled, ingest_key_hash, ingest_key_hint, next_run_at, current_sync_id, version, created_at, updated_at, created_by,
          updated_by)
        VALUES (${r.identifier}, ${r.title}, ${r.type}, ${JSON.stringify(r.config)}, ${r.sealedSecrets}, ${JSON.stringify(r.mapping)},
          ${r.intervalMinutes}, ${r.onMissing}, ${r.maxDeleteShare}, ${r.pageSize}, ${r.enabled ? 1 : 0}, ${r.ingestKeyHash},
          ${r.ingestKeyHint}, ${r.nextRunAt}, NULL, 1, ${r.createdAt}, ${r.updatedAt}, ${r.createdBy}, ${r.updatedBy})`,
  );
}

/**
 * Replaces an integration's settings if it is still at `expectedVersion` (check `meta.changes`: 0 means
 * another write won). The running sync is left alone.
 */
export function updateIntegrationStatement(db: Database, r: IntegrationRecord, expectedVersion: number): Statement {
  return statement(
    db,
    sql`UPDATE integrations SET title = ${r.title}, config = ${JSON.stringify(r.config)}, secrets = ${r.sealedSecrets},
          mapping = ${JSON.stringify(r.mapping)}, interval_minutes = ${r.intervalMinutes}, on_missing = ${r.onMissing},
          max_delete_share = ${r.maxDeleteShare}, page_size = ${r.pageSize}, enabled = ${r.enabled ? 1 : 0},
          ingest_key_hash = ${r.ingestKeyHash}, ingest_key_hint = ${r.ingestKeyHint}, next_run_at = ${r.nextRunAt},
          version = version + 1, updated_at = ${r.updatedAt}, updated_by = ${r.updatedBy}
        WHERE identifier = ${r.identifier} AND version = ${expectedVersion}`,
  );
}

/** Deletes an integration with its sync history and ownership rows (cascade); its entities stay. */
export function deleteIntegrationStatement(db: Database, identifier: string): Statement {
  return statement(db, sql`DELETE FROM integrations WHERE identifier = ${identifier}`);
}

/** Integrations whose scheduled sync is due at `now`, oldest first, with the due time the claim compares. */
export async function dueIntegrations(db: Database, now: string, limit: number): Promise<{ identifier: string; nextRunAt: string }[]> {
  return db.all<{ identifier: string; nextRunAt: string }>(sql`
    SELECT identifier, next_run_at AS nextRunAt FROM integrations
    WHERE next_run_at IS NOT NULL AND next_run_at <= ${now} AND enabled = 1 AND interval_minutes IS NOT NULL
    ORDER BY next_run_at LIMIT ${limit}`);
}

/**
 * Claims an integration for a new sync, then aborts the batch unless the claim changed the row: the
 * integration must have no sync running and, for a scheduled start, still carry the due time that was
 * read (compare-and-swap: two cron ticks cannot both start it). The schedule moves to `nextRunAt`.
 */
export function claimIntegrationStatements(
  db: Database,
  claim: { identifier: string; syncId: string; nextRunAt?: string | undefined; dueAt?: string | undefined },
): Statement[] {
  const due = claim.dueAt === undefined ? sql`` : sql` AND next_run_at = ${claim.dueAt}`;
  const next = claim.nextRunAt === undefined ? sql`` : sql`, next_run_at = ${claim.nextRunAt}`;
  return [
    statement(
      db,
      sql`UPDATE integrations SET current_sync_id = ${claim.syncId}${next}
          WHERE identifier = ${claim.identifier} AND current_sync_id IS NULL${due}`,
    ),
    abortUnlessChangedStatement(db),
  ];
}

/** Moves a due schedule on without starting a sync (one is still running): compare-and-swap on the due time. */
export async function postponeIntegration(db: Database, identifier: string, dueAt: string, nextRunAt: string): Promise<boolean> {
  const rows = await db.all<{ identifier: string }>(sql`
    UPDATE integrations SET next_run_at = ${nextRunAt} WHERE identifier = ${identifier} AND next_run_at = ${dueAt} RETURNING identifier`);
  return rows.length === 1;
}

/** Frees the integration for its next sync once `syncId` ended. */
export function releaseIntegrationStatement(db: Database, identifier: string, syncId: string): Statement {
  return statement(
    db,
    sql`UPDATE integrations SET current_sync_id = NULL WHERE identifier = ${identifier} AND current_sync_id = ${syncId}`,
  );
}
