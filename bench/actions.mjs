// `npm run bench:actions`: self-service action runs end to end on the local stack.
//
// For each queue setting asked for (default: wrangler.toml as committed, then 10:0 and 100:0 as size:timeout):
// 1. Snapshots the app (bench/lib/stack.mjs), sets the `portal-deliveries` consumer's max_batch_size /
//    max_batch_timeout in the snapshot's copy of wrangler.toml, and starts `wrangler dev`. The snapshot's
//    .dev.vars carries a throwaway WEBHOOK_SIGNING_SECRET.
// 2. Starts a receiver (bench/lib/receiver.mjs) that verifies the Standard Webhooks signature and records
//    when each run's webhook arrived; creates a blueprint and a CREATE action whose WEBHOOK points at it.
// 3. Times --single runs one at a time (each after the previous webhook arrived: idle latency), then fires
//    --runs runs (POST /v1/actions/bench_deploy/runs, --concurrency in flight) after a few warm-up
//    runs, and measures invocation → receipt (from just before the POST to the receiver's arrival, matched
//    by run id), throughput (first POST to last receipt), lost runs (accepted, not received by the
//    deadline) and duplicates (a webhook-id twice, or a run under two webhook-ids).
// 4. Log → SSE: opens GET /v1/actions/runs/{id}/stream of --sse runs at once, then posts one log line per
//    run (POST /v1/actions/runs/{id}/logs), one at a time, and times until that line's `log` event arrives.
// 5. Prints the figures against the targets and writes bench/results/actions-<date>.json.
//
// Options: --runs (1000), --concurrency (20), --sse (100), --warmup (20), --single (20), --deadline <s after
//          the last POST> (60), --queue <list of "default" or size:timeout> (default,10:0,100:0), --keep.

import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startReceiver } from "./lib/receiver.mjs";
import {
  excerpt,
  expectStatus,
  fatal,
  gitRevision,
  log,
  positiveInt,
  quantile,
  round,
  runBench,
  Stack,
  sleep,
  tryJson,
  wranglerVersion,
  writeResults,
} from "./lib/stack.mjs";

const TARGETS = { receiptP50Ms: 100, runsPerSecond: 100, sseP50Ms: 20, lost: 0, duplicates: 0 };
const QUEUE = "portal-deliveries";
/** Quiet time after the last receipt, so a late redelivery still counts as a duplicate. */
const QUIET_MS = 3000;

