// `npm run bench:search`: read and search latency at N = 10,000 and 100,000 entities (issue 4).
//
// For each size:
// 1. Starts a fresh snapshot of the app under `wrangler dev` (bench/lib/stack.mjs, as the bulk benchmark
//    does) and loads N deterministic entities over 10 blueprints (bench/lib/search-data.mjs) through
//    POST /v1/blueprints/{bp}/entities/bulk.
// 2. Measures, one request at a time (20 warm-up, then --requests timed), six requests (a)–(f): an entity by
//    identifier, two property equalities, relatedTo one hop, a date range sorted by $updatedAt, free text,
//    and the blueprint page (HTML). Each response is checked against the generated data.
// 3. Stops the server and copies wrangler's D1 SQLite file. Runs the same requests through the same app code
//    in this process (bundled for Node, D1 stood in for by node:sqlite) to record every SQL statement each
//    request runs with its parameters (bench/lib/app-sql.mjs), and then times (i) those requests in-process
//    ("app in Node") and (ii) the recorded statements alone on the copy ("raw SQL", the physical floor).
//    EXPLAIN QUERY PLAN of every statement goes into the results.
// Then compares with the Backstage catalog peer at 10,000 (--peer runs it; otherwise its stored figures),
// prints the tables and writes bench/results/search-<date>.json. See bench/README.md.
//
// Options: --sizes 10000,100000   --requests 200   --warmup 20   --seed 42   --max-seconds 60 (per loop)
//          --peer (run the Backstage peer, ~2.5 min once set up)   --keep (keep the temporary dirs)
//          --report <results JSON> (print the tables of an earlier run again; measures nothing)

import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { AppInNode, loadApp, Replayer } from "./lib/app-sql.mjs";
import { PEER_MATCH, runPeer, storedPeer } from "./lib/peer-backstage.mjs";
import { generateSearchData, QUERY_SETUP } from "./lib/search-data.mjs";
import {
  excerpt,
  expectStatus,
  fatal,
  findD1File,
  loadSqlite,
  log,
  MAX_BODY_BYTES,
  MAX_BULK,
  positiveInt,
  quantile,
  round,
  runBench,
  Stack,
  tryJson,
  wranglerVersion,
  writeResults,
} from "./lib/stack.mjs";

/** Targets (issue 4). */
const TARGET_P50_MS = { a: 20, b: 20, c: 20, d: 20, e: 20, f: 40 };
const TARGET_GROWTH = 1.5;
const TARGET_RAW_RATIO = 3;
/** Answered 401 by the Worker before any D1 query: what any request costs in this local stack. */
const FLOOR_PATH = "/v1/blueprints";

const QUERY_NAMES = {
  a: "GET entity by identifier",
  b: "and: two property =, limit 50",
  c: "relatedTo one hop, downstream",
  d: "between on date-time, sort $updatedAt",
  e: "free text (GET /v1/search)",
  f: "blueprint page (HTML)",
};

// ---- options ------------------------------------------------------------------------------------------

