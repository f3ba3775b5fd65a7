// A self-service action backend for the portal: Node 22, no dependencies. `npm run example:backend`.
//
// Receives the portal's signed webhooks, checks both signatures (Standard Webhooks and Port's), answers
// 202 at once, then does the "work" in the background: streams log lines to the run, creates the entity
// of a CREATE action (linked to the run with ?run_id=) and reports SUCCESS with a link. The
// dev-environments template's calls get their own handling: provisioning creates the `environment` entity
// with the expiry from the body; a teardown (the action, or the automation on expiry) marks it
// tearing-down and reports SUCCESS, after which the template's automation deletes the entity.
//
// Settings come from the environment or, when absent there, from the repository's .dev.vars (written by
// `npm run dev`): WEBHOOK_SIGNING_SECRET, PORTAL_URL, PORTAL_CLIENT_ID, PORTAL_CLIENT_SECRET; PORT (8788).

import { createHmac, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { catalogChange, PACK_ACTIONS } from "./pack-actions.mjs";

const TOLERANCE_SECONDS = 5 * 60;
const MAX_BODY_BYTES = 1024 * 1024;
/** How long a webhook-id is remembered: longer than the portal's retries of one delivery (~31 min). */
const DEDUPE_MS = 2 * 60 * 60 * 1000;
const PAUSE_MS = 700;

const config = loadConfig(["WEBHOOK_SIGNING_SECRET", "PORTAL_URL", "PORTAL_CLIENT_ID", "PORTAL_CLIENT_SECRET"]);
const portal = (config.PORTAL_URL ?? "http://localhost:8787").replace(/\/+$/, "");
const port = Number(process.env.PORT ?? 8788);
for (const name of ["WEBHOOK_SIGNING_SECRET", "PORTAL_CLIENT_ID", "PORTAL_CLIENT_SECRET"]) {
  if (!config[name]) {
    console.error(`${name} is not set (environment or .dev.vars). Run \`npm run dev\` once to write .dev.vars.`);
    process.exit(1);
  }
}

/** Each name from the environment, else from the repository's .dev.vars (KEY=value or KEY="value"). */
function loadConfig(names) {
  const file = join(dirname(fileURLToPath(import.meta.url)), "..", "..", ".dev.vars");
  const fromFile = {};
  if (existsSync(file)) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
      if (m) fromFile[m[1]] = m[2].replace(/^"(.*)"$|^'(.*)'$/, "$1$2");
    }
  }
  return Object.fromEntries(names.map((name) => [name, process.env[name] || fromFile[name]]));
}

// ---- signatures ------------------------------------------------------------------------------------------

function hmac(key, prefix, body) {
  return createHmac("sha256", key).update(prefix).update(body).digest("base64");
}

