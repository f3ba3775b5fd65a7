import type { RunRuntime } from "../actions/runtime";
import type { Blueprint } from "../catalog/types";
import type { PortalEvent } from "./event";

/** The TimerObject name of one entity's timer property. */
export function timerName(blueprint: string, identifier: string, property: string): string {
  return `${blueprint}/${identifier}/${property}`;
}

function timerValue(entity: unknown, property: string): string | null {
  const value = (entity as { properties?: Record<string, unknown> } | null)?.properties?.[property];
  return typeof value === "string" && value !== "" ? value : null;
}

/**
 * Which timers an entity change arms (a new or changed value) or disarms (cleared, or the entity deleted).
 * Pure: the timers themselves are armed by `applyTimerChanges`.
 */
export function timerChanges(bp: Blueprint, e: PortalEvent): { property: string; value: string | null }[] {
  if (e.type !== "ENTITY_CREATED" && e.type !== "ENTITY_UPDATED" && e.type !== "ENTITY_DELETED") return [];
  const out: { property: string; value: string | null }[] = [];
  for (const [property, def] of Object.entries(bp.schema.properties)) {
    if (def.format !== "timer") continue;
    const before = timerValue(e.diff.before, property);
    const after = e.type === "ENTITY_DELETED" ? null : timerValue(e.diff.after, property);
    if (before !== after) out.push({ property, value: after });
  }
  return out;
}

/** Arms or disarms the TimerObjects for an entity change. Idempotent: re-arming the same value is harmless. */
export async function applyTimerChanges(runtime: RunRuntime, bp: Blueprint, e: PortalEvent): Promise<number> {
  const changes = e.entity ? timerChanges(bp, e) : [];
  for (const { property, value } of changes) {
    const timer = runtime.timer(timerName(bp.identifier, e.entity as string, property));
    if (value === null) await timer.disarm(e.id);
    else await timer.arm({ blueprint: bp.identifier, identifier: e.entity as string, property, value, eventId: e.id, runId: e.runId });
  }
  return changes.length;
}
