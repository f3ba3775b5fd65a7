import { z } from "zod";
import { database } from "../db/client";
import { deadLetter, deliver } from "../domain/actions/deliver";
import type { DeliveryMessage, Env } from "../env";
import { deliverySettings, runtimeFor } from "../platform/runtime";

const deliveryMessage = z.object({ deliveryId: z.string().min(1) });

/** Queue names as declared in wrangler.toml. */
export const DELIVERY_QUEUE = "portal-deliveries";
export const DELIVERY_DLQ = "portal-deliveries-dlq";

/**
 * Consumes webhook delivery messages, each on its own (one slow backend does not hold up the batch): an
 * attempt per message, acked or retried with its own delay. Messages from the dead-letter queue fail their
 * delivery and run. A malformed message is acked: retrying it cannot make it valid.
 */
export async function consumeDeliveries(batch: MessageBatch<DeliveryMessage>, env: Env): Promise<void> {
  const db = database(env.DB);
  const runtime = runtimeFor(env);
  const settings = deliverySettings(env);
  await Promise.all(
    batch.messages.map(async (message) => {
      const parsed = deliveryMessage.safeParse(message.body);
      if (!parsed.success) {
        console.warn(JSON.stringify({ level: "warn", event: "delivery_malformed", messageId: message.id }));
        message.ack();
        return;
      }
      const { deliveryId } = parsed.data;
      try {
        if (batch.queue === DELIVERY_DLQ) {
          await deadLetter(db, runtime, deliveryId);
          message.ack();
          return;
        }
        const outcome = await deliver(db, runtime, settings, deliveryId);
        if (outcome.kind === "ack") message.ack();
        else message.retry({ delaySeconds: outcome.delaySeconds });
      } catch (error) {
        // Our own failure (D1 unavailable, …): retry soon; the delivery row still says PENDING.
        console.error(JSON.stringify({ level: "error", event: "delivery_error", deliveryId, error: String(error) }));
        message.retry({ delaySeconds: 10 });
      }
    }),
  );
}
