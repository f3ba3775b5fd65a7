import type { DeliverySettings } from "../domain/actions/deliver";
import type { RunControl, RunRuntime, TimerControl } from "../domain/actions/runtime";
import type { SyncRuntime } from "../domain/integrations/runtime";
import type { Env } from "../env";

/** The runtime on Cloudflare: RunObject and TimerObject Durable Objects and the delivery queue. */
export function runtimeFor(env: Env): RunRuntime {
  return {
    run: (runId) => env.RUNS.get(env.RUNS.idFromName(runId)) as unknown as RunControl,
    async enqueue(deliveryIds) {
      if (deliveryIds.length === 0) return;
      await env.DELIVERIES.sendBatch(deliveryIds.map((deliveryId) => ({ body: { deliveryId } })));
    },
    timer: (name) => env.TIMERS.get(env.TIMERS.idFromName(name)) as unknown as TimerControl,
    async enqueueEvents(range) {
      await env.DELIVERIES.send({ eventRange: range });
    },
    async enqueueScoring(chunk) {
      await env.DELIVERIES.send({ scoring: chunk });
    },
    encryptionSecret: env.AUTH_SIGNING_KEY ?? "",
  };
}

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** Delivery settings from the environment (timeouts and backoff can be tuned for tests and benchmarks). */
export function deliverySettings(env: Env): DeliverySettings {
  return {
    signingSecret: env.WEBHOOK_SIGNING_SECRET,
    timeoutMs: positive(env.WEBHOOK_TIMEOUT_MS, 10_000),
    retry: { baseSeconds: positive(env.WEBHOOK_RETRY_BASE_SECONDS, 60), capSeconds: 3600 },
    // wrangler.toml: the deliveries consumer's max_retries = 5, so six attempts before the dead-letter queue.
    maxAttempts: 6,
    portalUrl: env.PORTAL_URL,
    // Wrapped: the global fetch must not be called as a method of another object ("Illegal invocation").
    fetcher: (input, init) => fetch(input, init),
  };
}

/** The runtime of integration syncs: steps through the shared queue, the global fetch, the secrets key. */
export function syncRuntimeFor(env: Env): SyncRuntime {
  return {
    async enqueue(step) {
      await env.DELIVERIES.send({ syncStep: step });
    },
    fetcher: (input, init) => fetch(input, init),
    encryptionSecret: env.AUTH_SIGNING_KEY ?? "",
  };
}
