// `npm run bench:timers`: timer properties firing on time, on the local stack.
//
// 1. Starts a stack (bench/lib/stack.mjs) and a receiver (bench/lib/receiver.mjs) that verifies the Standard
//    Webhooks signature and records, per entity named in the body, the wall-clock time of each arrival.
// 2. Creates blueprint `bench_timer` (a `format: "timer"` property `expiresAt`) and an automation on its
//    TIMER_PROPERTY_EXPIRED whose WEBHOOK points at the receiver, with the entity and the timer value in the body.
// 3. Creates --n entities through the bulk API (--chunk per request), their timers falling due one after
//    another, evenly from --lead s to --lead + --spread s after the first request.
// 4. Waits until every timer's expiry and webhook were seen (or --deadline s after the last one fell due),
//    plus 3 s of quiet for late duplicates, then reads the TIMER_PROPERTY_EXPIRED audit rows
//    (GET /v1/audit-log?action=EXPIRED&blueprint=bench_timer) and measures per timer:
//    - emission lateness: the audit row's `at` minus the timer value (when the portal emitted the event);
//    - webhook lateness: the receiver's arrival time minus the timer value (the whole path to a backend);
//    - exactly once: one expiry row and one webhook per entity (missing, duplicated, early).
// 5. Prints the figures against the target (p99 emission lateness ≤ 1 s) and writes bench/results/timers-<date>.json.
//
// Options: --n (1000), --chunk (250), --lead (10), --spread (50), --deadline (30), --keep.

