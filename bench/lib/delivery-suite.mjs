// What the delivery suites share (bench/faults.mjs: a faulty backend with an outage; bench/restart.mjs: the
// same backend while the portal restarts): their options, a stack whose webhook timeout and backoff are
// short enough for a run of minutes, the faulty backend (receiver + reporter), the action, firing the runs,
// and waiting until every run has ended. The figures are computed in delivery-figures.mjs.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deliveriesOf, deliveryFigures, readD1 } from "./delivery-figures.mjs";
import { startReceiver } from "./receiver.mjs";
import { startReporter } from "./reporter.mjs";
import { excerpt, expectStatus, fatal, log, mulberry32, positiveInt, Stack, sleep, tryJson } from "./stack.mjs";

export const BLUEPRINT = "bench_faulty";
export const ACTION = "bench_faulty_deploy";

/** parseArgs options both suites take (each adds its own). */
export const DELIVERY_OPTIONS = {
  runs: { type: "string", default: "2000" },
  concurrency: { type: "string", default: "20" },
  rate: { type: "string", default: "4" },
  "server-errors": { type: "string", default: "0.30" },
  timeouts: { type: "string", default: "0.10" },
  throttles: { type: "string", default: "0.05" },
  "retry-after": { type: "string", default: "2" },
  "timeout-ms": { type: "string", default: "1000" },
  "retry-base": { type: "string", default: "4" },
  "report-delay": { type: "string", default: "10" },
  deadline: { type: "string", default: "900" },
  seed: { type: "string", default: "7" },
  keep: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
};

export const DELIVERY_USAGE = `  [--runs 2000] [--rate 4] [--concurrency 20] [--server-errors 0.30] [--timeouts 0.10] [--throttles 0.05] [--retry-after 2]
  [--timeout-ms 1000] [--retry-base 4] [--report-delay 10] [--deadline 900] [--seed 7] [--keep]`;

function share(name, raw) {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1) fatal(`${name} must be a share between 0 and 1 (got '${raw}')`);
  return n;
}

function nonNegative(name, raw) {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) fatal(`${name} must be a number ≥ 0 (got '${raw}')`);
  return n;
}

/** The validated settings of a delivery suite. */
export function deliverySettings(opts) {
  const faults = {
    serverError: share("--server-errors", opts["server-errors"]),
    timeout: share("--timeouts", opts.timeouts),
    tooManyRequests: share("--throttles", opts.throttles),
  };
  if (faults.serverError + faults.timeout + faults.tooManyRequests > 1) fatal("the fault shares add up to more than 1");
  const timeoutMs = positiveInt("--timeout-ms", opts["timeout-ms"]);
  const retryBaseSeconds = positiveInt("--retry-base", opts["retry-base"]);
  const reportDelayMs = positiveInt("--report-delay", opts["report-delay"]) * 1000;
  return {
    runs: positiveInt("--runs", opts.runs),
    concurrency: positiveInt("--concurrency", opts.concurrency),
    /** Runs started per second (0: as fast as the portal accepts them, a burst). */
    rate: nonNegative("--rate", opts.rate),
    faults,
    retryAfterSeconds: positiveInt("--retry-after", opts["retry-after"]),
    timeoutMs,
    retryBaseSeconds,
    reportDelayMs,
    deadlineMs: positiveInt("--deadline", opts.deadline) * 1000,
    seed: positiveInt("--seed", opts.seed),
    keep: opts.keep,
    // No run changed for this long: the longest backoff step (base × 2⁴, +20 % jitter) plus the report delay
    // and a margin, so a run still retrying is never taken for a stuck one.
    stallMs: Math.round(retryBaseSeconds * 16 * 1.2 * 1000 + timeoutMs + reportDelayMs + 20_000),
  };
}

/** A stack whose deliveries time out and back off as the settings say (WEBHOOK_TIMEOUT_MS, WEBHOOK_RETRY_BASE_SECONDS). */
function deliveryStack(settings, { prefix }) {
  return new Stack({
    keep: settings.keep,
    prefix,
    vars: { WEBHOOK_TIMEOUT_MS: String(settings.timeoutMs), WEBHOOK_RETRY_BASE_SECONDS: String(settings.retryBaseSeconds) },
  });
}

