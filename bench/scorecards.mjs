// `node bench/scorecards.mjs` (`npm run bench:scorecards`): scorecard scoring on the local stack.
//
// 1. Starts a stack (bench/lib/stack.mjs: a snapshot of the app under `wrangler dev`, local D1 and queues).
// 2. Creates `bench_team` (20 teams) and two identical blueprints, `bench_scored` and `bench_plain`: six
//    properties (language, tier, minTier, runbook, owner, active) and a relation `team → bench_team`. Sends --n
//    deterministic entities to each through the bulk API (--chunk per request, at most 1,000).
// 3. Waits until the event pipeline has processed the ingest's events (read-only peek at the D1 file's
//    dispatch_ranges), so the queue is idle when the measurements start.
// 4. (a) Full scoring: POSTs a scorecard (10 rules over 4 levels: =, isNotEmpty, >=, !=, a property compare)
//    on `bench_scored`; above 2,000 entities the API scores through queued chunks of 5,000 entity ids. Polls
//    GET /v1/blueprints/bench_scored/scorecards/bench_readiness/results?limit=1 until the level counts add up
//    to --n: time from just before the POST, and rows/s.
// 5. (b) Write latency: PATCHes one entity of each blueprint --patches times, alternating scored and plain
//    (after --warmup PATCHes each), each PATCH flipping `tier` so the scored entity changes level; p50/p95 of
//    each and the difference of the p50s is what the scorecard adds to a single write.
// 6. Prints the figures against the targets and writes bench/results/scorecards-<date>.json.
//
// Options: --n (50000), --chunk (1000), --patches (200), --warmup (20), --deadline <s for full scoring> (300),
//          --seed (42), --keep.

import { existsSync, readdirSync, statSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  excerpt,
  expectStatus,
  fatal,
  findD1File,
  gitRevision,
  loadSqlite,
  log,
  MAX_BODY_BYTES,
  MAX_BULK,
  mulberry32,
  positiveInt,
  progress,
  quantile,
  round,
  runBench,
  Stack,
  sleep,
  tryJson,
  wranglerVersion,
  writeResults,
} from "./lib/stack.mjs";

const TARGETS = { fullScoringSeconds: 30, writeP50DeltaMs: 5 };
const SCORED = "bench_scored";
const PLAIN = "bench_plain";
const SCORECARD = "bench_readiness";
const TEAM_COUNT = 20;
const LANGUAGES = ["go", "python", "typescript", "java", "rust", "cobol"];
/** Longest wait for the ingest's events to be processed before measuring. */
const DRAIN_TIMEOUT_MS = 600_000;

