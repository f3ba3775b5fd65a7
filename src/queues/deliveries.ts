import { z } from "zod";
import type { DeliveryMessage, Env } from "../env";

const deliveryMessage = z.object({ deliveryId: z.string().min(1) });

/** Queue names as declared in wrangler.toml. */
export const DELIVERY_QUEUE = "portal-deliveries";
export const DELIVERY_DLQ = "portal-deliveries-dlq";

/**
 * Consumes webhook delivery messages. Deliveries themselves arrive with self-service actions; until then
 * a message is validated, logged and acknowledged on its own (a malformed one is acked too: retrying it
 * cannot make it valid).
 */
export async function consumeDeliveries(batch: MessageBatch<DeliveryMessage>, _env: Env): Promise<void> {
  for (const message of batch.messages) {
    const parsed = deliveryMessage.safeParse(message.body);
    console.log(
      JSON.stringify({
        level: parsed.success ? "info" : "warn",
        event: batch.queue === DELIVERY_DLQ ? "delivery_dead_lettered" : "delivery_received",
        messageId: message.id,
        attempts: message.attempts,
        deliveryId: parsed.success ? parsed.data.deliveryId : null,
      }),
    );
    message.ack();
  }
}
