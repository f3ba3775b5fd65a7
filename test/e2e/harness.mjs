// The portal as the browser tests and the screenshot script need it: a throwaway `wrangler dev` on a free
// port with its own persistence directory and secrets (the developer's .dev.vars and .wrangler/state are
// never read or written), the D1 migrations applied to it, and the example backend on :8788 (the port the
// templates' webhooks name) answering the actions. `stop()` tears everything down, also after a failure.
//
// wrangler dev serves a snapshot of the Worker's files copied at start: it reloads on every change to the
// files it serves, and a reload cuts open connections (a run page's event stream) and stalls requests, so
// editing the code during a run must not reach the portal under test.

import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { newLocalSecrets } from "../../scripts/local-secrets.mjs";
import { adminApi } from "./portal-api.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const wrangler = join(root, "node_modules", ".bin", "wrangler");
/** Fixed: the templates' webhooks point at http://localhost:8788/. */
export const EXAMPLE_BACKEND_PORT = 8788;
const STARTUP_MS = 90_000;
const quietWrangler = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" };

/** A port nobody listens on right now (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Fails with a message a developer can act on when `port` is taken (the example backend needs its own). */
function requirePortFree(port, who) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (error) => {
      const taken = error.code === "EADDRINUSE";
      reject(
        new Error(
          taken
            ? `Port ${port} is in use, but ${who} must listen there (the templates' webhooks point at http://localhost:${port}/). ` +
                `Stop whatever runs on it (an \`npm run example:backend\`?) and try again.`
            : `Cannot check port ${port}: ${error.message}`,
        ),
      );
    });
    server.listen(port, () => server.close(() => resolve()));
  });
}

/** What the Worker is built and served from (see wrangler.toml), copied to `dir`; node_modules is linked. */
function snapshotWorker(dir) {
  for (const entry of ["wrangler.toml", "package.json", "tsconfig.json", "src", "views", "public", "migrations"]) {
    cpSync(join(root, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
}

function runOrThrow(command, args, env, cwd = root) {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${[command, ...args].join(" ")} exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
}

/** Started process groups and temporary directories not yet cleaned up, for the exit hooks below. */
const running = new Set();
const tempDirs = new Set();
let hooksInstalled = false;

/**
 * Last-resort cleanup when the host process ends without calling stop(): on exit (also after an uncaught
 * exception) the groups are killed synchronously; on SIGINT, SIGTERM or SIGHUP (Ctrl-C, `timeout`, a closed
 * terminal) the process exits after that cleanup. Without this, wrangler and workerd would outlive it.
 */
function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", () => {
    for (const proc of running) killGroup(proc.child, "SIGKILL");
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ])
    process.once(signal, () => process.exit(code));
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * A child process whose output is kept (shown when something fails) and, with `echo`, printed with a
 * prefix. Started in its own process group so that stopping it also stops what it started (workerd).
 */
function startProcess(name, command, args, env, echo, cwd = root) {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const output = [];
  const proc = { name, child, output: () => output.join("") };
  running.add(proc);
  child.once("exit", () => running.delete(proc));
  const keep = (chunk) => {
    const text = chunk.toString();
    output.push(text);
    if (output.length > 400) output.shift();
    if (echo) process.stderr.write(text.replace(/^(?=.)/gm, `[${name}] `));
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  return proc;
}

/** Stops a process group and waits for its leader to exit (SIGKILL after 5 s). */
function stopProcess(proc) {
  const { child } = proc;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => killGroup(child, "SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(hard);
      killGroup(child, "SIGKILL"); // stragglers of the group (workerd) that ignored the first signal
      resolve();
    });
    killGroup(child, "SIGTERM");
  });
}

/** Resolves once `check()` is true; rejects after `ms`, or at once when `proc` exits first. */
async function waitFor(what, check, proc, ms = STARTUP_MS) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited (${proc.child.exitCode}) before ${what}:\n${proc.output()}`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not happen within ${ms / 1000} s. ${proc.name} said:\n${proc.output()}`);
}

/**
 * Starts the portal and the example backend. Options: `templates` to apply through the API once it is up
 * (the screenshot script's demo data; the tests apply what they need themselves), `echo` to stream the
 * processes' output to stderr (E2E_VERBOSE=1).
 *
 * @example
 *   const portal = await startPortal();
 *   try { await fetch(`${portal.url}/login`) } finally { await portal.stop() }
 */
export async function startPortal({ templates = [], echo = process.env.E2E_VERBOSE === "1" } = {}) {
  await requirePortFree(EXAMPLE_BACKEND_PORT, "the example backend");
  const [port, inspectorPort] = [await freePort(), await freePort()];
  // localhost, not 127.0.0.1: browsers keep the portal's `Secure` session cookie on http only for localhost.
  const url = `http://localhost:${port}`;
  const secrets = newLocalSecrets(url);
  installExitHooks();
  const stateDir = mkdtempSync(join(tmpdir(), "edge-portal-e2e-"));
  tempDirs.add(stateDir);
  const envFile = join(stateDir, "portal.env");
  writeFileSync(
    envFile,
    Object.entries(secrets)
      .map(([k, v]) => `${k}="${v}"\n`)
      .join(""),
    { mode: 0o600 },
  );
  const env = { ...process.env, ...quietWrangler };
  const processes = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(processes.map(stopProcess));
    rmSync(stateDir, { recursive: true, force: true });
    tempDirs.delete(stateDir);
  };
  try {
    // The backend first: it holds port 8788 from now on, and needs the portal only once webhooks arrive.
    const backendEnv = { ...env, ...secrets, PORT: String(EXAMPLE_BACKEND_PORT) };
    const backend = startProcess("backend", process.execPath, [join(root, "examples", "backend", "server.mjs")], backendEnv, echo);
    processes.push(backend);
    await waitFor("the example backend listened", async () => backend.output().includes("Example action backend on"), backend);

    runOrThrow(process.execPath, [join(root, "scripts", "copy-assets.mjs")], env);
    const app = join(stateDir, "worker");
    snapshotWorker(app);
    const persist = join(stateDir, "state");
    runOrThrow(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], env, app);
    // --env-file: wrangler then reads neither .dev.vars nor .env, so the developer's files play no part.
    const args = ["dev", "--port", String(port), "--ip", "127.0.0.1", "--inspector-port", String(inspectorPort)];
    args.push("--persist-to", persist, "--env-file", envFile, "--show-interactive-dev-session=false");
    const worker = startProcess("wrangler", wrangler, args, { ...env, CI: undefined }, echo, app);
    processes.push(worker);
    await waitFor("the portal answered /login", async () => (await fetch(`${url}/login`)).ok, worker);

    const portal = {
      url,
      admin: { email: secrets.PORTAL_ADMIN_EMAIL, password: secrets.PORTAL_ADMIN_PASSWORD },
      client: { id: secrets.PORTAL_CLIENT_ID, secret: secrets.PORTAL_CLIENT_SECRET },
      /** The processes' recent output, for a failure report. */
      logs: () => processes.map((p) => `--- ${p.name}\n${p.output()}`).join("\n"),
      stop,
    };
    const api = adminApi(portal);
    for (const name of templates) await api.applyTemplate(name);
    return portal;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The variables a test process reads the running portal from (see portalFromEnv in portal-api.mjs). */
export function portalEnv(portal) {
  return {
    E2E_PORTAL_URL: portal.url,
    E2E_ADMIN_EMAIL: portal.admin.email,
    E2E_ADMIN_PASSWORD: portal.admin.password,
    E2E_CLIENT_ID: portal.client.id,
    E2E_CLIENT_SECRET: portal.client.secret,
  };
}