import { cpus, tmpdir } from "node:os";
import { parseArgs } from "node:util";
import { startReceiver } from "./lib/receiver.mjs";
import {
  expectStatus,
  fatal,
  gitRevision,
  log,
  MAX_BULK,
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

const TARGETS = { emissionP99Ms: 1000, missing: 0, duplicates: 0, early: 0 };
const BLUEPRINT = "bench_timer";
const QUIET_MS = 3000;

const { values: opts } = parseArgs({
  options: {
    n: { type: "string", default: "1000" },
    chunk: { type: "string", default: "250" },
    lead: { type: "string", default: "10" },
    spread: { type: "string", default: "50" },
    deadline: { type: "string", default: "30" },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opts.help) {
  console.log("usage: npm run bench:timers -- [--n 1000] [--chunk 250] [--lead 10] [--spread 50] [--deadline 30] [--keep]");
  process.exit(0);
}
const N = positiveInt("--n", opts.n);
const CHUNK = positiveInt("--chunk", opts.chunk);
const LEAD_MS = positiveInt("--lead", opts.lead) * 1000;
const SPREAD_MS = positiveInt("--spread", opts.spread) * 1000;
const DEADLINE_MS = positiveInt("--deadline", opts.deadline) * 1000;
if (CHUNK > MAX_BULK) fatal(`--chunk ${CHUNK} is above the API's bulk limit of ${MAX_BULK} entities per request`);

function summary(values) {
  return {
    n: values.length,
    min: round(values.length ? Math.min(...values) : Number.NaN),
    p50: round(quantile(values, 0.5)),
    p95: round(quantile(values, 0.95)),
    p99: round(quantile(values, 0.99)),
    max: round(values.length ? Math.max(...values) : Number.NaN),
  };
}

const identifier = (i) => `t${String(i).padStart(5, "0")}`;

async function setup(stack, receiver) {
  await expectStatus(
    await stack.api("POST", "/v1/blueprints", {
      identifier: BLUEPRINT,
      title: "Bench timer",
      schema: { properties: { expiresAt: { type: "string", format: "timer" }, n: { type: "number" } }, required: [] },
    }),
    201,
    `create blueprint ${BLUEPRINT}`,
  );
  await expectStatus(
    await stack.api("POST", "/v1/automations", {
      identifier: "bench_timer_expired",
      title: "Bench timer expired",
      trigger: {
        type: "automation",
        event: { type: "TIMER_PROPERTY_EXPIRED", blueprintIdentifier: BLUEPRINT, propertyIdentifier: "expiresAt" },
      },
      invocationMethod: {
        type: "WEBHOOK",
        url: `${receiver.url}/timer`,
        body: { entity: "{{ .entity.identifier }}", expiresAt: "{{ .entity.properties.expiresAt }}", run: { id: "{{ .run.id }}" } },
      },
    }),
    201,
    "create automation bench_timer_expired",
  );
}

/** Creates the entities in due order, chunk by chunk; returns each one's due time (ms) and the ingest time. */
async function createEntities(stack) {
  const start = Date.now();
  const due = new Map();
  for (let i = 0; i < N; i++) due.set(identifier(i), start + LEAD_MS + Math.round((i * SPREAD_MS) / Math.max(1, N - 1)));
  const ids = [...due.keys()];
  const t0 = performance.now();
  for (let from = 0; from < N; from += CHUNK) {
    const entities = ids.slice(from, from + CHUNK).map((id, k) => ({
      identifier: id,
      properties: { expiresAt: new Date(due.get(id)).toISOString(), n: from + k },
    }));
    const res = await stack.api("POST", `/v1/blueprints/${BLUEPRINT}/entities/bulk`, { entities });
    await expectStatus(res, 200, `bulk create entities ${from}–${from + entities.length - 1}`);
  }
  const ingestMs = performance.now() - t0;
  const slack = due.get(ids[0]) - Date.now();
  log(`${N} entities created in ${(ingestMs / 1000).toFixed(1)} s; the first timer is due in ${(slack / 1000).toFixed(1)} s`);
  return { due, ingestMs, firstDueAfterIngestMs: slack };
}

/** Every TIMER_PROPERTY_EXPIRED audit row of the bench blueprint (newest first, paged). */
async function expiryRows(stack) {
  const rows = [];
  let cursor = null;
  for (let page = 0; page < 100; page++) {
    const q = new URLSearchParams({ action: "EXPIRED", blueprint: BLUEPRINT, limit: "1000" });
    if (cursor) q.set("cursor", cursor);
    const res = await stack.api("GET", `/v1/audit-log?${q}`);
    const json = tryJson(await res.text());
    if (res.status !== 200 || !Array.isArray(json?.audits)) throw new Error(`GET /v1/audit-log answered HTTP ${res.status}`);
    rows.push(...json.audits);
    cursor = json.next;
    if (!cursor) break;
  }
  return rows;
}

async function waitForAll(stack, receiver, due) {
  const lastDue = Math.max(...due.values());
  log(`waiting for ${due.size} expiries and webhooks (last due in ${((lastDue - Date.now()) / 1000).toFixed(0)} s)…`);
  let rows = [];
  for (;;) {
    await sleep(2000);
    await stack.renewAuth();
    const now = Date.now();
    const webhooks = [...due.keys()].filter((id) => receiver.state.byKey.has(id)).length;
    if (now >= lastDue || webhooks === due.size) {
      rows = await expiryRows(stack);
      if ((rows.length >= due.size && webhooks >= due.size) || now > lastDue + DEADLINE_MS) break;
    }
  }
  await sleep(QUIET_MS);
  return expiryRows(stack);
}

function measure(due, rows, receiver) {
  const fired = new Map();
  const valueMismatch = [];
  for (const r of rows) {
    const id = r.context?.entity;
    if (!due.has(id)) continue;
    const value = Date.parse(r.diff?.before?.value);
    if (value !== due.get(id)) valueMismatch.push(id);
    fired.set(id, [...(fired.get(id) ?? []), Date.parse(r.trigger.at) - due.get(id)]);
  }
  const emission = [];
  const webhook = [];
  /** [emission lateness, webhook lateness] per timer, in due order (ms; null when not seen). */
  const perTimer = [];
  const missing = [];
  const missingWebhooks = [];
  let duplicates = 0;
  let duplicateWebhooks = 0;
  let early = 0;
  for (const [id, at] of due) {
    const lateness = fired.get(id) ?? [];
    if (lateness.length === 0) missing.push(id);
    duplicates += Math.max(0, lateness.length - 1);
    if (lateness[0] !== undefined) {
      emission.push(lateness[0]);
      if (lateness[0] < 0) early++;
    }
    const arrivals = receiver.state.byKey.get(id) ?? [];
    if (arrivals.length === 0) missingWebhooks.push(id);
    duplicateWebhooks += Math.max(0, arrivals.length - 1);
    if (arrivals[0] !== undefined) webhook.push(arrivals[0] - at);
    perTimer.push([lateness[0] ?? null, arrivals[0] === undefined ? null : arrivals[0] - at]);
  }
  // Lateness by due order, in tenths of the spread: shows whether it is the start (arming) or the load.
  const byTenth = Array.from({ length: 10 }, (_, k) => {
    const part = perTimer.slice(Math.floor((k * perTimer.length) / 10), Math.floor(((k + 1) * perTimer.length) / 10));
    return {
      emissionP99: round(
        quantile(
          part.flatMap(([e]) => (e === null ? [] : [e])),
          0.99,
        ),
      ),
      webhookP99: round(
        quantile(
          part.flatMap(([, w]) => (w === null ? [] : [w])),
          0.99,
        ),
      ),
    };
  });
  return {
    timers: due.size,
    fired: fired.size,
    missing: missing.length,
    missingExample: missing.slice(0, 5),
    duplicates,
    early,
    valueMismatch: valueMismatch.length,
    emissionMs: summary(emission),
    webhooks: due.size - missingWebhooks.length,
    missingWebhooks: missingWebhooks.length,
    duplicateWebhooks,
    duplicateWebhookIds: receiver.state.duplicateWebhookIds,
    invalidSignatures: receiver.state.invalid,
    webhookMs: summary(webhook),
    byTenth,
    perTimer,
  };
}

function verdicts(m) {
  return [
    [
      "emission lateness p99",
      `≤ ${TARGETS.emissionP99Ms} ms`,
      `${m.emissionMs.p99} ms`,
      m.emissionMs.p99 <= TARGETS.emissionP99Ms && m.fired === m.timers,
    ],
    ["timers never fired", "0", String(m.missing), m.missing === 0],
    ["timers fired twice", "0", String(m.duplicates), m.duplicates === 0],
    ["timers fired early", "0", String(m.early), m.early === 0],
    ["webhooks missing / twice", "0 / 0", `${m.missingWebhooks} / ${m.duplicateWebhooks}`, m.missingWebhooks + m.duplicateWebhooks === 0],
  ];
}

function report(r) {
  const m = r.measured;
  const lines = [
    "",
    `Timers — wrangler dev (local D1, Durable Object alarms, queue), receiver in this process`,
    `  ${m.timers} entities in chunks of ${CHUNK}: ingest ${(r.ingestMs / 1000).toFixed(2)} s; first timer due ${(r.firstDueAfterIngestMs / 1000).toFixed(1)} s after the last chunk`,
    `  TIMER_PROPERTY_EXPIRED emitted (audit at − timer value): p50 ${m.emissionMs.p50} ms, p95 ${m.emissionMs.p95} ms, p99 ${m.emissionMs.p99} ms, max ${m.emissionMs.max} ms (min ${m.emissionMs.min})`,
    `  webhook received (receiver − timer value): p50 ${m.webhookMs.p50} ms, p95 ${m.webhookMs.p95} ms, p99 ${m.webhookMs.p99} ms, max ${m.webhookMs.max} ms`,
    `  fired ${m.fired}/${m.timers}, twice ${m.duplicates}, early ${m.early}, value mismatches ${m.valueMismatch}; webhooks ${m.webhooks}/${m.timers}, twice ${m.duplicateWebhooks}, invalid signatures ${m.invalidSignatures}`,
    `  p99 by tenth of the due order (emission / webhook, ms): ${m.byTenth.map((t) => `${t.emissionP99}/${t.webhookP99}`).join("  ")}`,
    "",
    `  ${"figure".padEnd(28)}${"target".padEnd(14)}${"measured".padEnd(16)}verdict`,
  ];
  for (const [name, target, value, pass] of verdicts(m))
    lines.push(`  ${name.padEnd(28)}${target.padEnd(14)}${value.padEnd(16)}${pass ? "PASS" : "FAIL"}`);
  console.log(lines.join("\n"));
}

async function main(stacks) {
  log(`bench timers: ${N} timers due over ${SPREAD_MS / 1000} s from ${LEAD_MS / 1000} s on, chunks of ${CHUNK}, node ${process.version}`);
  const stack = new Stack({ keep: opts.keep, prefix: "edge-portal-bench-timers-" });
  stacks.push(stack);
  stack.snapshot();
  stack.migrate();
  const readyMs = await stack.start();
  const receiver = await startReceiver({
    secret: stack.secrets.WEBHOOK_SIGNING_SECRET,
    keyOf: (payload) => (typeof payload?.entity === "string" ? payload.entity : null),
  });
  let result;
  try {
    await setup(stack, receiver);
    const { due, ingestMs, firstDueAfterIngestMs } = await createEntities(stack);
    const rows = await waitForAll(stack, receiver, due);
    if (stack.server.reloads > 0) throw new Error("wrangler dev reloaded the Worker during the run; the figures are not valid");
    result = { serverReadyMs: round(readyMs), ingestMs: round(ingestMs), firstDueAfterIngestMs, measured: measure(due, rows, receiver) };
  } finally {
    await receiver.close();
    await stack.cleanup();
  }
  report(result);
  const date = new Date();
  const file = writeResults(
    "timers",
    {
      benchmark: "timers",
      date: date.toISOString(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpu: cpus()[0]?.model ?? "unknown",
      cpuCount: cpus().length,
      wrangler: wranglerVersion(),
      revision: stack.revision ?? gitRevision(),
      options: { n: N, chunk: CHUNK, leadMs: LEAD_MS, spreadMs: SPREAD_MS, deadlineMs: DEADLINE_MS },
      /** Where wrangler's state (D1, Durable Object storage) lived: TMPDIR=/dev/shm puts it on tmpfs. */
      stateDir: tmpdir(),
      targets: TARGETS,
      ...result,
      verdicts: verdicts(result.measured).map(([figure, target, value, pass]) => ({ figure, target, value, pass })),
    },
    date,
  );
  console.log(`\nresults written to ${file}`);
}

await runBench(main);
