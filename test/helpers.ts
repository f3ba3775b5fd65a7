import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";

export const ADMIN_EMAIL = "admin@portal.test";
export const ADMIN_PASSWORD = "correct horse battery staple";

let adminToken: Promise<string> | undefined;

/** An access token for the bootstrapped admin (client-credentials flow), fetched once per test file. */
export function getAdminToken(): Promise<string> {
  adminToken ??= (async () => {
    const res = await raw("POST", "/v1/auth/access_token", { clientId: env.PORTAL_CLIENT_ID, clientSecret: env.PORTAL_CLIENT_SECRET });
    const body = (await res.json()) as { accessToken?: string };
    if (!body.accessToken) throw new Error(`admin token exchange failed: ${JSON.stringify(body)}`);
    return body.accessToken;
  })();
  return adminToken;
}

/** Sends a request to the Worker under test exactly as given (no credentials added). */
export function raw(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const init: RequestInit = { method, headers: { ...headers }, redirect: "manual" };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] ??= "application/json";
  }
  return exports.default.fetch(new Request(`http://portal.test${path}`, init));
}

/**
 * Sends a request to the Worker under test (the real app, real D1) as the admin, unless `headers` carry
 * their own `authorization` (or `authorization: ""` for an anonymous request).
 */
export async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const h = { ...headers };
  if (h.authorization === undefined) h.authorization = `Bearer ${await getAdminToken()}`;
  if (h.authorization === "") delete h.authorization;
  return raw(method, path, body, h);
}

/** Like `call`, and parses the JSON response. */
export async function callJson<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await call(method, path, body, headers);
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}

/** A minimal valid blueprint body with the given extras. */
export function blueprintBody(identifier: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { identifier, title: identifier, schema: { properties: {}, required: [] }, ...extra };
}

/**
 * A signed-in user for permission tests: invited by the admin (with roles and teams), accepted through the
 * invitation form, given client credentials by the admin, and exchanged for an access token.
 */
export async function createUserToken(email: string, opts: { roles?: string[]; teams?: string[] } = {}): Promise<string> {
  const invite = await callJson<{ inviteUrl: string }>("POST", "/v1/users/invite", {
    email,
    ...(opts.roles ? { roles: opts.roles } : {}),
    ...(opts.teams ? { teams: opts.teams } : {}),
  });
  expect(invite.status, JSON.stringify(invite.body)).toBe(201);
  const token = new URL(invite.body.inviteUrl).searchParams.get("token");
  expect(token).toBeTruthy();
  const accepted = await raw(
    "POST",
    "/invite",
    new URLSearchParams({ token: token ?? "", name: email.split("@")[0] ?? "", password: "a long enough password" }).toString(),
    { "content-type": "application/x-www-form-urlencoded", origin: "http://portal.test" },
  );
  expect(accepted.status, await accepted.clone().text()).toBe(303);
  const client = await callJson<{ clientId: string; clientSecret: string }>("POST", "/v1/auth/clients", {
    name: `${email} cli`,
    user: email,
  });
  expect(client.status, JSON.stringify(client.body)).toBe(201);
  const exchanged = await callJson<{ accessToken: string }>(
    "POST",
    "/v1/auth/access_token",
    { clientId: client.body.clientId, clientSecret: client.body.clientSecret },
    { authorization: "" },
  );
  expect(exchanged.status, JSON.stringify(exchanged.body)).toBe(200);
  return exchanged.body.accessToken;
}