/** Attempts per delivery: the `portal-deliveries` consumer's max_retries + 1, from the snapshot's wrangler.toml. */
function maxDeliveryAttempts(appDir) {
  const text = readFileSync(join(appDir, "wrangler.toml"), "utf8");
  // The first piece holds the producer of the same queue: only the pieces after a consumer header count.
  const block =
    text
      .split("[[queues.consumers]]")
      .slice(1)
      .find((b) => /^queue = "portal-deliveries"$/m.test(b)) ?? "";
  const retries = /^max_retries = (\d+)/m.exec(block);
  return retries ? Number(retries[1]) + 1 : null;
}

/**
 * The faulty backend: a receiver answering with the settings' faults (seeded), and a reporter that reports
 * each processed run SUCCESS after the report delay (optionally posting a log line first).
 */
async function startBackend(stack, settings, { logLine = null } = {}) {
  const reporter = startReporter(stack, { delayMs: settings.reportDelayMs, logLine });
  const receiver = await startReceiver({
    secret: stack.secrets.WEBHOOK_SIGNING_SECRET,
    faults: {
      ...settings.faults,
      holdMs: settings.timeoutMs + 1000,
      retryAfterSeconds: settings.retryAfterSeconds,
      random: mulberry32(settings.seed),
    },
    onProcessed: ({ runId }) => {
      if (runId) reporter.handle(runId);
    },
  });
  return { receiver, reporter };
}

/**
 * Creates a CREATE action on `blueprint` with one number input `n`, whose WEBHOOK goes to `url`
 * (asynchronous: the backend reports back). Also used by bench/load.mjs.
 */
export async function createWebhookAction(stack, { identifier, title, blueprint, url }) {
  await expectStatus(
    await stack.api("POST", "/v1/actions", {
      identifier,
      title,
      trigger: {
        type: "self-service",
        operation: "CREATE",
        blueprintIdentifier: blueprint,
        userInputs: { properties: { n: { type: "number" } }, required: ["n"] },
      },
      invocationMethod: { type: "WEBHOOK", url, synchronized: false },
    }),
    201,
    `create action ${identifier}`,
  );
}

/**
 * Starts a suite: its stack (registered in `stacks`, so runBench cleans it up), the faulty backend, and the
 * blueprint and action whose webhook goes to that backend. `close()` ends it all.
 */
export async function startDeliverySuite(stacks, settings, { prefix, logLine = null }) {
  const stack = deliveryStack(settings, { prefix });
  stacks.push(stack);
  stack.snapshot();
  stack.migrate();
  await stack.start();
  const backend = await startBackend(stack, settings, { logLine });
  try {
    await expectStatus(
      await stack.api("POST", "/v1/blueprints", {
        identifier: BLUEPRINT,
        title: "Bench faulty backend",
        schema: { properties: { n: { type: "number" } }, required: [] },
      }),
      201,
      `create blueprint ${BLUEPRINT}`,
    );
    await createWebhookAction(stack, {
      identifier: ACTION,
      title: "Bench deploy (faulty backend)",
      blueprint: BLUEPRINT,
      url: `${backend.receiver.url}/hook`,
    });
  } catch (error) {
    await backend.receiver.close();
    throw error;
  }
  return {
    stack,
    ...backend,
    /** Closes the backend and stops and removes the stack. */
    async close() {
      await backend.receiver.close();
      await stack.cleanup();
    },
  };
}

/**
 * Ends a suite's measurement (`fired`: what fireRuns returned): lists every run of the action, stops the stack, reads its deliveries from D1 and
 * computes the figures (delivery-figures.mjs). Returns the runs listed and the figures.
 */
export async function finalFigures({ stack, receiver, reporter }, fired) {
  const runs = await listActionRuns(stack);
  if (stack.server.reloads > 0) {
    throw new Error(
      `wrangler dev reloaded the Worker during the run; the figures are not valid. Before it:\n${stack.server.reloadContext.join("\n")}`,
    );
  }
  await stack.stop();
  const d1 = await readD1(stack, deliveriesOf);
  const figures = deliveryFigures({
    fired,
    receiver,
    reporter,
    runs,
    d1,
    receiverHost: new URL(receiver.url).host,
    maxAttempts: maxDeliveryAttempts(stack.appDir),
  });
  return { runs, figures };
}

/** How long a client keeps re-sending a run request the portal refused to connect for (it is restarting). */
const REFUSED_RETRY_MS = 120_000;

/**
 * Starts one run. A refused connection never reached the portal, so it is sent again (as a client would);
 * a request sent without an answer is not (it may have started the run): it counts as unacknowledged.
 */
