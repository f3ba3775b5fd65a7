// Shared by the benchmarks in bench/: a snapshot of the app served by `wrangler dev` (workerd, local D1) in
// a temporary dir, signed in as a throwaway admin through client credentials, plus small helpers (PRNG,
// node:sqlite loading, D1 file lookup, latency summaries, result files).
//
// A Stack is one temporary dir with one app snapshot and one wrangler persistence dir. `start()` applies the
// migrations and starts `wrangler dev`; `stop()` stops it (the D1 SQLite file then holds everything the API
// wrote); `cleanup()` removes the dir unless `keep` was asked for.

import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const binDir = join(root, "node_modules", ".bin");
export const wrangler = join(binDir, "wrangler");

/** The API's own limits (src/routes/api/entities.ts MAX_BULK, src/middleware/json-body.ts MAX_BODY_BYTES). */
export const MAX_BULK = 1000;
export const MAX_BODY_BYTES = 1024 * 1024;

const READY_TIMEOUT_MS = 60_000;
/** The throwaway API client each run's Worker bootstraps (src/domain/identity/bootstrap.ts). */
const BENCH_CLIENT_ID = "epci_bench";

// Wrangler's launcher is `#!/usr/bin/env node`: make sure it finds this Node (22), not an older system one.
export const env = {
  ...process.env,
  PATH: [dirname(process.execPath), binDir, process.env.PATH ?? ""].join(delimiter),
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  CI: "true",
};

// ---- node:sqlite ----------------------------------------------------------------------------------------

/**
 * node:sqlite's DatabaseSync (Node 22+, no native build). Exits with a message on older Node. node:sqlite
 * prints an ExperimentalWarning on load in Node 22; it is noise here and is filtered out.
 */
export async function loadSqlite() {
  if (Number(process.versions.node.split(".")[0]) < 22) {
    fatal(`Node ${process.versions.node} has no node:sqlite; run with Node 22+ (\`npm run bench\` uses node_modules/.bin/node)`);
  }
  const emitWarning = process.emitWarning;
  process.emitWarning = function quietSqliteWarning(warning, ...rest) {
    const message = typeof warning === "string" ? warning : warning?.message;
    if (typeof message === "string" && message.includes("SQLite is an experimental")) return;
    return emitWarning.call(process, warning, ...rest);
  };
  return (await import("node:sqlite")).DatabaseSync;
}

/** The SQLite file under wrangler's persistence dir that holds the catalog tables (null if none). */
export function findD1File(DatabaseSync, dir) {
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop();
    if (!existsSync(current)) continue;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.name.endsWith(".sqlite") && hasCatalog(DatabaseSync, full)) return full;
    }
  }
  return null;
}

function hasCatalog(DatabaseSync, file) {
  try {
    const db = new DatabaseSync(file);
    const row = db.prepare("SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = 'entity_values'").get();
    db.close();
    return row !== undefined;
  } catch {
    return false;
  }
}

// ---- the stack ------------------------------------------------------------------------------------------

/** Entries of the checkout the snapshot leaves out (node_modules is linked, not copied). */
const NOT_SNAPSHOTTED = new Set(["node_modules", "bench", "test", "docs"]);

export class Stack {
  /**
   * @param {{ keep?: boolean, prefix?: string, vars?: Record<string, string> }} [opts] `vars`: more .dev.vars
   *   entries (e.g. WEBHOOK_TIMEOUT_MS)
   */
  constructor(opts = {}) {
    this.keep = opts.keep ?? false;
    this.workDir = mkdtempSync(join(tmpdir(), opts.prefix ?? "edge-portal-bench-"));
    this.persistDir = join(this.workDir, "wrangler-state");
    this.appDir = join(this.workDir, "app");
    /** Fresh random secrets every run, written only into the temporary snapshot's .dev.vars. */
    this.secrets = {
      AUTH_SIGNING_KEY: randomBytes(32).toString("hex"),
      PORTAL_ADMIN_EMAIL: "bench-admin@portal.test",
      PORTAL_CLIENT_ID: BENCH_CLIENT_ID,
      PORTAL_CLIENT_SECRET: `epcs_${randomBytes(24).toString("hex")}`,
      /** Signs webhook deliveries (Standard Webhooks `whsec_<base64>`); bench/actions.mjs verifies them. */
      WEBHOOK_SIGNING_SECRET: `whsec_${randomBytes(32).toString("base64")}`,
      ...opts.vars,
    };
    /** The Authorization header for API calls (null while the Worker lets anonymous calls through). */
    this.auth = { header: null, token: null, renewAt: Infinity };
    /** @type {{ child: import("node:child_process").ChildProcess, log: string[], exited: boolean, exitCode: unknown, reloads: number, reloadContext: string[] } | null} */
    this.server = null;
    this.base = null;
    this.cleaned = false;
  }

