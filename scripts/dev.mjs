// `npm run dev`: local portal on http://localhost:8787 with demo data.
// Applies the D1 migrations to the local SQLite, starts `wrangler dev` (workerd), waits for it, then applies
// the sdlc, cloud-resources, dev-environments and service-scorecards templates (idempotent, so restarts keep your changes).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { newLocalSecrets } from "./local-secrets.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT ?? 8787);
const base = `http://127.0.0.1:${port}`;
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "true" };
const wrangler = join(root, "node_modules", ".bin", "wrangler");

const vars = ensureDevVars();
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
const token = await accessToken();
for (const template of ["sdlc", "cloud-resources", "dev-environments", "service-scorecards"]) {
  const res = await fetch(`${base}/v1/templates/${template}/apply`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
  const body = await res.json();
  if (!res.ok) console.error(`template ${template} failed:`, JSON.stringify(body));
  else console.log(`template ${template}: created ${body.blueprints.created.length} blueprints, ${body.entities.created} entities`);
}
// `wrangler dev` does not fire Cron Triggers by itself; --test-scheduled exposes /__scheduled, which this
// calls on the production schedule (every 5 minutes): due integrations sync, and deliveries or event ranges
// whose queue message was lost (the local queue drops pending messages on restart) are queued again.
const CRON = "*/5 * * * *";
setInterval(
  () => {
    fetch(`${base}/__scheduled?cron=${encodeURIComponent(CRON)}`).catch((error) => console.error("cron tick failed:", error.message));
  },
  5 * 60 * 1000,
).unref();
console.log(`
Portal ready: http://localhost:${port}   (API reference: http://localhost:${port}/docs/api)
Sign in as ${vars.PORTAL_ADMIN_EMAIL} with the password PORTAL_ADMIN_PASSWORD from .dev.vars.
API: source .dev.vars, then POST /v1/auth/access_token with {"clientId": $PORTAL_CLIENT_ID, "clientSecret": $PORTAL_CLIENT_SECRET}.
`);

/**
 * Local secrets in .dev.vars (git-ignored; wrangler hands them to the Worker as environment variables):
 * the token signing key and the demo admin with its API client. Existing values are kept, so the same
 * credentials work across restarts and on any empty local database (the Worker bootstraps the admin).
 */
function ensureDevVars() {
  const file = join(root, ".dev.vars");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const current = Object.fromEntries(
    text
      .split("\n")
      .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line.trim()))
      .filter(Boolean)
      .map((m) => [m[1], m[2].replace(/^"(.*)"$/, "$1")]),
  );
  // examples/backend reads WEBHOOK_SIGNING_SECRET and the client from this file too.
  const wanted = newLocalSecrets("http://localhost:8787");
  const merged = { ...wanted, ...current };
  delete merged.AUTH_MODE; // the open mode of the first release is gone
  writeFileSync(
    file,
    `${Object.entries(merged)
      .map(([k, v]) => `${k}="${v}"`)
      .join("\n")}\n`,
  );
  return merged;
}

async function accessToken() {
  const res = await fetch(`${base}/v1/auth/access_token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId: vars.PORTAL_CLIENT_ID, clientSecret: vars.PORTAL_CLIENT_SECRET }),
  });
  const body = await res.json();
  if (!res.ok) {
    console.error("could not get an access token with the .dev.vars credentials:", JSON.stringify(body));
    console.error("If this local database was set up with other credentials, delete .wrangler/state to start afresh.");
    server.kill();
    process.exit(1);
  }
  return body.accessToken;
}

function run(command, args) {
  const r = spawnSync(command, args, { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

async function waitForServer() {
  for (let i = 0; i < 120; i++) {
    try {
      const res = await fetch(`${base}/login`);
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
