// `npm run bench`: bulk entity creation through the API versus the same rows written straight into SQLite.
//
// 1. Snapshots the app into a temporary dir (so edits elsewhere in the checkout cannot restart the Worker
//    mid-run), applies the D1 migrations into a fresh persistence dir there, and starts `wrangler dev`
//    (workerd, local D1) on a free port. The snapshot's .dev.vars bootstraps a throwaway admin and API
//    client, and the bench signs in with them (POST /v1/auth/access_token) and sends a bearer token.
// 2. Creates two blueprints (bench_team, bench_service with a `team` relation) and 20 teams.
// 3. Sends N deterministic bench_service entities to POST /v1/blueprints/bench_service/entities/bulk in
//    sequential chunks and times the whole ingest.
// 4. Writes the same rows (entities, entity_values, relations, audit_log) into a plain SQLite file with
//    node:sqlite and prepared statements, one transaction per chunk, and times that too.
// 5. Prints API entities/s, raw entities/s, their ratio and the targets, and saves the figures as JSON in
//    bench/results/. See bench/README.md for what the figures mean and their caveats.
//
// Options: --n <entities> (10000), --chunk <entities per request> (1000, at most 1000), --seed <int> (42),
//          --keep (keep the temporary dir for inspection).

import { spawn, spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const binDir = join(root, "node_modules", ".bin");
const wrangler = join(binDir, "wrangler");

/** Targets this benchmark checks. */
const TARGET_API_ENTITIES_PER_S = 3000;
const TARGET_MAX_RATIO = 10;
/** The API's own limits (src/routes/api/entities.ts MAX_BULK, src/middleware/json-body.ts MAX_BODY_BYTES). */
const MAX_BULK = 1000;
const MAX_BODY_BYTES = 1024 * 1024;

const READY_TIMEOUT_MS = 60_000;
/**
 * The throwaway admin and API client this run's Worker bootstraps from its secrets (see
 * src/domain/identity/bootstrap.ts); the bench exchanges the client credentials for a bearer token. Fresh
 * random secrets every run, written only into the temporary snapshot's .dev.vars.
 */
const BENCH_CLIENT_ID = "epci_bench";
const benchSecrets = {
  AUTH_SIGNING_KEY: randomBytes(32).toString("hex"),
  PORTAL_ADMIN_EMAIL: "bench-admin@portal.test",
  PORTAL_CLIENT_ID: BENCH_CLIENT_ID,
  PORTAL_CLIENT_SECRET: `epcs_${randomBytes(24).toString("hex")}`,
};
/** The Authorization header for API calls (null while the Worker lets anonymous calls through). */
const auth = { header: null, renewAt: Infinity };
const TEAM_COUNT = 20;
const LANGUAGES = ["go", "python", "typescript", "java", "rust"];
const TAG_POOL = ["critical", "internal", "public", "pci", "gdpr", "beta", "legacy", "batch", "api", "frontend"];

// ---- options ------------------------------------------------------------------------------------------

const { values: opts } = parseArgs({
  options: {
    n: { type: "string", default: "10000" },
    chunk: { type: "string", default: "1000" },
    seed: { type: "string", default: "42" },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opts.help) {
  console.log("usage: npm run bench -- [--n 10000] [--chunk 1000] [--seed 42] [--keep]");
  process.exit(0);
}
const N = positiveInt("--n", opts.n);
const CHUNK = positiveInt("--chunk", opts.chunk);
const SEED = positiveInt("--seed", opts.seed);
if (CHUNK > MAX_BULK) fatal(`--chunk ${CHUNK} is above the API's bulk limit of ${MAX_BULK} entities per request`);
if (Number(process.versions.node.split(".")[0]) < 22) {
  fatal(`Node ${process.versions.node} has no node:sqlite; run with Node 22+ (\`npm run bench\` uses node_modules/.bin/node)`);
}

// node:sqlite prints an ExperimentalWarning on load in Node 22; it is noise here.
const emitWarning = process.emitWarning;
process.emitWarning = function quietSqliteWarning(warning, ...rest) {
  const message = typeof warning === "string" ? warning : warning?.message;
  if (typeof message === "string" && message.includes("SQLite is an experimental")) return;
  return emitWarning.call(process, warning, ...rest);
};
const { DatabaseSync } = await import("node:sqlite");

// Wrangler's launcher is `#!/usr/bin/env node`: make sure it finds this Node (22), not an older system one.
const env = {
  ...process.env,
  PATH: [dirname(process.execPath), binDir, process.env.PATH ?? ""].join(delimiter),
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  CI: "true",
};

// ---- the benchmark -------------------------------------------------------------------------------------

async function main() {
  log(`bench: N=${N}, chunk=${CHUNK}, seed=${SEED}, node ${process.version}`);
  log(`work dir: ${workDir}`);

  const data = generateData(N, SEED);

  // -- API ------------------------------------------------------------------------------------------------
  // wrangler dev rebuilds and restarts the Worker whenever a watched source file changes, which kills the
  // request in flight (and the CLI cannot turn watching off). Serving a snapshot of the app taken now keeps
  // edits made elsewhere in the checkout during the run out of the measurement.
  snapshotApp(appDir);
  log("applying D1 migrations (wrangler d1 migrations apply --local)…");
  runChecked(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir]);

  const port = await freePort();
  const inspectorPort = await freePort();
  const base = `http://127.0.0.1:${port}`;
  log(`starting wrangler dev on ${base}…`);
  server = startServer([
    "dev",
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--inspector-port",
    String(inspectorPort),
    "--persist-to",
    persistDir,
    "--show-interactive-dev-session=false",
  ]);
  const readyMs = await waitForServer(base);
  log(`server ready after ${(readyMs / 1000).toFixed(1)} s${auth.header ? " (signed in as the bench admin)" : ""}`);

  await expectStatus(await api(base, "POST", "/v1/blueprints", data.teamBlueprint), 201, "create blueprint bench_team");
  await expectStatus(await api(base, "POST", "/v1/blueprints", data.serviceBlueprint), 201, "create blueprint bench_service");
  const teamsRes = await api(base, "POST", "/v1/blueprints/bench_team/entities/bulk", { entities: data.teams });
  await expectStatus(teamsRes, 200, `create ${TEAM_COUNT} bench_team entities`);

  const bodies = data.chunks.map((entities) => JSON.stringify({ entities }));
  bodies.forEach((body, i) => {
    const bytes = Buffer.byteLength(body);
    if (bytes > MAX_BODY_BYTES) {
      throw new Error(`chunk ${i + 1} is ${bytes} bytes, above the API's 1 MiB body limit; use a smaller --chunk`);
    }
  });

  log(`API: sending ${N} entities in ${bodies.length} bulk request(s)…`);
  const apiChunkMs = [];
  const apiStart = performance.now();
  for (const [i, body] of bodies.entries()) {
    const chunkSize = data.chunks[i].length;
    if (Date.now() > auth.renewAt) await signIn(base); // long runs outlive the 1-hour token
    const t = performance.now();
    const res = await fetch(`${base}/v1/blueprints/bench_service/entities/bulk`, {
      method: "POST",
      headers: { "content-type": "application/json", ...authHeaders() },
      body,
    });
    const text = await res.text();
    apiChunkMs.push(performance.now() - t);
    const json = tryJson(text);
    const where = `bulk request ${i + 1}/${bodies.length} (entities ${i * CHUNK}..${i * CHUNK + chunkSize - 1})`;
    if (res.status !== 200 || json?.ok !== true) {
      const reloaded = server.reloads > 0 ? " (wrangler dev reloaded the Worker meanwhile)" : "";
      throw new Error(`${where} answered HTTP ${res.status}, expected 200 with ok:true${reloaded}: ${excerpt(json ?? text)}`);
    }
    if (!Array.isArray(json.entities) || json.entities.length !== chunkSize) {
      throw new Error(`${where} reported ${json.entities?.length ?? "no"} written entities, expected ${chunkSize}`);
    }
    progress("API", i + 1, bodies.length);
  }
  const apiMs = performance.now() - apiStart;
  if (server.reloads > 0) throw new Error("wrangler dev reloaded the Worker during the ingest; the timing is not valid, run again");

  const listed = tryJson(await (await api(base, "GET", "/v1/blueprints")).text());
  const count = listed?.blueprints?.find((b) => b.identifier === "bench_service")?.entityCount;
  if (count !== N) throw new Error(`after the ingest GET /v1/blueprints counts ${count} bench_service entities, expected ${N}`);
  // Who the API recorded as author (createdBy, audit actor): the raw rows carry the same.
  const first = await expectStatus(
    await api(base, "GET", `/v1/blueprints/bench_service/entities/${data.entities[0].identifier}`),
    200,
    "read back the first entity",
  );
  const actor = first.entity.createdBy;

  await stopServer();

  // -- raw SQLite -------------------------------------------------------------------------------------------
  log(`raw SQLite: inserting the same ${N} entities in ${data.chunks.length} transaction(s)…`);
  const rawPath = join(workDir, "raw.sqlite");
  const raw = rawInsert(rawPath, data, actor);

  // -- parity: did the raw run write what the API wrote? ------------------------------------------------
  const parity = compareRowCounts(findD1File(persistDir), rawPath);

  report({ data, apiMs, apiChunkMs, rawMs: raw.ms, rawChunkMs: raw.chunkMs, readyMs, parity });
}

// ---- data ---------------------------------------------------------------------------------------------

/** Deterministic PRNG (mulberry32): the same seed gives the same entities on every machine. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generateData(n, seed) {
  const rand = mulberry32(seed);
  const int = (max) => Math.floor(rand() * max); // 0 … max-1

  const teamBlueprint = {
    identifier: "bench_team",
    title: "Bench team",
    schema: { properties: { slack: { type: "string", title: "Slack channel" } }, required: [] },
  };
  const serviceBlueprint = {
    identifier: "bench_service",
    title: "Bench service",
    schema: {
      properties: {
        language: { type: "string", title: "Language", enum: LANGUAGES },
        tier: { type: "number", title: "Tier", minimum: 0, maximum: 5 },
        url: { type: "string", title: "URL", format: "url" },
        owner: { type: "string", title: "Owner", format: "email" },
        active: { type: "boolean", title: "Active" },
        tags: { type: "array", title: "Tags", items: { type: "string" } },
      },
      required: [],
    },
    relations: { team: { title: "Team", target: "bench_team", required: false, many: false } },
  };

  const teams = Array.from({ length: TEAM_COUNT }, (_, i) => {
    const id = `team-${String(i + 1).padStart(2, "0")}`;
    return { identifier: id, title: `Team ${i + 1}`, properties: { slack: `#${id}` } };
  });

  const entities = [];
  for (let i = 0; i < n; i++) {
    const team = teams[int(TEAM_COUNT)].identifier;
    const tags = [];
    const tagCount = int(5); // 0–4 distinct tags
    while (tags.length < tagCount) {
      const tag = TAG_POOL[int(TAG_POOL.length)];
      if (!tags.includes(tag)) tags.push(tag);
    }
    const id = `svc-${String(i).padStart(6, "0")}`;
    entities.push({
      identifier: id,
      title: `Service ${i}`,
      team: [team], // owning team: indexed as a `$team` value row
      properties: {
        language: LANGUAGES[int(LANGUAGES.length)],
        tier: int(6),
        url: `https://${id}.example.com/`,
        owner: `owner${int(500)}@example.com`,
        active: rand() < 0.8,
        tags,
      },
      relations: { team },
    });
  }
  const chunks = [];
  for (let i = 0; i < entities.length; i += CHUNK) chunks.push(entities.slice(i, i + CHUNK));
  return { teamBlueprint, serviceBlueprint, teams, entities, chunks };
}

// ---- raw SQLite ---------------------------------------------------------------------------------------

/**
 * Writes what the API's write path writes for each new entity (src/domain/catalog/entity-write.ts,
 * src/db/entity-store.ts, src/db/audit-store.ts): the entity row, one entity_values row per scalar value and
 * per array element plus one `$team` row per owning team (src/domain/catalog/entity-values.ts), the relation
 * row, and a CREATE audit row whose `after` is the entity as the API returns it.
 */
function rawInsert(path, data, actor) {
  const db = new DatabaseSync(path); // foreign keys on by default, as in D1
  for (const file of readdirSync(join(appDir, "migrations"))
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    db.exec(readFileSync(join(appDir, "migrations", file), "utf8"));
  }

  const insBlueprint = db.prepare(
    `INSERT INTO blueprints (identifier, title, icon, description, definition, version, created_at, updated_at, created_by, updated_by)
     VALUES (?, ?, NULL, NULL, ?, 1, ?, ?, ?, ?)`,
  );
  const insEntity = db.prepare(
    `INSERT INTO entities (blueprint, identifier, title, icon, team, properties, version, created_at, updated_at, created_by, updated_by)
     VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
  );
  const insValue = db.prepare("INSERT INTO entity_values (entity_id, blueprint, property, str, num) VALUES (?, ?, ?, ?, ?)");
  const insRelation = db.prepare("INSERT INTO relations (source_id, relation, target_id, position) VALUES (?, ?, ?, ?)");
  const insAudit = db.prepare(
    `INSERT INTO audit_log (at, actor, origin, action, resource_type, blueprint, entity, before, after, request_id)
     VALUES (?, ?, 'API', 'CREATE', 'entity', ?, ?, NULL, ?, ?)`,
  );

  const schemaKeys = {
    bench_team: new Set(Object.keys(data.teamBlueprint.schema.properties)),
    bench_service: new Set(Object.keys(data.serviceBlueprint.schema.properties)),
  };
  const relationsOf = { bench_team: {}, bench_service: data.serviceBlueprint.relations };
  const teamIds = new Map();

  /** One entity with its values, relations and audit row. */
  const writeEntity = (blueprint, e, now, requestId) => {
    const properties = Object.fromEntries(Object.entries(e.properties ?? {}).filter(([, v]) => v !== null && v !== undefined));
    const team = e.team ?? [];
    const { lastInsertRowid } = insEntity.run(
      blueprint,
      e.identifier,
      e.title ?? null,
      null,
      JSON.stringify(team),
      JSON.stringify(properties),
      now,
      now,
      actor,
      actor,
    );
    const id = Number(lastInsertRowid);
    for (const [key, value] of Object.entries(properties)) {
      if (!schemaKeys[blueprint].has(key)) continue;
      for (const v of Array.isArray(value) ? value : [value]) {
        if (typeof v === "string") {
          if (v.length <= 512) insValue.run(id, blueprint, key, v, null);
        } else if (typeof v === "number") insValue.run(id, blueprint, key, null, v);
        else if (typeof v === "boolean") insValue.run(id, blueprint, key, v ? "true" : "false", v ? 1 : 0);
      }
    }
    for (const t of team) insValue.run(id, blueprint, "$team", t, null);
    const shaped = {};
    for (const [key, def] of Object.entries(relationsOf[blueprint])) {
      const given = e.relations?.[key];
      const ids = given === undefined || given === null ? [] : [...new Set([given].flat())];
      ids.forEach((target, position) => {
        insRelation.run(id, key, teamIds.get(target), position);
      });
      shaped[key] = def.many ? ids : (ids[0] ?? null);
    }
    const after = {
      blueprint,
      identifier: e.identifier,
      title: e.title ?? null,
      icon: null,
      team,
      properties,
      version: 1,
      createdAt: now,
      createdBy: actor,
      updatedAt: now,
      updatedBy: actor,
      relations: shaped,
    };
    insAudit.run(now, actor, blueprint, e.identifier, JSON.stringify(after), requestId);
    return id;
  };

  // Setup, not timed (the API side does it before its clock starts too).
  const setupAt = new Date().toISOString();
  db.exec("BEGIN");
  for (const bp of [data.teamBlueprint, data.serviceBlueprint]) {
    const definition = {
      schema: { properties: bp.schema.properties, required: bp.schema.required },
      relations: bp.relations ?? {},
      mirrorProperties: {},
      calculationProperties: {},
      aggregationProperties: {},
      formulaProperties: {},
    };
    insBlueprint.run(bp.identifier, bp.title, JSON.stringify(definition), setupAt, setupAt, actor, actor);
  }
  for (const t of data.teams) teamIds.set(t.identifier, writeEntity("bench_team", t, setupAt, `req_${randomUUID()}`));
  db.exec("COMMIT");

  const chunkMs = [];
  const start = performance.now();
  for (const [i, chunk] of data.chunks.entries()) {
    const t = performance.now();
    const now = new Date().toISOString();
    const requestId = `req_${randomUUID()}`;
    db.exec("BEGIN");
    try {
      for (const e of chunk) writeEntity("bench_service", e, now, requestId);
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw new Error(`raw SQLite chunk ${i + 1}: ${error instanceof Error ? error.message : String(error)}`);
    }
    chunkMs.push(performance.now() - t);
  }
  const ms = performance.now() - start;
  db.close();
  return { ms, chunkMs };
}

// ---- parity check -------------------------------------------------------------------------------------

/** The SQLite file under wrangler's persistence dir that holds the catalog tables. */
function findD1File(dir) {
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop();
    if (!existsSync(current)) continue;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.name.endsWith(".sqlite") && hasCatalog(full)) return full;
    }
  }
  return null;
}

function hasCatalog(file) {
  try {
    const db = new DatabaseSync(file);
    const row = db.prepare("SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = 'entity_values'").get();
    db.close();
    return row !== undefined;
  } catch {
    return false;
  }
}

const PARITY_QUERIES = {
  entities: "SELECT COUNT(*) AS n FROM entities WHERE blueprint = 'bench_service'",
  entity_values: "SELECT COUNT(*) AS n FROM entity_values WHERE blueprint = 'bench_service'",
  "entity_values (str)": "SELECT COUNT(str) AS n FROM entity_values WHERE blueprint = 'bench_service'",
  "entity_values (num sum)": "SELECT TOTAL(num) AS n FROM entity_values WHERE blueprint = 'bench_service'",
  relations: "SELECT COUNT(*) AS n FROM relations r JOIN entities e ON e.id = r.source_id WHERE e.blueprint = 'bench_service'",
  audit_log: "SELECT COUNT(*) AS n FROM audit_log WHERE blueprint = 'bench_service' AND resource_type = 'entity' AND action = 'CREATE'",
};

/** Row counts of the API's database next to the raw one: the baseline is only fair if they match. */
function compareRowCounts(d1File, rawFile) {
  if (!d1File) return { checked: false, note: "wrangler's D1 SQLite file was not found; parity not checked" };
  const d1 = new DatabaseSync(d1File);
  const raw = new DatabaseSync(rawFile);
  const rows = Object.entries(PARITY_QUERIES).map(([name, query]) => {
    const api = d1.prepare(query).get().n;
    const direct = raw.prepare(query).get().n;
    return { name, api, raw: direct, same: api === direct };
  });
  // One entity's stored JSON, timestamps aside: the raw rows carry the same documents as the API's.
  const sampleQuery = `SELECT e.team, e.properties, a.after FROM entities e JOIN audit_log a ON a.entity = e.identifier AND a.blueprint = e.blueprint
    WHERE e.blueprint = 'bench_service' AND e.identifier = 'svc-000000'`;
  const normalise = (row) => {
    if (!row) return null;
    const { createdAt: _c, updatedAt: _u, ...after } = JSON.parse(row.after);
    return JSON.stringify({ team: row.team, properties: row.properties, after });
  };
  const sampleSame = normalise(d1.prepare(sampleQuery).get()) === normalise(raw.prepare(sampleQuery).get());
  rows.push({ name: "svc-000000 JSON", api: "-", raw: "-", same: sampleSame });
  d1.close();
  raw.close();
  return { checked: true, same: rows.every((r) => r.same), rows };
}

// ---- report -------------------------------------------------------------------------------------------

function report({ data, apiMs, apiChunkMs, rawMs, rawChunkMs, readyMs, parity }) {
  const apiRate = N / (apiMs / 1000);
  const rawRate = N / (rawMs / 1000);
  const ratio = apiMs / rawMs;
  const apiPass = apiRate >= TARGET_API_ENTITIES_PER_S;
  const ratioPass = ratio <= TARGET_MAX_RATIO;
  const verdict = (pass) => (pass ? "PASS" : "FAIL");
  const fmt = (x, digits = 0) => x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const valuesPerEntity = parity.checked ? parity.rows.find((r) => r.name === "entity_values")?.raw / N : undefined;

  const lines = [
    "",
    "Bulk entity create — API (wrangler dev, local D1) vs raw SQLite (node:sqlite)",
    "-----------------------------------------------------------------------------",
    `entities (N)            ${fmt(N)}`,
    `chunk size              ${fmt(CHUNK)} entities per request / transaction (${data.chunks.length} chunks)`,
    `API                     ${fmt(apiMs / 1000, 2)} s   ${fmt(apiRate)} entities/s   per request: ${latency(apiChunkMs)}`,
    `raw SQLite              ${fmt(rawMs / 1000, 2)} s   ${fmt(rawRate)} entities/s   per transaction: ${latency(rawChunkMs)}`,
    `ratio API/raw (time)    ${fmt(ratio, 1)}x`,
    "",
    `${`target: API >= ${fmt(TARGET_API_ENTITIES_PER_S)} entities/s`.padEnd(36)}${verdict(apiPass)}  (${fmt(apiRate)} entities/s)`,
    `${`target: ratio API/raw <= ${TARGET_MAX_RATIO}`.padEnd(36)}${verdict(ratioPass)}  (${fmt(ratio, 1)}x)`,
    "",
  ];
  if (parity.checked) {
    lines.push(`row parity API vs raw    ${parity.same ? "same rows" : "DIFFERENT rows: the baseline does not mirror the API"}`);
    for (const r of parity.rows) {
      const mark = r.same ? "same" : "DIFFERENT";
      lines.push(`  ${r.name.padEnd(24)} api ${String(r.api).padStart(9)}   raw ${String(r.raw).padStart(9)}   ${mark}`);
    }
  } else {
    lines.push(`row parity: ${parity.note}`);
  }
  console.log(lines.join("\n"));

  const date = new Date();
  const results = {
    benchmark: "bulk-create",
    date: date.toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model ?? "unknown",
    cpuCount: cpus().length,
    wrangler: wranglerVersion(),
    n: N,
    chunk: CHUNK,
    chunks: data.chunks.length,
    seed: SEED,
    valuesPerEntity,
    serverReadyMs: round(readyMs),
    auth: "bearer token (client credentials)",
    api: { ms: round(apiMs), entitiesPerSecond: round(apiRate), chunkMs: apiChunkMs.map((x) => round(x)) },
    raw: { ms: round(rawMs), entitiesPerSecond: round(rawRate), chunkMs: rawChunkMs.map((x) => round(x)) },
    ratio: round(ratio, 2),
    targets: {
      apiEntitiesPerSecond: { target: TARGET_API_ENTITIES_PER_S, value: round(apiRate), pass: apiPass },
      maxRatio: { target: TARGET_MAX_RATIO, value: round(ratio, 2), pass: ratioPass },
    },
    parity,
  };
  const dir = join(root, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const stamp = date
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replaceAll(":", "-");
  const file = join(dir, `bulk-create-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nresults written to ${file.slice(root.length + 1)}`);
}

function latency(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const r = Math.round;
  return `min ${r(sorted[0])} / median ${r(at(0.5))} / max ${r(sorted[sorted.length - 1])} ms (first ${r(ms[0])}, last ${r(ms[ms.length - 1])})`;
}

function round(x, digits = 1) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function wranglerVersion() {
  try {
    return JSON.parse(readFileSync(join(root, "node_modules", "wrangler", "package.json"), "utf8")).version;
  } catch {
    return "unknown";
  }
}

// ---- server -------------------------------------------------------------------------------------------

/** Entries of the checkout the snapshot leaves out (node_modules is linked, not copied). */
const NOT_SNAPSHOTTED = new Set(["node_modules", "bench", "test", "docs"]);

/**
 * Copies the app (src, views, migrations, public, wrangler.toml, package.json, …) into `dir` and links
 * node_modules. Hidden entries (.git, .wrangler, the developer's .dev.vars) stay behind; the snapshot gets
 * its own .dev.vars with this run's throwaway identity secrets.
 */
function snapshotApp(dir) {
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(root)) {
    if (entry.startsWith(".") || NOT_SNAPSHOTTED.has(entry)) continue;
    cpSync(join(root, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  const devVars = Object.entries(benchSecrets).map(([k, v]) => `${k}=${v}\n`);
  writeFileSync(join(dir, ".dev.vars"), devVars.join(""), { mode: 0o600 });
}

function runChecked(command, args) {
  const r = spawnSync(command, args, { cwd: appDir, env, encoding: "utf8" });
  if (r.status !== 0) {
    const output = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n").slice(-30).join("\n");
    throw new Error(`wrangler ${args.join(" ")} exited with ${r.status ?? r.signal}:\n${output}`);
  }
}

/** Starts wrangler in its own process group so it and workerd can be stopped together. */
function startServer(args) {
  const child = spawn(wrangler, args, { cwd: appDir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const state = { child, log: [], exited: false, exitCode: null, reloads: 0 };
  const keep = (chunk) => {
    for (const line of chunk.toString().split("\n")) {
      if (line.trim() === "") continue;
      if (line.includes("Reloading local server")) state.reloads++;
      state.log.push(line);
      if (state.log.length > 200) state.log.shift();
    }
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.on("exit", (code, signal) => {
    state.exited = true;
    state.exitCode = code ?? signal;
  });
  return state;
}

/**
 * Waits (at most READY_TIMEOUT_MS) until GET /v1/blueprints answers 200, signing in with the bench admin's
 * client credentials when it answers 401.
 */
async function waitForServer(base) {
  const start = performance.now();
  let status = null;
  while (performance.now() - start < READY_TIMEOUT_MS) {
    if (server?.exited) throw new Error(`wrangler dev exited (${server.exitCode}) before answering`);
    try {
      const res = await fetch(`${base}/v1/blueprints`, { headers: authHeaders(), signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      status = res.status;
      if (status === 200) return performance.now() - start;
      if (status === 401 && !auth.header) await signIn(base);
    } catch (error) {
      if (error instanceof BenchError) throw error;
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(
    `wrangler dev did not answer GET /v1/blueprints with 200 within ${READY_TIMEOUT_MS / 1000} s (last status: ${status ?? "no answer"})`,
  );
}

/** Exchanges the bench admin's client credentials for an access token (POST /v1/auth/access_token). */
async function signIn(base) {
  const res = await fetch(`${base}/v1/auth/access_token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId: benchSecrets.PORTAL_CLIENT_ID, clientSecret: benchSecrets.PORTAL_CLIENT_SECRET }),
  });
  const text = await res.text();
  const json = tryJson(text);
  if (res.status !== 200 || typeof json?.accessToken !== "string") {
    throw new BenchError(`signing in (POST /v1/auth/access_token) answered HTTP ${res.status}: ${excerpt(json ?? text)}`);
  }
  auth.header = `Bearer ${json.accessToken}`;
  auth.renewAt = Date.now() + 0.8 * 1000 * (Number(json.expiresIn) || 3600);
}

