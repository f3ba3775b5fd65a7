import { type SQL, sql } from "drizzle-orm";
import type { ErrorDetail } from "../lib/errors";
import { abortUnlessChangedStatement, type Database, type Statement, statement } from "./client";

export type SyncStatus = "RUNNING" | "SUCCEEDED" | "PARTIAL" | "FAILED";
export type SyncPhase = "FETCH" | "RECONCILE" | "DONE";
export type SyncTrigger = "SCHEDULE" | "MANUAL" | "INGEST";

/** What one step adds to a sync's counts. */
export interface SyncCounts {
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  stale: number;
  failed: number;
}

export const NO_COUNTS: SyncCounts = { fetched: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, stale: 0, failed: 0 };
/** The count columns, a fixed list: their names are written into SQL. */
const COUNT_COLUMNS = Object.keys(NO_COUNTS) as (keyof SyncCounts)[];

/** One sync (or ingest request) of an integration, as migrations/0013 stores it. */
export interface SyncRecord extends SyncCounts {
  id: string;
  integration: string;
  trigger: SyncTrigger;
  status: SyncStatus;
  phase: SyncPhase;
  step: number;
  cursor: unknown;
  stepAttempts: number;
  leaseUntil: string | null;
  fetchComplete: boolean;
  ownedBefore: number | null;
  missing: number | null;
  deletion: string | null;
  errors: ErrorDetail[];
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  startedBy: string;
}

/** A row of integration_syncs; its count columns are named as SyncCounts' fields. */
interface Row extends SyncCounts {
  id: string;
  integration: string;
  trigger: string;
  status: string;
  phase: string;
  step: number;
  cursor: string | null;
  step_attempts: number;
  lease_until: string | null;
  fetch_complete: number;
  owned_before: number | null;
  missing: number | null;
  deletion: string | null;
  errors: string;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
  started_by: string;
}

function toRecord(r: Row): SyncRecord {
  return {
    id: r.id,
    integration: r.integration,
    trigger: r.trigger as SyncTrigger,
    status: r.status as SyncStatus,
    phase: r.phase as SyncPhase,
    step: r.step,
    cursor: r.cursor === null ? null : (JSON.parse(r.cursor) as unknown),
    stepAttempts: r.step_attempts,
    leaseUntil: r.lease_until,
    fetched: r.fetched,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    deleted: r.deleted,
    stale: r.stale,
    failed: r.failed,
    fetchComplete: r.fetch_complete === 1,
    ownedBefore: r.owned_before,
    missing: r.missing,
    deletion: r.deletion,
    errors: JSON.parse(r.errors) as ErrorDetail[],
    startedAt: r.started_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
    startedBy: r.started_by,
  };
}

/** A new sync row; a finished one (ingest requests) carries its status, counts and errors at once. */
export function insertSyncStatement(
  db: Database,
  s: {
    id: string;
    integration: string;
    trigger: SyncTrigger;
    startedBy: string;
    now: string;
    status?: SyncStatus;
    counts?: SyncCounts;
    errors?: ErrorDetail[];
    deletion?: string | null;
  },
): Statement {
  const c = s.counts ?? NO_COUNTS;
  const status = s.status ?? "RUNNING";
  const done = status !== "RUNNING";
  return statement(
    db,
    sql`INSERT INTO integration_syncs (id, integration, trigger, status, phase, fetched, created, updated, unchanged, deleted, stale,
          failed, deletion, errors, started_at, updated_at, finished_at, started_by)
        VALUES (${s.id}, ${s.integration}, ${s.trigger}, ${status}, ${done ? "DONE" : "FETCH"}, ${c.fetched}, ${c.created}, ${c.updated},
          ${c.unchanged}, ${c.deleted}, ${c.stale}, ${c.failed}, ${s.deletion ?? null}, ${JSON.stringify(s.errors ?? [])}, ${s.now},
          ${s.now}, ${done ? s.now : null}, ${s.startedBy})`,
  );
}

