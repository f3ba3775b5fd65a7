// `npm run bench:sync`: scheduled sync of a large http-json source, cron tick to every entity written.
//
// 1. Starts a local http-json source (Node) serving --n items (seeded PRNG), paged by cursor, --page per page,
//    and a stack (bench/lib/stack.mjs: wrangler dev on a snapshot of the app).
// 2. Creates blueprint `bench_sync` (six properties: enum, number, url, email, boolean, string array) and an
//    http-json integration syncing the source every 60 minutes (so it is due at once), --page items per
//    queue message, mapping six properties, title and identifier.
// 3. Fires the Cron Trigger (wrangler dev's /cdn-cgi/handler/scheduled) and polls the integration's sync
//    until it has finished. Timed: from the tick to the sync's `finished_at` (every page fetched, mapped and
//    written, reconciliation done). items/s = items ÷ that time. The source's request log gives the time of
//    each page request, so the per-page pace (and the queue hop between pages) is reported too.
// 4. Runs a second sync of the unchanged source ("Sync now"): every item is compared and nothing written.
// 5. After wrangler stops, opens the D1 file and checks what the sync wrote: entities, value-index rows,
//    ownership rows and audit rows (one CREATE per item).
// 6. Prints the figures against the target (≥ 1,000 items/s) and writes bench/results/sync-<date>.json.
//
// Options: --n (20000), --page (1000, items per queue message and per source page), --seed (7), --keep.

import { createServer } from "node:http";
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import {
  expectStatus,
  fatal,
  findD1File,
  gitRevision,
  loadSqlite,
  log,
  mulberry32,
  positiveInt,
  round,
  runBench,
  Stack,
  sleep,
  tryJson,
  wranglerVersion,
  writeResults,
} from "./lib/stack.mjs";

const TARGET_ITEMS_PER_S = 1000;
const BLUEPRINT = "bench_sync";
const INTEGRATION = "bench-source";
const TIMEOUT_MS = 15 * 60_000;