function authHeaders() {
  return auth.header ? { authorization: auth.header } : {};
}

/** An error that ends waiting at once (not a "server not up yet" retry). */
class BenchError extends Error {}

async function stopServer() {
  if (!server || server.exited) return;
  const pid = server.child.pid;
  signalGroup(pid, "SIGTERM");
  for (let i = 0; i < 50 && !server.exited; i++) await sleep(100);
  if (!server.exited) {
    signalGroup(pid, "SIGKILL");
    for (let i = 0; i < 20 && !server.exited; i++) await sleep(100);
  }
  // workerd may outlive wrangler for a moment; make sure nothing of the group is left.
  signalGroup(pid, "SIGKILL");
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal); // the group wrangler leads (detached: true)
  } catch {
    // already gone
  }
}

async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  await stopServer();
  if (opts.keep) log(`kept ${workDir}`);
  else {
    // Unlink the node_modules link first so nothing below can ever reach into the real node_modules.
    rmSync(join(appDir, "node_modules"), { force: true });
    rmSync(workDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

// ---- helpers ------------------------------------------------------------------------------------------

async function api(base, method, path, body) {
  return fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...authHeaders() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function expectStatus(res, status, what) {
  const text = await res.text();
  const json = tryJson(text);
  if (res.status !== status || json?.ok !== true) {
    throw new Error(`${what}: HTTP ${res.status} (expected ${status}): ${excerpt(json ?? text)}`);
  }
  return json;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function tryJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function excerpt(value) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 1500 ? `${text.slice(0, 1500)}…` : text;
}

function progress(label, done, total) {
  const step = Math.max(1, Math.round(total / 10));
  if (done === total || done % step === 0) log(`${label}: ${done}/${total} requests done`);
}

function positiveInt(name, raw) {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) fatal(`${name} must be a positive integer (got '${raw}')`);
  return n;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function log(message) {
  console.error(message);
}

function fatal(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

// ---- run ----------------------------------------------------------------------------------------------

const workDir = mkdtempSync(join(tmpdir(), "edge-portal-bench-"));
const persistDir = join(workDir, "wrangler-state");
const appDir = join(workDir, "app");
/** @type {{ child: import("node:child_process").ChildProcess, log: string[], exited: boolean } | null} */
let server = null;
let cleaned = false;

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    console.error(`\n${signal}: stopping`);
    await cleanup();
    process.exit(130);
  });
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  exitCode = 1;
  console.error(`\nbench failed: ${error instanceof Error ? error.message : String(error)}`);
  if (server && server.log.length > 0) {
    console.error(`\n--- last lines of wrangler dev output ---\n${server.log.slice(-40).join("\n")}\n---`);
  }
} finally {
  await cleanup();
}
process.exit(exitCode);
