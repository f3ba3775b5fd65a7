// `npm run check:bundle` (part of `npm test`, so CI runs it): builds the Worker exactly as `wrangler deploy`
// would (--dry-run, nothing uploaded), reports its size raw and gzipped and how long V8 takes to compile it
// (a proxy for cold-start parse time), and fails above the budget: 1 MiB gzipped (Workers' free plan
// allows 3 MiB; the budget leaves room and keeps cold starts short).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";
import { gzipSync } from "node:zlib";

const BUDGET_GZIP_BYTES = 1024 * 1024;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = mkdtempSync(join(tmpdir(), "portal-bundle-"));
try {
  const build = spawnSync(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", out], {
    cwd: root,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    encoding: "utf8",
  });
  if (build.status !== 0) {
    console.error(build.stdout, build.stderr);
    process.exit(build.status ?? 1);
  }
  const source = readFileSync(join(out, "index.js"));
  const gzipped = gzipSync(source, { level: 9 }).length;
  // Compile (parse) time of the bundle as a classic script: ESM syntax aside, the same parse work workerd does.
  const text = source
    .toString("utf8")
    .replace(/^export\s*\{[^}]*\};?/gm, "")
    .replace(/^import\s.*$/gm, "");
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    new Script(text, { filename: `bundle-${i}.js` });
    runs.push(performance.now() - start);
  }
  runs.sort((a, b) => a - b);
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(
    `worker bundle: ${kib(source.length)} raw, ${kib(gzipped)} gzipped (budget ${kib(BUDGET_GZIP_BYTES)}); compile ${runs[2].toFixed(1)} ms (median of 5)`,
  );
  if (gzipped > BUDGET_GZIP_BYTES) {
    console.error(`The Worker bundle is over its budget by ${kib(gzipped - BUDGET_GZIP_BYTES)}.`);
    process.exit(1);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
