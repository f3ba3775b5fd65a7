import type { Env } from "../env";

/**
 * Cron Trigger entry point. Scheduled sync hands due integrations to the queue here once integrations
 * exist; today there is nothing scheduled, and the tick is logged so operators can see the trigger work.
 */
export async function runScheduled(controller: ScheduledController, _env: Env): Promise<{ dueIntegrations: number }> {
  console.log(
    JSON.stringify({ level: "info", event: "cron_tick", cron: controller.cron, at: new Date(controller.scheduledTime).toISOString() }),
  );
  return { dueIntegrations: 0 };
}