export async function findSync(db: Database, id: string): Promise<SyncRecord | null> {
  const rows = await db.all<Row>(sql`SELECT * FROM integration_syncs WHERE id = ${id}`);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** The latest syncs of an integration, newest first. */
export async function listSyncs(db: Database, integration: string, limit: number): Promise<SyncRecord[]> {
  const rows = await db.all<Row>(sql`
    SELECT * FROM integration_syncs WHERE integration = ${integration} ORDER BY started_at DESC, id DESC LIMIT ${limit}`);
  return rows.map(toRecord);
}

/** The latest sync of each integration (for lists). */
export async function latestSyncs(db: Database): Promise<SyncRecord[]> {
  const rows = await db.all<Row>(sql`
    SELECT s.* FROM integration_syncs s
    WHERE s.id = (SELECT id FROM integration_syncs x WHERE x.integration = s.integration ORDER BY started_at DESC, id DESC LIMIT 1)`);
  return rows.map(toRecord);
}

/**
 * Takes the lease on step `step` of a running sync: only when `step` is the next one and no other delivery
 * holds a live lease. Counts the attempt. Returns the sync as it was claimed, or null.
 */
export async function claimStep(db: Database, id: string, step: number, now: string, leaseUntil: string): Promise<SyncRecord | null> {
  const rows = await db.all<Row>(sql`
    UPDATE integration_syncs SET lease_until = ${leaseUntil}, step_attempts = step_attempts + 1, updated_at = ${now}
    WHERE id = ${id} AND status = 'RUNNING' AND step = ${step - 1} AND (lease_until IS NULL OR lease_until < ${now})
    RETURNING *`);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** How a committed step changes its sync. Only the given fields change, besides the counts. */
export interface StepCommit {
  id: string;
  step: number;
  now: string;
  counts: SyncCounts;
  /** The sync's whole error list after this step. */
  errors: ErrorDetail[];
  phase?: SyncPhase;
  cursor?: unknown;
  fetchComplete?: boolean;
  ownedBefore?: number;
  missing?: number;
  deletion?: string;
  /** Ends the sync with this status. */
  status?: Exclude<SyncStatus, "RUNNING">;
}

/**
 * Commits step `step` (only if step - 1 is the last committed one, else the whole batch aborts: another
 * delivery already committed it) and releases the lease. Put these in the batch of the step's writes.
 */
export function commitStepStatements(db: Database, c: StepCommit): Statement[] {
  const sets: SQL[] = [
    sql`step = ${c.step}`,
    sql`step_attempts = 0`,
    sql`lease_until = NULL`,
    sql`updated_at = ${c.now}`,
    sql`errors = ${JSON.stringify(c.errors)}`,
  ];
  for (const key of COUNT_COLUMNS) {
    if (c.counts[key] !== 0) sets.push(sql`${sql.raw(key)} = ${sql.raw(key)} + ${c.counts[key]}`);
  }
  if (c.phase !== undefined) sets.push(sql`phase = ${c.phase}`);
  if (c.cursor !== undefined) sets.push(sql`cursor = ${c.cursor === null ? null : JSON.stringify(c.cursor)}`);
  if (c.fetchComplete === false) sets.push(sql`fetch_complete = 0`);
  if (c.ownedBefore !== undefined) sets.push(sql`owned_before = ${c.ownedBefore}`);
  if (c.missing !== undefined) sets.push(sql`missing = ${c.missing}`);
  if (c.deletion !== undefined) sets.push(sql`deletion = ${c.deletion}`);
  if (c.status !== undefined) sets.push(sql`status = ${c.status}`, sql`phase = 'DONE'`, sql`finished_at = ${c.now}`);
  return [
    statement(db, sql`UPDATE integration_syncs SET ${sql.join(sets, sql`, `)} WHERE id = ${c.id} AND step = ${c.step - 1}`),
    abortUnlessChangedStatement(db),
  ];
}

/** A step failed: note why and release the lease so the retried message can take it again. */
export async function releaseStep(db: Database, id: string, errors: ErrorDetail[], now: string): Promise<void> {
  await db.run(
    sql`UPDATE integration_syncs SET lease_until = NULL, errors = ${JSON.stringify(errors)}, updated_at = ${now} WHERE id = ${id}`,
  );
}

/** Ends a running sync as FAILED (its step kept failing, or its message was dead-lettered). */
export function failSyncStatement(db: Database, id: string, errors: ErrorDetail[], deletion: string, now: string): Statement {
  return statement(
    db,
    sql`UPDATE integration_syncs SET status = 'FAILED', phase = 'DONE', lease_until = NULL, errors = ${JSON.stringify(errors)},
          deletion = ${deletion}, finished_at = ${now}, updated_at = ${now}
        WHERE id = ${id} AND status = 'RUNNING'`,
  );
}

/**
 * Running syncs that made no progress since `before` and hold no live lease: their next message was lost
 * (a crash between a step's commit and queueing the next). Marks them touched so the next sweep waits again.
 */
export async function claimStalledSyncs(db: Database, before: string, now: string, limit: number): Promise<{ id: string; step: number }[]> {
  return db.all<{ id: string; step: number }>(sql`
    UPDATE integration_syncs SET updated_at = ${now}
    WHERE id IN (SELECT id FROM integration_syncs WHERE status = 'RUNNING' AND updated_at < ${before}
                 AND (lease_until IS NULL OR lease_until < ${now}) ORDER BY updated_at LIMIT ${limit})
    RETURNING id, step`);
}

/** Keeps the newest `keep` syncs of an integration; older history goes. */
export function pruneSyncsStatement(db: Database, integration: string, keep: number): Statement {
  return statement(
    db,
    sql`DELETE FROM integration_syncs WHERE integration = ${integration} AND status <> 'RUNNING' AND id NOT IN
        (SELECT id FROM integration_syncs WHERE integration = ${integration} ORDER BY started_at DESC, id DESC LIMIT ${keep})`,
  );
}
