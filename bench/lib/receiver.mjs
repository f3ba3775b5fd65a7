// A customer backend for benchmarks: a Node HTTP server the Worker's queue consumer posts run webhooks to.
// It verifies the Standard Webhooks signature (webhook-id / webhook-timestamp / webhook-signature, keyed
// with the base64 part of the `whsec_…` secret), answers 200 at once, and records when each webhook-id and
// each run id (`context.runId` of the default body) first arrived, on the same clock as the benchmark
// (performance.now()), counting repeats of a webhook-id and second webhook-ids for a run already seen.
// With `keyOf(payload)` it also records, per key the payload names (e.g. the entity of a timer automation's
// body), every arrival under a distinct webhook-id with its wall-clock time (Date.now()), for figures
// measured against wall-clock instants such as timer values (bench/timers.mjs).
//
// With `faults` it plays an unreliable backend (bench/faults.mjs, bench/restart.mjs): per request, drawn from
// a seeded PRNG, it answers 503 before doing anything, or 429 with Retry-After, or processes the webhook but
// answers only after the portal's timeout (the effect happened, the portal does not know), or processes it
// and answers 200. Only processed webhooks count as arrivals; `onProcessed` is told about each new one (a
// backend reporting back). `goDown()` / `comeUp()` stop and restart listening on the same port (an outage:
// the portal sees connection refused).

import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

function sameSignature(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Why the request does not carry a valid Standard Webhooks signature for `key`; null when it does. */
function signatureProblem(headers, body, key) {
  const id = headers["webhook-id"];
  const ts = headers["webhook-timestamp"];
  const signatures = headers["webhook-signature"];
  if (!id || !ts || !signatures) return "missing webhook-* headers";
  if (!/^\d+$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > 300) return "timestamp more than 5 minutes away";
  const expected = createHmac("sha256", key).update(`${id}.${ts}.`).update(body).digest("base64");
  return signatures.split(" ").some((s) => s.startsWith("v1,") && sameSignature(s.slice(3), expected)) ? null : "bad signature";
}

/**
 * How an unreliable backend answers: the share of requests (0–1) answered 503, answered after the portal's
 * timeout (`holdMs`), and answered 429 with `Retry-After: retryAfterSeconds`; the rest are answered 200.
 * @typedef {{ serverError: number, timeout: number, tooManyRequests: number, holdMs: number, retryAfterSeconds: number, random: () => number }} FaultPlan
 */

/** What the backend does with one request under `faults` (null: no faults, always "ok"). */
function drawFault(faults) {
  if (!faults) return "ok";
  const r = faults.random();
  if (r < faults.serverError) return "serverError";
  if (r < faults.serverError + faults.timeout) return "timeout";
  if (r < faults.serverError + faults.timeout + faults.tooManyRequests) return "tooManyRequests";
  return "ok";
}

/**
 * Starts the receiver on a free port of 127.0.0.1.
 * @param {{ secret: string, keyOf?: (payload: any) => string | null, faults?: FaultPlan,
 *   onProcessed?: (arrival: { webhookId: string, runId: string | null }) => void }} opts the portal's
 *   WEBHOOK_SIGNING_SECRET; `keyOf` names what a payload is about, for `state.byKey`; `faults` and
 *   `onProcessed` as described at the top of this file
 */
export async function startReceiver({ secret, keyOf, faults, onProcessed }) {
  const key = secret.startsWith("whsec_") ? Buffer.from(secret.slice("whsec_".length), "base64") : Buffer.from(secret);
  const state = {
    /** webhook-id → { at, runId } of its first arrival (with faults: the first one processed). */
    byWebhookId: new Map(),
    /** run id → performance.now() of the first webhook naming it. */
    byRunId: new Map(),
    requests: 0,
    /** A webhook-id processed before, again (a redelivery the backend must dedupe). */
    duplicateWebhookIds: 0,
    /** A run arriving under a second webhook-id (a second delivery: a duplicated effect no dedupe catches). */
    duplicateRuns: 0,
    invalid: 0,
    unparsable: 0,
    lastArrival: 0,
    /** With keyOf: key → Date.now() of each first arrival of a webhook-id naming it (more than one: a duplicate). */
    byKey: new Map(),
    /** How requests were answered: ok, serverError (503), timeout (processed, answered late), tooManyRequests (429). */
    answered: { ok: 0, serverError: 0, timeout: 0, tooManyRequests: 0 },
    /** True between goDown() and comeUp(). */
    down: false,
  };

  /** Records a webhook the backend acts on; false when its webhook-id was processed before (a redelivery). */
  function processWebhook(id, body, at, wall) {
    let runId = null;
    let about = null;
    try {
      const payload = JSON.parse(body.toString("utf8"));
      runId = payload?.context?.runId ?? payload?.run?.id ?? null;
      about = keyOf ? keyOf(payload) : null;
    } catch {
      state.unparsable++;
    }
    if (state.byWebhookId.has(id)) {
      state.duplicateWebhookIds++;
      return false;
    }
    state.byWebhookId.set(id, { at, runId });
    if (about !== null && about !== undefined) state.byKey.set(about, [...(state.byKey.get(about) ?? []), wall]);
    if (runId !== null) {
      if (state.byRunId.has(runId)) state.duplicateRuns++;
      else state.byRunId.set(runId, at);
    }
    onProcessed?.({ webhookId: id, runId });
    return true;
  }

  const server = createServer((req, res) => {
    const at = performance.now();
    const wall = Date.now();
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      state.requests++;
      const body = Buffer.concat(chunks);
      if (signatureProblem(req.headers, body, key)) {
        state.invalid++;
        res.writeHead(401).end();
        return;
      }
      const fault = drawFault(faults);
      state.answered[fault]++;
      if (fault === "serverError") {
        res.writeHead(503, { "content-type": "text/plain" }).end("backend unavailable");
        return;
      }
      if (fault === "tooManyRequests") {
        res.writeHead(429, { "retry-after": String(faults.retryAfterSeconds) }).end("slow down");
        return;
      }
      processWebhook(String(req.headers["webhook-id"]), body, at, wall);
      state.lastArrival = Math.max(state.lastArrival, at);
      const answer = () => {
        if (!res.destroyed) res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      };
      if (fault === "timeout") setTimeout(answer, faults.holdMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    /** Stops listening and drops open connections: the portal's next attempts see connection refused. */
    goDown() {
      state.down = true;
      server.close();
      server.closeAllConnections();
    },
    /** Listens again on the same port. */
    comeUp() {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => {
          state.down = false;
          resolve();
        });
      });
    },
    /** Resolves when every run id has arrived, or at `deadline` (performance.now() ms); returns those missing. */
    async waitFor(runIds, deadline) {
      for (;;) {
        const missing = runIds.filter((id) => !state.byRunId.has(id));
        if (missing.length === 0 || performance.now() > deadline) return missing;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close() {
      server.closeAllConnections();
      if (state.down) return Promise.resolve();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
