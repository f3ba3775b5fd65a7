// `npm run dev`: local portal on http://localhost:8787 with demo data.
// Applies the D1 migrations to the local SQLite, starts `wrangler dev` (workerd), waits for it, then applies
// the sdlc and cloud-resources templates (idempotent, so restarts keep your changes).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT ?? 8787);
const base = `http://127.0.0.1:${port}`;
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" };
const wrangler = join(root, "node_modules", ".bin", "wrangler");

ensureDevVars();
run(process.execPath, [join(root, "scripts", "copy-assets.mjs")]);
run(wrangler, ["d1", "migrations", "apply", "DB", "--local"]);

const server = spawn(wrangler, ["dev", "--port", String(port), "--ip", "127.0.0.1", "--test-scheduled"], {
  cwd: root,
  env: { ...env, CI: undefined },
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));

await waitForServer();
for (const template of ["sdlc", "cloud-resources"]) {
  const res = await fetch(`${base}/v1/templates/${template}/apply`, { method: "POST" });
  const body = await res.json();
  if (!res.ok) console.error(`template ${template} failed:`, JSON.stringify(body));
  else console.log(`template ${template}: created ${body.blueprints.created.length} blueprints, ${body.entities.created} entities`);
}
console.log(`\nPortal ready: http://localhost:${port}  (API reference: http://localhost:${port}/docs/api)\n`);

/** Local mode: .dev.vars (git-ignored) opens the portal to the local developer. */
function ensureDevVars() {
  const file = join(root, ".dev.vars");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (!/^AUTH_MODE=/m.test(text)) writeFileSync(file, `${text}${text && !text.endsWith("\n") ? "\n" : ""}AUTH_MODE=open\n`);
}

function run(command, args) {
  const r = spawnSync(command, args, { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

async function waitForServer() {
  for (let i = 0; i < 120; i++) {
    try {
      const res = await fetch(`${base}/v1/blueprints`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  console.error("wrangler dev did not answer within 60 s");
  server.kill();
  process.exit(1);
}
