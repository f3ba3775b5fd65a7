/**
 * Retry delays: for webhook deliveries, capped exponential backoff with ±20% jitter, unless the receiver
 * said when to come back (`Retry-After`, seconds or an HTTP date), which wins within the queue's limits; for
 * in-process retries (a write that lost a race), a short fully jittered wait.
 */

/** Cloudflare Queues accept delays up to 12 hours. */
const MAX_DELAY_SECONDS = 43_200;

/**
 * Seconds to wait before attempt `attempt + 1`, after `attempt` failed (1-based).
 *
 * @example retryDelaySeconds(1, null, { baseSeconds: 60, capSeconds: 3600 }) // ≈ 60 (48–72)
 */
export function retryDelaySeconds(
  attempt: number,
  retryAfter: string | null,
  policy: { baseSeconds: number; capSeconds: number },
  now = Date.now(),
  random = Math.random,
): number {
  const told = retryAfterSeconds(retryAfter, now);
  if (told !== null) return Math.min(Math.max(told, 1), MAX_DELAY_SECONDS);
  const exponential = Math.min(policy.capSeconds, policy.baseSeconds * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential * (0.8 + 0.4 * random());
  return Math.min(Math.max(1, Math.round(jittered)), MAX_DELAY_SECONDS);
}

/** A Retry-After header in seconds from now, or null when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === "") return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * Waits a random time under a doubling cap ("full jitter"): attempt 1 waits up to 2 × `baseMs`, each later
 * attempt up to twice as long, never more than `capMs`. Writers that raced once would otherwise race again at
 * once; spreading their retries lets most of them through.
 */
export function jitteredBackoff(attempt: number, baseMs: number, capMs: number, random = Math.random): Promise<void> {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, random() * ceiling));
}
