// `npm run bench:load`: a mixed read/write load on the local stack with autocannon.
//
// 1. Starts a stack (bench/lib/stack.mjs) and a receiver (bench/lib/receiver.mjs) for the action's webhooks.
// 2. Seeds blueprint `bench_load` with --entities entities (bulk API) and a CREATE action whose WEBHOOK goes
//    to the receiver.
// 3. Sends 10 requests of every kind one at a time (each must answer its expected status): their latency at
//    rest. Then a baseline: autocannon on a static file (wrangler's asset server, no app code) for 10 s at the
//    same connections, the local stack's own ceiling. Then runs autocannon for
//    --duration seconds with --connections connections, each request drawn at random (seeded) from the
//    profile below, signed in with the bench admin's bearer token (pages accept it like the session cookie):
//      80 % reads  — 20 % the blueprint's entity table page, 20 % an entity page, 15 % the search page,
//                    15 % an entity through the API, 10 % a structured search through the API;
//      15 % writes — an entity upserted (merge) through the API: one in ten a new identifier;
//       5 % runs   — a self-service action run.
// 4. Prints requests/s, latency p50 / p99 (autocannon's, per request, the whole mix and per kind) and the errors
//    (connection errors, timeouts, non-2xx answers with examples), against the targets (0 errors, p99 ≤ 250 ms),
//    and writes bench/results/load-<date>.json.
//
// Options: --duration <s> (60), --connections (50), --entities (2000), --seed (11), --keep.

import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { createWebhookAction } from "./lib/delivery-suite.mjs";
import { startReceiver } from "./lib/receiver.mjs";
import { machineLoadLine, measureAndSave } from "./lib/results.mjs";
import { excerpt, expectStatus, log, MAX_BULK, mulberry32, positiveInt, quantile, round, runBench, Stack } from "./lib/stack.mjs";

const TARGETS = { errors: 0, p99Ms: 250 };
const BLUEPRINT = "bench_load";
const ACTION = "bench_load_run";
const WORDS = ["payments", "checkout", "search", "identity", "billing", "catalog", "shipping", "ledger", "gateway", "reports"];
const LANGUAGES = ["go", "typescript", "python", "java", "rust"];