const { values: opts } = parseArgs({
  options: {
    n: { type: "string", default: "20000" },
    page: { type: "string", default: "1000" },
    seed: { type: "string", default: "7" },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opts.help) {
  console.log("usage: npm run bench:sync -- [--n 20000] [--page 1000] [--seed 7] [--keep]");
  process.exit(0);
}
const N = positiveInt("--n", opts.n);
const PAGE = positiveInt("--page", opts.page);
if (PAGE > 1000) fatal("--page must be at most 1000 (an integration's page size limit)");

/** The source's items, the same on every machine. */
function generate(n, seed) {
  const rand = mulberry32(seed);
  const languages = ["go", "ts", "python", "java", "rust"];
  return Array.from({ length: n }, (_, i) => ({
    id: `svc-${String(i).padStart(6, "0")}`,
    name: `Service ${i}`,
    language: languages[Math.floor(rand() * languages.length)],
    tier: Math.floor(rand() * 6),
    repo: { url: `https://git.example.com/org/svc-${i}` },
    owner: { email: `team${Math.floor(rand() * 20)}@example.com` },
    active: rand() < 0.8,
    labels: Array.from({ length: Math.floor(rand() * 4) }, (_, k) => `label-${k}`),
  }));
}

/** An http-json source: GET /items?cursor=<offset>&limit=<n> → {items, next}; logs when each page was asked for. */
function startSource(items) {
  const requests = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://source");
    const offset = Number(url.searchParams.get("cursor") ?? 0);
    const limit = Number(url.searchParams.get("limit") ?? 100);
    requests.push({ at: performance.now(), offset });
    const end = Math.min(items.length, offset + limit);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ items: items.slice(offset, end), next: end < items.length ? String(end) : null }));
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${server.address().port}`, requests }));
  });
}

async function setup(stack, sourceUrl) {
  await expectStatus(
    await stack.api("POST", "/v1/blueprints", {
      identifier: BLUEPRINT,
      title: "Bench sync",
      schema: {
        properties: {
          language: { type: "string", enum: ["go", "ts", "python", "java", "rust"] },
          tier: { type: "number", minimum: 0, maximum: 5 },
          repo: { type: "string", format: "url" },
          owner: { type: "string", format: "email" },
          active: { type: "boolean" },
          labels: { type: "array", items: { type: "string" } },
        },
        required: [],
      },
    }),
    201,
    `create blueprint ${BLUEPRINT}`,
  );
  await expectStatus(
    await stack.api("POST", "/v1/integrations", {
      identifier: INTEGRATION,
      title: "Bench source",
      type: "http-json",
      config: {
        url: `${sourceUrl}/items`,
        itemsPath: ".items",
        pagination: { type: "cursor", param: "cursor", nextPath: ".next", sizeParam: "limit", size: PAGE },
      },
      mapping: {
        resources: [
          {
            kind: "item",
            port: {
              entity: {
                mappings: {
                  identifier: ".id",
                  title: ".name",
                  blueprint: `"${BLUEPRINT}"`,
                  properties: {
                    language: ".language",
                    tier: ".tier",
                    repo: ".repo.url",
                    owner: ".owner.email",
                    active: ".active",
                    labels: ".labels",
                  },
                },
              },
            },
          },
        ],
      },
      schedule: { everyMinutes: 60 },
      pageSize: PAGE,
    }),
    201,
    `create integration ${INTEGRATION}`,
  );
}

/** Polls the integration's history until sync `match` has finished; returns it. */
async function waitForSync(stack, match) {
  const start = performance.now();
  while (performance.now() - start < TIMEOUT_MS) {
    await stack.renewAuth();
    const res = await stack.api("GET", `/v1/integrations/${INTEGRATION}/syncs`);
    const json = tryJson(await res.text());
    const sync = (json?.syncs ?? []).find(match);
    if (sync && sync.status !== "RUNNING") return { sync, seenAt: performance.now() };
    await sleep(200);
  }
  throw new Error(`no finished sync within ${TIMEOUT_MS / 60_000} minutes`);
}

function pageGaps(requests, from) {
  const times = requests.filter((r) => r.at >= from).map((r) => r.at);
  return times.slice(1).map((t, i) => t - times[i]);
}

runBench(async (stacks) => {
  const items = generate(N, Number(opts.seed));
  const source = await startSource(items);
  const stack = new Stack({ keep: opts.keep, prefix: "edge-portal-bench-sync-" });
  stacks.push(stack);
  try {
    stack.snapshot();
    stack.migrate();
    await stack.start();
    await setup(stack, source.url);

    // The scheduled sync: the tick, then every page through the queue.
    log(`firing the cron trigger; ${N} items, ${PAGE} per page…`);
    const tickWall = Date.now();
    const tick = performance.now();
    const fired = await fetch(`${stack.base}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("*/5 * * * *")}`);
    await fired.arrayBuffer();
    if (fired.status !== 200) throw new Error(`the scheduled handler answered HTTP ${fired.status}`);
    const first = await waitForSync(stack, (s) => s.trigger === "SCHEDULE");
    if (first.sync.status !== "SUCCEEDED" || first.sync.counts.created !== N) {
      throw new Error(`the sync did not write every item: ${JSON.stringify(first.sync).slice(0, 1500)}`);
    }
    const tickToWrittenMs = Date.parse(first.sync.finishedAt) - tickWall;
    const firstPageAfterTickMs = (source.requests[0]?.at ?? tick) - tick;
    const gaps = pageGaps(source.requests, tick);
    log(`written: ${N} items in ${(tickToWrittenMs / 1000).toFixed(1)} s from the tick`);

    // The same source again, unchanged: compared, nothing written.
    const before = source.requests.length;
    const again = await stack.api("POST", `/v1/integrations/${INTEGRATION}/sync`);
    const started = await expectStatus(again, 202, "sync now");
    const second = await waitForSync(stack, (s) => s.id === started.sync.id);
    const unchangedMs = Date.parse(second.sync.finishedAt) - Date.parse(second.sync.startedAt);
    if (second.sync.counts.unchanged !== N) throw new Error(`the second sync changed entities: ${JSON.stringify(second.sync.counts)}`);
    log(`unchanged re-sync: ${(unchangedMs / 1000).toFixed(1)} s (${source.requests.length - before} pages)`);

    await stack.stop();
    const DatabaseSync = await loadSqlite();
    const file = findD1File(DatabaseSync, stack.persistDir);
    if (!file) throw new Error("D1 SQLite file not found");
    const db = new DatabaseSync(file, { readOnly: true });
    const count = (sql) => db.prepare(sql).get().n;
    const stored = {
      entities: count(`SELECT count(*) AS n FROM entities WHERE blueprint = '${BLUEPRINT}'`),
      valueRows: count(`SELECT count(*) AS n FROM entity_values WHERE blueprint = '${BLUEPRINT}'`),
      owned: count(`SELECT count(*) AS n FROM integration_entities WHERE integration = '${INTEGRATION}'`),
      auditCreates: count(
        `SELECT count(*) AS n FROM audit_log WHERE resource_type = 'entity' AND blueprint = '${BLUEPRINT}' AND action = 'CREATE'`,
      ),
      auditOther: count(
        `SELECT count(*) AS n FROM audit_log WHERE resource_type = 'entity' AND blueprint = '${BLUEPRINT}' AND action <> 'CREATE'`,
      ),
    };
    db.close();
    const parity = stored.entities === N && stored.owned === N && stored.auditCreates === N && stored.auditOther === 0;

    const itemsPerS = N / (tickToWrittenMs / 1000);
    const syncMs = Date.parse(first.sync.finishedAt) - Date.parse(first.sync.startedAt);
    const results = {
      benchmark: "sync",
      date: new Date().toISOString(),
      n: N,
      page: PAGE,
      pages: Math.ceil(N / PAGE),
      tickToWrittenMs: Math.round(tickToWrittenMs),
      itemsPerS: round(itemsPerS),
      syncMs,
      itemsPerSInSync: round(N / (syncMs / 1000)),
      firstPageAfterTickMs: Math.round(firstPageAfterTickMs),
      pageIntervalMs: {
        median: round(gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)] ?? Number.NaN),
        max: round(Math.max(...gaps)),
      },
      unchangedResyncMs: unchangedMs,
      unchangedItemsPerS: round(N / (unchangedMs / 1000)),
      stored,
      parity,
      target: { itemsPerS: TARGET_ITEMS_PER_S, pass: itemsPerS >= TARGET_ITEMS_PER_S },
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, wrangler: wranglerVersion() },
      revision: gitRevision(),
    };
    const path = writeResults("sync", results);
    console.log(`
Scheduled sync of ${N} items from a local http-json source, ${PAGE} per page (${results.pages} queue messages)
  cron tick → all entities written   ${(tickToWrittenMs / 1000).toFixed(2)} s   ${round(itemsPerS)} items/s   target ≥ ${TARGET_ITEMS_PER_S}: ${results.target.pass ? "PASS" : "FAIL"}
  first page requested after tick    ${Math.round(firstPageAfterTickMs)} ms
  page to page (fetch+map+write+hop) median ${results.pageIntervalMs.median} ms, max ${results.pageIntervalMs.max} ms
  sync row started → finished        ${(syncMs / 1000).toFixed(2)} s (${results.itemsPerSInSync} items/s)
  unchanged re-sync (nothing written) ${(unchangedMs / 1000).toFixed(2)} s (${results.unchangedItemsPerS} items/s)
  stored: ${stored.entities} entities, ${stored.valueRows} value rows, ${stored.owned} ownership rows, ${stored.auditCreates} CREATE audit rows, ${stored.auditOther} others — ${parity ? "as expected" : "MISMATCH"}
results: ${path}`);
    if (!parity) throw new Error("stored rows do not match what the source returned");
  } finally {
    source.server.close();
  }
});
