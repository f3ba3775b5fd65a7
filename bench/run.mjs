// `npm run bench:bulk` (and the first half of `npm run bench`): bulk entity creation through the API versus the same rows written straight into SQLite.
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

import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  excerpt,
  expectStatus,
  fatal,
  findD1File,
  gitRevision,
  latency,
  loadSqlite,
  log,
  MAX_BODY_BYTES,
  MAX_BULK,
  mulberry32,
  positiveInt,
  progress,
  round,
  runBench,
  Stack,
  tryJson,
  wranglerVersion,
  writeResults,
} from "./lib/stack.mjs";

/** Targets this benchmark checks. */
const TARGET_API_ENTITIES_PER_S = 3000;
const TARGET_MAX_RATIO = 10;

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
  console.log("usage: npm run bench:bulk -- [--n 10000] [--chunk 1000] [--seed 42] [--keep]");
  process.exit(0);
}
const N = positiveInt("--n", opts.n);
const CHUNK = positiveInt("--chunk", opts.chunk);
const SEED = positiveInt("--seed", opts.seed);
if (CHUNK > MAX_BULK) fatal(`--chunk ${CHUNK} is above the API's bulk limit of ${MAX_BULK} entities per request`);
const DatabaseSync = await loadSqlite();

// ---- the benchmark -------------------------------------------------------------------------------------

async function main(stacks) {
  const stack = new Stack({ keep: opts.keep });
  stacks.push(stack);
  log(`bench: N=${N}, chunk=${CHUNK}, seed=${SEED}, node ${process.version}`);
  log(`work dir: ${stack.workDir}`);

  const data = generateData(N, SEED);

  // -- API ------------------------------------------------------------------------------------------------
  stack.snapshot();
  stack.migrate();
  const readyMs = await stack.start();

  await expectStatus(await stack.api("POST", "/v1/blueprints", data.teamBlueprint), 201, "create blueprint bench_team");
  await expectStatus(await stack.api("POST", "/v1/blueprints", data.serviceBlueprint), 201, "create blueprint bench_service");
  const teamsRes = await stack.api("POST", "/v1/blueprints/bench_team/entities/bulk", { entities: data.teams });
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
    await stack.renewAuth();
    const t = performance.now();
    const res = await fetch(`${stack.base}/v1/blueprints/bench_service/entities/bulk`, {
      method: "POST",
      headers: { "content-type": "application/json", ...stack.authHeaders() },
      body,
    });
    const text = await res.text();
    apiChunkMs.push(performance.now() - t);
    const json = tryJson(text);
    const where = `bulk request ${i + 1}/${bodies.length} (entities ${i * CHUNK}..${i * CHUNK + chunkSize - 1})`;
    if (res.status !== 200 || json?.ok !== true) {
      throw new Error(`${where} answered HTTP ${res.status}, expected 200 with ok:true${stack.reloadNote()}: ${excerpt(json ?? text)}`);
    }
    if (!Array.isArray(json.entities) || json.entities.length !== chunkSize) {
      throw new Error(`${where} reported ${json.entities?.length ?? "no"} written entities, expected ${chunkSize}`);
    }
    progress("API", i + 1, bodies.length);
  }
  const apiMs = performance.now() - apiStart;
  if (stack.server.reloads > 0) throw new Error("wrangler dev reloaded the Worker during the ingest; the timing is not valid, run again");

  const listed = tryJson(await (await stack.api("GET", "/v1/blueprints")).text());
  const count = listed?.blueprints?.find((b) => b.identifier === "bench_service")?.entityCount;
  if (count !== N) throw new Error(`after the ingest GET /v1/blueprints counts ${count} bench_service entities, expected ${N}`);
  // Who the API recorded as author (createdBy, audit actor): the raw rows carry the same.
  const first = await expectStatus(
    await stack.api("GET", `/v1/blueprints/bench_service/entities/${data.entities[0].identifier}`),
    200,
    "read back the first entity",
  );
  const actor = first.entity.createdBy;

  await stack.stop();

  // -- raw SQLite -------------------------------------------------------------------------------------------
  log(`raw SQLite: inserting the same ${N} entities in ${data.chunks.length} transaction(s)…`);
  const rawPath = join(stack.workDir, "raw.sqlite");
  const raw = rawInsert(rawPath, join(stack.appDir, "migrations"), data, actor);

  // -- parity: did the raw run write what the API wrote? ------------------------------------------------
  const parity = compareRowCounts(findD1File(DatabaseSync, stack.persistDir), rawPath);

  report({ data, apiMs, apiChunkMs, rawMs: raw.ms, rawChunkMs: raw.chunkMs, readyMs, parity });
}

// ---- data ---------------------------------------------------------------------------------------------

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
function rawInsert(path, migrationsDir, data, actor) {
  const db = new DatabaseSync(path); // foreign keys on by default, as in D1
  for (const file of readdirSync(migrationsDir)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    db.exec(readFileSync(join(migrationsDir, file), "utf8"));
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
    revision: gitRevision(),
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
  const file = writeResults("bulk-create", results, date);
  console.log(`\nresults written to ${file}`);
}

// ---- run ----------------------------------------------------------------------------------------------

await runBench(main);
