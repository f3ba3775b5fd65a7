import { disableWebhook } from "../../db/action-store";
import { insertAuditStatements } from "../../db/audit-store";
import { type Database, runBatch } from "../../db/client";
import {
  claimDelivery,
  type DeliveryAttempt,
  type DeliveryRecord,
  deliveryAttempts,
  failDeliveryStatement,
  findDelivery,
  recordAttemptStatements,
} from "../../db/delivery-store";
import { findEvent } from "../../db/event-store";
import { findRun, type RunRecord } from "../../db/run-store";
import { disableSubscription, findSubscription } from "../../db/subscription-store";
import { retryDelaySeconds } from "../../lib/backoff";
import { signatureHeaders } from "../../lib/webhook-signature";
import { eventPayload, toPortalEvent } from "../events/event";
import { deleteFromRun } from "./delete-run";
import { approvalRequest, type OutgoingRequest, runRequest } from "./payload";
import { TERMINAL } from "./run-state";
import type { RunRuntime } from "./runtime";
import { upsertFromRun } from "./upsert-run";

/** What the queue consumer does with the message afterwards. */
export type DeliveryOutcome = { kind: "ack" } | { kind: "retry"; delaySeconds: number };

/** Settings of the delivery pipeline (from the environment). */
export interface DeliverySettings {
  signingSecret: string | undefined;
  timeoutMs: number;
  retry: { baseSeconds: number; capSeconds: number };
  /** Attempts before a delivery is given up (1 + the queue consumer's max_retries in wrangler.toml). */
  maxAttempts: number;
  portalUrl: string | undefined;
  fetcher: typeof fetch;
}

const EXCERPT_BYTES = 1024;
const SYSTEM = { actor: "system", requestId: "queue" };

function hostOf(url: string | null): string {
  try {
    return url ? new URL(url).host : "your backend";
  } catch {
    return "your backend";
  }
}

async function record(
  db: Database,
  d: DeliveryRecord,
  attempt: Omit<DeliveryAttempt, "attempt" | "deliveryId">,
  status: "PENDING" | "DELIVERED" | "FAILED",
  lastResult: string,
  retryInSeconds: number | null = null,
) {
  const row = { ...attempt, deliveryId: d.id };
  // Stored so the cron sweep can tell a retry whose delayed queue message was lost from one still waiting.
  const nextAttemptAt = retryInSeconds === null ? null : new Date(Date.parse(attempt.at) + retryInSeconds * 1000).toISOString();
  await runBatch(db, [
    ...recordAttemptStatements(db, row, status, lastResult, nextAttemptAt),
    ...insertAuditStatements(db, [
      {
        at: attempt.at,
        actor: "system",
        origin: "SYSTEM",
        action: "ATTEMPT",
        resourceType: "delivery",
        blueprint: null,
        entity: null,
        before: null,
        after: {
          delivery: d.id,
          kind: d.kind,
          url: d.url,
          outcome: attempt.outcome,
          statusCode: attempt.statusCode,
          latencyMs: attempt.latencyMs,
          error: attempt.error,
        },
        requestId: d.id,
        runId: d.runId,
      },
    ]),
  ]);
}

