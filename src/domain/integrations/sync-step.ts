import { type Database, isAbortedUnchanged, runBatch } from "../../db/client";
import { findIntegration, type IntegrationRecord } from "../../db/integration-store";
import {
  claimStep,
  commitStepStatements,
  failSyncStatement,
  findSync,
  releaseStep,
  type SyncRecord,
} from "../../db/integration-sync-store";
import { retryDelaySeconds } from "../../lib/backoff";
import type { WriteContext } from "../catalog/types";
import { writeMappedEntities } from "./entity-sync";
import { openIntegration } from "./integrations";
import { mapItems } from "./map-items";
import { appendErrors, finishStatements, reconcileStep } from "./reconcile";
import type { SyncRuntime, SyncStepMessage } from "./runtime";
import { type OpenIntegration, sourceFor } from "./sources/source-for";

/**
 * One queue message = one step of a sync: a page fetched, mapped and written, or a chunk of
 * reconciliation. A step first takes a lease on the sync (only step `step` after committed step
 * `step - 1`, and only if no other delivery holds it), so a duplicate message waits or finds the step done;
 * the step's progress is committed in the batch of its last writes. A failing step is retried with backoff
 * and fails the sync after MAX_STEP_ATTEMPTS; a crash leaves the lease to expire and the cron resumes it.
 */

/** How long a step may hold its sync before another delivery may take it over. */
const LEASE_MS = 120_000;
/** Tries of one step before the sync is failed. */
export const MAX_STEP_ATTEMPTS = 5;

export type StepOutcome = { kind: "ack" } | { kind: "retry"; delaySeconds: number };

function writeContext(integration: string, sync: SyncRecord, step: number, now: string): WriteContext {
  return { actor: `integration:${integration}`, origin: "INTEGRATION", requestId: `${sync.id}#${step}`, now };
}

/** Fetches, maps and writes one page; the last page moves the sync to reconciliation. */
async function fetchStep(
  db: Database,
  runtime: SyncRuntime,
  sync: SyncRecord,
  record: IntegrationRecord,
  integration: OpenIntegration,
  step: number,
  ctx: WriteContext,
): Promise<void> {
  const page = await sourceFor(integration, runtime.fetcher).fetchPage(sync.cursor, record.pageSize);
  const mapped = await mapItems(integration.mapping, page.items);
  const complete = page.problems.length === 0 && mapped.unidentified === 0;
  const owner = { integration: record.identifier, syncId: sync.id, createMissingRelated: integration.mapping.createMissingRelatedEntities };
  await writeMappedEntities(db, owner, mapped, ctx, (tally) =>
    commitStepStatements(db, {
      id: sync.id,
      step,
      now: ctx.now,
      counts: {
        fetched: page.items.length,
        created: tally.created,
        updated: tally.updated,
        unchanged: tally.unchanged,
        deleted: 0,
        stale: 0,
        failed: tally.failed,
      },
      errors: appendErrors(sync.errors, [...page.problems, ...mapped.errors, ...tally.errors]),
      cursor: page.next,
      phase: page.next === null ? "RECONCILE" : "FETCH",
      fetchComplete: complete,
    }),
  );
}

/** Ends a sync as FAILED and frees its integration. */
async function failSync(db: Database, sync: SyncRecord, message: string, now: string): Promise<void> {
  const errors = appendErrors(sync.errors, [{ path: `step ${sync.step + 1}`, message }]);
  await runBatch(db, [
    failSyncStatement(db, sync.id, errors, "Skipped: the sync failed before it could reconcile, so nothing was deleted.", now),
    ...finishStatements(db, sync.integration, sync.id),
  ]);
  console.error(JSON.stringify({ level: "error", event: "sync_failed", sync: sync.id, integration: sync.integration, message }));
}

/**
 * Runs step `message.step` of a sync. Acks what is done or obsolete (a redelivered message for a
 * committed step does nothing); asks for a retry while another delivery holds the step, or after a failure.
 */
export async function runSyncStep(db: Database, runtime: SyncRuntime, message: SyncStepMessage, at = new Date()): Promise<StepOutcome> {
  const now = at.toISOString();
  const sync = await claimStep(db, message.syncId, message.step, now, new Date(at.getTime() + LEASE_MS).toISOString());
  if (!sync) {
    const current = await findSync(db, message.syncId);
    const held = current?.status === "RUNNING" && current.step === message.step - 1;
    return held ? { kind: "retry", delaySeconds: 30 } : { kind: "ack" };
  }
  if (sync.stepAttempts > MAX_STEP_ATTEMPTS) {
    await failSync(db, sync, `step ${message.step} failed ${MAX_STEP_ATTEMPTS} times; the sync stopped`, now);
    return { kind: "ack" };
  }
  const record = await findIntegration(db, sync.integration);
  if (!record) return { kind: "ack" };
  const ctx = writeContext(record.identifier, sync, message.step, now);
  try {
    const integration = await openIntegration(record, runtime.encryptionSecret);
    let finished = false;
    if (sync.phase === "FETCH") await fetchStep(db, runtime, sync, record, integration, message.step, ctx);
    else finished = await reconcileStep(db, sync, record, integration.mapping, message.step, ctx);
    if (!finished) await runtime.enqueue({ syncId: sync.id, step: message.step + 1 });
    return { kind: "ack" };
  } catch (error) {
    // Another delivery committed this step first (its commit guard aborted our batch): nothing to do.
    if (isAbortedUnchanged(error)) return { kind: "ack" };
    const text = error instanceof Error ? error.message : String(error);
    await releaseStep(db, sync.id, appendErrors(sync.errors, [{ path: `step ${message.step}`, message: text }]), now);
    console.warn(JSON.stringify({ level: "warn", event: "sync_step_failed", sync: sync.id, step: message.step, error: text }));
    return { kind: "retry", delaySeconds: retryDelaySeconds(sync.stepAttempts, null, { baseSeconds: 5, capSeconds: 300 }) };
  }
}

/** A sync step the queue gave up on: the sync fails (if it is still at that step). */
export async function deadLetterSyncStep(db: Database, message: SyncStepMessage, at = new Date()): Promise<void> {
  const sync = await findSync(db, message.syncId);
  if (sync?.status !== "RUNNING" || sync.step !== message.step - 1) return;
  await failSync(db, sync, `step ${message.step} was dead-lettered by the queue after repeated failures`, at.toISOString());
}

/** The queue consumer's entry: runs the step, or — from the dead-letter queue — ends its sync as failed. */
export async function consumeSyncStep(
  db: Database,
  runtime: SyncRuntime,
  message: SyncStepMessage,
  deadLettered: boolean,
): Promise<StepOutcome> {
  if (!deadLettered) return runSyncStep(db, runtime, message);
  await deadLetterSyncStep(db, message);
  return { kind: "ack" };
}
