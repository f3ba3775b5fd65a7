// The app's own SQL, outside workerd: the snapshot's Hono app (src/app.ts) bundled for Node with esbuild
// (which wrangler itself uses and installs), served against a D1 stand-in over node:sqlite that records
// every statement it runs with its parameters. A request sent through it yields exactly the statements the
// Worker runs for the same request (same code, same query builders), so they can be replayed on plain
// SQLite as the physical floor of that request. Nothing here copies SQL from src/.

import { timingSafeEqual } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "./stack.mjs";

/** esbuild from wrangler's own dependencies, so the bench needs nothing wrangler does not bring. */
function loadEsbuild() {
  const fromWrangler = createRequire(createRequire(join(root, "package.json")).resolve("wrangler/package.json"));
  return fromWrangler("esbuild");
}

/**
 * Workers APIs that Node lacks, added for the in-process app: `crypto.subtle.timingSafeEqual` (a workerd
 * extension of Web Crypto, used by src/lib/crypto.ts).
 */
function addWorkersApis() {
  const subtle = globalThis.crypto.subtle;
  if (typeof subtle.timingSafeEqual === "function") return;
  const bytes = (x) => (ArrayBuffer.isView(x) ? new Uint8Array(x.buffer, x.byteOffset, x.byteLength) : new Uint8Array(x));
  Object.defineProperty(subtle, "timingSafeEqual", {
    value(a, b) {
      const x = bytes(a);
      const y = bytes(b);
      if (x.byteLength !== y.byteLength) throw new TypeError("Input buffers must have the same byte length");
      return timingSafeEqual(x, y);
    },
  });
}

/**
 * Bundles `appDir`'s src/app.ts for Node (JSX through hono/jsx as in tsconfig.json) and imports it.
 * @returns {Promise<{ createApp: () => { fetch: (req: Request, env: object, ctx: object) => Promise<Response> } }>}
 */