const { values: opts } = parseArgs({
  options: {
    runs: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "20" },
    sse: { type: "string", default: "100" },
    warmup: { type: "string", default: "20" },
    single: { type: "string", default: "20" },
    deadline: { type: "string", default: "60" },
    queue: { type: "string", default: "default,10:0,100:0" },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opts.help) {
  console.log("usage: npm run bench:actions -- [--runs 1000] [--concurrency 20] [--sse 100] [--warmup 20] [--single 20]");
  console.log("                                [--deadline 60] [--queue default,10:0,100:0] [--keep]");
  process.exit(0);
}
const RUNS = positiveInt("--runs", opts.runs);
const CONCURRENCY = positiveInt("--concurrency", opts.concurrency);
const SSE_RUNS = Math.min(positiveInt("--sse", opts.sse), RUNS);
const WARMUP = positiveInt("--warmup", opts.warmup);
const SINGLE = positiveInt("--single", opts.single);
const DEADLINE_MS = positiveInt("--deadline", opts.deadline) * 1000;
const SETTINGS = opts.queue.split(",").map((s) => {
  if (s === "default") return { name: "default" };
  const m = /^(\d+):(\d+(?:\.\d+)?)$/.exec(s);
  if (!m) fatal(`--queue takes "default" or size:timeout (e.g. 10:0), got '${s}'`);
  return { name: s, maxBatchSize: Number(m[1]), maxBatchTimeout: Number(m[2]) };
});

// ---- wrangler.toml -----------------------------------------------------------------------------------

/** The `[[queues.consumers]]` block of the delivery queue in `text`: its span and its settings. */
function consumerBlock(text) {
  const re = new RegExp(`\\[\\[queues\\.consumers\\]\\]\\nqueue = "${QUEUE}"\\n(?:[a-z_]+ = .*\\n)*`);
  const m = re.exec(text);
  if (!m) throw new Error(`wrangler.toml has no [[queues.consumers]] block for queue "${QUEUE}"`);
  const value = (key) => Number(new RegExp(`^${key} = (.*)$`, "m").exec(m[0])?.[1] ?? Number.NaN);
  return { start: m.index, end: m.index + m[0].length, block: m[0], size: value("max_batch_size"), timeout: value("max_batch_timeout") };
}

/** Sets the delivery consumer's batch settings in the snapshot's wrangler.toml; returns what it runs with. */
function applyQueueSetting(appDir, setting) {
  const file = join(appDir, "wrangler.toml");
  const text = readFileSync(file, "utf8");
  const c = consumerBlock(text);
  if (setting.name === "default") return { maxBatchSize: c.size, maxBatchTimeout: c.timeout, wranglerToml: "as committed" };
  let block = c.block;
  for (const [key, v] of [
    ["max_batch_size", setting.maxBatchSize],
    ["max_batch_timeout", setting.maxBatchTimeout],
  ]) {
    block = new RegExp(`^${key} = `, "m").test(block)
      ? block.replace(new RegExp(`^${key} = .*$`, "m"), `${key} = ${v}`)
      : `${block}${key} = ${v}\n`;
  }
  writeFileSync(file, text.slice(0, c.start) + block + text.slice(c.end));
  const check = consumerBlock(readFileSync(file, "utf8"));
  return { maxBatchSize: check.size, maxBatchTimeout: check.timeout, wranglerToml: "snapshot copy changed" };
}

// ---- runs --------------------------------------------------------------------------------------------

async function pool(count, concurrency, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

/** Starts one run; returns its id and when the POST was sent (performance.now()), or the refusal. */
async function startRun(stack, i) {
  const sentAt = performance.now();
  const res = await fetch(`${stack.base}/v1/actions/bench_deploy/runs`, {
    method: "POST",
    headers: { "content-type": "application/json", ...stack.authHeaders() },
    body: JSON.stringify({ properties: { n: i } }),
  });
  const text = await res.text();
  const answeredAt = performance.now();
  const json = tryJson(text);
  if (res.status !== 202 || typeof json?.run?.id !== "string") return { error: `HTTP ${res.status}: ${excerpt(json ?? text)}` };
  return { runId: json.run.id, sentAt, answeredAt };
}

async function fireRuns(stack, receiver) {
  log(`warm-up: ${WARMUP} runs…`);
  const warm = [];
  await pool(WARMUP, CONCURRENCY, async (i) => {
    const r = await startRun(stack, -1 - i);
    if (r.error) throw new Error(`warm-up run: ${r.error}${stack.reloadNote()}`);
    warm.push(r.runId);
  });
  const warmMissing = await receiver.waitFor(warm, performance.now() + 30_000);
  if (warmMissing.length > 0) throw new Error(`${warmMissing.length} warm-up webhooks did not arrive within 30 s`);

  // Idle latency: one run at a time, each started once the previous webhook arrived (what one person
  // clicking "Run" sees; the batch timeout shows up here in full).
  log(`single runs: ${SINGLE}, one at a time…`);
  const single = [];
  for (let i = 0; i < SINGLE; i++) {
    const r = await startRun(stack, -1000 - i);
    if (r.error) throw new Error(`single run: ${r.error}${stack.reloadNote()}`);
    const lost = await receiver.waitFor([r.runId], performance.now() + 10_000);
    if (lost.length > 0) throw new Error(`the webhook of single run ${r.runId} did not arrive within 10 s`);
    single.push({ post: r.answeredAt - r.sentAt, receipt: receiver.state.byRunId.get(r.runId) - r.sentAt });
  }

  log(`firing ${RUNS} runs, ${CONCURRENCY} in flight…`);
  const started = [];
  const errors = [];
  const t0 = performance.now();
  await pool(RUNS, CONCURRENCY, async (i) => {
    const r = await startRun(stack, i);
    if (r.error) errors.push(r.error);
    else started.push(r);
  });
  const lastAnswer = performance.now();
  if (errors.length > RUNS / 10) throw new Error(`${errors.length} of ${RUNS} runs were refused, e.g. ${errors[0]}`);
  log(`${started.length} accepted in ${((lastAnswer - t0) / 1000).toFixed(1)} s; waiting for the webhooks…`);
  const missing = await receiver.waitFor(
    started.map((r) => r.runId),
    lastAnswer + DEADLINE_MS,
  );
  await sleep(QUIET_MS);

  const latencies = [];
  let lastReceipt = t0;
  for (const r of started) {
    const at = receiver.state.byRunId.get(r.runId);
    if (at === undefined) continue;
    latencies.push(at - r.sentAt);
    lastReceipt = Math.max(lastReceipt, at);
  }
  const received = started.length - missing.length;
  const spanMs = lastReceipt - t0;
  const failed = await failedRuns(stack);
  return {
    single: { postMs: summary(single.map((x) => x.post)), receiptMs: summary(single.map((x) => x.receipt)) },
    requested: RUNS,
    accepted: started.length,
    refused: errors.length,
    refusedExample: errors[0] ?? null,
    received,
    lost: missing.length,
    lostExample: missing.slice(0, 5),
    duplicateWebhookIds: receiver.state.duplicateWebhookIds,
    duplicateRuns: receiver.state.duplicateRuns,
    invalidSignatures: receiver.state.invalid,
    portalFailedRuns: failed,
    postMs: summary(started.map((r) => r.answeredAt - r.sentAt)),
    receiptMs: summary(latencies),
    postRunsPerSecond: round(started.length / ((lastAnswer - t0) / 1000)),
    runsPerSecond: round(received / (spanMs / 1000)),
    firstPostToLastReceiptMs: round(spanMs),
  };
}

/** Runs of the bench action the portal itself ended as FAILURE (e.g. a delivery it gave up on). */
async function failedRuns(stack) {
  const json = tryJson(await (await stack.api("GET", "/v1/actions/runs?action=bench_deploy&status=FAILURE&limit=200")).text());
  return Array.isArray(json?.runs) ? json.runs.length : null;
}

function summary(values) {
  return {
    n: values.length,
    p50: round(quantile(values, 0.5)),
    p95: round(quantile(values, 0.95)),
    p99: round(quantile(values, 0.99)),
    max: round(values.length ? Math.max(...values) : Number.NaN),
  };
}

// ---- log → SSE ---------------------------------------------------------------------------------------

/** Opens a run's event stream and calls `onEvent({event, id, data})` per event; resolves once it is open. */
async function openStream(stack, runId, onEvent, signal) {
  const res = await fetch(`${stack.base}/v1/actions/runs/${runId}/stream`, { headers: stack.authHeaders(), signal });
  const type = res.headers.get("content-type") ?? "";
  if (res.status !== 200 || !type.startsWith("text/event-stream")) {
    const text = await res.text();
    throw new Error(`GET /v1/actions/runs/${runId}/stream answered HTTP ${res.status} (${type}): ${excerpt(tryJson(text) ?? text)}`);
  }
  (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk, { stream: true }).replaceAll("\r\n", "\n");
      for (let cut = buffer.indexOf("\n\n"); cut >= 0; cut = buffer.indexOf("\n\n")) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = { event: "message", id: null, data: [] };
        for (const line of block.split("\n")) {
          const [field, ...rest] = line.split(":");
          const value = rest.join(":").replace(/^ /, "");
          if (field === "event") event.event = value;
          else if (field === "id") event.id = value;
          else if (field === "data") event.data.push(value);
        }
        if (event.data.length > 0) onEvent({ ...event, data: tryJson(event.data.join("\n")) });
      }
    }
  })().catch(() => {});
}

