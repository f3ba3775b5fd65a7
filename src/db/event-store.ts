import { sql } from "drizzle-orm";
import { type Database, type Statement, statement } from "./client";

/**
 * Events are audit rows of entities, blueprints and runs (the audit log is the outbox, written in the same
 * batch as each change). This store claims ranges of them for dispatch and records what each set off.
 */

/** Audit rows that are events: changes of entities, blueprints and runs, and timer expiries. */
const EVENT_ROWS = sql`resource_type IN ('entity', 'blueprint', 'run') AND action IN ('CREATE', 'UPDATE', 'DELETE', 'APPROVE', 'DECLINE', 'EXPIRED')`;

/** An event as stored: the audit row. */
export interface EventRow {
  id: number;
  at: string;
  actor: string;
  origin: string;
  action: string;
  resourceType: "entity" | "blueprint" | "run";
  blueprint: string | null;
  entity: string | null;
  before: unknown;
  after: unknown;
  runId: string | null;
}

interface Row {
  id: number;
  at: string;
  actor: string;
  origin: string;
  action: string;
  resource_type: EventRow["resourceType"];
  blueprint: string | null;
  entity: string | null;
  before: string | null;
  after: string | null;
  run_id: string | null;
}

function toEvent(r: Row): EventRow {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    origin: r.origin,
    action: r.action,
    resourceType: r.resource_type,
    blueprint: r.blueprint,
    entity: r.entity,
    before: r.before === null ? null : JSON.parse(r.before),
    after: r.after === null ? null : JSON.parse(r.after),
    runId: r.run_id,
  };
}

/**
 * Claims the next events for dispatch: moves the cursor past up to `limit` of them, compare-and-swap, so
 * two dispatchers never claim the same range. Returns the claimed id range `(after, to]`, or null.
 */
export async function claimEventRange(db: Database, limit: number): Promise<{ after: number; to: number } | null> {
  for (let tries = 0; tries < 5; tries++) {
    const cursor = await db.get<{ last_id: number; next: number | null }>(sql`
      SELECT c.last_id,
             (SELECT max(id) FROM (SELECT id FROM audit_log WHERE id > c.last_id AND ${EVENT_ROWS} ORDER BY id LIMIT ${limit})) AS next
      FROM dispatch_cursor c WHERE c.name = 'events'`);
    if (!cursor || cursor.next === null) return null;
    // The range is recorded with the move, so a range whose queue message is lost can be queued again.
    const [moved] = await db.$client.batch([
      statement(db, sql`UPDATE dispatch_cursor SET last_id = ${cursor.next} WHERE name = 'events' AND last_id = ${cursor.last_id}`),
      statement(
        db,
        sql`INSERT INTO dispatch_ranges (after_id, to_id, queued_at) SELECT ${cursor.last_id}, ${cursor.next}, ${new Date().toISOString()} WHERE changes() = 1`,
      ),
    ]);
    if (moved?.meta.changes === 1) return { after: cursor.last_id, to: cursor.next };
  }
  return null;
}

/** Marks a claimed range processed. */
export async function finishEventRange(db: Database, after: number): Promise<void> {
  await db.run(sql`UPDATE dispatch_ranges SET done_at = ${new Date().toISOString()} WHERE after_id = ${after}`);
}

/** Claimed ranges still unprocessed although queued before `before` (their message was lost or keeps failing). */
export async function stalledEventRanges(db: Database, before: string, limit: number): Promise<{ after: number; to: number }[]> {
  return db.all(
    sql`SELECT after_id AS after, to_id AS "to" FROM dispatch_ranges WHERE done_at IS NULL AND queued_at < ${before} ORDER BY after_id LIMIT ${limit}`,
  );
}

/** The events with ids in `(after, to]`, oldest first. */
export async function eventsInRange(db: Database, after: number, to: number): Promise<EventRow[]> {
  const rows = await db.all<Row>(sql`
    SELECT id, at, actor, origin, action, resource_type, blueprint, entity, before, after, run_id
    FROM audit_log WHERE id > ${after} AND id <= ${to} AND ${EVENT_ROWS} ORDER BY id`);
  return rows.map(toEvent);
}

/** One event by id. */
export async function findEvent(db: Database, id: number): Promise<EventRow | null> {
  const row = await db.get<Row>(sql`
    SELECT id, at, actor, origin, action, resource_type, blueprint, entity, before, after, run_id
    FROM audit_log WHERE id = ${id} AND ${EVENT_ROWS}`);
  return row ? toEvent(row) : null;
}

/**
 * Records what an event set off. A plain INSERT: if the queue handed the same event to two consumers, the
 * second batch fails on the primary key and nothing it would have written lands.
 */
export function dispatchedStatement(
  db: Database,
  d: { eventId: number; target: string; runId?: string | null; deliveryId?: string | null; note?: string | null; at: string },
): Statement {
  return statement(
    db,
    sql`INSERT INTO event_dispatches (event_id, target, run_id, delivery_id, note, at)
        VALUES (${d.eventId}, ${d.target}, ${d.runId ?? null}, ${d.deliveryId ?? null}, ${d.note ?? null}, ${d.at})`,
  );
}

export interface DispatchRecord {
  eventId: number;
  target: string;
  runId: string | null;
  deliveryId: string | null;
  note: string | null;
  at: string;
}

/** Recent events, newest first, with what each set off. */
export async function recentEvents(
  db: Database,
  f: { before?: number | undefined; blueprint?: string | undefined; limit: number },
): Promise<{ event: EventRow; dispatches: DispatchRecord[] }[]> {
  const where = [EVENT_ROWS];
  if (f.before !== undefined) where.push(sql`id < ${f.before}`);
  if (f.blueprint !== undefined) where.push(sql`blueprint = ${f.blueprint}`);
  const rows = await db.all<Row>(sql`
    SELECT id, at, actor, origin, action, resource_type, blueprint, entity, before, after, run_id
    FROM audit_log WHERE ${sql.join(where, sql` AND `)} ORDER BY id DESC LIMIT ${f.limit}`);
  const ids = JSON.stringify(rows.map((r) => r.id));
  const dispatches = await db.all<{
    event_id: number;
    target: string;
    run_id: string | null;
    delivery_id: string | null;
    note: string | null;
    at: string;
  }>(sql`SELECT * FROM event_dispatches WHERE event_id IN (SELECT value FROM json_each(${ids})) ORDER BY at`);
  return rows.map((r) => ({
    event: toEvent(r),
    dispatches: dispatches
      .filter((d) => d.event_id === r.id)
      .map((d) => ({ eventId: d.event_id, target: d.target, runId: d.run_id, deliveryId: d.delivery_id, note: d.note, at: d.at })),
  }));
}