const { values: opts } = parseArgs({
  options: {
    n: { type: "string", default: "50000" },
    chunk: { type: "string", default: "1000" },
    patches: { type: "string", default: "200" },
    warmup: { type: "string", default: "20" },
    deadline: { type: "string", default: "300" },
    seed: { type: "string", default: "42" },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opts.help) {
  console.log(
    "usage: node bench/scorecards.mjs [--n 50000] [--chunk 1000] [--patches 200] [--warmup 20] [--deadline 300] [--seed 42] [--keep]",
  );
  process.exit(0);
}
const N = positiveInt("--n", opts.n);
const CHUNK = positiveInt("--chunk", opts.chunk);
const PATCHES = positiveInt("--patches", opts.patches);
const WARMUP = positiveInt("--warmup", opts.warmup);
const DEADLINE_MS = positiveInt("--deadline", opts.deadline) * 1000;
const SEED = positiveInt("--seed", opts.seed);
if (CHUNK > MAX_BULK) fatal(`--chunk ${CHUNK} is above the API's bulk limit of ${MAX_BULK} entities per request`);
/** node:sqlite (Node 22+) for the read-only peek at the event backlog; older Nodes wait for a quiet file instead. */
const DatabaseSync = Number(process.versions.node.split(".")[0]) >= 22 ? await loadSqlite() : null;

// ---- data ---------------------------------------------------------------------------------------------

function blueprint(identifier) {
  return {
    identifier,
    title: identifier,
    schema: {
      properties: {
        language: { type: "string", title: "Language", enum: LANGUAGES },
        tier: { type: "number", title: "Tier", minimum: 0, maximum: 5 },
        minTier: { type: "number", title: "Minimum tier", minimum: 0, maximum: 5 },
        runbook: { type: "string", title: "Runbook", format: "url" },
        owner: { type: "string", title: "Owner", format: "email" },
        active: { type: "boolean", title: "Active" },
      },
      required: [],
    },
    relations: { team: { title: "Team", target: "bench_team", required: false, many: false } },
  };
}

const cond = (...conditions) => ({ combinator: "and", conditions });

/** 10 rules over 4 levels: =, isNotEmpty, >=, != and a property-to-property compare; weights 1–3. */
const scorecard = {
  identifier: SCORECARD,
  title: "Bench readiness",
  levels: [
    { title: "Basic", color: "paleBlue" },
    { title: "Bronze", color: "bronze" },
    { title: "Silver", color: "silver" },
    { title: "Gold", color: "gold" },
  ],
  rules: [
    { identifier: "has_team", title: "Owned by a team", level: "Bronze", query: cond({ property: "$team", operator: "isNotEmpty" }) },
    { identifier: "has_owner", title: "Has an owner", level: "Bronze", query: cond({ property: "owner", operator: "isNotEmpty" }) },
    { identifier: "is_active", title: "Active", level: "Bronze", query: cond({ property: "active", operator: "=", value: true }) },
    {
      identifier: "has_runbook",
      title: "Has a runbook",
      level: "Silver",
      weight: 2,
      query: cond({ property: "runbook", operator: "isNotEmpty" }),
    },
    {
      identifier: "supported_language",
      title: "Supported language",
      level: "Silver",
      query: cond({ property: "language", operator: "=", value: ["go", "java", "rust", "typescript"] }),
    },
    { identifier: "tier_2", title: "Tier ≥ 2", level: "Silver", query: cond({ property: "tier", operator: ">=", value: 2 }) },
    {
      identifier: "tier_vs_min",
      title: "Tier ≥ its minimum",
      level: "Gold",
      weight: 3,
      query: cond({ property: "tier", operator: ">=", value: { property: "minTier" } }),
    },
    { identifier: "tier_4", title: "Tier ≥ 4", level: "Gold", query: cond({ property: "tier", operator: ">=", value: 4 }) },
    { identifier: "not_cobol", title: "Not COBOL", level: "Gold", query: cond({ property: "language", operator: "!=", value: "cobol" }) },
    { identifier: "titled", title: "Has a title", level: "Gold", query: cond({ property: "$title", operator: "isNotEmpty" }) },
  ],
};

function generateEntities(n, seed, prefix) {
  const rand = mulberry32(seed);
  const int = (max) => Math.floor(rand() * max);
  const entities = [];
  for (let i = 0; i < n; i++) {
    const id = `${prefix}-${String(i).padStart(6, "0")}`;
    const team = `team-${String(int(TEAM_COUNT) + 1).padStart(2, "0")}`;
    const properties = {
      language: LANGUAGES[int(LANGUAGES.length)],
      tier: int(6),
      minTier: int(6),
      active: rand() < 0.85,
    };
    if (rand() < 0.9) properties.owner = `owner${int(500)}@example.com`;
    if (rand() < 0.6) properties.runbook = `https://wiki.example.com/${id}`;
    entities.push({
      identifier: id,
      title: rand() < 0.95 ? `Service ${i}` : undefined,
      team: rand() < 0.9 ? [team] : [],
      properties,
      relations: { team },
    });
  }
  const bodies = [];
  for (let i = 0; i < entities.length; i += CHUNK) {
    const body = JSON.stringify({ entities: entities.slice(i, i + CHUNK) });
    if (Buffer.byteLength(body) > MAX_BODY_BYTES) throw new Error(`a chunk is above the API's 1 MiB body limit; use a smaller --chunk`);
    bodies.push(body);
  }
  return { entities, bodies };
}

// ---- steps --------------------------------------------------------------------------------------------

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

async function ingest(stack, bp, bodies, n) {
  log(`${bp}: sending ${n} entities in ${bodies.length} bulk request(s)…`);
  const t0 = performance.now();
  for (const [i, body] of bodies.entries()) {
    await stack.renewAuth();
    const res = await fetch(`${stack.base}/v1/blueprints/${bp}/entities/bulk`, {
      method: "POST",
      headers: { "content-type": "application/json", ...stack.authHeaders() },
      body,
    });
    const text = await res.text();
    const json = tryJson(text);
    if (res.status !== 200 || json?.ok !== true || json.entities?.length !== Math.min(CHUNK, n - i * CHUNK)) {
      throw new Error(`${bp} bulk request ${i + 1}/${bodies.length}: HTTP ${res.status}${stack.reloadNote()}: ${excerpt(json ?? text)}`);
    }
    progress(bp, i + 1, bodies.length);
  }
  const ms = performance.now() - t0;
  const listed = tryJson(await (await stack.api("GET", "/v1/blueprints")).text());
  const count = listed?.blueprints?.find((b) => b.identifier === bp)?.entityCount;
  if (count !== n) throw new Error(`after the ingest GET /v1/blueprints counts ${count} ${bp} entities, expected ${n}`);
  return { ms: round(ms), entitiesPerSecond: round(n / (ms / 1000), 0) };
}

/**
 * Waits until every claimed event range is processed and no event is left unclaimed, reading the D1 file
 * read-only (WAL: the Worker's writes are not blocked). Without node:sqlite (Node < 22), or when the file
 * cannot be read, waits instead until wrangler's state files stay unchanged for 3 s.
 */
async function drainEvents(stack) {
  const t0 = performance.now();
  const file = DatabaseSync ? findD1File(DatabaseSync, stack.persistDir) : null;
  if (DatabaseSync && !file) throw new Error(`no D1 SQLite file under ${stack.persistDir}`);
  let method = file ? "dispatch_ranges" : "state files quiet for 3 s";
  let lastLog = 0;
  let quietSince = null;
  let lastStamp = "";
  while (performance.now() - t0 < DRAIN_TIMEOUT_MS) {
    let pending = null;
    if (method === "dispatch_ranges") {
      try {
        const db = new DatabaseSync(file, { readOnly: true });
        const row = db
          .prepare(
            `SELECT (SELECT count(*) FROM dispatch_ranges WHERE done_at IS NULL) AS open,
                    (SELECT count(*) FROM audit_log WHERE id > (SELECT last_id FROM dispatch_cursor WHERE name = 'events')
                       AND resource_type IN ('entity', 'blueprint', 'run')
                       AND action IN ('CREATE', 'UPDATE', 'DELETE', 'APPROVE', 'DECLINE', 'EXPIRED')) AS unclaimed`,
          )
          .get();
        db.close();
        pending = row.open + row.unclaimed;
        if (performance.now() - lastLog > 5000) {
          log(`  events: ${row.open} open range(s), ${row.unclaimed} unclaimed event(s)`);
          lastLog = performance.now();
        }
        if (pending === 0) return { ms: round(performance.now() - t0), method };
      } catch (error) {
        log(`  cannot read the D1 file (${error instanceof Error ? error.message : error}); waiting for it to stay unchanged instead`);
        method = "state files quiet for 3 s";
      }
    } else {
      const stamp = stateFiles(stack.persistDir)
        .map((f) => `${f}:${statSync(f).mtimeMs}:${statSync(f).size}`)
        .join("|");
      if (stamp !== lastStamp) {
        lastStamp = stamp;
        quietSince = performance.now();
      } else if (quietSince !== null && performance.now() - quietSince > 3000) return { ms: round(performance.now() - t0), method };
    }
    await sleep(250);
  }
  throw new Error(`the ingest's events were not processed within ${DRAIN_TIMEOUT_MS / 1000} s`);
}

/** Every file under wrangler's persistence dir (D1 and queue state). */
function stateFiles(dir) {
  const out = [];
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop();
    if (!existsSync(current)) continue;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else out.push(full);
    }
  }
  return out.sort();
}

