import { type Database, runBatch, type Statement } from "../../db/client";
import {
  countOwned,
  dropOwnershipStatements,
  markMissingStatements,
  missingOwned,
  type OwnedEntity,
} from "../../db/integration-entity-store";
import { type IntegrationRecord, releaseIntegrationStatement } from "../../db/integration-store";
import { commitStepStatements, NO_COUNTS, pruneSyncsStatement, type SyncRecord } from "../../db/integration-sync-store";
import { AppError, type ErrorDetail } from "../../lib/errors";
import { deleteEntity } from "../catalog/entity-delete";
import type { WriteContext } from "../catalog/types";
import type { Mapping } from "./mapping";

/** Sync history kept per integration (older syncs are pruned as new ones finish). */
export const HISTORY_LIMIT = 50;

/**
 * Reconciliation, after the last page: entities this integration created that the source no longer
 * returns are deleted (or marked stale) — only those, never an entity a person or another integration
 * created. It deletes nothing when the fetch was incomplete, and refuses outright when more than the
 * allowed share of the owned entities would go (a source answering an empty list by mistake must not
 * empty the catalog). Deletion runs in chunks, one queue message each.
 */

/** Entities deleted (or marked stale) per step. Each delete is a few queries; this keeps a step short. */
export const RECONCILE_CHUNK = 50;
/** Errors a sync keeps (the first ones; later ones are counted, not listed). */
export const MAX_ERRORS = 50;

/** The sync's errors with `more` added: each problem once (retries repeat theirs), the first MAX_ERRORS. */
export function appendErrors(errors: ErrorDetail[], more: ErrorDetail[]): ErrorDetail[] {
  const seen = new Set(errors.map((e) => `${e.path}\u0000${e.message}`));
  const added = more.filter((e) => {
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return [...errors, ...added].slice(0, MAX_ERRORS);
}

/** With the statements that end a sync: the integration is free for its next sync, and old history goes. */
export function finishStatements(db: Database, integration: string, syncId: string): Statement[] {
  return [releaseIntegrationStatement(db, integration, syncId), pruneSyncsStatement(db, integration, HISTORY_LIMIT)];
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

/** The decision taken at the first reconciliation step; null when deletion goes ahead. */
async function decide(
  db: Database,
  sync: SyncRecord,
  integration: IntegrationRecord,
): Promise<{ owned: number; missing: number; stop: { status: "SUCCEEDED" | "PARTIAL"; deletion: string } | null }> {
  const stale = integration.onMissing === "stale";
  const { owned, missing } = await countOwned(db, integration.identifier, sync.id, stale);
  if (!sync.fetchComplete) {
    const deletion = `Skipped: the fetch was incomplete (see the errors), so nothing was ${stale ? "marked stale" : "deleted"}.`;
    return { owned, missing, stop: { status: "PARTIAL", deletion } };
  }
  if (missing === 0) return { owned, missing, stop: { status: sync.failed > 0 ? "PARTIAL" : "SUCCEEDED", deletion: "Nothing to delete." } };
  const share = missing / owned;
  if (share > integration.maxDeleteShare) {
    const deletion =
      `REFUSED: ${missing} of the ${owned} entities this integration owns (${percent(share)}) are missing from the source, ` +
      `more than the ${percent(integration.maxDeleteShare)} one sync may ${stale ? "mark stale" : "delete"}. Nothing was ` +
      `${stale ? "marked stale" : "deleted"}. If the source really lost them, raise deletion.maxShare and sync again.`;
    console.warn(
      JSON.stringify({ level: "warn", event: "sync_deletion_refused", integration: integration.identifier, sync: sync.id, owned, missing }),
    );
    return { owned, missing, stop: { status: "PARTIAL", deletion } };
  }
  return { owned, missing, stop: null };
}

/** Deletes one chunk of missing entities; those that cannot go (still required by others) stay owned. */
async function deleteChunk(
  db: Database,
  integration: IntegrationRecord,
  mapping: Mapping,
  chunk: OwnedEntity[],
  sync: SyncRecord,
  ctx: WriteContext,
): Promise<{ deleted: number; failed: number; errors: ErrorDetail[] }> {
  const gone: OwnedEntity[] = [];
  const kept: OwnedEntity[] = [];
  const errors: ErrorDetail[] = [];
  let deleted = 0;
  for (const e of chunk) {
    try {
      const result = await deleteEntity(db, e.blueprint, e.identifier, { deleteDependents: mapping.deleteDependentEntities }, ctx);
      deleted += result.deleted.length;
      gone.push(e);
    } catch (error) {
      if (error instanceof AppError && error.status === 404) gone.push(e);
      else if (error instanceof AppError) {
        kept.push(e);
        errors.push({ path: `${e.blueprint}/${e.identifier}`, message: `not deleted: ${error.message}` });
      } else throw error;
    }
  }
  await runBatch(db, [
    ...dropOwnershipStatements(db, integration.identifier, gone),
    ...markMissingStatements(db, integration.identifier, kept, { keepFor: sync.id }),
  ]);
  return { deleted, failed: kept.length, errors };
}

/** Runs reconciliation step `step` of `sync`; returns true when the sync is finished. */
export async function reconcileStep(
  db: Database,
  sync: SyncRecord,
  integration: IntegrationRecord,
  mapping: Mapping,
  step: number,
  ctx: WriteContext,
): Promise<boolean> {
  const base = { id: sync.id, step, now: ctx.now };
  let firstStep: { ownedBefore: number; missing: number; deletion: string } | null = null;
  if (sync.ownedBefore === null) {
    const decision = await decide(db, sync, integration);
    if (decision.stop) {
      await runBatch(db, [
        ...commitStepStatements(db, {
          ...base,
          counts: NO_COUNTS,
          errors: sync.errors,
          ownedBefore: decision.owned,
          missing: decision.missing,
          ...decision.stop,
        }),
        ...finishStatements(db, integration.identifier, sync.id),
      ]);
      return true;
    }
    const verb = integration.onMissing === "stale" ? "Marking stale" : "Deleting";
    firstStep = { ownedBefore: decision.owned, missing: decision.missing, deletion: `${verb} ${decision.missing} entities…` };
  }
  const stale = integration.onMissing === "stale";
  const chunk = await missingOwned(db, integration.identifier, sync.id, stale, RECONCILE_CHUNK);
  const counts = { ...NO_COUNTS };
  let errors = sync.errors;
  if (stale) {
    await runBatch(db, markMissingStatements(db, integration.identifier, chunk, { staleSince: ctx.now }));
    counts.stale = chunk.length;
  } else {
    const result = await deleteChunk(db, integration, mapping, chunk, sync, ctx);
    counts.deleted = result.deleted;
    counts.failed = result.failed;
    errors = appendErrors(errors, result.errors);
  }
  const finished = chunk.length < RECONCILE_CHUNK;
  const total = { deleted: sync.deleted + counts.deleted, stale: sync.stale + counts.stale, failed: sync.failed + counts.failed };
  const finish = finished
    ? {
        status: total.failed > 0 ? ("PARTIAL" as const) : ("SUCCEEDED" as const),
        deletion: stale ? `Marked ${total.stale} entities stale.` : `Deleted ${total.deleted} entities.`,
      }
    : {};
  await runBatch(db, [
    ...commitStepStatements(db, { ...base, counts, errors, ...(firstStep ?? {}), ...finish }),
    ...(finished ? finishStatements(db, integration.identifier, sync.id) : []),
  ]);
  return finished;
}
