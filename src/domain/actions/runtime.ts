import type { DeliveryKind } from "../../db/delivery-store";
import type { ApprovalDecision, RunState } from "../../db/run-store";
import type { RunReport } from "./run-state";

/**
 * What the actions domain needs from the platform, so it never touches bindings: each run's live object
 * (a RunObject Durable Object in production), the delivery queue, and the server secrets.
 */

/** How a run starts in its RunObject. */
export interface RunSeed {
  runId: string;
  /** What the run acts on, for its audit rows (events are attributed to the blueprint). */
  blueprint?: string | null;
  entity?: string | null;
  requester: string;
  state: RunState;
  timeoutMinutes: number;
  /** When a waiting run is declined for lack of approval. */
  approvalExpiresAt: string | null;
  /** The delivery to create once the run is approved (null when the run is not waiting). */
  onApproval: { kind: DeliveryKind; url: string | null } | null;
}

/** A transition's result: the new state, or why it was refused (HTTP status and message). */
export type RunOutcome = { ok: true; state: RunState } | { ok: false; refused: 403 | 404 | 409; message: string };

/** One ordered line of a run's log. */
export interface RunLogLine {
  seq: number;
  at: string;
  message: string;
}

/** Who caused a transition, for the audit log. */
export interface TransitionMeta {
  actor: string;
  requestId: string;
}

/** The live object of one run. Every state change goes through it, one at a time. */
export interface RunControl {
  init(seed: RunSeed): Promise<void>;
  report(report: RunReport, meta: TransitionMeta): Promise<RunOutcome>;
  log(
    line: { message: string; terminationStatus?: "SUCCESS" | "FAILURE" | undefined; statusLabel?: string | undefined },
    meta: TransitionMeta,
  ): Promise<RunOutcome>;
  decide(decision: ApprovalDecision, meta: TransitionMeta): Promise<RunOutcome>;
  /** The delivery ended: `failure` fails the run; `result` (synchronized webhooks, UPSERT_ENTITY) finishes it. */
  deliveryFinished(outcome: { failure?: string; result?: { ok: boolean; summary: string } }, meta: TransitionMeta): Promise<void>;
  entityLinked(entity: { blueprint: string; identifier: string }): Promise<void>;
  logs(afterSeq: number): Promise<RunLogLine[]>;
}

/** The timer of one entity's timer property (a TimerObject in production). */
export interface TimerControl {
  /**
   * Arms (or re-arms) the timer for `value`, an ISO date-time. `eventId` orders commands (events are
   * processed concurrently: an older command arriving late is ignored); `runId` is the run whose write set
   * the timer, so its expiry counts towards that run's automation generation.
   */
  arm(timer: {
    blueprint: string;
    identifier: string;
    property: string;
    value: string;
    eventId?: number;
    runId?: string | null;
  }): Promise<void>;
  disarm(eventId?: number): Promise<void>;
}

export interface RunRuntime {
  run(runId: string): RunControl;
  enqueue(deliveryIds: string[]): Promise<void>;
  /** The timer named `<blueprint>/<identifier>/<property>`. */
  timer(name: string): TimerControl;
  /** Hands a claimed range of events `(after, to]` to the queue for processing. */
  enqueueEvents(range: { after: number; to: number }): Promise<void>;
  /** Queues rescoring of a blueprint's entities with ids in `(afterId, toId]` for one scorecard. */
  enqueueScoring(chunk: { blueprint: string; scorecard: string; afterId: number; toId: number }): Promise<void>;
  /** Key material for encrypted inputs (AUTH_SIGNING_KEY; HKDF gives each purpose its own key). */
  encryptionSecret: string;
}
