import { sql } from "drizzle-orm";
import { type Database, type Statement, statement } from "./client";

/** A webhook subscription: machines following catalog and run changes. */
export interface Subscription {
  id: string;
  title: string;
  url: string;
  /** Event types delivered; empty means all. */
  events: string[];
  /** Blueprints whose events are delivered; empty means all. */
  blueprints: string[];
  enabled: boolean;
  disabledReason: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
}

interface Row {
  id: string;
  title: string;
  url: string;
  events: string;
  blueprints: string;
  enabled: number;
  disabled_reason: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  created_by: string;
  updated_by: string;
}

function toSubscription(r: Row): Subscription {
  return {
    id: r.id,
    title: r.title,
    url: r.url,
    events: JSON.parse(r.events),
    blueprints: JSON.parse(r.blueprints),
    enabled: r.enabled === 1,
    disabledReason: r.disabled_reason,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    createdBy: r.created_by,
    updatedBy: r.updated_by,
  };
}

export async function listSubscriptions(db: Database, onlyEnabled = false): Promise<Subscription[]> {
  const where = onlyEnabled ? sql`enabled = 1` : sql`1 = 1`;
  const rows = await db.all<Row>(sql`SELECT * FROM webhook_subscriptions WHERE ${where} ORDER BY title COLLATE NOCASE, id`);
  return rows.map(toSubscription);
}

export async function findSubscription(db: Database, id: string): Promise<Subscription | null> {
  const row = await db.get<Row>(sql`SELECT * FROM webhook_subscriptions WHERE id = ${id}`);
  return row ? toSubscription(row) : null;
}

export function insertSubscriptionStatement(db: Database, s: Subscription): Statement {
  return statement(
    db,
    sql`INSERT INTO webhook_subscriptions (id, title, url, events, blueprints, enabled, disabled_reason, version, created_at, updated_at, created_by, updated_by)
        VALUES (${s.id}, ${s.title}, ${s.url}, ${JSON.stringify(s.events)}, ${JSON.stringify(s.blueprints)}, ${s.enabled ? 1 : 0}, NULL, 1,
                ${s.createdAt}, ${s.updatedAt}, ${s.createdBy}, ${s.updatedBy})`,
  );
}

/** Replaces a subscription at `expectedVersion`; re-enabling clears the reason it was disabled. */
export function updateSubscriptionStatement(db: Database, s: Subscription, expectedVersion: number): Statement {
  return statement(
    db,
    sql`UPDATE webhook_subscriptions SET title = ${s.title}, url = ${s.url}, events = ${JSON.stringify(s.events)},
               blueprints = ${JSON.stringify(s.blueprints)}, enabled = ${s.enabled ? 1 : 0},
               disabled_reason = CASE WHEN ${s.enabled ? 1 : 0} = 1 THEN NULL ELSE disabled_reason END,
               version = version + 1, updated_at = ${s.updatedAt}, updated_by = ${s.updatedBy}
        WHERE id = ${s.id} AND version = ${expectedVersion}`,
  );
}

export function deleteSubscriptionStatement(db: Database, id: string): Statement {
  return statement(db, sql`DELETE FROM webhook_subscriptions WHERE id = ${id}`);
}

/** Turns a subscription off because its endpoint answered 410 Gone. */
export async function disableSubscription(db: Database, id: string, reason: string): Promise<void> {
  await db.run(sql`UPDATE webhook_subscriptions SET enabled = 0, disabled_reason = ${reason} WHERE id = ${id}`);
}
