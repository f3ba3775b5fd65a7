import type { Database } from "../../db/client";
import { stalledDeliveries } from "../../db/delivery-store";
import type { RunRuntime } from "./runtime";

/** How long a queued delivery may go without a first attempt before the sweep queues it again. */
export const STALL_MINUTES = 10;

/**
 * Queues again deliveries that were stored but never attempted: the run was committed to D1 but sending
 * its queue message failed (the request then answered 5xx, yet the run exists). A re-sent message for a
 * delivery that does get attempted meanwhile is harmless: the consumer skips finished deliveries and
 * receivers dedupe on webhook-id.
 */
export async function requeueStalledDeliveries(db: Database, runtime: RunRuntime, now: Date): Promise<number> {
  const before = new Date(now.getTime() - STALL_MINUTES * 60_000).toISOString();
  const ids = await stalledDeliveries(db, before, 100);
  await runtime.enqueue(ids);
  return ids.length;
}