/** Constant-time comparison of two signatures (lengths are not secret). */
function same(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function fresh(timestamp) {
  return /^\d+$/.test(timestamp ?? "") && Math.abs(Date.now() / 1000 - Number(timestamp)) <= TOLERANCE_SECONDS;
}

/** Why the request is not a genuine, recent webhook from the portal; null when it is. */
function verify(headers, body, secret) {
  const id = headers["webhook-id"];
  const ts = headers["webhook-timestamp"];
  const signatures = headers["webhook-signature"];
  const portTs = headers["x-port-timestamp"];
  const portSignature = headers["x-port-signature"];
  if (!id || !ts || !signatures || !portTs || !portSignature) return "missing signature headers";
  if (!fresh(ts) || !fresh(portTs)) return "timestamp missing or more than 5 minutes away";
  // Standard Webhooks: key = the base64 part of whsec_…, message = "id.timestamp.body"; the header may
  // carry several space-separated signatures (key rotation).
  const key = secret.startsWith("whsec_") ? Buffer.from(secret.slice(6), "base64") : Buffer.from(secret);
  const expected = hmac(key, `${id}.${ts}.`, body);
  if (!signatures.split(" ").some((s) => s.startsWith("v1,") && same(s.slice(3), expected))) return "invalid webhook-signature";
  // Port: key = the whole secret string, message = "timestamp.body".
  const portExpected = hmac(Buffer.from(secret, "utf8"), `${portTs}.`, body);
  if (!portSignature.startsWith("v1,") || !same(portSignature.slice(3), portExpected)) return "invalid x-port-signature";
  return null;
}

// ---- the portal's API ------------------------------------------------------------------------------------

let token = { value: null, expiresAt: 0 };

async function accessToken(renew = false) {
  if (!renew && token.value && Date.now() < token.expiresAt) return token.value;
  const res = await fetch(`${portal}/v1/auth/access_token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId: config.PORTAL_CLIENT_ID, clientSecret: config.PORTAL_CLIENT_SECRET }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`POST /v1/auth/access_token answered ${res.status}: ${JSON.stringify(body)}`);
  token = { value: body.accessToken, expiresAt: Date.now() + 0.8 * 1000 * (body.expiresIn ?? 3600) };
  return token.value;
}

/** One API call with the bearer token (renewed once on 401); throws on any other error status. */
async function api(method, path, body) {
  for (const renew of [false, true]) {
    const res = await fetch(`${portal}${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${await accessToken(renew)}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({}));
    if (res.status === 401 && !renew) continue;
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${json.message ?? JSON.stringify(json)}`);
    return json;
  }
}

// ---- the work --------------------------------------------------------------------------------------------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const enc = encodeURIComponent;
/** The dev-environments template's teardowns: the "Tear down now" action and the expiry automation. */
const TEARDOWNS = new Set(["teardown_devenv", "devenv_expired_teardown"]);

/** What one run does, after the webhook was answered. */
async function work(webhookId, payload) {
  // Default body: context.runId. A custom body may carry {{ .run.id }} as run.id instead.
  const runId = payload?.context?.runId ?? payload?.run?.id;
  console.log(`\n▶ webhook ${webhookId}, run ${runId ?? "(none)"}:\n${JSON.stringify(payload, null, 2)}`);
  if (typeof runId !== "string") {
    console.log("  the body names no run (context.runId or run.id): nothing to report");
    return;
  }
  const log = async (message) => {
    await api("POST", `/v1/actions/runs/${enc(runId)}/logs`, { message });
    console.log(`  log: ${message}`);
  };
  try {
    await log(`Picked up by the example backend (webhook ${webhookId})`);
    await sleep(PAUSE_MS);
    const step =
      payload.action === "provision_devenv"
        ? provision
        : TEARDOWNS.has(payload.action)
          ? teardown
          : Object.hasOwn(PACK_ACTIONS, payload.action)
            ? packAction
            : generic;
    const { link, summary, label } = await step(runId, payload, log);
    await log("Done");
    await api("PATCH", `/v1/actions/runs/${enc(runId)}`, { status: "SUCCESS", statusLabel: label, link, summary });
    console.log(`  reported SUCCESS: ${link}`);
  } catch (error) {
    const cause = error.cause ? ` (${error.cause.code ?? error.cause.message})` : "";
    console.error(`  run ${runId}: ${error.message}${cause}`);
    // Best effort: end the run as failed instead of leaving it to time out (refused if it already ended).
    await api("PATCH", `/v1/actions/runs/${enc(runId)}`, {
      status: "FAILURE",
      statusLabel: "The example backend failed",
      summary: error.message.slice(0, 2000),
    }).catch((e) => console.error(`  could not report FAILURE: ${e.message}`));
  }
}

const entityPage = (blueprint, identifier) => `${portal}/blueprints/${enc(blueprint)}/entities/${enc(identifier)}`;

/** Any other action: logs its inputs, creates the entity of a CREATE action when it can. */
async function generic(runId, payload, log) {
  const inputs = payload.payload?.properties ?? payload.inputs ?? {};
  await log(`Inputs: ${JSON.stringify(inputs)}`);
  await sleep(PAUSE_MS);
  // In the default body a CREATE action has a blueprint and no entity (DAY-2 and DELETE always have one).
  const blueprint = payload.context?.blueprint;
  const name = inputs.identifier ?? inputs.name;
  if (payload.resourceType === "run" && blueprint && payload.context.entity === null && typeof name === "string") {
    const created = await createEntity(runId, blueprint, name, inputs.title ?? name);
    await sleep(PAUSE_MS);
    if (created) {
      await log(`Created ${blueprint} '${created}' (linked to this run)`);
      const summary = `Created ${blueprint} '${created}'.`;
      return { link: entityPage(blueprint, created), summary, label: "Done by the example backend" };
    }
    await log(`Could not create ${blueprint} '${name}' (see the backend's output); carrying on`);
  } else {
    await log("Doing the work…");
    await sleep(PAUSE_MS);
  }
  const summary = "The example backend did the (pretend) work.";
  return { link: `${portal}/runs/${enc(runId)}`, summary, label: "Done by the example backend" };
}

/**
 * An action of a template pack: its plan (pack-actions.mjs) names the log lines and the catalog change —
 * create the CREATE action's entity, update the DAY-2 action's entity, or delete the DELETE action's.
 */
async function packAction(runId, payload, log) {
  const blueprint = payload.context?.blueprint;
  const entity = payload.context?.entity ?? null;
  const plan = PACK_ACTIONS[payload.action]({
    inputs: payload.payload?.properties ?? {},
    entity,
    properties: payload.payload?.entity?.properties ?? {},
    by: payload.trigger?.by?.email ?? "someone",
  });
  if (plan.refuse) throw new Error(plan.refuse);
  for (const line of plan.steps.filter(Boolean)) {
    await log(line);
    await sleep(PAUSE_MS);
  }
  const change = catalogChange(plan, { blueprint, entity, runId });
  if (change) {
    await api(change.method, change.path, change.body);
    await log(change.note);
  }
  // A deleted entity has no page left: link the run then.
  const shows = change ? change.shows : entity ? { blueprint, identifier: entity } : null;
  const link = shows ? entityPage(shows.blueprint, shows.identifier) : `${portal}/runs/${enc(runId)}`;
  return { link, summary: plan.summary, label: "Done by the example backend" };
}

/** "Provision temporary DevEnv": creates the environment entity, running until the expiry in the body. */
async function provision(runId, payload, log) {
  const { environment: name, expiresAt, owner, inputs = {} } = payload;
  const blueprint = payload.blueprint ?? "environment";
  if (typeof name !== "string" || typeof expiresAt !== "string") throw new Error("the body names no environment or expiresAt");
  const url = `http://${name}.dev.localhost`;
  await log(`Provisioning '${name}' from branch ${inputs.branch ?? "main"} for ${inputs.ttl ?? "?"} days…`);
  await sleep(PAUSE_MS);
  await api("POST", `/v1/blueprints/${enc(blueprint)}/entities?upsert=true&run_id=${enc(runId)}`, {
    identifier: name,
    title: name,
    properties: { owner, branch: inputs.branch, url, expiresAt, status: "running" },
    relations: {},
  });
  await log(`'${name}' is running at ${url}; it expires ${expiresAt}`);
  return { link: entityPage(blueprint, name), summary: `Provisioned ${url} until ${expiresAt}.`, label: "Environment running" };
}

/** "Tear down now" or the expiry automation: marks the environment tearing-down and pretends to remove it. */
async function teardown(runId, payload, log) {
  const name = payload.environment ?? payload.context?.entity;
  const blueprint = payload.blueprint ?? "environment";
  if (typeof name !== "string") throw new Error("the body names no environment");
  await log(`Tearing down '${name}' (${payload.reason ?? payload.action})…`);
  // PATCH, not upsert: an environment deleted meanwhile must not come back.
  await api("PATCH", `/v1/blueprints/${enc(blueprint)}/entities/${enc(name)}?run_id=${enc(runId)}`, {
    properties: { status: "tearing-down" },
  }).catch((error) => log(`Could not mark '${name}' tearing-down (${error.message}); carrying on`));
  for (const step of ["Stopping the containers…", "Dropping the database…", `Releasing ${name}.dev.localhost…`]) {
    await sleep(PAUSE_MS);
    await log(step);
  }
  const summary = `Tore down '${name}'. The portal deletes the entity when this run succeeds.`;
  return { link: `${portal}/runs/${enc(runId)}`, summary, label: "Environment torn down" };
}

/** Creates (or replaces, so a second attempt is harmless) the entity, listed on the run via ?run_id=. */
async function createEntity(runId, blueprint, identifier, title) {
  const path = `/v1/blueprints/${enc(blueprint)}/entities?upsert=true&run_id=${enc(runId)}`;
  try {
    const res = await api("POST", path, { identifier, title: String(title), properties: {}, relations: {} });
    return res.entity?.identifier ?? identifier;
  } catch (error) {
    console.error(`  creating the entity failed: ${error.message}`);
    return null;
  }
}

// ---- the server ------------------------------------------------------------------------------------------

/** webhook-id → when it was first accepted (ms). */
const seen = new Map();

function answer(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

const server = createServer((req, res) => {
  if (req.method !== "POST") return answer(res, 200, { ok: true, service: "example action backend" });
  const chunks = [];
  let size = 0;
  req.on("data", (chunk) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  req.on("end", () => {
    if (size > MAX_BODY_BYTES) return answer(res, 413, { error: "body too large" });
    const body = Buffer.concat(chunks);
    const problem = verify(req.headers, body, config.WEBHOOK_SIGNING_SECRET);
    if (problem) {
      console.warn(`✗ rejected a request to ${req.url}: ${problem}`);
      return answer(res, 401, { error: problem });
    }
    const id = req.headers["webhook-id"];
    if (seen.has(id)) {
      console.log(`↺ webhook ${id} again (a retry): already accepted, not acting twice`);
      return answer(res, 200, { ok: true, duplicate: true });
    }
    let payload;
    try {
      payload = JSON.parse(body.toString("utf8"));
    } catch {
      return answer(res, 400, { error: "the body is not JSON" });
    }
    const now = Date.now();
    for (const [key, at] of seen) if (now - at > DEDUPE_MS) seen.delete(key);
    seen.set(id, now);
    answer(res, 202, { ok: true, accepted: id });
    work(id, payload).catch((error) => console.error(`webhook ${id}: ${error.stack ?? error}`));
  });
});

server.listen(port, () => {
  console.log(`Example action backend on http://localhost:${port}/ — reporting to ${portal}`);
});