async function measureSse(stack, runIds) {
  log(`log → SSE: opening ${runIds.length} streams…`);
  const controller = new AbortController();
  const waiting = new Map();
  const opened = new Map();
  try {
    await Promise.all(
      runIds.map(async (runId) => {
        let ready;
        const first = new Promise((resolve) => {
          ready = resolve;
        });
        await openStream(
          stack,
          runId,
          (e) => {
            if (e.event === "run") ready();
            if (e.event === "log") waiting.get(e.data?.message)?.(performance.now());
          },
          controller.signal,
        );
        // The backlog (the run's first `run` event) has arrived: the stream is subscribed.
        const ok = await Promise.race([first.then(() => true), sleep(10_000).then(() => false)]);
        if (!ok) throw new Error(`the stream of ${runId} sent no run event within 10 s`);
        opened.set(runId, true);
      }),
    );
  } catch (error) {
    controller.abort();
    return { opened: opened.size, error: error instanceof Error ? error.message : String(error) };
  }
  log(`posting one log line per run and waiting for its event…`);
  const latencies = [];
  const postMs = [];
  const nonce = randomBytes(4).toString("hex");
  let missed = 0;
  for (const [i, runId] of runIds.entries()) {
    const message = `bench probe ${nonce} ${i}`;
    const arrived = new Promise((resolve) => waiting.set(message, resolve));
    const t = performance.now();
    const res = await stack.api("POST", `/v1/actions/runs/${runId}/logs`, { message });
    await expectStatus(res, 201, `POST /v1/actions/runs/${runId}/logs`);
    postMs.push(performance.now() - t);
    const at = await Promise.race([arrived, sleep(5000).then(() => null)]);
    waiting.delete(message);
    if (at === null) missed++;
    else latencies.push(at - t);
  }
  controller.abort();
  return { opened: opened.size, probes: runIds.length, missed, eventMs: summary(latencies), postMs: summary(postMs) };
}

