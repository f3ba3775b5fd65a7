import type { Database } from "../../db/client";
import { stalledDeliveries } from "../../db/delivery-store";
import type { RunRuntime } from "./runtime";

/** How long a delivery may be overdue (first attempt or retry) before the sweep queues it again. */
export const STALL_MINUTES = 10;
/** Deliveries queued again per cron tick (sent 100 to a batch, the queue's limit). */
const SWEEP_LIMIT = 1000;
const SEND_BATCH = 100;

/**
 * Queues again deliveries whose queue message was lost: the run was committed to D1 but sending its message
 * failed, or a retry's delayed message never came back (a restart of the local stack drops them). A
 * re-sent message for a delivery that is attempted meanwhile is harmless: the consumer claims deliveries,
 * skips finished ones, and receivers dedupe on webhook-id. The attempt limit is kept by the consumer
 * (DeliverySettings.maxAttempts), not by the queue's retry count, so a new message cannot add attempts.
 */
export async function requeueStalledDeliveries(db: Database, runtime: RunRuntime, now: Date): Promise<number> {
  const before = new Date(now.getTime() - STALL_MINUTES * 60_000).toISOString();
  const ids = await stalledDeliveries(db, before, now.toISOString(), SWEEP_LIMIT);
  for (let i = 0; i < ids.length; i += SEND_BATCH) await runtime.enqueue(ids.slice(i, i + SEND_BATCH));
  return ids.length;
}
