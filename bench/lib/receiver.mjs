// A customer backend for benchmarks: a Node HTTP server the Worker's queue consumer posts run webhooks to.
// It verifies the Standard Webhooks signature (webhook-id / webhook-timestamp / webhook-signature, keyed
// with the base64 part of the `whsec_…` secret), answers 200 at once, and records when each webhook-id and
// each run id (`context.runId` of the default body) first arrived, on the same clock as the benchmark
// (performance.now()), counting repeats of a webhook-id and second webhook-ids for a run already seen.
// With `keyOf(payload)` it also records, per key the payload names (e.g. the entity of a timer automation's
// body), every arrival under a distinct webhook-id with its wall-clock time (Date.now()), for figures
// measured against wall-clock instants such as timer values (bench/timers.mjs).

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
 * Starts the receiver on a free port of 127.0.0.1.
 * @param {{ secret: string, keyOf?: (payload: any) => string | null }} opts the portal's WEBHOOK_SIGNING_SECRET;
 *   `keyOf` names what a payload is about, for `state.byKey`
 */
export async function startReceiver({ secret, keyOf }) {
  const key = secret.startsWith("whsec_") ? Buffer.from(secret.slice("whsec_".length), "base64") : Buffer.from(secret);
  const state = {
    /** webhook-id → { at, runId } of its first arrival. */
    byWebhookId: new Map(),
    /** run id → performance.now() of the first webhook naming it. */
    byRunId: new Map(),
    requests: 0,
    /** The same webhook-id again (a redelivery the backend must dedupe). */
    duplicateWebhookIds: 0,
    /** A run arriving under a second webhook-id (a second delivery: a duplicated effect no dedupe catches). */
    duplicateRuns: 0,
    invalid: 0,
    unparsable: 0,
    lastArrival: 0,
    /** With keyOf: key → Date.now() of each first arrival of a webhook-id naming it (more than one: a duplicate). */
    byKey: new Map(),
  };

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
      const id = String(req.headers["webhook-id"]);
      let runId = null;
      let about = null;
      try {
        const payload = JSON.parse(body.toString("utf8"));
        runId = payload?.context?.runId ?? payload?.run?.id ?? null;
        about = keyOf ? keyOf(payload) : null;
      } catch {
        state.unparsable++;
      }
      if (state.byWebhookId.has(id)) state.duplicateWebhookIds++;
      else {
        state.byWebhookId.set(id, { at, runId });
        if (about !== null && about !== undefined) state.byKey.set(about, [...(state.byKey.get(about) ?? []), wall]);
        if (runId !== null) {
          if (state.byRunId.has(runId)) state.duplicateRuns++;
          else state.byRunId.set(runId, at);
        }
      }
      state.lastArrival = Math.max(state.lastArrival, at);
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
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
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