// ---- one setting -------------------------------------------------------------------------------------

async function measureSetting(stacks, setting) {
  const stack = new Stack({ keep: opts.keep, prefix: "edge-portal-bench-actions-" });
  stacks.push(stack);
  stack.snapshot();
  const queue = applyQueueSetting(stack.appDir, setting);
  log(`\n== queue setting ${setting.name}: max_batch_size ${queue.maxBatchSize}, max_batch_timeout ${queue.maxBatchTimeout} s ==`);
  stack.migrate();
  const readyMs = await stack.start();
  const receiver = await startReceiver({ secret: stack.secrets.WEBHOOK_SIGNING_SECRET });
  try {
    await expectStatus(
      await stack.api("POST", "/v1/blueprints", {
        identifier: "bench_app",
        title: "Bench app",
        schema: { properties: { tier: { type: "number" } }, required: [] },
      }),
      201,
      "create blueprint bench_app",
    );
    await expectStatus(
      await stack.api("POST", "/v1/actions", {
        identifier: "bench_deploy",
        title: "Bench deploy",
        trigger: {
          type: "self-service",
          operation: "CREATE",
          blueprintIdentifier: "bench_app",
          userInputs: { properties: { n: { type: "number" } }, required: ["n"] },
        },
        invocationMethod: { type: "WEBHOOK", url: `${receiver.url}/hook` },
      }),
      201,
      "create action bench_deploy",
    );
    const runs = await fireRuns(stack, receiver);
    await stack.renewAuth();
    const ids = [...receiver.state.byRunId.keys()].slice(-SSE_RUNS);
    const sse = await measureSse(stack, ids);
    if (stack.server.reloads > 0) throw new Error("wrangler dev reloaded the Worker during the run; the figures are not valid");
    return { setting: setting.name, revision: stack.revision, queue, serverReadyMs: round(readyMs), runs, sse };
  } finally {
    await receiver.close();
    await stack.cleanup();
  }
}

// ---- report ------------------------------------------------------------------------------------------

function verdicts(r) {
  const sseP50 = r.sse.error ? null : r.sse.eventMs.p50;
  return [
    [
      "invocation → receipt p50",
      `≤ ${TARGETS.receiptP50Ms} ms`,
      `${r.runs.receiptMs.p50} ms`,
      r.runs.receiptMs.p50 <= TARGETS.receiptP50Ms,
    ],
    ["throughput", `≥ ${TARGETS.runsPerSecond} runs/s`, `${r.runs.runsPerSecond} runs/s`, r.runs.runsPerSecond >= TARGETS.runsPerSecond],
    [
      "log → SSE p50",
      `≤ ${TARGETS.sseP50Ms} ms`,
      sseP50 === null ? "not measured" : `${sseP50} ms`,
      sseP50 !== null && sseP50 <= TARGETS.sseP50Ms,
    ],
    ["lost runs", "0", String(r.runs.lost), r.runs.lost === 0],
    [
      "duplicated effects",
      "0",
      `${r.runs.duplicateWebhookIds} webhook-id, ${r.runs.duplicateRuns} run`,
      r.runs.duplicateWebhookIds + r.runs.duplicateRuns === 0,
    ],
  ];
}

