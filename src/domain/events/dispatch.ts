import { insertAuditStatements } from "../../db/audit-store";
import { listAutomations } from "../../db/automation-store";
import { listBlueprints } from "../../db/blueprint-store";
import { type Database, isConstraintRace, runBatch } from "../../db/client";
import { insertDeliveryStatement } from "../../db/delivery-store";
import { claimEventRange, dispatchedStatement, eventsInRange, finishEventRange, stalledEventRanges } from "../../db/event-store";
import { findRun, type RunRecord } from "../../db/run-store";
import { listScorecards } from "../../db/scorecard-store";
import { listSubscriptions, type Subscription } from "../../db/subscription-store";
import { newDeliveryId } from "../actions/ids";
import { runView } from "../actions/run-view";
import type { RunRuntime } from "../actions/runtime";
import {
  type AutomationScope,
  conditionHolds,
  listensTo,
  MAX_AUTOMATION_DEPTH,
  recordSkip,
  startAutomationRun,
} from "../automations/trigger";
import type { Blueprint } from "../catalog/types";
import { rescoreRelated } from "../scorecards/related";
import { derivedChanges, watchedBlueprints } from "./derived-changes";
import { eventPayload, type PortalEvent, toPortalEvent } from "./event";
import { subscribes } from "./subscriptions";
import { applyTimerChanges } from "./timers";

/** Events claimed per queue message. */
const RANGE_SIZE = 100;

/**
 * Hands every event not yet dispatched to the queue, in claimed ranges. Cheap when there is nothing new
 * (one indexed read), so it runs after every change: request middleware, queue consumer, object alarms,
 * cron as a backstop.
 */
export async function kickDispatch(db: Database, runtime: RunRuntime): Promise<number> {
  let ranges = 0;
  for (let i = 0; i < 50; i++) {
    const range = await claimEventRange(db, RANGE_SIZE);
    if (!range) break;
    await runtime.enqueueEvents(range);
    ranges++;
  }
  return ranges;
}

async function scopeOf(e: PortalEvent, run: RunRecord | null): Promise<AutomationScope> {
  const payload = eventPayload(e);
  // A run event's diff carries the whole run as it is now, with the changed fields as they were recorded.
  const diff =
    run && e.runId && (e.type === "RUN_CREATED" || e.type === "RUN_UPDATED")
      ? { before: e.diff.before, after: { ...runView(run), ...((e.diff.after as object | null) ?? {}) } }
      : e.diff;
  const depth = run ? Number(run.context.depth ?? 0) : 0;
  return {
    event: { ...payload, diff },
    diff,
    context: { ...payload.context, actionIdentifier: run?.action },
    trigger: { by: { email: e.actor }, origin: e.origin, at: e.at, operation: e.type },
    entity: e.type === "ENTITY_DELETED" ? e.diff.before : e.type.startsWith("RUN_") ? null : e.diff.after,
    depth,
  };
}

async function deliverToSubscription(db: Database, runtime: RunRuntime, s: Subscription, e: PortalEvent): Promise<void> {
  const at = new Date().toISOString();
  const id = newDeliveryId(new Date());
  try {
    await runBatch(db, [
      dispatchedStatement(db, { eventId: e.id, target: `subscription:${s.id}`, deliveryId: id, at }),
      insertDeliveryStatement(db, { id, kind: "SUBSCRIPTION", runId: null, url: s.url, at, eventId: e.id, subscriptionId: s.id }),
    ]);
  } catch (error) {
    if (isConstraintRace(error)) return;
    throw error;
  }
  await runtime.enqueue([id]);
}

/**
 * Processes the events `(after, to]`: arms and disarms timers, starts the automations whose event matches
 * and whose condition holds (cutting loops at MAX_AUTOMATION_DEPTH), and queues a delivery per matching
 * webhook subscription. Safe to repeat: each automation run and subscription delivery is recorded per
 * event in the same batch that creates it.
 */
export async function processEvents(db: Database, runtime: RunRuntime, after: number, to: number): Promise<void> {
  const events = (await eventsInRange(db, after, to)).map(toPortalEvent).filter((e): e is PortalEvent => e !== null);
  await processEach(db, runtime, events);
  await finishEventRange(db, after);
}

