import { createApp } from "./app";
import { runScheduled } from "./cron/scheduled";
import type { DeliveryMessage, Env } from "./env";
import { consumeDeliveries } from "./queues/deliveries";

export { RunObject } from "./objects/RunObject";
export { TimerObject } from "./objects/TimerObject";

const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<DeliveryMessage>, env: Env): Promise<void> {
    await consumeDeliveries(batch, env);
  },
  async scheduled(controller: ScheduledController, env: Env): Promise<void> {
    await runScheduled(controller, env);
  },
} satisfies ExportedHandler<Env, DeliveryMessage>;
