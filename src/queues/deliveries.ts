import { z } from "zod";
import { database } from "../db/client";
import { finishEventRange } from "../db/event-store";
import { deadLetter, deliver } from "../domain/actions/deliver";
import { kickDispatch, processEvents } from "../domain/events/dispatch";
import { consumeSyncStep } from "../domain/integrations/sync-step";
import { rescoreChunk } from "../domain/scorecards/scorecards";
import type { DeliveryMessage, Env } from "../env";
import { deliverySettings, runtimeFor, syncRuntimeFor } from "../platform/runtime";

const queueMessage = z.union([
  z.object({ deliveryId: z.string().min(1) }),
  z.object({ eventRange: z.object({ after: z.number().int().nonnegative(), to: z.number().int().positive() }) }),
  z.object({
    scoring: z.object({
      blueprint: z.string(),
      scorecard: z.string(),
      afterId: z.number().int().nonnegative(),
      toId: z.number().int().positive(),
    }),
  }),
  z.object({ syncStep: z.object({ syncId: z.string().min(1), step: z.number().int().positive() }) }),
]);

/** Queue names as declared in wrangler.toml. */
export const DELIVERY_QUEUE = "portal-deliveries";
export const DELIVERY_DLQ = "portal-deliveries-dlq";

/**
 * Consumes the queue, each message on its own (one slow backend does not hold up the batch): a delivery
 * attempt, acked or retried with its own delay; or a range of events to dispatch (retried soon when it
 * fails; processing is idempotent). Messages from the dead-letter queue fail their delivery and run. A
 * malformed message is acked: retrying it cannot make it valid. Changes made here (catalog writes, runs)
 * are events too, so the batch ends by handing new events on.
 */
export async function consumeDeliveries(batch: MessageBatch<DeliveryMessage>, env: Env): Promise<void> {
  const db = database(env.DB);
  const runtime = runtimeFor(env);
  const settings = deliverySettings(env);
  await Promise.all(
    batch.messages.map(async (message) => {
      const parsed = queueMessage.safeParse(message.body);
      if (!parsed.success) {
        console.warn(JSON.stringify({ level: "warn", event: "queue_message_malformed", messageId: message.id }));
        message.ack();
        return;
      }
      const body = parsed.data;
      try {
        if ("scoring" in body) {
          if (batch.queue !== DELIVERY_DLQ) await rescoreChunk(db, body.scoring);
          else console.error(JSON.stringify({ level: "error", event: "scoring_dead_lettered", ...body.scoring }));
          message.ack();
          return;
        }
        if ("syncStep" in body) {
          const outcome = await consumeSyncStep(db, syncRuntimeFor(env), body.syncStep, batch.queue === DELIVERY_DLQ);
          if (outcome.kind === "ack") message.ack();
          else message.retry({ delaySeconds: outcome.delaySeconds });
          return;
        }
        if ("eventRange" in body) {
          if (batch.queue !== DELIVERY_DLQ) await processEvents(db, runtime, body.eventRange.after, body.eventRange.to);
          else {
            // Retried six times: the events that keep failing are noted on the events page; close the range
            // so the cron does not queue it again forever.
            console.error(JSON.stringify({ level: "error", event: "event_range_dead_lettered", ...body.eventRange }));
            await finishEventRange(db, body.eventRange.after);
          }
          message.ack();
          return;
        }
        if (batch.queue === DELIVERY_DLQ) {
          await deadLetter(db, runtime, body.deliveryId);
          message.ack();
          return;
        }
        const outcome = await deliver(db, runtime, settings, body.deliveryId);
        if (outcome.kind === "ack") message.ack();
        else message.retry({ delaySeconds: outcome.delaySeconds });
      } catch (error) {
        // Our own failure (D1 unavailable, …): retry soon; deliveries stay PENDING, events are re-processable.
        console.error(JSON.stringify({ level: "error", event: "queue_message_error", body, error: String(error) }));
        message.retry({ delaySeconds: 10 });
      }
    }),
  );
  await kickDispatch(db, runtime);
}