/** Queues again claimed ranges not processed within `minutes` (the cron calls this). */
export async function requeueStalledEventRanges(db: Database, runtime: RunRuntime, now: Date, minutes = 10): Promise<number> {
  const ranges = await stalledEventRanges(db, new Date(now.getTime() - minutes * 60_000).toISOString(), 50);
  for (const range of ranges) await runtime.enqueueEvents(range);
  return ranges.length;
}

async function processEach(db: Database, runtime: RunRuntime, events: PortalEvent[]): Promise<void> {
  if (events.length === 0) return;
  const [automations, subscriptions, blueprints, scorecards] = await Promise.all([
    listAutomations(db),
    listSubscriptions(db, true),
    listBlueprints(db),
    listScorecards(db),
  ]);
  const bps = new Map(blueprints.map((b) => [b.identifier, b]));
  const runs = new Map<string, RunRecord | null>();
  const runOf = async (id: string | null) => {
    if (id === null) return null;
    if (!runs.has(id)) runs.set(id, await findRun(db, id));
    return runs.get(id) ?? null;
  };
  const watched = watchedBlueprints(automations, bps);
  const deletedBlueprints = new Map(
    events.filter((e) => e.type === "BLUEPRINT_DELETED" && e.diff.before).map((e) => [e.blueprint as string, e.diff.before as Blueprint]),
  );
  const failed: PortalEvent[] = [];
  for (const e of events) {
    // One event that keeps failing must not hold back the others in its range: it is noted and skipped,
    // and the range is retried (what already happened is recorded per event, so nothing repeats).
    try {
      await processOne(e);
    } catch (error) {
      failed.push(e);
      await noteFailure(db, e, error);
    }
  }
  if (failed.length > 0) throw new Error(`${failed.length} event(s) failed: ${failed.map((e) => `ev_${e.id}`).join(", ")}`);

  async function processOne(e: PortalEvent): Promise<void> {
    // A blueprint deleted with its entities is gone by now: its schema comes from its own deletion event.
    const bp = e.blueprint ? (bps.get(e.blueprint) ?? deletedBlueprints.get(e.blueprint)) : undefined;
    if (bp) await applyTimerChanges(runtime, bp, e);
    await rescoreRelated(db, bps, scorecards, e);
    const derived = await derivedChanges(db, bps, watched, e);
    await runBatch(db, [...derived.statements, ...insertAuditStatements(db, derived.audits)]);
    const run = await runOf(e.runId);
    const scope = await scopeOf(e, run);
    for (const a of automations) {
      if (!listensTo(a, e, run?.action ?? null)) continue;
      if (a.webhookDisabled) {
        await recordSkip(db, e, a, `webhook disabled: ${a.webhookDisabled}; save the automation to enable it again`);
        continue;
      }
      if (scope.depth >= MAX_AUTOMATION_DEPTH) {
        await recordSkip(db, e, a, `loop cut: the change came from automation generation ${scope.depth} (limit ${MAX_AUTOMATION_DEPTH})`);
        continue;
      }
      const check = await conditionHolds(a, scope);
      if (!check.holds) {
        await recordSkip(db, e, a, check.note ?? "condition false");
        continue;
      }
      const runEntity = e.type.startsWith("RUN_") ? (run?.entity ?? null) : e.entity;
      await startAutomationRun(db, runtime, a, e, scope, runEntity, run?.blueprint ?? null);
    }
    const eventBlueprint = e.type.startsWith("RUN_") ? (run?.blueprint ?? null) : e.blueprint;
    for (const s of subscriptions) if (subscribes(s, e, eventBlueprint)) await deliverToSubscription(db, runtime, s, e);
  }
}

async function noteFailure(db: Database, e: PortalEvent, error: unknown): Promise<void> {
  console.error(JSON.stringify({ level: "error", event: "event_failed", id: `ev_${e.id}`, error: String(error) }));
  try {
    await runBatch(db, [
      dispatchedStatement(db, { eventId: e.id, target: "error", note: String(error).slice(0, 500), at: new Date().toISOString() }),
    ]);
  } catch {
    // Already noted on an earlier try.
  }
}
