// `npm run test:e2e`: the browser tests. Starts a throwaway portal and the example backend
// (test/e2e/harness.mjs), runs test/e2e/*.test.mjs with node's test runner one file at a time (in name
// order: 01 applies the sdlc template through the template center), then tears everything down, also when
// a test fails or the run is interrupted. Arguments narrow the run: `npm run test:e2e -- 02-catalog`.

import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { portalEnv, startPortal } from "../test/e2e/harness.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = join(root, "test", "e2e");
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".test.mjs") && (filters.length === 0 || filters.some((x) => f.includes(x))))
  .sort()
  .map((f) => join(dir, f));
if (files.length === 0) {
  console.error(`no test file in test/e2e matches ${filters.join(", ")}`);
  process.exit(1);
}

const started = Date.now();
const portal = await startPortal();
let child = null;
// The harness cleans up the portal when this process ends early (a signal); the tests go with it.
process.on("exit", () => child?.kill("SIGKILL"));
console.log(`e2e: portal on ${portal.url} (${((Date.now() - started) / 1000).toFixed(1)} s), ${files.length} test files`);

let code = 1;
try {
  const args = ["--test", "--test-concurrency=1", "--test-reporter=spec", ...files];
  child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...portalEnv(portal) }, stdio: "inherit" });
  code = await new Promise((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
  if (code !== 0 && process.env.E2E_VERBOSE !== "1") console.error(`\nRecent output of the portal and the backend:\n${portal.logs()}`);
} finally {
  await portal.stop();
}
console.log(`e2e: ${code === 0 ? "passed" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(code);
