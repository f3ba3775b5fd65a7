import { DurableObject } from "cloudflare:workers";
import { insertAuditStatements } from "../db/audit-store";
import { findBlueprint } from "../db/blueprint-store";
import { database, runBatch } from "../db/client";
import { findEntities } from "../db/entity-store";
import { toApiEntity } from "../domain/catalog/entity-shape";
import { kickDispatch } from "../domain/events/dispatch";
import type { Env } from "../env";
import { runtimeFor } from "../platform/runtime";

const LATEST_ALARM = Date.UTC(2189, 0, 1);

/** What a timer is armed for. */
interface Armed {
  blueprint: string;
  identifier: string;
  property: string;
  value: string;
  eventId?: number;
  runId?: string | null;
}

/**
 * One object per entity timer property (`idFromName("<blueprint>/<identifier>/<property>")`). It arms its
 * alarm at the property's time. Alarms are at-least-once and the entity may have changed since, so on wake
 * it re-reads the entity from D1: a timer whose value moved is re-armed for the new value; one still due
 * emits TIMER_PROPERTY_EXPIRED — an audit row with a dedupe key per value, so even an alarm that runs twice
 * (or a re-arm of an already expired value) emits it exactly once.
 *
 * Storage (key-value): `armed` {blueprint, identifier, property, value, eventId, runId}; `lastEventId` the
 * newest event applied (older commands are ignored); `firedFor` the last value expired.
 */
export class TimerObject extends DurableObject<Env> {
  async arm(timer: Armed): Promise<void> {
    if (await this.isStale(timer.eventId)) return;
    await this.ctx.storage.put("armed", timer);
    if (timer.eventId !== undefined) await this.ctx.storage.put("lastEventId", timer.eventId);
    const due = Date.parse(timer.value);
    // Alarms cannot be set past 2189; a timer that far out is kept but never rings.
    if (due < LATEST_ALARM) await this.ctx.storage.setAlarm(Math.max(due, Date.now()));
    else await this.ctx.storage.deleteAlarm();
  }

  async disarm(eventId?: number): Promise<void> {
    if (await this.isStale(eventId)) return;
    if (eventId !== undefined) await this.ctx.storage.put("lastEventId", eventId);
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.delete("armed");
  }

  /** Events are processed concurrently: a command from an older event than the last applied one is late. */
  private async isStale(eventId: number | undefined): Promise<boolean> {
    const last = await this.ctx.storage.get<number>("lastEventId");
    return eventId !== undefined && last !== undefined && eventId < last;
  }

  /** What the timer is armed for, and the last value that expired (for the page and tests). */
  async status(): Promise<{ armed: Armed | null; firedFor: string | null; alarm: number | null }> {
    return {
      armed: (await this.ctx.storage.get<Armed>("armed")) ?? null,
      firedFor: (await this.ctx.storage.get<string>("firedFor")) ?? null,
      alarm: await this.ctx.storage.getAlarm(),
    };
  }

  override async alarm(): Promise<void> {
    const armed = await this.ctx.storage.get<Armed>("armed");
    if (!armed) return;
    const db = database(this.env.DB);
    const [blueprint, [stored]] = await Promise.all([
      findBlueprint(db, armed.blueprint),
      findEntities(db, armed.blueprint, [armed.identifier]),
    ]);
    const value = stored?.properties[armed.property];
    if (!blueprint || !stored || typeof value !== "string" || value === "") {
      // The entity or its timer is gone (its change will disarm us too): nothing to expire.
      await this.ctx.storage.delete("armed");
      return;
    }
    // The value moved since we were armed (a missed change): follow it; still in the future means wait.
    if (value !== armed.value) await this.ctx.storage.put("armed", { ...armed, value });
    if (Date.parse(value) > Date.now()) {
      if (Date.parse(value) < LATEST_ALARM) await this.ctx.storage.setAlarm(Date.parse(value));
      return;
    }
    const now = new Date().toISOString();
    await runBatch(db, [
      ...insertAuditStatements(db, [
        {
          at: now,
          actor: "timer",
          origin: "SYSTEM",
          action: "EXPIRED",
          resourceType: "entity",
          blueprint: armed.blueprint,
          entity: armed.identifier,
          before: { property: armed.property, value },
          after: toApiEntity(blueprint, stored),
          requestId: `timer:${armed.blueprint}/${armed.identifier}/${armed.property}`,
          dedupeKey: `timer:${armed.blueprint}:${armed.identifier}:${armed.property}:${value}`,
          // The run whose write set the timer: an automation re-arming its own timer is still cut at the limit.
          runId: armed.runId ?? null,
        },
      ]),
    ]);
    await this.ctx.storage.put("firedFor", value);
    await kickDispatch(db, runtimeFor(this.env));
  }
}
