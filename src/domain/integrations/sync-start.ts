import { type Database, isAbortedUnchanged, runBatch } from "../../db/client";
import { claimIntegrationStatements, dueIntegrations, findIntegration, postponeIntegration } from "../../db/integration-store";
import { claimStalledSyncs, findSync, insertSyncStatement, type SyncTrigger } from "../../db/integration-sync-store";
import { AppError, notFound } from "../../lib/errors";
import { randomToken } from "../../lib/ids";
import { requireAdmin } from "../access/guards";
import type { Principal } from "../access/principal";
import type { SyncRuntime } from "./runtime";
import { type SyncView, toSyncView } from "./view";

/** Integrations one cron tick starts at most (the rest are due at the next tick). */
const MAX_STARTS_PER_TICK = 50;
/** A running sync without progress for this long lost its next message: the cron queues it again. */
const STALL_MINUTES = 3;

function minutesFrom(at: Date, minutes: number): string {
  return new Date(at.getTime() + minutes * 60_000).toISOString();
}

/**
 * Starts a sync: claims the integration (no sync may be running; a scheduled start also compares the due
 * time it read, so two ticks cannot both start it), stores the sync row in the same batch, and queues
 * its first step. Returns null when the claim lost.
 */
async function startSync(
  db: Database,
  runtime: SyncRuntime,
  start: { identifier: string; trigger: SyncTrigger; actor: string; at: Date; dueAt?: string; intervalMinutes?: number | null },
): Promise<string | null> {
  const syncId = `sync_${randomToken(16)}`;
  const now = start.at.toISOString();
  const nextRunAt = start.dueAt !== undefined && start.intervalMinutes ? minutesFrom(start.at, start.intervalMinutes) : undefined;
  try {
    await runBatch(db, [
      ...claimIntegrationStatements(db, { identifier: start.identifier, syncId, nextRunAt, dueAt: start.dueAt }),
      insertSyncStatement(db, { id: syncId, integration: start.identifier, trigger: start.trigger, startedBy: start.actor, now }),
    ]);
  } catch (error) {
    if (isAbortedUnchanged(error)) return null;
    throw error;
  }
  await runtime.enqueue({ syncId, step: 1 });
  return syncId;
}

/** "Sync now": starts a sync of a fetching integration unless one is running (409 naming it). */
export async function syncNow(db: Database, runtime: SyncRuntime, p: Principal, identifier: string, at = new Date()): Promise<SyncView> {
  requireAdmin(p, "run integrations");
  const integration = await findIntegration(db, identifier);
  if (!integration) throw notFound(`Integration '${identifier}'`);
  if (integration.type === "webhook") {
    throw new AppError(409, "nothing_to_fetch", "A webhook integration receives events at its ingest URL; it has nothing to sync");
  }
  const syncId = await startSync(db, runtime, { identifier, trigger: "MANUAL", actor: p.email, at });
  if (!syncId) {
    const running = (await findIntegration(db, identifier))?.currentSyncId;
    throw new AppError(
      409,
      "sync_running",
      `A sync of '${identifier}' is already running${running ? ` (${running})` : ""}; wait for it to finish`,
    );
  }
  const sync = await findSync(db, syncId);
  if (!sync) throw notFound(`Sync '${syncId}'`);
  return toSyncView(sync);
}

/**
 * The cron's part: starts the scheduled syncs that are due (and only those), each claimed by compare-and-swap
 * on its due time. An integration still busy with its previous sync skips this turn. Returns how many
 * syncs started.
 */
export async function startDueSyncs(db: Database, runtime: SyncRuntime, at: Date): Promise<number> {
  let started = 0;
  for (const due of await dueIntegrations(db, at.toISOString(), MAX_STARTS_PER_TICK)) {
    const integration = await findIntegration(db, due.identifier);
    if (!integration) continue;
    const syncId = await startSync(db, runtime, {
      identifier: due.identifier,
      trigger: "SCHEDULE",
      actor: "schedule",
      at,
      dueAt: due.nextRunAt,
      intervalMinutes: integration.intervalMinutes,
    });
    if (syncId) started += 1;
    else if (integration.currentSyncId && integration.intervalMinutes) {
      await postponeIntegration(db, due.identifier, due.nextRunAt, minutesFrom(at, integration.intervalMinutes));
    }
  }
  return started;
}

/** Queues again the next step of syncs whose message was lost (no progress, no live lease). */
export async function resumeStalledSyncs(db: Database, runtime: SyncRuntime, at: Date): Promise<number> {
  const stalled = await claimStalledSyncs(db, minutesFrom(at, -STALL_MINUTES), at.toISOString(), MAX_STARTS_PER_TICK);
  for (const s of stalled) await runtime.enqueue({ syncId: s.id, step: s.step + 1 });
  return stalled.length;
}