export async function loadApp(appDir, outDir) {
  addWorkersApis();
  const esbuild = loadEsbuild();
  const outfile = join(outDir, "app-node.mjs");
  await esbuild.build({
    stdin: { contents: 'export { createApp } from "./src/app";\n', resolveDir: appDir, loader: "ts", sourcefile: "bench-entry.ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    jsx: "automatic",
    jsxImportSource: "hono/jsx",
    external: ["cloudflare:*"],
    outfile,
    logLevel: "error",
  });
  return import(pathToFileURL(outfile).href);
}

/** D1 binds booleans as 1/0 and refuses undefined; node:sqlite takes neither. */
function bindable(value) {
  if (value === true) return 1;
  if (value === false) return 0;
  if (value === undefined) return null;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return value;
}

/**
 * A D1Database over a node:sqlite DatabaseSync (prepare / bind / first / all / raw / run, batch as one
 * transaction) that appends every statement it runs to `recorder.log` while `recorder.log` is an array.
 */
export class RecordingD1 {
  constructor(db) {
    this.db = db;
    this.cache = new Map();
    /** @type {{ log: { sql: string, params: unknown[], method: string, batch?: number }[] | null }} */
    this.recorder = { log: null };
    this.batches = 0;
  }

  statement(sql) {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  record(sql, params, method, batch) {
    this.recorder.log?.push({ sql, params, method, ...(batch === undefined ? {} : { batch }) });
  }

  prepare(sql) {
    return new RecordingStatement(this, sql, []);
  }

  async batch(statements) {
    const batch = ++this.batches;
    this.db.exec("BEGIN");
    try {
      const out = statements.map((s) => s.execute("all", batch));
      this.db.exec("COMMIT");
      return out;
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    }
  }

  async exec(sql) {
    this.record(sql, [], "exec");
    this.db.exec(sql);
    return { count: 1, duration: 0 };
  }
}

class RecordingStatement {
  constructor(d1, sql, params) {
    this.d1 = d1;
    this.sql = sql;
    this.params = params;
  }

  bind(...values) {
    return new RecordingStatement(this.d1, this.sql, values.map(bindable));
  }

  execute(method, batch) {
    this.d1.record(this.sql, this.params, method, batch);
    const stmt = this.d1.statement(this.sql);
    if (method === "raw") {
      stmt.setReturnArrays(true);
      try {
        return stmt.all(...this.params);
      } finally {
        stmt.setReturnArrays(false);
      }
    }
    if (stmt.columns().length === 0) {
      const r = stmt.run(...this.params);
      return { results: [], success: true, meta: { changes: Number(r.changes), last_row_id: Number(r.lastInsertRowid) } };
    }
    return { results: stmt.all(...this.params), success: true, meta: {} };
  }

  async all() {
    return this.execute("all");
  }

  async run() {
    return this.execute("run");
  }

  async raw(options) {
    const rows = this.execute("raw");
    if (options?.columnNames)
      return [
        this.d1
          .statement(this.sql)
          .columns()
          .map((c) => c.name),
        ...rows,
      ];
    return rows;
  }

  async first(column) {
    const row = this.execute("all").results[0] ?? null;
    if (column === undefined || row === null) return row;
    return row[column] ?? null;
  }
}

/**
 * The app in this process over a copy of the D1 file. `send` runs one request through Hono exactly as the
 * Worker would (middleware, auth, routes, rendering) and returns the response with the statements it ran.
 */
export class AppInNode {
  /**
   * @param {{ createApp: () => any }} module the bundle loadApp returned
   * @param {import("node:sqlite").DatabaseSync} db
   * @param {Record<string, string>} secrets the Worker's .dev.vars
   */
  constructor(module, db, secrets) {
    this.app = module.createApp();
    this.d1 = new RecordingD1(db);
    this.env = { ...secrets, DB: this.d1 };
    this.ctx = { waitUntil() {}, passThroughOnException() {}, props: {} };
  }

  async send(path, { method = "GET", body, headers = {}, record = false } = {}) {
    const log = record ? [] : null;
    this.d1.recorder.log = log;
    try {
      const init = { method, headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) } };
      if (body !== undefined) init.body = JSON.stringify(body);
      const res = await this.app.fetch(new Request(`http://127.0.0.1${path}`, init), this.env, this.ctx);
      const text = await res.text();
      return { status: res.status, text, statements: log ?? [] };
    } finally {
      this.d1.recorder.log = null;
    }
  }
}

/**
 * Prepared replays of recorded statements: runs them in order with their parameters, batches in a
 * transaction as D1 does, and returns the time of each statement (ms).
 */
export class Replayer {
  constructor(db) {
    this.db = db;
    this.cache = new Map();
  }

  statement(sql) {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }

  /** @param {{ sql: string, params: unknown[], method: string, batch?: number }[]} statements */
  run(statements) {
    const times = [];
    let openBatch;
    for (const s of statements) {
      const t = performance.now();
      if (s.batch !== openBatch) {
        if (openBatch !== undefined) this.db.exec("COMMIT");
        if (s.batch !== undefined) this.db.exec("BEGIN");
        openBatch = s.batch;
      }
      const stmt = this.statement(s.sql);
      if (s.method === "raw") {
        stmt.setReturnArrays(true);
        stmt.all(...s.params);
        stmt.setReturnArrays(false);
      } else if (stmt.columns().length === 0) stmt.run(...s.params);
      else stmt.all(...s.params);
      times.push(performance.now() - t);
    }
    if (openBatch !== undefined) {
      const t = performance.now();
      this.db.exec("COMMIT");
      times[times.length - 1] += performance.now() - t;
    }
    return times;
  }

  /** EXPLAIN QUERY PLAN of one statement, as indented lines. */
  plan(sql, params) {
    try {
      const rows = this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params);
      const depth = new Map([[0, -1]]);
      return rows.map((r) => {
        const d = (depth.get(r.parent) ?? -1) + 1;
        depth.set(r.id, d);
        return `${"  ".repeat(d)}${r.detail}`;
      });
    } catch (error) {
      return [`(no plan: ${error instanceof Error ? error.message : String(error)})`];
    }
  }
}