function report(results) {
  const lines = ["", "Self-service action runs — wrangler dev (local queue, D1, Durable Objects), receiver in this process"];
  for (const r of results) {
    const q = r.queue;
    const x = r.runs;
    lines.push(
      "",
      `queue ${QUEUE}: max_batch_size ${q.maxBatchSize}, max_batch_timeout ${q.maxBatchTimeout} s (${q.wranglerToml})`,
      `  single runs (${x.single.receiptMs.n}, one at a time): POST p50 ${x.single.postMs.p50} ms; invocation → receipt p50 ${x.single.receiptMs.p50} ms, p95 ${x.single.receiptMs.p95} ms`,
      `  runs: ${x.accepted}/${x.requested} accepted, ${x.received} received, ${CONCURRENCY} in flight; POST p50 ${x.postMs.p50} ms, p95 ${x.postMs.p95} ms (${x.postRunsPerSecond} runs/s accepted)`,
      `  invocation → receipt: p50 ${x.receiptMs.p50} ms, p95 ${x.receiptMs.p95} ms, p99 ${x.receiptMs.p99} ms, max ${x.receiptMs.max} ms`,
      `  throughput: ${x.runsPerSecond} runs/s (first POST to last receipt ${(x.firstPostToLastReceiptMs / 1000).toFixed(2)} s)`,
      `  invalid signatures ${x.invalidSignatures}, runs failed by the portal ${x.portalFailedRuns}`,
      r.sse.error
        ? `  log → SSE: NOT MEASURED (${r.sse.opened} streams opened): ${r.sse.error}`
        : `  log → SSE (${r.sse.opened} streams open): p50 ${r.sse.eventMs.p50} ms, p95 ${r.sse.eventMs.p95} ms, max ${r.sse.eventMs.max} ms; missed ${r.sse.missed}; POST /logs p50 ${r.sse.postMs.p50} ms`,
      "",
      `  ${"figure".padEnd(26)}${"target".padEnd(16)}${"measured".padEnd(26)}verdict`,
    );
    for (const [name, target, value, pass] of verdicts(r))
      lines.push(`  ${name.padEnd(26)}${target.padEnd(16)}${value.padEnd(26)}${pass ? "PASS" : "FAIL"}`);
  }
  console.log(lines.join("\n"));
}

async function main(stacks) {
  log(
    `bench actions: ${RUNS} runs, ${CONCURRENCY} in flight, ${SSE_RUNS} SSE probes, queue settings ${opts.queue}, node ${process.version}`,
  );
  const results = [];
  for (const setting of SETTINGS) results.push(await measureSetting(stacks, setting));
  report(results);
  const date = new Date();
  const file = writeResults(
    "actions",
    {
      benchmark: "actions",
      date: date.toISOString(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpu: cpus()[0]?.model ?? "unknown",
      cpuCount: cpus().length,
      wrangler: wranglerVersion(),
      /** The commit (and uncommitted app files) the first setting's snapshot was taken from; each result has its own. */
      revision: results[0]?.revision ?? gitRevision(),
      options: {
        runs: RUNS,
        concurrency: CONCURRENCY,
        sse: SSE_RUNS,
        warmup: WARMUP,
        single: SINGLE,
        deadlineMs: DEADLINE_MS,
        queue: opts.queue,
      },
      targets: TARGETS,
      results: results.map((r) => ({
        ...r,
        verdicts: verdicts(r).map(([figure, target, value, pass]) => ({ figure, target, value, pass })),
      })),
    },
    date,
  );
  console.log(`\nresults written to ${file}`);
}

await runBench(main);
