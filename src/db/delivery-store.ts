import { sql } from "drizzle-orm";
import { type Database, type Statement, statement } from "./client";

export type DeliveryKind = "RUN" | "UPSERT_ENTITY" | "DELETE_ENTITY" | "APPROVAL_NOTIFICATION" | "SUBSCRIPTION";
export type DeliveryStatus = "PENDING" | "DELIVERED" | "FAILED";

export interface DeliveryRecord {
  id: string;
  kind: DeliveryKind;
  runId: string | null;
  /** For SUBSCRIPTION deliveries: the event (audit row id) and the subscription. */
  eventId: number | null;
  subscriptionId: string | null;
  url: string | null;
  status: DeliveryStatus;
  attempts: number;
  lastResult: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryAttempt {
  deliveryId: string;
  attempt: number;
  at: string;
  outcome: "delivered" | "retry" | "failed" | "gone";
  statusCode: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  error: string | null;
}

interface DeliveryRow {
  id: string;
  kind: DeliveryKind;
  run_id: string | null;
  event_id: number | null;
  subscription_id: string | null;
  url: string | null;
  status: DeliveryStatus;
  attempts: number;
  last_result: string | null;
  created_at: string;
  updated_at: string;
}

function toDelivery(r: DeliveryRow): DeliveryRecord {
  return {
    id: r.id,
    kind: r.kind,
    runId: r.run_id,
    eventId: r.event_id,
    subscriptionId: r.subscription_id,
    url: r.url,
    status: r.status,
    attempts: r.attempts,
    lastResult: r.last_result,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function insertDeliveryStatement(
  db: Database,
  d: {
    id: string;
    kind: DeliveryKind;
    runId: string | null;
    url: string | null;
    at: string;
    eventId?: number | undefined;
    subscriptionId?: string | undefined;
  },
): Statement {
  return statement(
    db,
    sql`INSERT INTO deliveries (id, kind, run_id, url, status, attempts, created_at, updated_at, event_id, subscription_id)
        VALUES (${d.id}, ${d.kind}, ${d.runId}, ${d.url}, 'PENDING', 0, ${d.at}, ${d.at}, ${d.eventId ?? null}, ${d.subscriptionId ?? null})`,
  );
}

export async function findDelivery(db: Database, id: string): Promise<DeliveryRecord | null> {
  const row = await db.get<DeliveryRow>(sql`SELECT * FROM deliveries WHERE id = ${id}`);
  return row ? toDelivery(row) : null;
}

/**
 * Records one attempt and the delivery's new state. The attempt number comes from the stored count, so a
 * message delivered twice by the queue records two attempts rather than overwriting one.
 */
export function recordAttemptStatements(
  db: Database,
  attempt: Omit<DeliveryAttempt, "attempt">,
  status: DeliveryStatus,
  lastResult: string,
  /** When the retry is due (still PENDING after a retryable failure); null once the delivery is done. */
  nextAttemptAt: string | null = null,
): Statement[] {
  return [
    statement(
      db,
      sql`INSERT INTO delivery_attempts (delivery_id, attempt, at, outcome, status_code, latency_ms, response_excerpt, error)
          SELECT ${attempt.deliveryId}, attempts + 1, ${attempt.at}, ${attempt.outcome}, ${attempt.statusCode}, ${attempt.latencyMs},
                 ${attempt.responseExcerpt}, ${attempt.error}
          FROM deliveries WHERE id = ${attempt.deliveryId}`,
    ),
    statement(
      db,
      sql`UPDATE deliveries SET attempts = attempts + 1, status = ${status}, last_result = ${lastResult}, updated_at = ${attempt.at},
                 lease_until = NULL, next_attempt_at = ${nextAttemptAt}
          WHERE id = ${attempt.deliveryId}`,
    ),
  ];
}

/**
 * Claims a pending delivery until `until` (ISO): false when another consumer holds an unexpired claim or
 * the delivery is no longer pending. Recording the attempt releases it.
 */
export async function claimDelivery(db: Database, id: string, now: string, until: string): Promise<boolean> {
  const [claimed] = await db.$client.batch([
    statement(
      db,
      sql`UPDATE deliveries SET lease_until = ${until}
          WHERE id = ${id} AND status = 'PENDING' AND (lease_until IS NULL OR lease_until < ${now})`,
    ),
  ]);
  return claimed?.meta.changes === 1;
}

/** Marks a delivery failed without a new attempt (dead-lettered, or refused before sending). */
export function failDeliveryStatement(db: Database, id: string, lastResult: string, at: string): Statement {
  return statement(
    db,
    sql`UPDATE deliveries SET status = 'FAILED', last_result = ${lastResult}, updated_at = ${at} WHERE id = ${id} AND status = 'PENDING'`,
  );
}

export async function deliveryAttempts(db: Database, deliveryId: string): Promise<DeliveryAttempt[]> {
  const rows = await db.all<{
    delivery_id: string;
    attempt: number;
    at: string;
    outcome: DeliveryAttempt["outcome"];
    status_code: number | null;
    latency_ms: number;
    response_excerpt: string | null;
    error: string | null;
  }>(sql`SELECT * FROM delivery_attempts WHERE delivery_id = ${deliveryId} ORDER BY attempt`);
  return rows.map((r) => ({
    deliveryId: r.delivery_id,
    attempt: r.attempt,
    at: r.at,
    outcome: r.outcome,
    statusCode: r.status_code,
    latencyMs: r.latency_ms,
    responseExcerpt: r.response_excerpt,
    error: r.error,
  }));
}

/** Attempts of all of a run's deliveries, oldest first (the run page's delivery history). */
export async function runDeliveryAttempts(db: Database, runId: string): Promise<(DeliveryAttempt & { kind: DeliveryKind })[]> {
  const rows = await db.all<{
    delivery_id: string;
    kind: DeliveryKind;
    attempt: number;
    at: string;
    outcome: DeliveryAttempt["outcome"];
    status_code: number | null;
    latency_ms: number;
    response_excerpt: string | null;
    error: string | null;
  }>(sql`SELECT a.*, d.kind FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
         WHERE d.run_id = ${runId} ORDER BY a.at, a.attempt`);
  return rows.map((r) => ({
    deliveryId: r.delivery_id,
    kind: r.kind,
    attempt: r.attempt,
    at: r.at,
    outcome: r.outcome,
    statusCode: r.status_code,
    latencyMs: r.latency_ms,
    responseExcerpt: r.response_excerpt,
    error: r.error,
  }));
}

/**
 * Pending deliveries overdue since `before` (a first attempt, or a retry, that should have happened by then)
 * and not claimed by a consumer right now: their queue message was lost.
 */
export async function stalledDeliveries(db: Database, before: string, now: string, limit: number): Promise<string[]> {
  const rows = await db.all<{ id: string }>(
    sql`SELECT id FROM deliveries
        WHERE status = 'PENDING' AND coalesce(next_attempt_at, created_at) < ${before} AND (lease_until IS NULL OR lease_until < ${now})
        ORDER BY coalesce(next_attempt_at, created_at) LIMIT ${limit}`,
  );
  return rows.map((r) => r.id);
}

/** A subscription's deliveries with their last result, newest first (the events page). */
export async function eventDeliveries(db: Database, eventIds: number[]): Promise<DeliveryRecord[]> {
  const rows = await db.all<DeliveryRow>(
    sql`SELECT * FROM deliveries WHERE event_id IN (SELECT value FROM json_each(${JSON.stringify(eventIds)})) ORDER BY created_at DESC`,
  );
  return rows.map(toDelivery);
}
