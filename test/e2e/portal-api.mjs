// The JSON API as the browser tests use it for setup (templates, users, actions, entities) and for checking
// what a page did. Scenarios drive the pages; this only prepares and verifies.

/**
 * The running portal a test process talks to, from the variables scripts/e2e.mjs sets.
 *
 * @example const portal = portalFromEnv(); await signIn(page, portal.url, portal.admin);
 */
export function portalFromEnv() {
  const url = process.env.E2E_PORTAL_URL;
  if (!url) throw new Error("E2E_PORTAL_URL is not set: run the browser tests with `npm run test:e2e` (scripts/e2e.mjs starts the portal)");
  return {
    url,
    admin: { email: process.env.E2E_ADMIN_EMAIL ?? "", password: process.env.E2E_ADMIN_PASSWORD ?? "" },
    client: { id: process.env.E2E_CLIENT_ID ?? "", secret: process.env.E2E_CLIENT_SECRET ?? "" },
  };
}

/**
 * An API client acting as the bootstrap admin's client credentials. `call` throws with the portal's error
 * body on any status other than the expected one.
 *
 * @example const api = adminApi(portal); await api.call("POST", "/v1/teams", { name: "payments" }, 201);
 */
export function adminApi(portal) {
  let token = null;
  async function accessToken() {
    if (token) return token;
    const res = await fetch(`${portal.url}/v1/auth/access_token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientId: portal.client.id, clientSecret: portal.client.secret }),
    });
    const body = await res.json();
    if (!res.ok) throw new Error(`POST /v1/auth/access_token answered ${res.status}: ${JSON.stringify(body)}`);
    token = body.accessToken;
    return token;
  }
  async function call(method, path, body, expected = 200) {
    const res = await fetch(`${portal.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${await accessToken()}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json().catch(() => null);
    if (res.status !== expected)
      throw new Error(`${method} ${path} answered ${res.status} (expected ${expected}): ${JSON.stringify(json)}`);
    return json;
  }
  return {
    call,
    /** Idempotent: blueprints and entities that exist are left alone. */
    applyTemplate: (name) => call("POST", `/v1/templates/${encodeURIComponent(name)}/apply`),
    /**
     * A user who can sign in: invited through the API, then the invitation accepted the way the /invite
     * page posts it (a same-origin form post, so the Origin header is set).
     */
    async createUser({ email, password, teams = [], roles = ["Member"] }) {
      const { inviteUrl } = await call("POST", "/v1/users/invite", { email, teams, roles }, 201);
      const token = new URL(inviteUrl).searchParams.get("token") ?? "";
      const res = await fetch(`${portal.url}/invite`, {
        method: "POST",
        redirect: "manual",
        headers: { origin: portal.url, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token, name: email.split("@")[0] ?? email, password }),
      });
      if (res.status !== 303) throw new Error(`accepting the invitation of ${email} answered ${res.status}: ${await res.text()}`);
      return { email, password };
    },
    /** Creates the team unless it exists (tests may run again against the same portal). */
    async ensureTeam(name) {
      const { teams } = await call("GET", "/v1/teams");
      if (!teams.some((t) => t.name === name)) await call("POST", "/v1/teams", { name }, 201);
    },
  };
}
