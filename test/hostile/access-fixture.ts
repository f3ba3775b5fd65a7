import { expect } from "vitest";
import { hook } from "../actions-helpers";
import { call, callJson } from "../helpers";
import { type BrowserSession, invitedUser } from "../session";
import { admin, adminBrowser } from "./fixtures";

// The world of test/access-routes.test.ts: two teams each owning one service entity that only they (and
// the service moderator, and admins) may read, a scorecard and an initiative over them, actions (one gated
// by approval), an automation and a webhook subscription whose URL is a secret, and one run per member.

export type Actor = "anon" | "alice" | "bob" | "mod" | "admin";
export type Via = "api" | "page";

export const ALICE = "alice@routes.test";
export const BOB = "bob@routes.test";
export const MOD = "mod@routes.test";
export const A = { id: "alpha-svc-kx", title: "ALPHA-ONLY-title-3k", prop: "alpha-prop-q1" };
export const B = { id: "beta-svc-zq", title: "BETA-ONLY-title-7f", prop: "beta-prop-9q" };
/** Part of the actions' webhook URL: only the action's managers may see invocations. */
export const HOOK_SECRET = "hook-SECRET-url-55";

const sessions: Partial<Record<Actor, BrowserSession>> = {};
const tokens: Partial<Record<Actor, string>> = {};
export const runIds = { aliceRun: "", bobRun: "", gatedRun: "" };

/** What `actor` must never see in any answer. */
export function forbiddenFor(actor: Actor): string[] {
  if (actor === "alice") return [B.id, B.title, B.prop, runIds.bobRun, HOOK_SECRET];
  if (actor === "bob") return [A.id, A.title, A.prop, runIds.aliceRun, runIds.gatedRun, HOOK_SECRET];
  return [];
}

/** The entities `actor` reads (and must see where a route lists entities, so a leak check is never vacuous). */
export function ownEntities(actor: Actor): string[] {
  if (actor === "alice") return [A.id];
  if (actor === "bob") return [B.id];
  return actor === "anon" ? [] : [A.id, B.id];
}

/** A request as `actor`: bearer token for the API, session cookie (and CSRF token) for pages. */
export function sendAs(actor: Actor, via: Via, method: string, path: string, body?: unknown): Promise<Response> {
  if (via === "api") {
    if (actor === "admin") return call(method, path, body);
    return call(method, path, body, { authorization: actor === "anon" ? "" : `Bearer ${tokens[actor]}` });
  }
  const session = sessions[actor];
  const headers: Record<string, string> = { authorization: "", ...(session ? { cookie: session.cookie } : {}) };
  if (method !== "GET") Object.assign(headers, { "content-type": "application/x-www-form-urlencoded", origin: "http://portal.test" });
  if (method !== "GET" && session) headers["x-csrf-token"] = session.csrf;
  return call(method, path, body, headers);
}

const MODERATED = { roles: ["Admin", "service-moderator"] };

async function catalog(): Promise<void> {
  await admin("POST", "/v1/teams", { name: "alpha" });
  await admin("POST", "/v1/teams", { name: "beta" });
  await admin("POST", "/v1/blueprints", { identifier: "service", title: "Service", schema: { properties: { note: { type: "string" } } } });
  for (const [e, team] of [
    [A, "alpha"],
    [B, "beta"],
  ] as const) {
    await admin("POST", "/v1/blueprints/service/entities", {
      identifier: e.id,
      title: e.title,
      team: [team],
      properties: { note: e.prop },
    });
  }
  const read = { ...MODERATED, ownedByTeam: true };
  const entities = { read, register: MODERATED, update: read, unregister: MODERATED };
  await admin("PATCH", "/v1/blueprints/service/permissions", { entities }, 200);
  const rule = {
    identifier: "noted",
    title: "Has a note",
    level: "Gold",
    query: { combinator: "and", conditions: [{ property: "note", operator: "isNotEmpty" }] },
  };
  await admin("POST", "/v1/blueprints/service/scorecards", { identifier: "ready", title: "Ready", rules: [rule] });
  const target = { target: { level: "Gold" }, targetDate: "2030-01-31", owner: "alpha", teams: ["alpha", "beta"] };
  await admin("POST", "/v1/initiatives", { identifier: "gold", title: "All gold", blueprint: "service", scorecard: "ready", ...target });
}

async function automation(): Promise<void> {
  const inputs = { properties: { target: { type: "string", format: "entity", blueprint: "service" } }, required: [] };
  const trigger = { type: "self-service", operation: "DAY-2", blueprintIdentifier: "service", userInputs: inputs };
  const invocationMethod = { type: "WEBHOOK", url: hook(HOOK_SECRET) };
  const execute = { roles: ["Member"] };
  await admin("POST", "/v1/actions", { identifier: "deploy", title: "Deploy", trigger, invocationMethod, permissions: { execute } });
  const approve = { users: [MOD] };
  await admin("POST", "/v1/actions", {
    identifier: "gated",
    title: "Gated",
    trigger,
    invocationMethod,
    requiredApproval: true,
    permissions: { execute, approve },
  });
  const event = { type: "ENTITY_CREATED", blueprintIdentifier: "service" };
  await admin("POST", "/v1/automations", {
    identifier: "auto",
    title: "Auto",
    trigger: { type: "automation", event },
    invocationMethod,
    publish: false,
  });
  await admin("POST", "/v1/webhooks", {
    title: "Sub",
    url: hook(HOOK_SECRET),
    events: ["ENTITY_CREATED"],
    blueprints: ["service"],
    enabled: false,
  });
}

async function people(): Promise<void> {
  const actors: [Actor, string, { roles: string[]; teams: string[] }][] = [
    ["alice", ALICE, { roles: ["Member"], teams: ["alpha"] }],
    ["bob", BOB, { roles: ["Member"], teams: ["beta"] }],
    ["mod", MOD, { roles: ["Member", "service-moderator"], teams: [] }],
  ];
  for (const [actor, email, opts] of actors) {
    sessions[actor] = await invitedUser(email, opts);
    const client = await admin("POST", "/v1/auth/clients", { name: `${actor} cli`, user: email });
    const credentials = { clientId: client.clientId, clientSecret: client.clientSecret };
    const exchanged = await callJson<{ accessToken: string }>("POST", "/v1/auth/access_token", credentials, { authorization: "" });
    tokens[actor] = exchanged.body.accessToken;
  }
  sessions.admin = await adminBrowser();
}

async function startRun(actor: Actor, action: string, entity: string): Promise<string> {
  const res = await sendAs(actor, "api", "POST", `/v1/actions/${action}/runs`, { entity, properties: {} });
  expect(res.status, await res.clone().text()).toBe(202);
  return ((await res.json()) as { run: { id: string } }).run.id;
}

/** Builds the whole fixture (once per test file: D1 is fresh per file). */
export async function buildAccessWorld(): Promise<void> {
  await catalog();
  await automation();
  await people();
  runIds.aliceRun = await startRun("alice", "deploy", A.id);
  runIds.bobRun = await startRun("bob", "deploy", B.id);
  runIds.gatedRun = await startRun("alice", "gated", A.id);
}
