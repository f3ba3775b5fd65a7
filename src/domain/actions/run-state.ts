import type { ApprovalDecision, RunState, RunStatus } from "../../db/run-store";

/**
 * The run state machine, as pure functions: the RunObject applies them one at a time (it is the only
 * writer of a run), persists the result and streams it. Each transition raises `revision`.
 *
 *   WAITING_FOR_APPROVAL ──approve──▶ IN_PROGRESS ──report / log / sync response──▶ SUCCESS | FAILURE
 *            │ decline / expiry                 │ delivery failed / timeout
 *            ▼                                  ▼
 *        DECLINED                            FAILURE
 */

export const TERMINAL: ReadonlySet<RunStatus> = new Set(["SUCCESS", "FAILURE", "DECLINED"]);

/** A refused transition: the HTTP status and the reason. */
export interface Refusal {
  refused: 403 | 409;
  message: string;
}

/** What a backend may report (`PATCH /v1/actions/runs/{id}`). */
export interface RunReport {
  status?: "SUCCESS" | "FAILURE" | undefined;
  statusLabel?: string | undefined;
  summary?: string | undefined;
  link?: string | string[] | undefined;
  externalRunId?: string | undefined;
}

function advance(state: RunState, now: string, changes: Partial<RunState>): RunState {
  const next = { ...state, ...changes, revision: state.revision + 1, updatedAt: now };
  if (TERMINAL.has(next.status) && !TERMINAL.has(state.status)) next.endedAt = now;
  return next;
}

function refuseReport(state: RunState): Refusal | null {
  if (state.status === "WAITING_FOR_APPROVAL")
    return { refused: 409, message: "The run is waiting for approval; nothing has been sent to a backend yet" };
  if (TERMINAL.has(state.status)) {
    return {
      refused: 409,
      message: `The run already finished with ${state.status}${state.endedAt ? ` at ${state.endedAt}` : ""}; a finished run cannot change`,
    };
  }
  return null;
}

/** Applies a backend's report. Links are added (not replaced), as Port does. */
export function applyReport(state: RunState, report: RunReport, now: string): RunState | Refusal {
  const refusal = refuseReport(state);
  if (refusal) return refusal;
  const added = report.link === undefined ? [] : [report.link].flat();
  return advance(state, now, {
    ...(report.status ? { status: report.status } : {}),
    ...(report.statusLabel !== undefined ? { statusLabel: report.statusLabel } : {}),
    ...(report.summary !== undefined ? { summary: report.summary } : {}),
    ...(report.externalRunId !== undefined ? { externalRunId: report.externalRunId } : {}),
    links: [...new Set([...state.links, ...added])],
  });
}

/** Counts a log line; a `terminationStatus` ends the run (accepted once). */
export function applyLog(
  state: RunState,
  log: { terminationStatus?: "SUCCESS" | "FAILURE" | undefined; statusLabel?: string | undefined },
  now: string,
): RunState | Refusal {
  const refusal = refuseReport(state);
  if (refusal) return refusal;
  return advance(state, now, {
    logCount: state.logCount + 1,
    ...(log.terminationStatus ? { status: log.terminationStatus } : {}),
    ...(log.statusLabel !== undefined ? { statusLabel: log.statusLabel } : {}),
  });
}

/**
 * Records an approver's decision. One decline declines the run; it proceeds when one approver (ANY) or
 * every listed approver (ALL) has approved. The requester can never decide on their own run.
 */
export function applyDecision(
  state: RunState,
  decision: ApprovalDecision,
  requester: string,
  now: string,
): { state: RunState; approved: boolean } | Refusal {
  const approval = state.approval;
  if (state.status !== "WAITING_FOR_APPROVAL" || !approval) {
    return { refused: 409, message: `The run is not waiting for approval (it is ${state.status})` };
  }
  const by = decision.by.toLowerCase();
  if (by === requester.toLowerCase()) return { refused: 403, message: "You cannot approve or decline your own run" };
  if (!approval.approvers.some((a) => a.toLowerCase() === by)) {
    return { refused: 403, message: "You are not one of this run's approvers" };
  }
  if (approval.decisions.some((d) => d.by.toLowerCase() === by)) return { refused: 409, message: "You already decided on this run" };
  const decisions = [...approval.decisions, decision];
  const nextApproval = { ...approval, decisions };
  if (decision.decision === "DECLINE") {
    const label = `Declined by ${decision.by}${decision.description ? `: ${decision.description}` : ""}`;
    return { state: advance(state, now, { status: "DECLINED", statusLabel: label, approval: nextApproval }), approved: false };
  }
  const approvedBy = new Set(decisions.filter((d) => d.decision === "APPROVE").map((d) => d.by.toLowerCase()));
  const done = approval.type === "ANY" || approval.approvers.every((a) => approvedBy.has(a.toLowerCase()));
  if (!done) {
    const waiting = approval.approvers.length - approvedBy.size;
    return {
      state: advance(state, now, { approval: nextApproval, statusLabel: `Approved by ${approvedBy.size}; waiting for ${waiting} more` }),
      approved: false,
    };
  }
  return { state: advance(state, now, { status: "IN_PROGRESS", statusLabel: "Approved", approval: nextApproval }), approved: true };
}

/** Ends a run the portal gave up on (delivery failed, timeout, approval expired). No-op on a finished run. */
export function applyFailure(state: RunState, status: "FAILURE" | "DECLINED", message: string, now: string): RunState | null {
  if (TERMINAL.has(state.status)) return null;
  return advance(state, now, { status, statusLabel: message, summary: message });
}

/** A synchronized webhook's response decides the run at once. */
export function applySynchronizedResult(state: RunState, ok: boolean, summary: string, now: string): RunState | null {
  if (TERMINAL.has(state.status)) return null;
  return advance(state, now, { status: ok ? "SUCCESS" : "FAILURE", summary });
}

export function isRefusal(value: unknown): value is Refusal {
  return value !== null && typeof value === "object" && "refused" in value;
}
