import { sql } from "drizzle-orm";
import { type Database, type Statement, statement } from "./client";

export const RUN_STATUSES = ["WAITING_FOR_APPROVAL", "IN_PROGRESS", "SUCCESS", "FAILURE", "DECLINED"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One approver's decision on a run. */
export interface ApprovalDecision {
  by: string;
  decision: "APPROVE" | "DECLINE";
  description: string | null;
  at: string;
}

/** What a run waiting for approval needs: who may approve, what was decided, until when. */
export interface RunApproval {
  type: "ANY" | "ALL";
  /** Everyone who must approve (ALL) or may approve (ANY), by email, fixed when the run was created. */
  approvers: string[];
  decisions: ApprovalDecision[];
  expiresAt: string;
}

/** The mutable part of a run: what the RunObject changes on each transition. */
export interface RunState {
  status: RunStatus;
  statusLabel: string | null;
  summary: string | null;
  links: string[];
  externalRunId: string | null;
  approval: RunApproval | null;
  logCount: number;
  revision: number;
  updatedAt: string;
  endedAt: string | null;
}

/** Only the mutable part of a run record: what its RunObject keeps and streams (never inputs or context). */
export function runStateOf(run: RunState): RunState {
  return {
    status: run.status,
    statusLabel: run.statusLabel,
    summary: run.summary,
    links: run.links,
    externalRunId: run.externalRunId,
    approval: run.approval,
    logCount: run.logCount,
    revision: run.revision,
    updatedAt: run.updatedAt,
    endedAt: run.endedAt,
  };
}

/** A run's summary row. `inputs` may hold `{"$encrypted": …}` values; `context` is what payloads render from. */
export interface RunRecord extends RunState {
  id: string;
  action: string;
  actionTitle: string;
  blueprint: string | null;
  entity: string | null;
  operation: string | null;
  source: "UI" | "API" | "AUTOMATION";
  inputs: Record<string, unknown>;
  context: Record<string, unknown>;
  requestedBy: string;
  requestedById: string;
  createdAt: string;
}

interface RunRow {
  id: string;
  action: string;
  action_title: string;
  blueprint: string | null;
  entity: string | null;
  operation: string | null;
  source: RunRecord["source"];
  status: RunStatus;
  status_label: string | null;
  summary: string | null;
  links: string;
  external_run_id: string | null;
  inputs: string;
  context: string;
  approval: string | null;
  requested_by: string;
  requested_by_id: string;
  log_count: number;
  revision: number;
  created_at: string;
  updated_at: string;
  ended_at: string | null;
}

function toRun(r: RunRow): RunRecord {
  return {
    id: r.id,
    action: r.action,
    actionTitle: r.action_title,
    blueprint: r.blueprint,
    entity: r.entity,
    operation: r.operation,
    source: r.source,
    status: r.status,
    statusLabel: r.status_label,
    summary: r.summary,
    links: JSON.parse(r.links),
    externalRunId: r.external_run_id,
    inputs: JSON.parse(r.inputs),
    context: JSON.parse(r.context),
    approval: r.approval === null ? null : JSON.parse(r.approval),
    requestedBy: r.requested_by,
    requestedById: r.requested_by_id,
    logCount: r.log_count,
    revision: r.revision,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    endedAt: r.ended_at,
  };
}

export function insertRunStatement(db: Database, run: RunRecord): Statement {
  return statement(
    db,
    sql`INSERT INTO action_runs (id, action, action_title, blueprint, entity, operation, source, status, status_label, summary, links,
                                 external_run_id, inputs, context, approval, requested_by, requested_by_id, log_count, revision,
                                 created_at, updated_at, ended_at)
        VALUES (${run.id}, ${run.action}, ${run.actionTitle}, ${run.blueprint}, ${run.entity}, ${run.operation}, ${run.source},
                ${run.status}, ${run.statusLabel}, ${run.summary}, ${JSON.stringify(run.links)}, ${run.externalRunId},
                ${JSON.stringify(run.inputs)}, ${JSON.stringify(run.context)}, ${run.approval === null ? null : JSON.stringify(run.approval)},
                ${run.requestedBy}, ${run.requestedById}, ${run.logCount}, ${run.revision}, ${run.createdAt}, ${run.updatedAt}, ${run.endedAt})`,
  );
}

export async function findRun(db: Database, id: string): Promise<RunRecord | null> {
  const row = await db.get<RunRow>(sql`SELECT * FROM action_runs WHERE id = ${id}`);
  return row ? toRun(row) : null;
}

/**
 * Writes a transition. Transitions are made one at a time by the run's RunObject, but their D1 writes may
 * land out of order: a write older than the stored revision changes nothing.
 */
export function updateRunStateStatement(db: Database, id: string, s: RunState): Statement {
  return statement(
    db,
    sql`UPDATE action_runs SET status = ${s.status}, status_label = ${s.statusLabel}, summary = ${s.summary}, links = ${JSON.stringify(s.links)},
               external_run_id = ${s.externalRunId}, approval = ${s.approval === null ? null : JSON.stringify(s.approval)},
               log_count = ${s.logCount}, revision = ${s.revision}, updated_at = ${s.updatedAt}, ended_at = ${s.endedAt}
        WHERE id = ${id} AND revision < ${s.revision}`,
  );
}

/** Which runs a list may show: all, or those the caller requested or whose action they approve or moderate. */
export type RunVisibility = { kind: "all" } | { kind: "some"; requester: string; actions: string[] };

export interface RunFilter {
  visibility: RunVisibility;
  requestedBy?: string | undefined;
  action?: string | undefined;
  status?: RunStatus[] | undefined;
  blueprint?: string | undefined;
  entity?: string | undefined;
  /** Only runs this email may still decide on (listed approver, no decision yet). */
  pendingApprover?: string | undefined;
  /** Only runs that acted on this entity or created/changed it (run_entities). */
  touching?: { blueprint: string; identifier: string } | undefined;
  /** Runs older than this run id (newest first paging; ids are time-ordered). */
  before?: string | undefined;
  limit: number;
}

/** Runs matching the filter, newest first. The visibility rule is part of the WHERE clause. */
export async function listRuns(db: Database, f: RunFilter): Promise<RunRecord[]> {
  const where = [sql`1 = 1`];
  if (f.visibility.kind === "some") {
    where.push(
      sql`(lower(requested_by) = lower(${f.visibility.requester}) OR action IN (SELECT value FROM json_each(${JSON.stringify(f.visibility.actions)})))`,
    );
  }
  if (f.requestedBy !== undefined) where.push(sql`lower(requested_by) = lower(${f.requestedBy})`);
  if (f.action !== undefined) where.push(sql`action = ${f.action}`);
  if (f.status !== undefined) where.push(sql`status IN (SELECT value FROM json_each(${JSON.stringify(f.status)}))`);
  if (f.blueprint !== undefined) where.push(sql`blueprint = ${f.blueprint}`);
  if (f.entity !== undefined) where.push(sql`entity = ${f.entity}`);
  if (f.pendingApprover !== undefined) {
    const me = f.pendingApprover.toLowerCase();
    where.push(sql`status = 'WAITING_FOR_APPROVAL'
      AND EXISTS (SELECT 1 FROM json_each(approval, '$.approvers') a WHERE lower(a.value) = ${me})
      AND NOT EXISTS (SELECT 1 FROM json_each(approval, '$.decisions') d WHERE lower(d.value->>'by') = ${me})`);
  }
  if (f.touching !== undefined) {
    const { blueprint, identifier } = f.touching;
    // The matching ids are gathered first, so the newest-first walk does not visit every run.
    where.push(sql`id IN (SELECT id FROM action_runs WHERE blueprint = ${blueprint} AND entity = ${identifier}
                          UNION SELECT run_id FROM run_entities WHERE blueprint = ${blueprint} AND identifier = ${identifier})`);
  }
  if (f.before !== undefined) where.push(sql`id < ${f.before}`);
  const rows = await db.all<RunRow>(sql`SELECT * FROM action_runs WHERE ${sql.join(where, sql` AND `)} ORDER BY id DESC LIMIT ${f.limit}`);
  return rows.map(toRun);
}

/** Records that a run created or changed an entity (repeats are ignored). */
export function linkRunEntityStatement(db: Database, runId: string, blueprint: string, identifier: string, at: string): Statement {
  return statement(
    db,
    sql`INSERT OR IGNORE INTO run_entities (run_id, blueprint, identifier, at) VALUES (${runId}, ${blueprint}, ${identifier}, ${at})`,
  );
}

/** The entities a run created or changed, in the order it touched them. */
export async function runEntities(db: Database, runId: string): Promise<{ blueprint: string; identifier: string; at: string }[]> {
  return db.all(sql`SELECT blueprint, identifier, at FROM run_entities WHERE run_id = ${runId} ORDER BY at, blueprint, identifier`);
}
