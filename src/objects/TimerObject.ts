import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

/**
 * One object per entity timer property. It holds the due time and arms the alarm for it; expiry
 * handling (re-reading the entity, emitting TIMER_PROPERTY_EXPIRED once) arrives with timers.
 */
export class TimerObject extends DurableObject<Env> {
  /** Arms (or re-arms) the alarm for `dueAt` (ISO date-time). */
  async arm(dueAt: string): Promise<void> {
    await this.ctx.storage.put("dueAt", dueAt);
    await this.ctx.storage.setAlarm(Date.parse(dueAt));
  }

  async disarm(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.delete("dueAt");
  }

  /** When the alarm last fired, if it has. */
  async firedAt(): Promise<string | undefined> {
    return this.ctx.storage.get<string>("firedAt");
  }

  override async alarm(): Promise<void> {
    const dueAt = await this.ctx.storage.get<string>("dueAt");
    await this.ctx.storage.put("firedAt", new Date().toISOString());
    console.log(JSON.stringify({ level: "info", event: "timer_fired", dueAt }));
  }
}