const { values: opts } = parseArgs({
  options: {
    sizes: { type: "string", default: "10000,100000" },
    requests: { type: "string", default: "200" },
    warmup: { type: "string", default: "20" },
    seed: { type: "string", default: "42" },
    "max-seconds": { type: "string", default: "60" },
    peer: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    report: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opts.help) {
  console.log(
    "usage: npm run bench:search -- [--sizes 10000,100000] [--requests 200] [--warmup 20] [--seed 42] [--max-seconds 60] [--peer] [--keep] | --report <results.json>",
  );
  process.exit(0);
}
const SIZES = opts.sizes.split(",").map((s) => positiveInt("--sizes", s.trim().replaceAll("_", "")));
const REQUESTS = positiveInt("--requests", opts.requests);
const WARMUP = positiveInt("--warmup", opts.warmup);
const SEED = positiveInt("--seed", opts.seed);
const MAX_SECONDS = positiveInt("--max-seconds", opts["max-seconds"]);
if (SIZES.some((n) => n < 1000)) fatal("--sizes: each size must be at least 1000 entities");
const DatabaseSync = await loadSqlite();

// ---- the benchmark -------------------------------------------------------------------------------------

async function main(stacks) {
  log(
    `search bench: sizes ${SIZES.join(", ")}, ${REQUESTS} requests per query after ${WARMUP} warm-up, seed ${SEED}, node ${process.version}`,
  );
  const runs = [];
  for (const n of SIZES) {
    const stack = new Stack({ keep: opts.keep, prefix: "edge-portal-search-bench-" });
    stacks.push(stack);
    runs.push(await measureSize(stack, n));
    await stack.cleanup(); // frees the disk (100k entities are a few hundred MB of wrangler state)
  }
  let peer;
  if (opts.peer) {
    try {
      peer = await runPeer({ n: 10000, seq: Math.max(REQUESTS, 200) });
    } catch (error) {
      log(`peer run failed: ${error instanceof Error ? error.message : String(error)}`);
      peer = { ...storedPeer(10000), runError: error instanceof Error ? error.message : String(error) };
    }
  } else peer = storedPeer(10000);
  report(runs, peer);
}

async function measureSize(stack, n) {
  log(`\n== N = ${n.toLocaleString("en-US")} ==`);
  log(`work dir: ${stack.workDir}`);
  const data = generateSearchData(n, SEED);
  stack.snapshot();
  stack.migrate();
  const readyMs = await stack.start();
  const load = await loadCatalog(stack, data);
  const queries = buildQueries(data);
  const page = await detectPageFilter(stack, queries);

  queries.f = page.query;

  // The floor: a request the Worker answers without touching D1 (no credentials: 401 before any query).
  const floor = {};
  floor.http = await timeLoop("HTTP floor", async () => {
    const t = performance.now();
    const res = await fetch(`${stack.base}${FLOOR_PATH}`);
    await res.text();
    if (res.status !== 401) throw new Error(`anonymous GET ${FLOOR_PATH} answered HTTP ${res.status}, expected 401`);
    return performance.now() - t;
  });

  const http = {};
  for (const [key, q] of Object.entries(queries)) {
    http[key] = await timeLoop(`HTTP ${key}`, async (i) => {
      const { ms, text } = await httpRequest(stack, q.request(i));
      const problem = q.check(text, i % q.variants);
      if (problem) throw new Error(`(${key}) ${q.request(i).method} ${q.request(i).path}: ${problem}`);
      return ms;
    });
  }
  if (stack.server.reloads > 0) throw new Error("wrangler dev reloaded the Worker during the run; the timings are not valid, run again");
  await stack.stop();

  // -- the same requests through the same code in this process, and their SQL alone on a copy of the file --
  const d1File = findD1File(DatabaseSync, stack.persistDir);
  if (!d1File) throw new Error(`no D1 SQLite file with the catalog under ${stack.persistDir}`);
  const copy = join(stack.workDir, `d1-copy-${n}.sqlite`);
  copyFileSync(d1File, copy);
  for (const suffix of ["-wal", "-shm"]) if (existsSync(d1File + suffix)) copyFileSync(d1File + suffix, copy + suffix);
  const db = new DatabaseSync(copy);
  const appModule = await loadApp(stack.appDir, stack.workDir);
  const inNode = new AppInNode(appModule, db, { ...stack.secrets });
  const headers = stack.authHeaders();
  const replayer = new Replayer(db);

  floor.node = await timeLoop("app in Node floor", async () => {
    const t = performance.now();
    const res = await inNode.send(FLOOR_PATH);
    if (res.status !== 401 || res.statements.length > 0) throw new Error(`in-process anonymous GET ${FLOOR_PATH}: HTTP ${res.status}`);
    return performance.now() - t;
  });
  const floorRecorded = await inNode.send(FLOOR_PATH, { record: true });
  if (floorRecorded.statements.length > 0)
    throw new Error(`anonymous GET ${FLOOR_PATH} ran ${floorRecorded.statements.length} SQL statements; it is no floor`);

  const node = {};
  const raw = {};
  const sql = {};
  for (const [key, q] of Object.entries(queries)) {
    // Record each distinct request once (also checks the in-process app answers as the Worker did).
    const recorded = new Map();
    const variants = q.variants;
    for (let v = 0; v < variants; v++) {
      const req = q.request(v);
      const res = await inNode.send(req.path, { method: req.method, body: req.body, headers, record: true });
      const problem = res.status === 200 ? q.check(res.text, v) : `HTTP ${res.status}: ${excerpt(res.text)}`;
      if (problem) throw new Error(`in-process ${key} (${req.method} ${req.path}) does not answer as the Worker did: ${problem}`);
      recorded.set(v, res.statements);
    }
    node[key] = await timeLoop(`app in Node ${key}`, async (i) => {
      const req = q.request(i);
      const t = performance.now();
      const res = await inNode.send(req.path, { method: req.method, body: req.body, headers });
      const ms = performance.now() - t;
      if (res.status !== 200) throw new Error(`in-process ${key} answered HTTP ${res.status}`);
      return ms;
    });
    // Each statement's own time, wherever a request ran the same statement at the same position as the first.
    const first = recorded.get(0);
    const perStatement = first.map(() => []);
    raw[key] = await timeLoop(`raw SQL ${key}`, async (i) => {
      const statements = recorded.get(i % variants);
      const times = replayer.run(statements);
      times.forEach((ms, idx) => {
        if (statements[idx]?.sql === first[idx]?.sql) perStatement[idx].push(ms);
      });
      return times.reduce((a, b) => a + b, 0);
    });
    const batchNumber = new Map(); // D1 batch ids, numbered from 1 within the request
    sql[key] = first.map((s, idx) => ({
      sql: s.sql,
      params: s.params.map((p) => (typeof p === "string" && p.length > 300 ? `${p.slice(0, 300)}…` : p)),
      method: s.method,
      ...(s.batch ? { batch: batchNumber.get(s.batch) ?? batchNumber.set(s.batch, batchNumber.size + 1).get(s.batch) } : {}),
      p50Ms: round(quantile(perStatement[idx], 0.5), 3),
      plan: replayer.plan(s.sql, s.params),
    }));
  }
  db.close();

  return {
    n,
    revision: stack.revision,
    readyMs: round(readyMs),
    floor,
    load,
    page: page.info,
    queries: describe(queries),
    http,
    node,
    raw,
    sql,
    sizes: Object.fromEntries(data.sizes),
  };
}

// ---- loading ------------------------------------------------------------------------------------------

/** Creates the 10 blueprints (targets first) and sends every blueprint's entities in bulk requests of ≤ 1000. */
async function loadCatalog(stack, data) {
  for (const bp of data.blueprints) {
    await expectStatus(await stack.api("POST", "/v1/blueprints", bp), 201, `create blueprint ${bp.identifier}`);
  }
  const bodies = [];
  for (const [bp, list] of data.entities) {
    for (let i = 0; i < list.length; ) {
      let size = Math.min(MAX_BULK, list.length - i);
      let body = JSON.stringify({ entities: list.slice(i, i + size) });
      while (Buffer.byteLength(body) > MAX_BODY_BYTES && size > 1) {
        size = Math.floor(size / 2);
        body = JSON.stringify({ entities: list.slice(i, i + size) });
      }
      bodies.push({ bp, body, size });
      i += size;
    }
  }
  const total = bodies.reduce((a, b) => a + b.size, 0);
  log(`loading ${total.toLocaleString("en-US")} entities in ${bodies.length} bulk requests…`);
  const start = performance.now();
  let done = 0;
  for (const [i, b] of bodies.entries()) {
    await stack.renewAuth();
    const res = await fetch(`${stack.base}/v1/blueprints/${b.bp}/entities/bulk`, {
      method: "POST",
      headers: { "content-type": "application/json", ...stack.authHeaders() },
      body: b.body,
    });
    const text = await res.text();
    const json = tryJson(text);
    if (res.status !== 200 || json?.ok !== true || json.entities?.length !== b.size) {
      throw new Error(
        `bulk request ${i + 1}/${bodies.length} (${b.bp}) answered HTTP ${res.status}${stack.reloadNote()}: ${excerpt(json ?? text)}`,
      );
    }
    done += b.size;
    if ((i + 1) % Math.max(1, Math.round(bodies.length / 10)) === 0)
      log(`  ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")}`);
  }
  const ms = performance.now() - start;
  const listed = tryJson(await (await stack.api("GET", "/v1/blueprints")).text());
  for (const [bp, size] of data.sizes) {
    const count = listed?.blueprints?.find((b) => b.identifier === bp)?.entityCount;
    if (count !== size) throw new Error(`after loading, GET /v1/blueprints counts ${count} ${bp} entities, expected ${size}`);
  }
  log(`loaded in ${(ms / 1000).toFixed(1)} s (${Math.round(total / (ms / 1000)).toLocaleString("en-US")} entities/s)`);
  return { entities: total, requests: bodies.length, ms: round(ms), entitiesPerSecond: round(total / (ms / 1000)) };
}

// ---- the queries --------------------------------------------------------------------------------------

/**
 * Each query: how many distinct requests it rotates through (`variants`), the i-th request, and a check of
 * a response against the generated data (returns a problem or null).
 */
function buildQueries(data) {
  const qv = data.queries;
  const S = QUERY_SETUP;
  const services = data.entities.get(S.equalityBlueprint);
  const deployments = data.entities.get(S.rangeBlueprint);
  const [p1, p2] = S.equalityProperties;
  const pairCount = qv.pairs.map(([a, b]) => services.filter((e) => e.properties[p1] === a && e.properties[p2] === b).length);
  const rangeCount = qv.ranges.map(
    (r) => deployments.filter((e) => e.properties[S.rangeProperty] >= r.from && e.properties[S.rangeProperty] <= r.to).length,
  );
  const search = (bp, body) => ({ method: "POST", path: `/v1/blueprints/${bp}/entities/search`, body });
  const expectTotal = (expected) => (text, v) => {
    const json = tryJson(text);
    if (!Array.isArray(json?.entities)) return `no entities in ${excerpt(text)}`;
    if (json.total !== expected[v]) return `total ${json.total}, expected ${expected[v]}`;
    if (json.entities.length !== Math.min(50, expected[v]))
      return `${json.entities.length} entities on the page, expected ${Math.min(50, expected[v])}`;
    return null;
  };
  const pageTitle = data.blueprints.find((b) => b.identifier === S.pageBlueprint).title;

  return {
    a: {
      variants: qv.byId.length,
      request: (i) => {
        const [bp, id] = qv.byId[i % qv.byId.length];
        return { method: "GET", path: `/v1/blueprints/${bp}/entities/${id}` };
      },
      check: (text, v) => (tryJson(text)?.entity?.identifier === qv.byId[v][1] ? null : `not entity ${qv.byId[v][1]}: ${excerpt(text)}`),
      example: `GET /v1/blueprints/${qv.byId[0][0]}/entities/${qv.byId[0][1]}`,
    },
    b: {
      variants: qv.pairs.length,
      request: (i) => {
        const [a, b] = qv.pairs[i % qv.pairs.length];
        const rules = [
          { property: p1, operator: "=", value: a },
          { property: p2, operator: "=", value: b },
        ];
        return search(S.equalityBlueprint, { query: { combinator: "and", rules }, limit: 50 });
      },
      check: expectTotal(pairCount),
      matches: summary(pairCount),
    },
    c: {
      variants: qv.related.length,
      request: (i) => {
        const rule = {
          operator: "relatedTo",
          blueprint: S.relatedTarget,
          value: qv.related[i % qv.related.length].id,
          direction: "downstream",
        };
        return search(S.relatedBlueprint, { query: { combinator: "and", rules: [rule] }, limit: 50 });
      },
      check: expectTotal(qv.related.map((r) => r.deployments)),
      matches: summary(qv.related.map((r) => r.deployments)),
      fanIn: summary(qv.related.map((r) => r.pointing)),
    },
    d: {
      variants: qv.ranges.length,
      request: (i) => {
        const r = qv.ranges[i % qv.ranges.length];
        const rule = { property: S.rangeProperty, operator: "between", value: { from: r.from, to: r.to } };
        return search(S.rangeBlueprint, {
          query: { combinator: "and", rules: [rule] },
          sort: { property: "$updatedAt", order: "desc" },
          limit: 50,
        });
      },
      check: expectTotal(rangeCount),
      matches: summary(rangeCount),
    },
    e: {
      variants: qv.terms.length,
      request: (i) => ({ method: "GET", path: `/v1/search?q=${encodeURIComponent(qv.terms[i % qv.terms.length])}&limit=20` }),
      check: (text) => {
        const json = tryJson(text);
        const hits = Array.isArray(json?.groups) ? json.groups.reduce((a, g) => a + g.entities.length, 0) : -1;
        return hits === 20 ? null : `${hits} hits, expected 20: ${excerpt(text)}`;
      },
    },
    f: {
      variants: 1,
      request: () => ({ method: "GET", path: `/blueprints/${S.pageBlueprint}` }),
      check: (text) => (text.includes(pageTitle) && text.includes("<table") ? null : `no entity table in ${excerpt(text)}`),
    },
  };
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: quantile(sorted, 0.5), max: sorted.at(-1) };
}

/**
 * Does the blueprint page filter from its URL? src/routes/ui/catalog.tsx is gaining `?q=` and
 * `f=<property>:<operator>:<value>` parameters (views/components/table-state.tsx). If a filter that matches
 * nothing still lists the first entity, the page ignores it, and (f) measures the plain page.
 */
async function detectPageFilter(stack, queries) {
  const S = QUERY_SETUP;
  const [p1, p2] = S.equalityProperties;
  const plain = queries.f;
  const plainRes = await stack.api("GET", plain.request(0).path);
  const plainHtml = await plainRes.text();
  if (plainRes.status !== 200) throw new Error(`GET ${plain.request(0).path} answered HTTP ${plainRes.status}: ${excerpt(plainHtml)}`);
  const firstId = /\/entities\/([^"/?]+)"/.exec(plainHtml)?.[1];
  const f = (prop, value) => `f=${encodeURIComponent(`${prop}:=:${value}`)}`;
  const nothing = `/blueprints/${S.pageBlueprint}?${f(p1, "no-such-value")}`;
  const nothingRes = await stack.api("GET", nothing);
  const nothingHtml = await nothingRes.text();
  const supported = nothingRes.status === 200 && firstId !== undefined && !nothingHtml.includes(`/entities/${firstId}"`);
  if (!supported) {
    const why =
      nothingRes.status !== 200
        ? `GET ${nothing} answered HTTP ${nothingRes.status}`
        : `GET ${nothing} still lists ${firstId}: the page ignores the filter`;
    log(`(f): the blueprint page does not filter from the URL yet (${why}); measuring the plain page`);
    return { query: plain, info: { filter: false, why, path: plain.request(0).path } };
  }
  const [a, b] = queries.b.request(0).body.query.rules.map((r) => r.value);
  const path = `/blueprints/${S.pageBlueprint}?${f(p1, a)}&${f(p2, b)}`;
  log(`(f): the blueprint page filters from the URL; measuring ${path}`);
  return {
    query: { ...plain, request: () => ({ method: "GET", path }), check: (text) => (text.includes("<table") ? null : "no entity table") },
    info: { filter: true, path },
  };
}

function describe(queries) {
  return Object.fromEntries(
    Object.entries(queries).map(([key, q]) => {
      const req = q.request(0);
      return [
        key,
        {
          name: QUERY_NAMES[key],
          variants: q.variants,
          example: { method: req.method, path: req.path, ...(req.body ? { body: req.body } : {}) },
          ...(q.matches ? { matches: q.matches } : {}),
          ...(q.fanIn ? { fanIn: q.fanIn } : {}),
        },
      ];
    }),
  );
}

// ---- timing -------------------------------------------------------------------------------------------

/** One request over HTTP, timed until its body has arrived; checks status and content (outside the timing). */
async function httpRequest(stack, req) {
  const init = { method: req.method, headers: { ...stack.authHeaders() } };
  if (req.body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(req.body);
  }
  const t = performance.now();
  const res = await fetch(`${stack.base}${req.path}`, init);
  const text = await res.text();
  const ms = performance.now() - t;
  if (res.status !== 200) throw new Error(`${req.method} ${req.path} answered HTTP ${res.status}${stack.reloadNote()}: ${excerpt(text)}`);
  return { ms, text };
}

/**
 * WARMUP untimed runs, then REQUESTS timed ones, one after another, stopping early after MAX_SECONDS (the
 * figures then say how many ran). `run(i)` runs the i-th request and returns its time in ms.
 */
async function timeLoop(label, run) {
  for (let i = 0; i < WARMUP; i++) await run(i);
  const samples = [];
  const deadline = performance.now() + MAX_SECONDS * 1000;
  for (let i = 0; i < REQUESTS && performance.now() < deadline; i++) samples.push(await run(WARMUP + i));
  const out = stats(samples);
  log(
    `  ${label.padEnd(16)} p50 ${out.p50.toFixed(2)} ms  p95 ${out.p95.toFixed(2)} ms  (${out.n} requests${out.n < REQUESTS ? `, stopped after ${MAX_SECONDS} s` : ""})`,
  );
  return out;
}

function stats(samples) {
  return {
    n: samples.length,
    p50: round(quantile(samples, 0.5), 3),
    p95: round(quantile(samples, 0.95), 3),
    min: round(Math.min(...samples), 3),
    max: round(Math.max(...samples), 3),
    mean: round(samples.reduce((a, b) => a + b, 0) / samples.length, 3),
  };
}

// ---- report -------------------------------------------------------------------------------------------

function report(runs, peer) {
  const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "-");
  const verdict = (pass) => (pass === undefined ? "" : pass ? " PASS" : " FAIL");
  const keys = Object.keys(QUERY_NAMES);
  const lines = [];
  const table = (header, rows) => {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
    const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(" | ")} |`;
    lines.push(line(header), `|${widths.map((w) => `${"-".repeat(w + 2)}`).join("|")}|`, ...rows.map(line));
  };
  const smallest = runs[0];
  const largest = runs.at(-1);
  const name = (run, key) => (key === "f" && !run.page.filter ? `${QUERY_NAMES.f}, no filter (unsupported)` : QUERY_NAMES[key]);
  /** Statements every request starts with (authentication, the caller's access): the common prefix. */
  const shared = (run) => {
    const lists = keys.map((k) => run.sql[k].map((x) => x.sql));
    let i = 0;
    while (lists.every((l) => i < l.length && l[i] === lists[0][i])) i++;
    return i;
  };
  /** D1 round trips of a list of statements: one per batch, one per statement outside a batch. */
  const trips = (list) => new Set(list.map((x, i) => (x.batch ? `b${x.batch}` : `s${i}`))).size;
  const calls = (run, key) => {
    const pre = shared(run);
    return {
      statements: run.sql[key].length,
      trips: trips(run.sql[key]),
      authStatements: pre,
      authTrips: trips(run.sql[key].slice(0, pre)),
    };
  };
  const verdicts = Object.fromEntries(keys.map((k) => [k, {}]));

  lines.push(
    "",
    "Search benchmark: one request at a time over HTTP to wrangler dev (workerd, local D1); the same request through the same",
    "app code in this process over node:sqlite (app in Node); and the SQL statements that request ran, replayed on a copy of",
    "the D1 file (raw SQL). Times in ms.",
    ...runs.map((r) => {
      const rev = r.revision ?? { commit: "unknown", changed: [] };
      const dirty = rev.changed.length > 0 ? ` + uncommitted changes to ${rev.changed.join(", ")}` : "";
      return `App snapshot for N=${r.n.toLocaleString("en-US")}: commit ${rev.commit}${dirty}`;
    }),
    "",
  );
  const rows = [];
  for (const run of runs) {
    for (const key of keys) {
      const h = run.http[key];
      const ratio = h.p50 / run.raw[key].p50;
      const at100k = run.n === 100_000;
      const p50Pass = at100k ? h.p50 <= TARGET_P50_MS[key] : undefined;
      if (at100k) verdicts[key].p50 = p50Pass;
      verdicts[key][`rawRatio${run.n}`] = ratio <= TARGET_RAW_RATIO;
      rows.push([
        run.n.toLocaleString("en-US"),
        `(${key}) ${name(run, key)}`,
        fmt(h.p50, 2),
        fmt(h.p95, 2),
        `${TARGET_P50_MS[key]}${verdict(p50Pass)}`,
        fmt(run.node[key].p50, 2),
        fmt(run.raw[key].p50, 3),
        `${fmt(ratio, 1)}x${verdict(ratio <= TARGET_RAW_RATIO)}`,
        `${calls(run, key).statements} / ${calls(run, key).trips}`,
        `${h.n}`,
      ]);
    }
    rows.push([
      run.n.toLocaleString("en-US"),
      "floor: 401 before any D1 call",
      fmt(run.floor.http.p50, 2),
      fmt(run.floor.http.p95, 2),
      "",
      fmt(run.floor.node.p50, 2),
      "",
      "",
      "0",
      `${run.floor.http.n}`,
    ]);
  }
  table(
    [
      "N",
      "query",
      "p50",
      "p95",
      "target p50",
      "app in Node p50",
      "raw SQL p50",
      "ours/raw (<=3)",
      "statements / D1 round trips",
      "requests",
    ],
    rows,
  );

  if (runs.length > 1) {
    const label = (run) => `${run.n / 1000}k`;
    lines.push("", `Growth: p50 at ${label(largest)} / p50 at ${label(smallest)} (target <= ${TARGET_GROWTH})`, "");
    table(
      [
        "query",
        `p50 ${label(smallest)}`,
        `p50 ${label(largest)}`,
        "growth",
        `raw ${label(smallest)}`,
        `raw ${label(largest)}`,
        "raw growth",
      ],
      keys.map((key) => {
        const g = largest.http[key].p50 / smallest.http[key].p50;
        verdicts[key].growth = g <= TARGET_GROWTH;
        return [
          `(${key}) ${QUERY_NAMES[key]}`,
          fmt(smallest.http[key].p50, 2),
          fmt(largest.http[key].p50, 2),
          `${fmt(g, 2)}${verdict(g <= TARGET_GROWTH)}`,
          fmt(smallest.raw[key].p50, 3),
          fmt(largest.raw[key].p50, 3),
          fmt(largest.raw[key].p50 / smallest.raw[key].p50, 2),
        ];
      }),
    );
  }

  // Where the time of a request goes at the largest size.
  lines.push(
    "",
    `Where the time goes at N=${largest.n.toLocaleString("en-US")} (p50, ms): the floor is what any request costs in this local stack;`,
    "the in-process app is JS + SQL without workerd or D1's transport; the rest, spread over the D1 round trips, is what a D1 call costs.",
    "",
  );
  table(
    ["query", "HTTP", "floor", "app in Node", "raw SQL", "statements", "D1 round trips", "of them auth/access", "left per round trip"],
    keys.map((key) => {
      const c = calls(largest, key);
      const rest = largest.http[key].p50 - largest.floor.http.p50 - largest.node[key].p50;
      return [
        `(${key}) ${QUERY_NAMES[key]}`,
        fmt(largest.http[key].p50, 2),
        fmt(largest.floor.http.p50, 2),
        fmt(largest.node[key].p50, 2),
        fmt(largest.raw[key].p50, 3),
        `${c.statements}`,
        `${c.trips}`,
        `${c.authTrips} (${c.authStatements} statements)`,
        fmt(rest / c.trips, 2),
      ];
    }),
  );

  const at10k = runs.find((r) => r.n === 10_000);
  let peerRatios = null;
  if (peer?.latency) {
    const origin =
      peer.source === "run"
        ? `this run (${peer.file}, Node ${peer.node})`
        : `its EARLIER run, not this one: ${peer.file} (2026-11-22, Node ${peer.node}, 300 requests)${peer.runError ? `; running it now failed: ${peer.runError.split("\n")[0]}` : ""}`;
    lines.push(
      "",
      "Peer: Backstage catalog backend (SQLite in memory) at 10,000 entities of its own gen.mjs data;",
      `figures from ${origin}`,
      "",
    );
    peerRatios = {};
    table(
      ["ours", "Backstage endpoint", "Backstage p50", "ours p50 at 10k", "ours / Backstage"],
      Object.entries(PEER_MATCH).map(([key, m]) => {
        const theirs = peer.latency[key];
        const ours = at10k?.http[key]?.p50;
        const r = theirs && ours !== undefined ? ours / theirs.p50 : Number.NaN;
        peerRatios[key] = Number.isFinite(r) ? round(r, 2) : null;
        return [
          `(${key}) ${QUERY_NAMES[key]}`,
          `${m.endpoint}: ${m.what}`,
          theirs ? fmt(theirs.p50, 2) : "-",
          fmt(ours, 2),
          `${fmt(r, 2)}x`,
        ];
      }),
    );
  }

  const first = runs[0];
  lines.push(
    "",
    `(f) ${first.page.filter ? `with a filter: GET ${first.page.path}` : `plain page GET ${first.page.path}: ${first.page.why}`}`,
    `(c) targets: environments with ${first.queries.c.matches.min}–${first.queries.c.matches.max} deployments (median ${first.queries.c.matches.median}), ${first.queries.c.fanIn.median} pointing entities in all (median)`,
    ...runs.map(
      (r) =>
        `load N=${r.n.toLocaleString("en-US")}: ${(r.load.ms / 1000).toFixed(1)} s, ${Math.round(r.load.entitiesPerSecond).toLocaleString("en-US")} entities/s in ${r.load.requests} bulk requests`,
    ),
  );

  // The SQL behind the queries that miss the latency or growth target: slowest statements with their plans.
  const slow = keys.filter((k) => verdicts[k].p50 === false || verdicts[k].growth === false);
  if (slow.length > 0) {
    lines.push(
      "",
      `Slowest statements of the queries that miss the p50 or growth target (raw p50 per statement at N=${largest.n.toLocaleString("en-US")};`,
    );
    lines.push("every statement, its parameters and EXPLAIN QUERY PLAN are in the JSON):");
    for (const key of slow) {
      lines.push("", `(${key}) ${QUERY_NAMES[key]}: ${largest.sql[key].length} statements, raw ${fmt(largest.raw[key].p50, 3)} ms in all`);
      for (const st of [...largest.sql[key]].sort((x, y) => y.p50Ms - x.p50Ms).slice(0, 2)) {
        lines.push(
          `  ${fmt(st.p50Ms, 3)} ms  ${oneLine(st.sql, 600)}`,
          `    params ${oneLine(JSON.stringify(st.params), 200)}`,
          ...st.plan.map((p) => `    ${p}`),
        );
      }
    }
  }
  console.log(lines.join("\n"));

  const results = {
    benchmark: "search",
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model ?? "unknown",
    cpuCount: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    wrangler: wranglerVersion(),
    sqlite: new DatabaseSync(":memory:").prepare("SELECT sqlite_version() AS v").get().v,
    seed: SEED,
    requests: REQUESTS,
    warmup: WARMUP,
    maxSecondsPerLoop: MAX_SECONDS,
    targets: { p50Ms: TARGET_P50_MS, growth: TARGET_GROWTH, rawRatio: TARGET_RAW_RATIO },
    runs: runs.map((r) => ({
      ...r,
      calls: Object.fromEntries(keys.map((k) => [k, calls(r, k)])),
      ratios: Object.fromEntries(keys.map((k) => [k, round(r.http[k].p50 / r.raw[k].p50, 2)])),
    })),
    growth: runs.length > 1 ? Object.fromEntries(keys.map((k) => [k, round(largest.http[k].p50 / smallest.http[k].p50, 2)])) : null,
    verdicts,
    peer: peer ? { ...peer, ratios: peerRatios } : null,
  };
  if (opts.report) return;
  const file = writeResults("search", results);
  console.log(`\nresults written to ${file}`);
}

function oneLine(text, max) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

// ---- run ----------------------------------------------------------------------------------------------

if (opts.report) {
  // Print the tables of an earlier run again, from its JSON (nothing is measured or written).
  const saved = JSON.parse(readFileSync(opts.report, "utf8"));
  report(saved.runs, saved.peer);
} else await runBench(main);