async function readExcerpt(response: Response, limit: number): Promise<string> {
  const text = await response.text().catch(() => "");
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

/** Runs an UPSERT_ENTITY or DELETE_ENTITY delivery: no HTTP, the catalog write itself is the attempt. */
async function deliverCatalogWrite(db: Database, runtime: RunRuntime, d: DeliveryRecord, run: RunRecord): Promise<DeliveryOutcome> {
  const started = Date.now();
  const result: { ok: boolean; summary: string; entity?: { blueprint: string; identifier: string } } =
    d.kind === "UPSERT_ENTITY"
      ? await upsertFromRun(db, run, runtime.encryptionSecret)
      : await deleteFromRun(db, run, runtime.encryptionSecret);
  const at = new Date().toISOString();
  await record(
    db,
    d,
    {
      at,
      outcome: result.ok ? "delivered" : "failed",
      statusCode: null,
      latencyMs: Date.now() - started,
      responseExcerpt: result.summary,
      error: result.ok ? null : result.summary,
    },
    result.ok ? "DELIVERED" : "FAILED",
    result.summary,
  );
  if (result.entity) await runtime.run(run.id).entityLinked(result.entity);
  await runtime.run(run.id).deliveryFinished({ result: { ok: result.ok, summary: result.summary } }, SYSTEM);
  return { kind: "ack" };
}

/** Fails the delivery without sending (nothing to retry) and, for a run's own delivery, the run. */
async function refuse(db: Database, runtime: RunRuntime, d: DeliveryRecord, message: string): Promise<DeliveryOutcome> {
  await runBatch(db, [failDeliveryStatement(db, d.id, message, new Date().toISOString())]);
  if (d.runId && d.kind !== "APPROVAL_NOTIFICATION") await runtime.run(d.runId).deliveryFinished({ failure: message }, SYSTEM);
  return { kind: "ack" };
}

/**
 * One delivery attempt: loads the delivery and its run from D1 (a retry re-reads current state), renders
 * and signs the request, sends it with a timeout and records the attempt. 2xx delivers; 408/425/429/5xx, a
 * timeout or a network error retries with backoff (Retry-After wins); 410 disables the action's webhook and
 * fails the run; any other answer fails the run at once (a 401 will not fix itself in 31 minutes).
 */
export async function deliver(db: Database, runtime: RunRuntime, settings: DeliverySettings, deliveryId: string): Promise<DeliveryOutcome> {
  const d = await findDelivery(db, deliveryId);
  // Unknown, or already finished: a duplicate queue message. Acknowledge it.
  if (d?.status !== "PENDING") return { kind: "ack" };
  // Claimed for one attempt: another copy of this message (queues deliver at least once; the stalled sweep)
  // waits until the claim ends, then finds the delivery done, or attempts it after the holder crashed.
  const leaseMs = settings.timeoutMs + 30_000;
  const now = Date.now();
  if (!(await claimDelivery(db, d.id, new Date(now).toISOString(), new Date(now + leaseMs).toISOString()))) {
    return { kind: "retry", delaySeconds: Math.ceil(leaseMs / 1000) };
  }
  let run: RunRecord | null = null;
  let request: OutgoingRequest | null;
  if (d.kind === "SUBSCRIPTION") {
    request = await subscriptionRequest(db, d);
    if (!request) return refuse(db, runtime, d, "The subscription was disabled or deleted, or the event is gone: not sent");
  } else {
    run = d.runId ? await findRun(db, d.runId) : null;
    if (!run) return refuse(db, runtime, d, "The run of this delivery no longer exists");
    // A run that already ended (timed out, declined, failed) must not start work at a backend any more.
    if (TERMINAL.has(run.status))
      return refuse(db, runtime, d, `The run already ended (${run.status}) before this delivery; it was not sent`);
    if (d.kind === "UPSERT_ENTITY" || d.kind === "DELETE_ENTITY") return deliverCatalogWrite(db, runtime, d, run);
    if (d.kind === "APPROVAL_NOTIFICATION") request = approvalRequest(run, settings.portalUrl);
    else {
      const rendered = await runRequest(run, runtime.encryptionSecret);
      if ("problems" in rendered) {
        const why = rendered.problems.map((p) => `${p.path}: ${p.message}`).join("; ");
        return refuse(db, runtime, d, `The action's webhook template failed: ${why}`);
      }
      request = rendered;
    }
  }
  if (!request) return refuse(db, runtime, d, "The action has no approval webhook");
  if (!settings.signingSecret)
    return refuse(db, runtime, d, "WEBHOOK_SIGNING_SECRET is not set, so the portal cannot sign webhooks (see docs/deploy.md)");

  const attemptNo = d.attempts + 1;
  // The queue's own retry count resets when the cron sweep sends a new message: the limit is kept here.
  if (attemptNo > settings.maxAttempts) {
    await deadLetter(db, runtime, d.id);
    return { kind: "ack" };
  }
  const sentAt = new Date();
  const headers = {
    "content-type": "application/json",
    "user-agent": "edge-portal-webhooks/1",
    ...request.headers,
    ...(await signatureHeaders(settings.signingSecret, d.id, request.body, sentAt)),
  };
  const started = Date.now();
  let response: Response;
  try {
    response = await settings.fetcher(request.url, {
      method: request.method,
      headers,
      body: request.method === "DELETE" && request.body === "" ? undefined : request.body,
      redirect: "manual",
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    const delaySeconds = retryDelaySeconds(attemptNo, null, settings.retry);
    const result = timedOut
      ? `timeout after ${Math.round(settings.timeoutMs / 100) / 10} s`
      : `network error: ${error instanceof Error ? error.message : String(error)}`;
    await record(
      db,
      d,
      {
        at: sentAt.toISOString(),
        outcome: "retry",
        statusCode: null,
        latencyMs: Date.now() - started,
        responseExcerpt: null,
        error: result,
      },
      "PENDING",
      result,
      delaySeconds,
    );
    return { kind: "retry", delaySeconds };
  }
  const latencyMs = Date.now() - started;
  const synchronized = d.kind === "RUN" && (run?.context.invocation as { synchronized?: boolean } | undefined)?.synchronized === true;
  const excerpt = await readExcerpt(response, synchronized ? 16 * EXCERPT_BYTES : EXCERPT_BYTES);
  const status = response.status;
  const base = {
    at: sentAt.toISOString(),
    statusCode: status,
    latencyMs,
    responseExcerpt: excerpt.slice(0, EXCERPT_BYTES + 1),
    error: null,
  };
  const result = `HTTP ${status}`;
  if (status >= 200 && status < 300) {
    await record(db, d, { ...base, outcome: "delivered" }, "DELIVERED", result);
    if (synchronized && run) await runtime.run(run.id).deliveryFinished({ result: { ok: true, summary: excerpt } }, SYSTEM);
    return { kind: "ack" };
  }
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    const delaySeconds = retryDelaySeconds(attemptNo, response.headers.get("retry-after"), settings.retry);
    await record(db, d, { ...base, outcome: "retry" }, "PENDING", result, delaySeconds);
    return { kind: "retry", delaySeconds };
  }
  const host = hostOf(request.url);
  if (status === 410) {
    await record(db, d, { ...base, outcome: "gone" }, "FAILED", result);
    if (d.kind === "SUBSCRIPTION" && d.subscriptionId) {
      await disableSubscription(db, d.subscriptionId, `${host} answered 410 Gone at ${sentAt.toISOString()}`);
    }
    if (d.kind === "RUN" && run) {
      await disableWebhook(db, run.action, `${host} answered 410 Gone at ${sentAt.toISOString()}`);
      await runtime.run(run.id).deliveryFinished(
        {
          failure: `Your backend at ${host} answered 410 Gone: the ${run.source === "AUTOMATION" ? "automation" : "action"}'s webhook is disabled until it is saved again`,
        },
        SYSTEM,
      );
    }
    return { kind: "ack" };
  }
  await record(db, d, { ...base, outcome: "failed" }, "FAILED", result);
  if (d.kind === "RUN" && run) {
    const why = synchronized
      ? excerpt
      : `Your backend at ${host} refused the webhook with HTTP ${status}${excerpt ? `: ${excerpt.slice(0, 200)}` : ""}`;
    await runtime.run(run.id).deliveryFinished(synchronized ? { result: { ok: false, summary: why } } : { failure: why }, SYSTEM);
  }
  return { kind: "ack" };
}

/** A subscription delivery's request: the event as subscribers receive it. */
async function subscriptionRequest(db: Database, d: DeliveryRecord): Promise<OutgoingRequest | null> {
  const subscription = d.subscriptionId ? await findSubscription(db, d.subscriptionId) : null;
  // Deleted, or disabled (a 410, or by an admin) since this delivery was queued: nothing more goes there.
  if (!subscription?.enabled) return null;
  const row = d.eventId === null ? null : await findEvent(db, d.eventId);
  const event = row ? toPortalEvent(row) : null;
  if (!event || !d.url) return null;
  return { url: d.url, method: "POST", headers: {}, body: JSON.stringify(eventPayload(event)) };
}

function span(fromIso: string, toIso: string): string {
  const seconds = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 360) / 10} h`;
}

/**
 * The dead-letter queue's handler: the delivery ran out of attempts. Fails it and its run with a message a
 * developer can act on, e.g. "Your backend at ci.example.com did not answer after 6 attempts over 31 min
 * (last: HTTP 503)".
 */
export async function deadLetter(db: Database, runtime: RunRuntime, deliveryId: string): Promise<void> {
  const d = await findDelivery(db, deliveryId);
  if (d?.status !== "PENDING") return;
  const attempts = await deliveryAttempts(db, d.id);
  const first = attempts[0];
  const last = attempts.at(-1);
  const host = hostOf(d.url);
  const message =
    first && last
      ? `Your backend at ${host} did not answer after ${attempts.length} attempt${attempts.length === 1 ? "" : "s"} over ${span(first.at, last.at)} (last: ${d.lastResult ?? "no answer"})`
      : `The delivery to ${host} was given up before any attempt`;
  await refuse(db, runtime, d, message);
}
