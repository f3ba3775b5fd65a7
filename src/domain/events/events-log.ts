import type { Database } from "../../db/client";
import { eventDeliveries } from "../../db/delivery-store";
import { recentEvents } from "../../db/event-store";
import { invalid } from "../../lib/errors";
import { eventPayload, toPortalEvent } from "./event";

/**
 * Recent events, newest first, each with what it set off: automation runs (or why not: condition false,
 * loop cut) and webhook deliveries with their state. Paged by event id (`ev_<id>` cursors).
 */
export async function listEvents(db: Database, q: { blueprint?: string | undefined; limit: number; cursor?: string | undefined }) {
  let before: number | undefined;
  if (q.cursor !== undefined) {
    before = Number(q.cursor.replace(/^ev_/, ""));
    if (!Number.isInteger(before) || before < 1) throw invalid([{ path: "query.cursor", message: "is not a cursor this API returned" }]);
  }
  const rows = await recentEvents(db, { before, blueprint: q.blueprint, limit: q.limit + 1 });
  const more = rows.length > q.limit;
  const shown = more ? rows.slice(0, q.limit) : rows;
  const deliveries = await eventDeliveries(
    db,
    shown.map((r) => r.event.id),
  );
  const events = shown.flatMap(({ event, dispatches }) => {
    const e = toPortalEvent(event);
    if (!e) return [];
    return [
      {
        ...eventPayload(e),
        automations: dispatches
          .filter((d) => d.target.startsWith("automation:"))
          .map((d) => ({ automation: d.target.slice("automation:".length), runId: d.runId, note: d.note, at: d.at })),
        deliveries: deliveries
          .filter((d) => d.eventId === e.id)
          .map((d) => ({
            id: d.id,
            subscription: d.subscriptionId,
            url: d.url,
            status: d.status,
            attempts: d.attempts,
            lastResult: d.lastResult,
          })),
      },
    ];
  });
  const last = shown.at(-1);
  return { events, next: more && last ? `ev_${last.event.id}` : null };
}