async function postRun(stack, n) {
  const giveUpAt = Date.now() + REFUSED_RETRY_MS;
  for (;;) {
    try {
      await stack.renewAuth();
      const res = await fetch(`${stack.base}/v1/actions/${ACTION}/runs`, {
        method: "POST",
        headers: { "content-type": "application/json", ...stack.authHeaders() },
        body: JSON.stringify({ properties: { n } }),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      const json = tryJson(text);
      if (res.status === 202 && typeof json?.run?.id === "string") return { runId: json.run.id, acceptedAt: Date.now() };
      return { error: `HTTP ${res.status}: ${excerpt(json ?? text)}` };
    } catch (error) {
      const code = error?.cause?.code ?? error?.name ?? "error";
      if (code !== "ECONNREFUSED" || Date.now() > giveUpAt) return { error: `no answer (${code})`, unanswered: true };
      await sleep(500);
    }
  }
}

/**
 * Fires the runs, at most `concurrency` in flight, started `rate` per second (all at once with rate 0);
 * `onAccepted(accepted)` after each 202, with the runs accepted so far.
 */
export async function fireRuns(stack, settings, onAccepted = () => {}) {
  const accepted = [];
  const refused = [];
  let next = 0;
  const startedAt = Date.now();
  await Promise.all(
    Array.from({ length: Math.min(settings.concurrency, settings.runs) }, async () => {
      while (next < settings.runs) {
        const n = next++;
        const due = settings.rate > 0 ? startedAt + (n * 1000) / settings.rate : 0;
        if (due > Date.now()) await sleep(due - Date.now());
        const r = await postRun(stack, n);
        if (r.runId) {
          accepted.push(r);
          onAccepted(accepted);
          if (accepted.length % 250 === 0) log(`  ${accepted.length}/${settings.runs} runs accepted`);
        } else refused.push(r);
      }
    }),
  );
  log(`${accepted.length} runs accepted, ${refused.length} not, in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  return { accepted, refused, startedAt, firedAt: Date.now() };
}

/** Every run of the action the API lists with `query` (all pages). */
export async function listActionRuns(stack, query = {}) {
  const runs = [];
  let cursor = null;
  for (;;) {
    const q = new URLSearchParams({ action: ACTION, limit: "200", ...query });
    if (cursor) q.set("cursor", cursor);
    const res = await stack.api("GET", `/v1/actions/runs?${q}`);
    const json = tryJson(await res.text());
    if (res.status !== 200 || !Array.isArray(json?.runs)) throw new Error(`GET /v1/actions/runs answered HTTP ${res.status}`);
    runs.push(...json.runs);
    cursor = json.next;
    if (!cursor) return runs;
  }
}

/**
 * Waits (for a suite from startDeliverySuite) until none of `runIds` is IN_PROGRESS, or nothing moved for
 * `settings.stallMs` (no run ended, no report pending, no request reached the backend), or `deadlineAt`.
 * Returns the ids still in progress.
 */
export async function settle({ stack, receiver, reporter }, { runIds, settings, deadlineAt, label = "runs" }) {
  const ours = new Set(runIds);
  let open = [...ours];
  let lastChange = Date.now();
  let requestsSeen = receiver.state.requests;
  let lastProgressLog = 0;
  while (Date.now() < deadlineAt) {
    await sleep(5000);
    let now;
    try {
      now = (await listActionRuns(stack, { status: "IN_PROGRESS" })).map((r) => r.id).filter((id) => ours.has(id));
    } catch {
      continue; // the portal is not answering (restarting): try again
    }
    // Progress: a run ended, a report is on its way, or the backend was asked again (a retry in progress).
    if (now.length !== open.length || reporter.pending > 0 || receiver.state.requests !== requestsSeen) lastChange = Date.now();
    requestsSeen = receiver.state.requests;
    open = now;
    if (Date.now() - lastProgressLog > 15_000 || open.length === 0) {
      lastProgressLog = Date.now();
      const a = receiver.state.answered;
      log(
        `  ${label}: ${ours.size - open.length}/${ours.size} ended; backend: ${receiver.state.byWebhookId.size} processed, answered ok ${a.ok} / 503 ${a.serverError} / late ${a.timeout} / 429 ${a.tooManyRequests}, ${reporter.pending} reports pending`,
      );
    }
    if (open.length === 0) break;
    if (Date.now() - lastChange > settings.stallMs) {
      log(`  ${open.length} ${label} unchanged for ${Math.round(settings.stallMs / 1000)} s: giving up waiting`);
      break;
    }
  }
  // Late redeliveries still count as duplicates.
  await sleep(3000);
  return open;
}
