import { DurableObject } from "cloudflare:workers";
import { type AuditRecord, insertAuditStatements } from "../db/audit-store";
import { database, runBatch, type Statement } from "../db/client";
import { insertDeliveryStatement } from "../db/delivery-store";
import { type ApprovalDecision, type RunState, runStateOf, updateRunStateStatement } from "../db/run-store";
import { newDeliveryId } from "../domain/actions/ids";
import {
  applyDecision,
  applyFailure,
  applyLog,
  applyReport,
  applySynchronizedResult,
  isRefusal,
  type Refusal,
  type RunReport,
  TERMINAL,
} from "../domain/actions/run-state";
import type { RunControl, RunLogLine, RunOutcome, RunSeed, TransitionMeta } from "../domain/actions/runtime";
import { kickDispatch } from "../domain/events/dispatch";
import type { Env } from "../env";
import { encodeEvent, type RunEvent } from "../lib/sse";
import { runtimeFor } from "../platform/runtime";

type Deadline = "timeout" | "approval";

/**
 * One object per action run (`idFromName(runId)`): the run's state machine, its ordered event log (log
 * lines and status changes share one sequence, the SSE event id), its live subscribers, and its
 * deadlines (no report for the action's timeout; approval expiry) served by one alarm re-armed for the
 * earliest. Transitions are decided synchronously on this object's own storage, so two concurrent
 * reports can never both end a run; the D1 summary row follows on every transition.
 *
 * Storage: `meta(k, v)` holds `seed` and `state` (JSON); `events(seq, at, kind, data)`; `deadlines(kind, due_at)`.
 */
