// The Backstage catalog peer (/work/shared/peers/backstage, see its README.md): copied to a directory
// outside the repository, set up there (npm ci; better-sqlite3 built from source), started with its own
// generated catalog, and measured with its own bench.mjs (sequential requests only). Or, without a run,
// the figures of its earlier run from its results/ folder.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { binDir, log } from "./stack.mjs";

export const PEER_SOURCE = "/work/shared/peers/backstage";
export const PEER_DIR = "/tmp/peer-backstage";

/** Our query → the peer's endpoint (bench.mjs names) it is compared with. */
export const PEER_MATCH = {
  a: { endpoint: "a_by_name", what: "GET by-name/component/default/<name>" },
  b: { endpoint: "b_query_type_lifecycle", what: "by-query filter kind=component,spec.type=service,spec.lifecycle=production, limit 50" },
  c: { endpoint: "c_query_owned_by", what: "by-query filter kind=component,relations.ownedBy=group:<g>, limit 50" },
  e: { endpoint: "e_fulltext_name_title", what: "by-query fullTextFilterTerm=payment on metadata.name,title, limit 50" },
};

/**
 * The peer's Node: the first `node` on PATH outside this repository's node_modules/.bin. Its native module
 * (better-sqlite3) is built for that Node, and its headers (/usr/include/node) are what node-gyp needs.
 */
function peerEnv() {
  const path = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((p) => p && !p.startsWith(binDir))
    .join(delimiter);
  return { ...process.env, PATH: path, LOG_LEVEL: process.env.LOG_LEVEL ?? "info", BS_PROCESSING: "quiet", BS_DB: "memory" };
}

function sh(cwd, command, args, timeoutMs) {
  const r = spawnSync(command, args, { cwd, env: peerEnv(), encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { ok: r.status === 0, output: `${r.stdout ?? ""}${r.stderr ?? ""}`, status: r.status ?? r.signal };
}

/** Copies the harness (if not there yet) and runs its setup.sh unless better-sqlite3 already loads. */
export function preparePeer(dir = PEER_DIR) {
  if (!existsSync(join(dir, "setup.sh"))) {
    log(`peer: copying ${PEER_SOURCE} to ${dir}`);
    const cp = sh("/", "cp", ["-r", PEER_SOURCE, dir], 60_000);
    if (!cp.ok) throw new Error(`copying the peer failed: ${cp.output.slice(-500)}`);
    sh("/", "chmod", ["-R", "u+w", dir], 60_000);
  }
  const node = sh(dir, "node", ["-e", "console.log(process.version)"], 10_000).output.trim();
  const ready = sh(dir, "node", ["-e", 'new (require("better-sqlite3"))(":memory:").prepare("select 1").get()'], 30_000).ok;
  if (!ready) {
    log(`peer: running setup.sh with Node ${node} (npm ci, better-sqlite3 from source; a few minutes)…`);
    const setup = sh(dir, "bash", ["setup.sh"], 20 * 60_000);
    if (!setup.ok) throw new Error(`peer setup.sh failed (${setup.status}):\n${setup.output.split("\n").slice(-25).join("\n")}`);
  }
  return { dir, node };
}

/**
 * Starts the peer with its generated catalog of `n` entities, waits for ingestion (its bench.mjs does),
 * measures `seq` sequential requests per endpoint after 20 warm-up ones (no concurrency runs), stops it.
 */
export async function runPeer({ dir = PEER_DIR, n = 10000, seq = 200, timeoutMs = 20 * 60_000 } = {}) {
  const prepared = preparePeer(dir);
  const out = join(dir, "results", `bench-${n}-edge-portal.json`);
  log(`peer: starting Backstage with ${n} generated entities (ingestion takes ~2–3 min on 2 cores)…`);
  const start = sh(dir, "bash", ["start.sh", String(n)], 120_000);
  if (!start.ok) throw new Error(`peer start.sh failed (${start.status}): ${start.output.slice(-800)}`);
  try {
    const args = ["bench.mjs", "--n", String(n), "--seq", String(seq), "--conc", "1", "--conc-requests", "1", "--conc-max-s", "1"];
    args.push("--no-autocannon", "--ingest-timeout", String(Math.round(timeoutMs / 1000)), "--out", out);
    const code = await new Promise((resolve) => {
      const child = spawn("node", args, { cwd: dir, env: peerEnv(), stdio: ["ignore", "ignore", "pipe"] });
      const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
      child.stderr.on("data", (chunk) => {
        for (const line of chunk.toString().split("\n")) if (/ingestion:|latency|seq p50/.test(line)) log(`peer: ${line.trim()}`);
      });
      child.on("exit", (c, signal) => {
        clearTimeout(timer);
        resolve(c ?? signal);
      });
    });
    if (code !== 0) throw new Error(`peer bench.mjs exited with ${code}`);
  } finally {
    sh(dir, "bash", ["stop.sh"], 60_000);
  }
  return { source: "run", file: out, node: prepared.node, ...summarise(JSON.parse(readFileSync(out, "utf8"))) };
}

/** The peer's figures from its earlier run (results/ of the shared harness). */
export function storedPeer(n = 10000) {
  const file = join(PEER_SOURCE, "results", `bench-${n}.json`);
  if (!existsSync(file)) return null;
  return { source: "stored", file, ...summarise(JSON.parse(readFileSync(file, "utf8"))) };
}

function summarise(json) {
  const latency = {};
  for (const [ours, m] of Object.entries(PEER_MATCH)) {
    const seq = json.latency?.[m.endpoint]?.sequential;
    latency[ours] = seq
      ? { endpoint: m.endpoint, what: m.what, n: seq.n, p50: seq.p50, p95: seq.p95, exampleUrl: json.latency[m.endpoint].exampleUrl }
      : null;
  }
  return {
    n: json.n,
    node: json.machine?.node,
    versions: json.versions,
    config: json.config,
    ingestion: json.ingestion ? { allVisibleS: json.ingestion.allVisibleS, settledS: json.ingestion.settledS } : null,
    sanity: json.sanity,
    latency,
  };
}