async function levelCounts(stack) {
  const res = await stack.api("GET", `/v1/blueprints/${SCORED}/scorecards/${SCORECARD}/results?limit=1`);
  const text = await res.text();
  const json = tryJson(text);
  if (res.status !== 200 || !Array.isArray(json?.levels))
    throw new Error(`GET …/results answered HTTP ${res.status}: ${excerpt(json ?? text)}`);
  return Object.fromEntries(json.levels.map((l) => [l.title, l.count]));
}

/** (a): POST the scorecard, then poll the results until every entity has one. */
async function fullScoring(stack) {
  log(`scoring: POST /v1/blueprints/${SCORED}/scorecards (${scorecard.rules.length} rules, ${scorecard.levels.length} levels)…`);
  const t0 = performance.now();
  const res = await stack.api("POST", `/v1/blueprints/${SCORED}/scorecards`, scorecard);
  await expectStatus(res, 201, "create the scorecard");
  const postMs = performance.now() - t0;
  let polls = 0;
  let counts = {};
  let total = 0;
  let lastLog = performance.now();
  const progressLog = [];
  while (performance.now() - t0 < DEADLINE_MS) {
    counts = await levelCounts(stack);
    polls++;
    total = Object.values(counts).reduce((a, b) => a + b, 0);
    const at = performance.now() - t0;
    if (progressLog.length === 0 || progressLog.at(-1).results !== total) progressLog.push({ ms: round(at), results: total });
    if (total >= N) {
      const ms = performance.now() - t0;
      log(`scoring: ${total} results after ${(ms / 1000).toFixed(1)} s (${polls} polls)`);
      if (total !== N) throw new Error(`the results count ${total}, more than the ${N} entities`);
      return {
        ms: round(ms),
        seconds: round(ms / 1000, 2),
        rowsPerSecond: round(N / (ms / 1000), 0),
        postMs: round(postMs),
        polls,
        counts,
        progress: progressLog,
      };
    }
    if (performance.now() - lastLog > 5000) {
      log(`  ${total}/${N} results after ${(at / 1000).toFixed(1)} s`);
      lastLog = performance.now();
    }
    await sleep(200);
  }
  throw new Error(`only ${total} of ${N} results after ${DEADLINE_MS / 1000} s${stack.reloadNote()}`);
}