const { values: opts } = parseArgs({
  options: {
    duration: { type: "string", default: "60" },
    connections: { type: "string", default: "50" },
    entities: { type: "string", default: "2000" },
    seed: { type: "string", default: "11" },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opts.help) {
  console.log("usage: npm run bench:load -- [--duration 60] [--connections 50] [--entities 2000] [--seed 11] [--keep]");
  process.exit(0);
}
const DURATION_S = positiveInt("--duration", opts.duration);
const CONNECTIONS = positiveInt("--connections", opts.connections);
const ENTITIES = positiveInt("--entities", opts.entities);
const random = mulberry32(positiveInt("--seed", opts.seed));

const pick = (list) => list[Math.floor(random() * list.length)];
const entityId = (i) => `svc-${String(i).padStart(6, "0")}`;
const existingId = () => entityId(Math.floor(random() * ENTITIES));
let created = 0;

function entityBody(identifier, n) {
  const word = WORDS[n % WORDS.length];
  return {
    identifier,
    title: `${word[0].toUpperCase()}${word.slice(1)} service ${n}`,
    properties: { language: LANGUAGES[n % LANGUAGES.length], tier: n % 6, active: n % 3 !== 0, description: `Owns the ${word} flow` },
  };
}

const json = (method, path, body) => ({ method, path, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** The request kinds: share of the mix, expected status, and a builder of one request. */
const KINDS = [
  { name: "page: entity table", share: 0.2, status: 200, build: () => ({ method: "GET", path: `/blueprints/${BLUEPRINT}` }) },
  {
    name: "page: entity",
    share: 0.2,
    status: 200,
    build: () => ({ method: "GET", path: `/blueprints/${BLUEPRINT}/entities/${existingId()}` }),
  },
  { name: "page: search", share: 0.15, status: 200, build: () => ({ method: "GET", path: `/search?q=${pick(WORDS)}` }) },
  {
    name: "api: entity",
    share: 0.15,
    status: 200,
    build: () => ({ method: "GET", path: `/v1/blueprints/${BLUEPRINT}/entities/${existingId()}` }),
  },
  {
    name: "api: search",
    share: 0.1,
    status: 200,
    build: () =>
      json("POST", `/v1/blueprints/${BLUEPRINT}/entities/search`, {
        query: {
          combinator: "and",
          rules: [
            { property: "language", operator: "=", value: pick(LANGUAGES) },
            { property: "tier", operator: ">=", value: Math.floor(random() * 6) },
          ],
        },
        limit: 50,
      }),
  },
  {
    name: "api: entity upsert",
    share: 0.15,
    status: [200, 201],
    build: () => {
      const n = random() < 0.1 ? ENTITIES + created++ : Math.floor(random() * ENTITIES);
      return json("POST", `/v1/blueprints/${BLUEPRINT}/entities?upsert=true&merge=true`, entityBody(entityId(n), n + 1));
    },
  },
  { name: "api: action run", share: 0.05, status: 202, build: () => json("POST", `/v1/actions/${ACTION}/runs`, { properties: { n: 1 } }) },
];

function drawKind() {
  let r = random();
  for (const kind of KINDS) {
    r -= kind.share;
    if (r < 0) return kind;
  }
  return KINDS.at(-1);
}

const expected = (kind, status) => (Array.isArray(kind.status) ? kind.status.includes(status) : kind.status === status);

async function seed(stack, receiverUrl) {
  await expectStatus(
    await stack.api("POST", "/v1/blueprints", {
      identifier: BLUEPRINT,
      title: "Bench load service",
      schema: {
        properties: {
          language: { type: "string", enum: LANGUAGES },
          tier: { type: "number" },
          active: { type: "boolean" },
          description: { type: "string" },
        },
        required: [],
      },
    }),
    201,
    `create blueprint ${BLUEPRINT}`,
  );
  for (let from = 0; from < ENTITIES; from += MAX_BULK) {
    const entities = Array.from({ length: Math.min(MAX_BULK, ENTITIES - from) }, (_, k) => entityBody(entityId(from + k), from + k));
    await expectStatus(await stack.api("POST", `/v1/blueprints/${BLUEPRINT}/entities/bulk`, { entities }), 200, "bulk create");
  }
  await createWebhookAction(stack, { identifier: ACTION, title: "Bench load run", blueprint: BLUEPRINT, url: `${receiverUrl}/hook` });
  log(`seeded ${ENTITIES} entities and action ${ACTION}`);
}

/** Requests of each kind sent one at a time before the load, to time them on an idle server. */
const RESTING_SAMPLES = 10;

/**
 * Sends RESTING_SAMPLES requests of every kind, one at a time, and fails when one does not answer as expected
 * (a broken mix measures nothing). Returns each kind's median latency at rest, and their mix-weighted mean.
 */
async function restingLatency(stack) {
  const out = {};
  for (const kind of KINDS) {
    const ms = [];
    for (let i = 0; i < RESTING_SAMPLES; i++) {
      const r = kind.build();
      const t = performance.now();
      const res = await fetch(`${stack.base}${r.path}`, {
        method: r.method,
        headers: { ...r.headers, ...stack.authHeaders() },
        body: r.body,
      });
      const text = await res.text();
      ms.push(performance.now() - t);
      if (!expected(kind, res.status))
        throw new Error(`${kind.name} (${r.method} ${r.path}) answered HTTP ${res.status}: ${excerpt(text)}`);
    }
    out[kind.name] = round(quantile(ms, 0.5));
  }
  return { p50ByKindMs: out, mixMeanMs: round(KINDS.reduce((sum, k) => sum + k.share * out[k.name], 0)) };
}

/** A static file (served by wrangler's asset server, none of the app's code): the local stack's own ceiling. */
const BASELINE_PATH = "/app.css";
const BASELINE_S = 10;

async function baseline(stack) {
  const r = await autocannon({ url: `${stack.base}${BASELINE_PATH}`, connections: CONNECTIONS, duration: BASELINE_S, timeout: 10 });
  return {
    path: BASELINE_PATH,
    seconds: BASELINE_S,
    requestsPerSecond: round(r.requests.average),
    latencyMs: { p50: r.latency.p50, p99: r.latency.p99 },
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
}

async function runLoad(stack) {
  const perKind = new Map(KINDS.map((k) => [k.name, { latencies: [], unexpected: 0, statuses: {} }]));
  const examples = [];
  const instance = autocannon({
    url: stack.base,
    connections: CONNECTIONS,
    duration: DURATION_S,
    timeout: 10,
    headers: stack.authHeaders(),
    requests: [
      {
        setupRequest(req, context) {
          const kind = drawKind();
          context.kind = kind;
          const built = kind.build();
          // The request arrives with the default headers merged in (the bearer token): keep them.
          return { ...req, ...built, headers: { ...req.headers, ...built.headers } };
        },
        onResponse(status, body, context) {
          if (!expected(context.kind, status) && examples.length < 10) {
            examples.push({ kind: context.kind.name, status, body: excerpt(String(body)).slice(0, 300) });
          }
        },
      },
    ],
  });
  // Emitted after onResponse and before the next request is built: the context still names this one's kind.
  instance.on("response", (client, status, _bytes, ms) => {
    const kind = client.requestIterator.context.kind;
    const k = perKind.get(kind.name);
    k.latencies.push(ms);
    k.statuses[status] = (k.statuses[status] ?? 0) + 1;
    if (!expected(kind, status)) k.unexpected++;
  });
  const result = await instance;
  return { result, perKind, examples };
}

function figures({ result, perKind, examples }) {
  const unexpected = [...perKind.values()].reduce((n, k) => n + k.unexpected, 0);
  return {
    requests: result.requests.total,
    requestsPerSecond: round(result.requests.average),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: round(result.latency.mean),
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    unexpectedStatus: unexpected,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count])),
    examples,
    perKind: [...perKind].map(([name, k]) => ({
      name,
      count: k.latencies.length,
      share: round((100 * k.latencies.length) / Math.max(1, result.requests.total)),
      p50: round(quantile(k.latencies, 0.5)),
      p99: round(quantile(k.latencies, 0.99)),
      statuses: k.statuses,
    })),
  };
}

function verdicts(f) {
  const errors = f.errors + f.timeouts + f.unexpectedStatus;
  return [
    ["errors", "0", `${errors} (${f.errors} connection, ${f.timeouts} timeouts, ${f.unexpectedStatus} unexpected status)`, errors === 0],
    ["latency p99", `≤ ${TARGETS.p99Ms} ms`, `${f.latencyMs.p99} ms`, f.latencyMs.p99 <= TARGETS.p99Ms],
  ];
}

function report(r) {
  const f = r.figures;
  const lines = [
    "",
    `Load — wrangler dev, autocannon ${CONNECTIONS} connections for ${DURATION_S} s, ${ENTITIES} entities seeded`,
    machineLoadLine(r.machineLoad),
    `  ${f.requests} requests, ${f.requestsPerSecond} req/s; latency p50 ${f.latencyMs.p50} ms, p90 ${f.latencyMs.p90} ms, p99 ${f.latencyMs.p99} ms, max ${f.latencyMs.max} ms`,
    `  status codes ${JSON.stringify(f.statusCodes)}; connection errors ${f.errors}, timeouts ${f.timeouts}`,
    `  at rest (one request at a time): p50 per kind in the table, mix-weighted mean ${r.resting.mixMeanMs} ms`,
    `  baseline, GET ${r.baseline.path} (static file, no app code) at the same ${CONNECTIONS} connections for ${r.baseline.seconds} s: ${r.baseline.requestsPerSecond} req/s, p50 ${r.baseline.latencyMs.p50} ms, p99 ${r.baseline.latencyMs.p99} ms (errors ${r.baseline.errors}, non-2xx ${r.baseline.non2xx})`,
    ...(f.examples.length > 0 ? [`  unexpected answers, e.g. ${JSON.stringify(f.examples.slice(0, 3))}`] : []),
    "",
    `  ${"kind".padEnd(22)}${"count".padStart(8)}${"share".padStart(8)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"at rest".padStart(9)}  statuses`,
    ...f.perKind.map(
      (k) =>
        `  ${k.name.padEnd(22)}${String(k.count).padStart(8)}${`${k.share}%`.padStart(8)}${String(k.p50).padStart(9)}${String(k.p99).padStart(9)}${String(r.resting.p50ByKindMs[k.name]).padStart(9)}  ${JSON.stringify(k.statuses)}`,
    ),
    "",
    `  ${"figure".padEnd(14)}${"target".padEnd(12)}${"measured".padEnd(60)}verdict`,
    ...verdicts(f).map(
      ([name, target, value, pass]) => `  ${name.padEnd(14)}${target.padEnd(12)}${value.padEnd(60)}${pass ? "PASS" : "FAIL"}`,
    ),
  ];
  console.log(lines.join("\n"));
}

async function measure(stacks) {
  log(`bench load: ${CONNECTIONS} connections for ${DURATION_S} s, ${ENTITIES} entities, node ${process.version}`);
  const stack = new Stack({ keep: opts.keep, prefix: "edge-portal-bench-load-" });
  stacks.push(stack);
  stack.snapshot();
  stack.migrate();
  await stack.start();
  const receiver = await startReceiver({ secret: stack.secrets.WEBHOOK_SIGNING_SECRET });
  let result;
  try {
    await seed(stack, receiver.url);
    const resting = await restingLatency(stack);
    log(`at rest, one request at a time: ${JSON.stringify(resting.p50ByKindMs)} ms (mix mean ${resting.mixMeanMs} ms)`);
    log(`baseline: GET ${BASELINE_PATH} (a static file), ${CONNECTIONS} connections, ${BASELINE_S} s…`);
    const ceiling = await baseline(stack);
    log(`autocannon: ${CONNECTIONS} connections, ${DURATION_S} s…`);
    const measured = figures(await runLoad(stack));
    if (stack.server.reloads > 0) throw new Error("wrangler dev reloaded the Worker during the run; the figures are not valid");
    result = { revision: stack.revision, resting, baseline: ceiling, figures: measured, webhooksReceived: receiver.state.byRunId.size };
  } finally {
    await receiver.close();
    await stack.cleanup();
  }
  return result;
}

async function main(stacks) {
  await measureAndSave("load", () => measure(stacks), {
    report,
    fields: {
      options: { durationS: DURATION_S, connections: CONNECTIONS, entities: ENTITIES, seed: Number(opts.seed) },
      profile: KINDS.map((k) => ({ kind: k.name, share: k.share, expectedStatus: k.status })),
      targets: TARGETS,
    },
    verdicts: (r) => verdicts(r.figures),
  });
}

await runBench(main);
