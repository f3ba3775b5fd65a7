import { database } from "../db/client";
import { requeueStalledDeliveries } from "../domain/actions/stalled";
import { kickDispatch, requeueStalledEventRanges } from "../domain/events/dispatch";
import { resumeStalledSyncs, startDueSyncs } from "../domain/integrations/sync-start";
import { applyExpiredExemptions } from "../domain/scorecards/results";
import type { Env } from "../env";
import { runtimeFor, syncRuntimeFor } from "../platform/runtime";

/**
 * Cron Trigger entry point: starts the integration syncs that are due (each claimed by compare-and-swap on
 * its due time, its first page handed to the queue), resumes syncs whose next message was lost, queues
 * again webhook deliveries whose queue message was lost, and dispatches events a request did not get to
 * hand on. The tick is logged so operators can see the trigger work.
 */
export async function runScheduled(
  controller: ScheduledController,
  env: Env,
): Promise<{ dueIntegrations: number; requeuedDeliveries: number }> {
  const at = new Date(controller.scheduledTime);
  const db = database(env.DB);
  const runtime = runtimeFor(env);
  const syncs = syncRuntimeFor(env);
  const dueIntegrations = await startDueSyncs(db, syncs, at);
  const resumedSyncs = await resumeStalledSyncs(db, syncs, at);
  const requeuedDeliveries = await requeueStalledDeliveries(db, runtime, at);
  // A backstop: events are normally handed on right after each change; ranges whose message was lost go again.
  await requeueStalledEventRanges(db, runtime, at);
  await kickDispatch(db, runtime);
  await applyExpiredExemptions(db, at);
  console.log(
    JSON.stringify({
      level: "info",
      event: "cron_tick",
      cron: controller.cron,
      at: at.toISOString(),
      dueIntegrations,
      resumedSyncs,
      requeuedDeliveries,
    }),
  );
  return { dueIntegrations, requeuedDeliveries };
}