async function patchOnce(stack, bp, id, tier) {
  const t = performance.now();
  const res = await stack.api("PATCH", `/v1/blueprints/${bp}/entities/${id}`, { properties: { tier } });
  const text = await res.text();
  const ms = performance.now() - t;
  if (res.status !== 200) throw new Error(`PATCH ${bp}/${id}: HTTP ${res.status}${stack.reloadNote()}: ${excerpt(tryJson(text) ?? text)}`);
  return ms;
}

async function levelOf(stack, id) {
  const json = await expectStatus(await stack.api("GET", `/v1/blueprints/${SCORED}/entities/${id}`), 200, `GET ${SCORED}/${id}`);
  return json.entity.scorecards?.[SCORECARD]?.level ?? null;
}

/** (b): the same PATCH on a scored and an unscored entity, alternating, one request at a time. */
async function writeLatency(stack, scoredId, plainId) {
  // The scored entity is made Gold-capable except for the tier, so flipping tier 5 ↔ 1 moves it Gold ↔ Bronze.
  const setup = {
    properties: { language: "go", minTier: 1, active: true, owner: "bench@example.com", runbook: "https://wiki.example.com/bench" },
    team: ["team-01"],
    title: "Bench write target",
  };
  for (const [bp, id] of [
    [SCORED, scoredId],
    [PLAIN, plainId],
  ]) {
    await expectStatus(await stack.api("PATCH", `/v1/blueprints/${bp}/entities/${id}`, setup), 200, `prepare ${bp}/${id}`);
  }
  log(`write latency: ${WARMUP} warm-up + ${PATCHES} PATCHes per blueprint, alternating…`);
  for (let i = 0; i < WARMUP; i++) {
    await patchOnce(stack, SCORED, scoredId, i % 2 === 0 ? 5 : 1);
    await patchOnce(stack, PLAIN, plainId, i % 2 === 0 ? 5 : 1);
  }
  const scored = [];
  const plain = [];
  for (let i = 0; i < PATCHES; i++) {
    await stack.renewAuth();
    const tier = i % 2 === 0 ? 5 : 1;
    // Which blueprint goes first alternates too, so neither always follows the other's background work.
    if (i % 4 < 2) {
      scored.push(await patchOnce(stack, SCORED, scoredId, tier));
      plain.push(await patchOnce(stack, PLAIN, plainId, tier));
    } else {
      plain.push(await patchOnce(stack, PLAIN, plainId, tier));
      scored.push(await patchOnce(stack, SCORED, scoredId, tier));
    }
  }
  // Sanity: the scored entity's level follows its own write at once.
  await patchOnce(stack, SCORED, scoredId, 5);
  const high = await levelOf(stack, scoredId);
  await patchOnce(stack, SCORED, scoredId, 1);
  const low = await levelOf(stack, scoredId);
  if (high !== "Gold" || low !== "Bronze")
    throw new Error(`the scored entity's level did not follow its writes (tier 5: ${high}, tier 1: ${low})`);
  const s = summary(scored);
  const p = summary(plain);
  return {
    scoredMs: s,
    plainMs: p,
    p50DeltaMs: round(s.p50 - p.p50),
    p95DeltaMs: round(s.p95 - p.p95),
    levelCheck: { tier5: high, tier1: low },
  };
}

