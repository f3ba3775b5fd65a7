import type { EventRow } from "../../db/event-store";

/**
 * Portal events, read from the audit log (the outbox every change writes in its own batch). Port's event
 * names; `BLUEPRINT_*` reach webhook subscriptions only.
 */
export const ENTITY_EVENTS = ["ENTITY_CREATED", "ENTITY_UPDATED", "ENTITY_DELETED", "TIMER_PROPERTY_EXPIRED"] as const;
export const RUN_EVENTS = ["RUN_CREATED", "RUN_UPDATED"] as const;
export const BLUEPRINT_EVENTS = ["BLUEPRINT_CREATED", "BLUEPRINT_UPDATED", "BLUEPRINT_DELETED"] as const;
export const EVENT_TYPES = [...ENTITY_EVENTS, ...RUN_EVENTS, ...BLUEPRINT_EVENTS] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface PortalEvent {
  /** The audit row id; `ev_<id>` outside. */
  id: number;
  type: EventType;
  at: string;
  blueprint: string | null;
  entity: string | null;
  runId: string | null;
  /** For TIMER_PROPERTY_EXPIRED: the timer property and the value that expired. */
  timer: { property: string; value: string } | null;
  actor: string;
  origin: string;
  diff: { before: unknown; after: unknown };
}

const TYPES: Record<string, Record<string, EventType>> = {
  entity: { CREATE: "ENTITY_CREATED", UPDATE: "ENTITY_UPDATED", DELETE: "ENTITY_DELETED", EXPIRED: "TIMER_PROPERTY_EXPIRED" },
  run: { CREATE: "RUN_CREATED", UPDATE: "RUN_UPDATED", APPROVE: "RUN_UPDATED", DECLINE: "RUN_UPDATED" },
  blueprint: { CREATE: "BLUEPRINT_CREATED", UPDATE: "BLUEPRINT_UPDATED", DELETE: "BLUEPRINT_DELETED" },
};

/** The event an audit row records, or null for rows that are not events. */
export function toPortalEvent(row: EventRow): PortalEvent | null {
  const type = TYPES[row.resourceType]?.[row.action];
  if (!type) return null;
  // A timer expiry stores {property, value} as `before` and the entity as `after`; its diff is the entity.
  const timer = type === "TIMER_PROPERTY_EXPIRED" ? (row.before as { property: string; value: string }) : null;
  return {
    id: row.id,
    type,
    at: row.at,
    blueprint: row.blueprint,
    entity: row.entity,
    runId: row.runId,
    timer,
    actor: row.actor,
    origin: row.origin,
    diff: timer ? { before: row.after, after: row.after } : { before: row.before, after: row.after },
  };
}

/** What a webhook subscription receives, and what automation conditions see as `.event`. */
export function eventPayload(e: PortalEvent) {
  return {
    id: `ev_${e.id}`,
    type: e.type,
    at: e.at,
    context: {
      blueprintIdentifier: e.blueprint,
      entityIdentifier: e.entity,
      runId: e.runId,
      ...(e.timer ? { propertyIdentifier: e.timer.property } : {}),
    },
    diff: e.diff,
    trigger: { by: { email: e.actor }, origin: e.origin, at: e.at },
  };
}