export class RunObject extends DurableObject<Env> implements RunControl {
  private readonly subscribers = new Set<WritableStreamDefaultWriter<Uint8Array>>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      const sql = this.ctx.storage.sql;
      sql.exec("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
      sql.exec(
        "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL)",
      );
      sql.exec("CREATE TABLE IF NOT EXISTS deadlines (kind TEXT PRIMARY KEY, due_at INTEGER NOT NULL)");
    });
  }

  private read<T>(key: string): T | null {
    const row = this.ctx.storage.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = ?", key).toArray()[0];
    return row ? (JSON.parse(row.v) as T) : null;
  }

  private write(key: string, value: unknown): void {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)", key, JSON.stringify(value));
  }

  private append(kind: RunEvent["kind"], data: unknown, at: string): number {
    const row = this.ctx.storage.sql
      .exec<{ seq: number }>("INSERT INTO events (at, kind, data) VALUES (?, ?, ?) RETURNING seq", at, kind, JSON.stringify(data))
      .one();
    this.broadcast({ seq: row.seq, kind, data });
    return row.seq;
  }

  private broadcast(event: RunEvent): void {
    const bytes = encodeEvent(event);
    for (const writer of this.subscribers) {
      writer.write(bytes).catch(() => this.subscribers.delete(writer));
    }
  }

  private setDeadline(kind: Deadline, dueAt: number | null): void {
    if (dueAt === null) this.ctx.storage.sql.exec("DELETE FROM deadlines WHERE kind = ?", kind);
    else this.ctx.storage.sql.exec("INSERT OR REPLACE INTO deadlines (kind, due_at) VALUES (?, ?)", kind, dueAt);
  }

  /** One alarm serves every deadline: arm it for the earliest. */
  private async rearm(): Promise<void> {
    const next = this.ctx.storage.sql.exec<{ due: number | null }>("SELECT min(due_at) AS due FROM deadlines").one().due;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
  }

  async init(seed: RunSeed): Promise<void> {
    if (this.read<RunSeed>("seed")) return;
    // Only the mutable state is kept and streamed: inputs and the payload context stay in D1.
    const state = runStateOf(seed.state);
    this.write("seed", { ...seed, state });
    this.write("state", state);
    const now = Date.parse(seed.state.updatedAt);
    if (seed.state.status === "WAITING_FOR_APPROVAL" && seed.approvalExpiresAt)
      this.setDeadline("approval", Date.parse(seed.approvalExpiresAt));
    else this.setDeadline("timeout", now + seed.timeoutMinutes * 60_000);
    this.append("run", state, state.updatedAt);
    await this.rearm();
  }

  /**
   * Stores a transition, streams it, moves the deadlines, then writes the D1 summary row (plus `extra`
   * statements and an audit row when the status changed) in one batch.
   */
  private async commit(
    before: RunState,
    next: RunState,
    meta: TransitionMeta,
    extra: Statement[] = [],
    auditAction: AuditRecord["action"] = "UPDATE",
  ) {
    const seed = this.read<RunSeed>("seed") as RunSeed;
    // Decided here, synchronously, before any await: a concurrent transition sees this state.
    this.write("state", next);
    const terminal = TERMINAL.has(next.status);
    if (terminal) {
      this.setDeadline("timeout", null);
      this.setDeadline("approval", null);
    } else if (next.status === "IN_PROGRESS") {
      this.setDeadline("approval", null);
      this.setDeadline("timeout", Date.parse(next.updatedAt) + seed.timeoutMinutes * 60_000);
    }
    await this.rearm();
    const db = database(this.env.DB);
    const audits: AuditRecord[] =
      before.status !== next.status || auditAction !== "UPDATE"
        ? [
            {
              at: next.updatedAt,
              actor: meta.actor,
              origin: meta.actor === "system" ? "SYSTEM" : "API",
              action: auditAction,
              resourceType: "run",
              blueprint: seed.blueprint ?? null,
              entity: seed.entity ?? null,
              before: { status: before.status, statusLabel: before.statusLabel },
              after: { status: next.status, statusLabel: next.statusLabel, summary: next.summary, logCount: next.logCount },
              requestId: meta.requestId,
              runId: seed.runId,
            },
          ]
        : [];
    try {
      // The audit row (an event) only if the summary row really changed: a stale or orphaned write adds none.
      await runBatch(db, [
        updateRunStateStatement(db, seed.runId, next),
        ...insertAuditStatements(db, audits, { onlyIfChanged: true }),
        ...extra,
      ]);
    } finally {
      // Streamed after D1 has the transition, so a page reloading on this event reads it.
      this.append("run", next, next.updatedAt);
      if (terminal) {
        this.append("end", { status: next.status }, next.updatedAt);
        for (const writer of this.subscribers) writer.close().catch(() => {});
        this.subscribers.clear();
      }
    }
  }

  private current(): { seed: RunSeed; state: RunState } | Refusal {
    const seed = this.read<RunSeed>("seed");
    const state = this.read<RunState>("state");
    return seed && state ? { seed, state } : { refused: 409, message: "The run has not started" };
  }

  async report(report: RunReport, meta: TransitionMeta): Promise<RunOutcome> {
    const cur = this.current();
    if (isRefusal(cur)) return { ok: false, ...cur };
    const next = applyReport(cur.state, report, new Date().toISOString());
    if (isRefusal(next)) return { ok: false, ...next };
    await this.commit(cur.state, next, meta);
    return { ok: true, state: next };
  }

  async log(
    line: { message: string; terminationStatus?: "SUCCESS" | "FAILURE" | undefined; statusLabel?: string | undefined },
    meta: TransitionMeta,
  ): Promise<RunOutcome> {
    const cur = this.current();
    if (isRefusal(cur)) return { ok: false, ...cur };
    const at = new Date().toISOString();
    const next = applyLog(cur.state, line, at);
    if (isRefusal(next)) return { ok: false, ...next };
    this.append("log", { at, message: line.message }, at);
    await this.commit(cur.state, next, meta);
    return { ok: true, state: next };
  }

  async decide(decision: ApprovalDecision, meta: TransitionMeta): Promise<RunOutcome> {
    const cur = this.current();
    if (isRefusal(cur)) return { ok: false, ...cur };
    const result = applyDecision(cur.state, decision, cur.seed.requester, decision.at);
    if (isRefusal(result)) return { ok: false, ...result };
    const extra: Statement[] = [];
    let queued: string | null = null;
    if (result.approved && cur.seed.onApproval) {
      const db = database(this.env.DB);
      queued = newDeliveryId(new Date(decision.at));
      extra.push(insertDeliveryStatement(db, { id: queued, ...cur.seed.onApproval, runId: cur.seed.runId, at: decision.at }));
    }
    await this.commit(cur.state, result.state, meta, extra, decision.decision === "APPROVE" ? "APPROVE" : "DECLINE");
    if (queued) await this.env.DELIVERIES.send({ deliveryId: queued });
    return { ok: true, state: result.state };
  }

  async deliveryFinished(outcome: { failure?: string; result?: { ok: boolean; summary: string } }, meta: TransitionMeta): Promise<void> {
    const cur = this.current();
    if (isRefusal(cur)) return;
    const at = new Date().toISOString();
    const next = outcome.failure
      ? applyFailure(cur.state, "FAILURE", outcome.failure, at)
      : outcome.result
        ? applySynchronizedResult(cur.state, outcome.result.ok, outcome.result.summary, at)
        : null;
    if (next) await this.commit(cur.state, next, meta);
  }

  async entityLinked(entity: { blueprint: string; identifier: string }): Promise<void> {
    this.append("entity", entity, new Date().toISOString());
  }

  async logs(afterSeq: number): Promise<RunLogLine[]> {
    return this.ctx.storage.sql
      .exec<{ seq: number; data: string }>("SELECT seq, data FROM events WHERE kind = 'log' AND seq > ? ORDER BY seq", afterSeq)
      .toArray()
      .map((r) => ({ seq: r.seq, ...(JSON.parse(r.data) as { at: string; message: string }) }));
  }

  override async alarm(): Promise<void> {
    const cur = this.current();
    if (isRefusal(cur)) return;
    const now = Date.now();
    const due = this.ctx.storage.sql.exec<{ kind: Deadline }>("SELECT kind FROM deadlines WHERE due_at <= ?", now).toArray();
    const at = new Date(now).toISOString();
    const meta = { actor: "system", requestId: `alarm_${cur.seed.runId}` };
    for (const { kind } of due) {
      this.setDeadline(kind, null);
      const state = this.read<RunState>("state") as RunState;
      const next =
        kind === "approval"
          ? applyFailure(state, "DECLINED", "Approval expired: nobody approved or declined the run in time", at)
          : applyFailure(state, "FAILURE", `No report from the backend for ${cur.seed.timeoutMinutes} min: the run timed out`, at);
      if (next) await this.commit(state, next, meta);
    }
    await this.rearm();
    // No request follows an alarm: hand the run's change (an event) on from here.
    if (due.length > 0) await kickDispatch(database(this.env.DB), runtimeFor(this.env));
  }

  /** `GET /stream` (Last-Event-ID or ?after=): every event after that id, then live ones until the run ends. */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== "/stream") return new Response("not found", { status: 404 });
    const after = Number(request.headers.get("last-event-id") ?? url.searchParams.get("after") ?? 0) || 0;
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    const backlog = this.ctx.storage.sql
      .exec<{ seq: number; kind: RunEvent["kind"]; data: string }>("SELECT seq, kind, data FROM events WHERE seq > ? ORDER BY seq", after)
      .toArray();
    // Tell the client how soon to reconnect, then replay what it missed.
    writer.write(new TextEncoder().encode("retry: 2000\n\n")).catch(() => {});
    for (const e of backlog) writer.write(encodeEvent({ seq: e.seq, kind: e.kind, data: JSON.parse(e.data) })).catch(() => {});
    const state = this.read<RunState>("state");
    if (state && TERMINAL.has(state.status)) {
      if (!backlog.some((e) => e.kind === "end"))
        writer.write(encodeEvent({ seq: 0, kind: "end", data: { status: state.status } })).catch(() => {});
      writer.close().catch(() => {});
    } else this.subscribers.add(writer);
    return new Response(readable, {
      headers: { "content-type": "text/event-stream", "cache-control": "no-store", "x-accel-buffering": "no" },
    });
  }
}