// ---- report -------------------------------------------------------------------------------------------

function verdicts(r) {
  return [
    [
      `full scoring of ${N} entities`,
      `≤ ${TARGETS.fullScoringSeconds} s`,
      `${r.scoring.seconds} s (${r.scoring.rowsPerSecond} rows/s)`,
      r.scoring.seconds <= TARGETS.fullScoringSeconds,
    ],
    [
      "write p50 added by the scorecard",
      `≤ ${TARGETS.writeP50DeltaMs} ms`,
      `${r.writes.p50DeltaMs} ms (${r.writes.scoredMs.p50} vs ${r.writes.plainMs.p50})`,
      r.writes.p50DeltaMs <= TARGETS.writeP50DeltaMs,
    ],
  ];
}

function report(r) {
  const w = r.writes;
  const lines = [
    "",
    "Scorecards — wrangler dev (local D1 and queue)",
    `  ingest: ${N} entities per blueprint, ${CHUNK} per request: ${r.ingest.scored.entitiesPerSecond} and ${r.ingest.plain.entitiesPerSecond} entities/s; events drained ${(r.drain.ms / 1000).toFixed(1)} s later (${r.drain.method})`,
    `  full scoring: POST ${r.scoring.postMs} ms; all ${N} results after ${r.scoring.seconds} s = ${r.scoring.rowsPerSecond} rows/s; levels ${JSON.stringify(r.scoring.counts)}`,
    `  PATCH with the scorecard:    p50 ${w.scoredMs.p50} ms, p95 ${w.scoredMs.p95} ms, max ${w.scoredMs.max} ms (n ${w.scoredMs.n})`,
    `  PATCH without a scorecard:   p50 ${w.plainMs.p50} ms, p95 ${w.plainMs.p95} ms, max ${w.plainMs.max} ms (n ${w.plainMs.n})`,
    `  difference: p50 ${w.p50DeltaMs} ms, p95 ${w.p95DeltaMs} ms`,
    "",
    `  ${"figure".padEnd(36)}${"target".padEnd(12)}${"measured".padEnd(32)}verdict`,
  ];
  for (const [name, target, value, pass] of verdicts(r))
    lines.push(`  ${name.padEnd(36)}${target.padEnd(12)}${value.padEnd(32)}${pass ? "PASS" : "FAIL"}`);
  console.log(lines.join("\n"));
}

