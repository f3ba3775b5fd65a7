import { z } from "zod";
import { insertAuditStatements } from "../../db/audit-store";
import { type Database, runBatch } from "../../db/client";
import {
  deleteSubscriptionStatement,
  findSubscription,
  insertSubscriptionStatement,
  listSubscriptions,
  type Subscription,
  updateSubscriptionStatement,
} from "../../db/subscription-store";
import { invalid, notFound, versionMismatch } from "../../lib/errors";
import { randomToken } from "../../lib/ids";
import { zodDetails } from "../../lib/zod-details";
import { requireAdmin } from "../access/guards";
import type { Principal } from "../access/principal";
import { auditOf } from "../audit/record";
import type { WriteContext } from "../catalog/types";
import { EVENT_TYPES, type PortalEvent } from "./event";

/**
 * Webhook subscriptions (`/v1/webhooks`): every matching event is delivered, signed like action webhooks,
 * through the same queue with the same retries. Admins manage them: they expose every matching change.
 */

const bodySchema = z.strictObject({
  title: z.string({ error: "is required" }).min(1).max(200),
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  events: z
    .array(z.enum(EVENT_TYPES, { error: `must be one of ${EVENT_TYPES.join(", ")}` }))
    .max(20)
    .default([]),
  blueprints: z.array(z.string().max(100)).max(100).default([]),
  enabled: z.boolean().default(true),
});

function parse(raw: unknown) {
  const parsed = bodySchema.safeParse(raw);
  if (!parsed.success) throw invalid(zodDetails(parsed.error));
  return parsed.data;
}

export async function createSubscription(db: Database, p: Principal, raw: unknown, ctx: WriteContext): Promise<Subscription> {
  requireAdmin(p, "create webhook subscriptions");
  const body = parse(raw);
  const s: Subscription = {
    id: `wh_${randomToken(16)}`,
    ...body,
    disabledReason: null,
    version: 1,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    createdBy: ctx.actor,
    updatedBy: ctx.actor,
  };
  await runBatch(db, [
    insertSubscriptionStatement(db, s),
    ...insertAuditStatements(db, [auditOf(ctx, "CREATE", "subscription", { entity: s.id, after: s })]),
  ]);
  return s;
}

export async function replaceSubscription(db: Database, p: Principal, id: string, raw: unknown, ctx: WriteContext, expected?: number) {
  requireAdmin(p, "change webhook subscriptions");
  const current = await findSubscription(db, id);
  if (!current) throw notFound(`Webhook subscription '${id}'`);
  if (expected !== undefined && expected !== current.version) throw versionMismatch(expected, current.version);
  const next: Subscription = { ...current, ...parse(raw), updatedAt: ctx.now, updatedBy: ctx.actor };
  const [saved] = await db.$client.batch([
    updateSubscriptionStatement(db, next, current.version),
    ...insertAuditStatements(db, [auditOf(ctx, "UPDATE", "subscription", { entity: id, before: current, after: next })], {
      onlyIfChanged: true,
    }),
  ]);
  if (saved?.meta.changes === 0) throw versionMismatch(current.version, current.version + 1);
  return (await findSubscription(db, id)) as Subscription;
}

export async function deleteSubscription(db: Database, p: Principal, id: string, ctx: WriteContext): Promise<void> {
  requireAdmin(p, "delete webhook subscriptions");
  const current = await findSubscription(db, id);
  if (!current) throw notFound(`Webhook subscription '${id}'`);
  await runBatch(db, [
    deleteSubscriptionStatement(db, id),
    ...insertAuditStatements(db, [auditOf(ctx, "DELETE", "subscription", { entity: id, before: current })]),
  ]);
}

export async function getSubscription(db: Database, p: Principal, id: string): Promise<Subscription> {
  requireAdmin(p, "read webhook subscriptions");
  const s = await findSubscription(db, id);
  if (!s) throw notFound(`Webhook subscription '${id}'`);
  return s;
}

export async function listSubscriptionsFor(db: Database, p: Principal): Promise<Subscription[]> {
  requireAdmin(p, "read webhook subscriptions");
  return listSubscriptions(db);
}

/** Does the subscription want this event? `blueprint` is the event's blueprint (a run's action blueprint for run events). */
export function subscribes(s: Subscription, e: PortalEvent, blueprint: string | null): boolean {
  // Only what happens after subscribing: events still in the queue when it was created do not count.
  if (!s.enabled || e.at < s.createdAt) return false;
  if (s.events.length > 0 && !s.events.includes(e.type)) return false;
  return s.blueprints.length === 0 || (blueprint !== null && s.blueprints.includes(blueprint));
}