  /**
   * Copies the app (src, views, migrations, public, wrangler.toml, package.json, …) into the work dir and
   * links node_modules. Hidden entries (.git, .wrangler, the developer's .dev.vars) stay behind; the
   * snapshot gets its own .dev.vars with this run's throwaway identity secrets.
   *
   * wrangler dev rebuilds and restarts the Worker whenever a watched source file changes, which kills the
   * request in flight (and the CLI cannot turn watching off). Serving a snapshot taken now keeps edits made
   * elsewhere in the checkout during the run out of the measurement.
   */
  snapshot() {
    mkdirSync(this.appDir, { recursive: true });
    for (const entry of readdirSync(root)) {
      if (entry.startsWith(".") || NOT_SNAPSHOTTED.has(entry)) continue;
      cpSync(join(root, entry), join(this.appDir, entry), { recursive: true });
    }
    symlinkSync(join(root, "node_modules"), join(this.appDir, "node_modules"), "dir");
    const devVars = Object.entries(this.secrets).map(([k, v]) => `${k}=${v}\n`);
    writeFileSync(join(this.appDir, ".dev.vars"), devVars.join(""), { mode: 0o600 });
    this.revision = gitRevision();
  }

  /** Applies the D1 migrations into a fresh persistence dir. */
  migrate() {
    log("applying D1 migrations (wrangler d1 migrations apply --local)…");
    this.run(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", this.persistDir]);
  }

  run(command, args) {
    const r = spawnSync(command, args, { cwd: this.appDir, env, encoding: "utf8" });
    if (r.status !== 0) {
      const output = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n").slice(-30).join("\n");
      throw new Error(`wrangler ${args.join(" ")} exited with ${r.status ?? r.signal}:\n${output}`);
    }
  }

  /**
   * Starts `wrangler dev` and waits until it answers signed in; returns ms until ready. `samePort` serves on
   * the port of the previous start (a restart: clients and webhooks keep their URLs), else on a free one.
   */
  async start({ samePort = false } = {}) {
    const port = samePort && this.base ? Number(new URL(this.base).port) : await freePort();
    const inspectorPort = await freePort();
    this.base = `http://127.0.0.1:${port}`;
    log(`starting wrangler dev on ${this.base}…`);
    const args = [
      "dev",
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      this.persistDir,
      "--show-interactive-dev-session=false",
    ];
    // Its own process group, so wrangler and workerd can be stopped together.
    const child = spawn(wrangler, args, { cwd: this.appDir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    // `reloadContext`: the lines printed just before each reload, which say what wrangler saw change.
    const state = { child, log: [], exited: false, exitCode: null, reloads: 0, reloadContext: [] };
    const keep = (chunk) => {
      for (const line of chunk.toString().split("\n")) {
        if (line.trim() === "") continue;
        if (line.includes("Reloading local server")) {
          state.reloads++;
          state.reloadContext.push(...state.log.slice(-8), line);
        }
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
    this.server = state;
    const readyMs = await this.waitForServer();
    log(`server ready after ${(readyMs / 1000).toFixed(1)} s${this.auth.header ? " (signed in as the bench admin)" : ""}`);
    return readyMs;
  }

  /**
   * Waits (at most READY_TIMEOUT_MS) until GET /v1/blueprints answers 200, signing in with the bench admin's
   * client credentials when it answers 401.
   */
  async waitForServer() {
    const start = performance.now();
    let status = null;
    while (performance.now() - start < READY_TIMEOUT_MS) {
      if (this.server?.exited) throw new Error(`wrangler dev exited (${this.server.exitCode}) before answering`);
      try {
        const res = await fetch(`${this.base}/v1/blueprints`, { headers: this.authHeaders(), signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        status = res.status;
        if (status === 200) return performance.now() - start;
        if (status === 401 && !this.auth.header) await this.signIn();
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
  async signIn() {
    const res = await fetch(`${this.base}/v1/auth/access_token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientId: this.secrets.PORTAL_CLIENT_ID, clientSecret: this.secrets.PORTAL_CLIENT_SECRET }),
    });
    const text = await res.text();
    const json = tryJson(text);
    if (res.status !== 200 || typeof json?.accessToken !== "string") {
      throw new BenchError(`signing in (POST /v1/auth/access_token) answered HTTP ${res.status}: ${excerpt(json ?? text)}`);
    }
    this.auth.header = `Bearer ${json.accessToken}`;
    this.auth.token = json.accessToken;
    this.auth.renewAt = Date.now() + 0.8 * 1000 * (Number(json.expiresIn) || 3600);
  }

  /** Signs in again when the token is close to expiring (long runs outlive the 1-hour token). */
  async renewAuth() {
    if (Date.now() > this.auth.renewAt) await this.signIn();
  }

  authHeaders() {
    return this.auth.header ? { authorization: this.auth.header } : {};
  }

  /** A request to the API with the bearer token; `body` is sent as JSON. */
  async api(method, path, body) {
    return fetch(`${this.base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...this.authHeaders() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** Why a request failed, with a hint when wrangler reloaded the Worker meanwhile. */
  reloadNote() {
    return this.server && this.server.reloads > 0 ? " (wrangler dev reloaded the Worker meanwhile)" : "";
  }

  /** The last lines wrangler printed, for error reports. */
  serverLog(lines = 40) {
    return this.server ? this.server.log.slice(-lines) : [];
  }

  /**
   * Stops wrangler dev and workerd. `signal` "SIGKILL" stops them like a crash (no chance to flush
   * anything); the default asks first and kills what is still running after 5 s.
   */
  async stop({ signal = "SIGTERM" } = {}) {
    const server = this.server;
    if (!server || server.exited) return;
    const pid = server.child.pid;
    signalGroup(pid, signal);
    for (let i = 0; i < 50 && !server.exited; i++) await sleep(100);
    if (!server.exited) {
      signalGroup(pid, "SIGKILL");
      for (let i = 0; i < 20 && !server.exited; i++) await sleep(100);
    }
    // workerd may outlive wrangler for a moment; make sure nothing of the group is left.
    signalGroup(pid, "SIGKILL");
  }

  async cleanup() {
    if (this.cleaned) return;
    this.cleaned = true;
    await this.stop();
    if (this.keep) log(`kept ${this.workDir}`);
    else {
      // Unlink the node_modules link first so nothing below can ever reach into the real node_modules.
      rmSync(join(this.appDir, "node_modules"), { force: true });
      rmSync(this.workDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    }
  }
}

/** The commit the snapshot was taken from, and the app files that differed from it (uncommitted edits). */
export function gitRevision() {
  const git = (args) => spawnSync("git", args, { cwd: root, encoding: "utf8" });
  const head = git(["rev-parse", "--short", "HEAD"]);
  if (head.status !== 0) return { commit: "unknown", changed: [] };
  const status = git([
    "status",
    "--porcelain",
    "--untracked-files=all",
    "--",
    "src",
    "views",
    "migrations",
    "public",
    "wrangler.toml",
    "package.json",
  ]);
  const changed = (status.stdout ?? "")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => l.slice(3));
  return { commit: head.stdout.trim(), changed };
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal); // the group wrangler leads (detached: true)
  } catch {
    // already gone
  }
}

/** An error that ends waiting at once (not a "server not up yet" retry). */
export class BenchError extends Error {}

/**
 * Runs `main`, cleaning up the stacks it registers on success, failure or Ctrl-C, and prints wrangler's last
 * output when it fails. Exits with 1 when `main` throws, 130 on a signal.
 * @param {(stacks: Stack[]) => Promise<void>} main
 */
export async function runBench(main) {
  const stacks = [];
  const cleanupAll = async () => {
    for (const s of stacks) await s.cleanup();
  };
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, async () => {
      console.error(`\n${signal}: stopping`);
      await cleanupAll();
      process.exit(130);
    });
  }
  let exitCode = 0;
  try {
    await main(stacks);
  } catch (error) {
    exitCode = 1;
    console.error(`\nbench failed: ${error instanceof Error ? error.message : String(error)}`);
    const last = stacks.at(-1)?.serverLog() ?? [];
    if (last.length > 0) console.error(`\n--- last lines of wrangler dev output ---\n${last.join("\n")}\n---`);
  } finally {
    await cleanupAll();
  }
  process.exit(exitCode);
}

// ---- data -----------------------------------------------------------------------------------------------

/** Deterministic PRNG (mulberry32): the same seed gives the same data on every machine. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- figures --------------------------------------------------------------------------------------------

/** The q-quantile (0–1) of a list of numbers, nearest rank. */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** "min / median / max (first, last)" of per-request times. */
export function latency(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const r = Math.round;
  return `min ${r(sorted[0])} / median ${r(at(0.5))} / max ${r(sorted[sorted.length - 1])} ms (first ${r(ms[0])}, last ${r(ms[ms.length - 1])})`;
}

export function round(x, digits = 1) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function wranglerVersion() {
  try {
    return JSON.parse(readFileSync(join(root, "node_modules", "wrangler", "package.json"), "utf8")).version;
  } catch {
    return "unknown";
  }
}

/** Writes `results` as bench/results/<name>-<timestamp>.json and returns the path relative to the repo. */
export function writeResults(name, results, date = new Date()) {
  const dir = join(root, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const stamp = date
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replaceAll(":", "-");
  const file = join(dir, `${name}-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file.slice(root.length + 1);
}

// ---- helpers --------------------------------------------------------------------------------------------

export async function expectStatus(res, status, what) {
  const text = await res.text();
  const json = tryJson(text);
  if (res.status !== status || json?.ok !== true) {
    throw new Error(`${what}: HTTP ${res.status} (expected ${status}): ${excerpt(json ?? text)}`);
  }
  return json;
}

export async function freePort() {
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

export function tryJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function excerpt(value) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 1500 ? `${text.slice(0, 1500)}…` : text;
}

export function progress(label, done, total) {
  const step = Math.max(1, Math.round(total / 10));
  if (done === total || done % step === 0) log(`${label}: ${done}/${total} requests done`);
}

export function positiveInt(name, raw) {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) fatal(`${name} must be a positive integer (got '${raw}')`);
  return n;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function log(message) {
  console.error(message);
}

export function fatal(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}