// ---- main ---------------------------------------------------------------------------------------------

async function main(stacks) {
  log(`bench scorecards: n=${N} per blueprint, chunk=${CHUNK}, patches=${PATCHES}, seed=${SEED}, node ${process.version}`);
  const stack = new Stack({ keep: opts.keep, prefix: "edge-portal-bench-scorecards-" });
  stacks.push(stack);
  stack.snapshot();
  stack.migrate();
  const readyMs = await stack.start();

  await expectStatus(
    await stack.api("POST", "/v1/blueprints", { identifier: "bench_team", title: "Bench team", schema: { properties: {} } }),
    201,
    "create blueprint bench_team",
  );
  const teams = Array.from({ length: TEAM_COUNT }, (_, i) => ({ name: `team-${String(i + 1).padStart(2, "0")}` }));
  for (const t of teams) await expectStatus(await stack.api("POST", "/v1/teams", t), 201, `create team ${t.name}`);
  await expectStatus(
    await stack.api("POST", "/v1/blueprints/bench_team/entities/bulk", {
      entities: teams.map((t) => ({ identifier: t.name, title: t.name })),
    }),
    200,
    "create bench_team entities",
  );
  for (const bp of [SCORED, PLAIN])
    await expectStatus(await stack.api("POST", "/v1/blueprints", blueprint(bp)), 201, `create blueprint ${bp}`);

  const scoredData = generateEntities(N, SEED, "s");
  const plainData = generateEntities(N, SEED, "p");
  const ingestScored = await ingest(stack, SCORED, scoredData.bodies, N);
  const ingestPlain = await ingest(stack, PLAIN, plainData.bodies, N);
  log("waiting for the event pipeline to process the ingest's events…");
  const drain = await drainEvents(stack);
  log(`events processed after ${(drain.ms / 1000).toFixed(1)} s`);

  const scoring = await fullScoring(stack);
  const target = Math.floor(N / 2);
  const writes = await writeLatency(stack, scoredData.entities[target].identifier, plainData.entities[target].identifier);
  if (stack.server.reloads > 0) throw new Error("wrangler dev reloaded the Worker during the run; the figures are not valid, run again");

  const result = { ingest: { scored: ingestScored, plain: ingestPlain }, drain, scoring, writes };
  report(result);
  const date = new Date();
  const file = writeResults(
    "scorecards",
    {
      benchmark: "scorecards",
      date: date.toISOString(),
      command: `node bench/scorecards.mjs ${process.argv.slice(2).join(" ")}`.trim(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpu: cpus()[0]?.model ?? "unknown",
      cpuCount: cpus().length,
      wrangler: wranglerVersion(),
      revision: stack.revision ?? gitRevision(),
      serverReadyMs: round(readyMs),
      options: { n: N, chunk: CHUNK, patches: PATCHES, warmup: WARMUP, deadlineMs: DEADLINE_MS, seed: SEED },
      scorecard: { rules: scorecard.rules.length, levels: scorecard.levels.map((l) => l.title) },
      targets: TARGETS,
      ...result,
      verdicts: verdicts(result).map(([figure, target, value, pass]) => ({ figure, target, value, pass })),
    },
    date,
  );
  console.log(`\nresults written to ${file}`);
}

await runBench(main);
