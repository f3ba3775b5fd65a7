import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { signJwt } from "../src/lib/jwt";
import { isWellFormedSecret } from "../src/lib/secrets";
import { ADMIN_EMAIL, ADMIN_PASSWORD, blueprintBody, call, callJson, raw } from "./helpers";

const ORIGIN = "http://portal.test";
const COOKIE = "__Host-portal_session";

type ErrorBody = { ok: false; error: { code: string; message: string } };

function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`missing ${what}`);
  return value;
}

/** A browser form post: urlencoded body, same origin unless `headers` say otherwise. */
function form(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return raw("POST", path, new URLSearchParams(fields).toString(), {
    "content-type": "application/x-www-form-urlencoded",
    origin: ORIGIN,
    ...headers,
  });
}

function withCookie(cookie: string, headers: Record<string, string> = {}): Record<string, string> {
  return { cookie: `${COOKIE}=${cookie}`, ...headers };
}

/** The session cookie a response sets, as the raw Set-Cookie line and its value. */
function sessionSetCookie(res: Response): { line: string; value: string } | undefined {
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${COOKIE}=`));
  if (!line) return undefined;
  return { line, value: line.slice(COOKIE.length + 1).split(";")[0] ?? "" };
}

function login(email: string, password: string, next = "/blueprints", headers: Record<string, string> = {}): Promise<Response> {
  return form("/login", { email, password, next }, headers);
}

async function loginCookie(email: string, password: string): Promise<string> {
  const res = await login(email, password);
  expect(res.status).toBe(303);
  return must(sessionSetCookie(res), "session cookie").value;
}

/** The session's CSRF token as the portal hands it to the browser (hidden `_csrf` field of the tokens page). */
async function csrfTokenOf(cookie: string): Promise<string> {
  const res = await raw("GET", "/settings/tokens", undefined, withCookie(cookie));
  expect(res.status).toBe(200);
  const html = await res.text();
  return must(/name="_csrf" value="([^"]+)"/.exec(html)?.[1], "_csrf field");
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

async function exchange(clientId: string, clientSecret: string): Promise<Response> {
  return raw("POST", "/v1/auth/access_token", { clientId, clientSecret });
}

/** Invites `email` as a Member and accepts the invitation; returns the new user's session cookie. */
async function invitedMember(email: string, password = "member password 123"): Promise<string> {
  const invited = await callJson<{ inviteUrl: string }>("POST", "/v1/users/invite", { email, roles: ["Member"] });
  expect(invited.status).toBe(201);
  const token = must(new URL(invited.body.inviteUrl).searchParams.get("token"), "invite token");
  const accepted = await form("/invite", { token, name: email, password });
  expect(accepted.status).toBe(303);
  return must(sessionSetCookie(accepted), "session cookie").value;
}

describe("client credentials and access tokens", () => {
  it("exchanges the test client for a one-hour bearer token that opens the API", async () => {
    const res = await exchange(must(env.PORTAL_CLIENT_ID, "client id"), must(env.PORTAL_CLIENT_SECRET, "client secret"));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; accessToken: string; expiresIn: number; tokenType: string };
    expect(body).toEqual({ ok: true, accessToken: expect.any(String), expiresIn: 3600, tokenType: "Bearer" });
    const list = await raw("GET", "/v1/blueprints", undefined, bearer(body.accessToken));
    expect(list.status).toBe(200);
  });

  it("answers a wrong secret and an unknown client id identically", async () => {
    const wrong = await exchange(must(env.PORTAL_CLIENT_ID, "client id"), "epcs_wrong_secret_0123456789abcdefghijklmnop");
    const unknown = await exchange("epci_nobody", must(env.PORTAL_CLIENT_SECRET, "client secret"));
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const a = (await wrong.json()) as ErrorBody;
    const b = (await unknown.json()) as ErrorBody;
    expect(a.error.code).toBe(b.error.code);
    expect(a.error.message).toBe(b.error.message);
  });

  it("refuses tampered, expired and foreign-key tokens", async () => {
    const res = await exchange(must(env.PORTAL_CLIENT_ID, "client id"), must(env.PORTAL_CLIENT_SECRET, "client secret"));
    const { accessToken } = (await res.json()) as { accessToken: string };
    const [head, body, sig] = accessToken.split(".") as [string, string, string];
    const i = 10;
    const flipped = `${head}.${body}.${sig.slice(0, i)}${sig[i] === "A" ? "B" : "A"}${sig.slice(i + 1)}`;
    const tampered = await raw("GET", "/v1/blueprints", undefined, bearer(flipped));
    expect(tampered.status).toBe(401);
    expect(((await tampered.json()) as ErrorBody).error.code).toBe("invalid_token");

    const cred = must(
      await env.DB.prepare("SELECT id, user_id FROM credentials WHERE client_id = ?")
        .bind(env.PORTAL_CLIENT_ID)
        .first<{ id: string; user_id: string }>(),
      "bootstrap credential",
    );
    const user = must(await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(ADMIN_EMAIL).first<{ id: string }>(), "admin");
    expect(cred.user_id).toBe(user.id);
    const now = Math.floor(Date.now() / 1000);
    const key = must(env.AUTH_SIGNING_KEY, "signing key");
    // Control: the same claims with a future expiry verify, so the refusals below are about expiry and key only.
    const fresh = await signJwt({ sub: user.id, cid: cred.id, iat: now, exp: now + 600, iss: "edge-portal" }, key);
    expect((await raw("GET", "/v1/blueprints", undefined, bearer(fresh))).status).toBe(200);

    const expired = await signJwt({ sub: user.id, cid: cred.id, iat: now - 7200, exp: now - 60, iss: "edge-portal" }, key);
    const expiredRes = await raw("GET", "/v1/blueprints", undefined, bearer(expired));
    expect(expiredRes.status).toBe(401);
    expect(((await expiredRes.json()) as ErrorBody).error.code).toBe("invalid_token");

    const foreign = await signJwt(
      { sub: user.id, cid: cred.id, iat: now, exp: now + 600, iss: "edge-portal" },
      "another-signing-key-0123456789abcdef01234567",
    );
    const foreignRes = await raw("GET", "/v1/blueprints", undefined, bearer(foreign));
    expect(foreignRes.status).toBe(401);
    expect(((await foreignRes.json()) as ErrorBody).error.code).toBe("invalid_token");
  });

  it("creates a second client whose secret is shown once, and revoking it ends its tokens", async () => {
    const created = await callJson<{ id: string; clientId: string; clientSecret: string }>("POST", "/v1/auth/clients", { name: "ci" });
    expect(created.status).toBe(201);
    expect(created.body.clientId).toMatch(/^epci_/);
    expect(isWellFormedSecret(created.body.clientSecret, "clientSecret")).toBe(true);

    const listRes = await call("GET", "/v1/auth/clients");
    expect(listRes.status).toBe(200);
    const listText = await listRes.text();
    expect(listText).not.toContain(created.body.clientSecret);
    const clients = (JSON.parse(listText) as { clients: Record<string, unknown>[] }).clients;
    const listed = must(
      clients.find((c) => c.id === created.body.id),
      "listed client",
    );
    expect(listed.clientId).toBe(created.body.clientId);
    expect(listed.hint).toBe(`epcs_…${created.body.clientSecret.slice(-4)}`);
    for (const c of clients) expect(Object.keys(c).filter((k) => /secret/i.test(k))).toEqual([]);

    const exchanged = await exchange(created.body.clientId, created.body.clientSecret);
    expect(exchanged.status).toBe(200);
    const { accessToken } = (await exchanged.json()) as { accessToken: string };
    expect((await raw("GET", "/v1/blueprints", undefined, bearer(accessToken))).status).toBe(200);

    const revoked = await callJson("DELETE", `/v1/auth/clients/${created.body.id}`);
    expect(revoked.status).toBe(200);
    const after = await raw("GET", "/v1/blueprints", undefined, bearer(accessToken));
    expect(after.status).toBe(401);
    expect(((await after.json()) as ErrorBody).error.code).toBe("invalid_token");
    expect((await exchange(created.body.clientId, created.body.clientSecret)).status).toBe(401);
  });
});

describe("secret storage", () => {
  it("stores only the SHA-256 of client secrets and personal tokens", async () => {
    const created = await callJson<{ id: string; clientSecret: string }>("POST", "/v1/auth/clients", { name: "storage-check" });
    const pat = await callJson<{ token: string }>("POST", "/v1/auth/tokens", { name: "storage-check" });
    expect(created.status).toBe(201);
    expect(pat.status).toBe(201);
    const bootstrapSecret = must(env.PORTAL_CLIENT_SECRET, "client secret");

    const boot = must(
      await env.DB.prepare("SELECT secret_hash FROM credentials WHERE client_id = ?")
        .bind(env.PORTAL_CLIENT_ID)
        .first<{ secret_hash: string }>(),
      "bootstrap row",
    );
    expect(boot.secret_hash).toBe(await sha256Hex(bootstrapSecret));
    const second = must(
      await env.DB.prepare("SELECT secret_hash FROM credentials WHERE id = ?").bind(created.body.id).first<{ secret_hash: string }>(),
      "second client row",
    );
    expect(second.secret_hash).toBe(await sha256Hex(created.body.clientSecret));

    const { results } = await env.DB.prepare("SELECT * FROM credentials").all<Record<string, unknown>>();
    expect(results.length).toBeGreaterThanOrEqual(3);
    for (const row of results) {
      for (const value of Object.values(row)) {
        const text = String(value);
        expect(text).not.toContain(bootstrapSecret);
        expect(text).not.toContain(created.body.clientSecret);
        expect(text).not.toContain(pat.body.token);
      }
    }
  });
});

describe("personal API tokens", () => {
  it("issues a checksummed epat_ token, lists it only by hint, and records its use", async () => {
    const created = await callJson<{ token: string; credential: { id: string; hint: string; expiresAt: string | null } }>(
      "POST",
      "/v1/auth/tokens",
      { name: "laptop", expiresInDays: 30 },
    );
    expect(created.status).toBe(201);
    const { token, credential } = created.body;
    expect(token.startsWith("epat_")).toBe(true);
    expect(isWellFormedSecret(token, "personalToken")).toBe(true);
    expect(Date.parse(must(credential.expiresAt, "expiresAt")) - Date.now()).toBeGreaterThan(29 * 86_400_000);

    const listRes = await call("GET", "/v1/auth/tokens");
    const listText = await listRes.text();
    expect(listText).not.toContain(token);
    const tokens = (JSON.parse(listText) as { tokens: Record<string, unknown>[] }).tokens;
    const listed = must(
      tokens.find((t) => t.id === credential.id),
      "listed token",
    );
    expect(listed.hint).toBe(`epat_…${token.slice(-4)}`);
    for (const t of tokens) expect(Object.keys(t).filter((k) => /secret|token/i.test(k))).toEqual([]);

    const before = await env.DB.prepare("SELECT last_used_at FROM credentials WHERE id = ?")
      .bind(credential.id)
      .first<{ last_used_at: string | null }>();
    expect(before?.last_used_at).toBeNull();
    expect((await raw("GET", "/v1/blueprints", undefined, bearer(token))).status).toBe(200);
    const afterUse = await env.DB.prepare("SELECT last_used_at FROM credentials WHERE id = ?")
      .bind(credential.id)
      .first<{ last_used_at: string | null }>();
    expect(afterUse?.last_used_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    // A broken checksum (last character changed) is refused.
    const last = token.slice(-1);
    const broken = `${token.slice(0, -1)}${last === "a" ? "b" : "a"}`;
    expect(isWellFormedSecret(broken, "personalToken")).toBe(false);
    expect((await raw("GET", "/v1/blueprints", undefined, bearer(broken))).status).toBe(401);

    // Expiry is enforced on every use.
    await env.DB.prepare("UPDATE credentials SET expires_at = ? WHERE id = ?").bind("2000-01-01T00:00:00.000Z", credential.id).run();
    const expired = await raw("GET", "/v1/blueprints", undefined, bearer(token));
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as ErrorBody).error.code).toBe("invalid_token");
  });

  it("a revoked token stops working at once", async () => {
    const created = await callJson<{ token: string; credential: { id: string } }>("POST", "/v1/auth/tokens", { name: "to-revoke" });
    expect(created.status).toBe(201);
    expect((await raw("GET", "/v1/blueprints", undefined, bearer(created.body.token))).status).toBe(200);
    const revoked = await callJson<{ credential: { revokedAt: string | null } }>("DELETE", `/v1/auth/tokens/${created.body.credential.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.credential.revokedAt).not.toBeNull();
    expect((await raw("GET", "/v1/blueprints", undefined, bearer(created.body.token))).status).toBe(401);
  });

  it("one user cannot revoke another's token", async () => {
    const adminToken = await callJson<{ token: string; credential: { id: string } }>("POST", "/v1/auth/tokens", { name: "admin-own" });
    expect(adminToken.status).toBe(201);

    const memberCookie = await invitedMember("token-owner@portal.test");
    const csrf = await csrfTokenOf(memberCookie);
    const memberToken = await raw("POST", "/v1/auth/tokens", { name: "member-own" }, withCookie(memberCookie, { "x-csrf-token": csrf }));
    expect(memberToken.status).toBe(201);
    const member = (await memberToken.json()) as { token: string; credential: { id: string } };

    const byMember = await raw("DELETE", `/v1/auth/tokens/${adminToken.body.credential.id}`, undefined, bearer(member.token));
    expect(byMember.status).toBe(404);
    const byAdmin = await callJson<ErrorBody>("DELETE", `/v1/auth/tokens/${member.credential.id}`);
    expect(byAdmin.status).toBe(404);
    // Both tokens still work.
    expect((await raw("GET", "/v1/blueprints", undefined, bearer(adminToken.body.token))).status).toBe(200);
    expect((await raw("GET", "/v1/blueprints", undefined, bearer(member.token))).status).toBe(200);
  });
});

describe("browser sessions", () => {
  it("the login form sets a hardened session cookie and redirects to next", async () => {
    const res = await login(ADMIN_EMAIL, ADMIN_PASSWORD, "/blueprints");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/blueprints");
    const cookie = must(sessionSetCookie(res), "session cookie");
    expect(cookie.value.length).toBeGreaterThanOrEqual(32);
    const attrs = cookie.line.split(";").map((a) => a.trim().toLowerCase());
    expect(attrs).toContain("httponly");
    expect(attrs).toContain("secure");
    expect(attrs).toContain("samesite=lax");
    expect(attrs).toContain("path=/");
    expect(attrs.some((a) => a.startsWith("domain="))).toBe(false);
  });

  it("the session cookie opens the portal; without it GET / redirects to /login", async () => {
    const cookie = await loginCookie(ADMIN_EMAIL, ADMIN_PASSWORD);
    const home = await raw("GET", "/", undefined, withCookie(cookie));
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toContain("text/html");
    const me = await raw("GET", "/v1/auth/me", undefined, withCookie(cookie));
    expect(((await me.json()) as { user: { email: string }; via: string }).via).toBe("session");

    const anonymous = await raw("GET", "/");
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toBe("/login?next=%2F");
    const bogus = await raw("GET", "/", undefined, withCookie("not-a-session"));
    expect(bogus.status).toBe(302);
  });

  it("a signed-in page names the signed-in user and carries a _csrf form field (for signing out)", async () => {
    const cookie = await loginCookie(ADMIN_EMAIL, ADMIN_PASSWORD);
    const home = await raw("GET", "/", undefined, withCookie(cookie));
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain(ADMIN_EMAIL);
    expect(html).toMatch(/<input type="hidden" name="_csrf" value="[A-Za-z0-9_-]{16,}"/);
  });

  it("does not follow an off-site next", async () => {
    for (const next of ["//evil.example", "/\\evil.example", "https://evil.example/"]) {
      const res = await login(ADMIN_EMAIL, ADMIN_PASSWORD, next);
      expect(res.status, next).toBe(303);
      expect(res.headers.get("location"), next).toBe("/");
    }
  });

  it("does not follow a next that browsers turn into //host (ASCII tab or newline after the first slash)", async () => {
    // Browsers strip tabs and newlines from URLs (WHATWG URL parser), so "/\t/evil.example" is "//evil.example".
    for (const next of ["/\t/evil.example", "/\t\\evil.example", "/\n/evil.example", "/\r/evil.example"]) {
      const res = await login(ADMIN_EMAIL, ADMIN_PASSWORD, next);
      expect(res.status, JSON.stringify(next)).toBe(303);
      const location = must(res.headers.get("location"), "location");
      expect(new URL(location.replace(/[\t\n\r]/g, ""), ORIGIN).origin, JSON.stringify(next)).toBe(ORIGIN);
    }
  });

  it("signing in again mints a new session and ends the previous one (no fixation)", async () => {
    const first = await loginCookie(ADMIN_EMAIL, ADMIN_PASSWORD);
    const csrf = await csrfTokenOf(first);
    const again = await form("/login", { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, next: "/", _csrf: csrf }, withCookie(first));
    expect(again.status).toBe(303);
    const second = must(sessionSetCookie(again), "second cookie").value;
    expect(second).not.toBe(first);
    expect((await raw("GET", "/", undefined, withCookie(first))).status).toBe(302);
    expect((await raw("GET", "/", undefined, withCookie(second))).status).toBe(200);
  });

  it("the sign-in form (which has no _csrf field) still works when the browser already holds a session cookie", async () => {
    const first = await loginCookie(ADMIN_EMAIL, ADMIN_PASSWORD);
    const loginPage = await (await raw("GET", "/login", undefined, withCookie(first))).text();
    expect(loginPage).not.toContain('name="_csrf"');
    // Exactly what the portal's own sign-in form submits.
    const again = await login(ADMIN_EMAIL, ADMIN_PASSWORD, "/", withCookie(first));
    expect(again.status).toBe(303);
    const second = must(sessionSetCookie(again), "second cookie").value;
    expect(second).not.toBe(first);
    expect((await raw("GET", "/", undefined, withCookie(first))).status).toBe(302);
  });

  it("logout ends the session", async () => {
    const cookie = await loginCookie(ADMIN_EMAIL, ADMIN_PASSWORD);
    const csrf = await csrfTokenOf(cookie);
    const out = await form("/logout", { _csrf: csrf }, withCookie(cookie));
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/login");
    expect(out.headers.getSetCookie().some((l) => l.startsWith(`${COOKIE}=;`) || /max-age=0/i.test(l))).toBe(true);
    expect((await raw("GET", "/", undefined, withCookie(cookie))).status).toBe(302);
    expect((await raw("GET", "/v1/blueprints", undefined, withCookie(cookie))).status).toBe(401);
  });
});

describe("CSRF", () => {
  it("session form posts need the session's token and the portal's origin", async () => {
    const cookie = await loginCookie(ADMIN_EMAIL, ADMIN_PASSWORD);
    const csrf = await csrfTokenOf(cookie);

    const noToken = await form("/settings/tokens", { name: "csrf-none" }, withCookie(cookie));
    expect(noToken.status).toBe(403);
    expect(await noToken.text()).toContain("did not come from the portal");

    const wrongToken = await form("/settings/tokens", { name: "csrf-wrong", _csrf: `${csrf}x` }, withCookie(cookie));
    expect(wrongToken.status).toBe(403);

    const crossSite = await form(
      "/settings/tokens",
      { name: "csrf-evil", _csrf: csrf },
      withCookie(cookie, { origin: "http://evil.example" }),
    );
    expect(crossSite.status).toBe(403);

    const noOrigin = await raw("POST", "/settings/tokens", new URLSearchParams({ name: "csrf-no-origin", _csrf: csrf }).toString(), {
      ...withCookie(cookie),
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(noOrigin.status).toBe(403);

    const ok = await form("/settings/tokens", { name: "csrf-ok", _csrf: csrf }, withCookie(cookie));
    expect(ok.status).toBe(201);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    const html = await ok.text();
    const shown = must(/<pre class="secret">(epat_[A-Za-z0-9]+)<\/pre>/.exec(html)?.[1], "token shown once");
    // htmx must not keep the page (and the token) in its localStorage history cache.
    expect(html).toMatch(/<div class="card created" hx-history="false">/);
    expect(isWellFormedSecret(shown, "personalToken")).toBe(true);
    expect(html.split(shown).length - 1).toBe(1);
    // Shown once: the page reloaded does not show it again.
    expect(await (await raw("GET", "/settings/tokens", undefined, withCookie(cookie))).text()).not.toContain(shown);
    // None of the refused attempts created a token.
    const names = ((await callJson<{ tokens: { name: string }[] }>("GET", "/v1/auth/tokens")).body.tokens ?? []).map((t) => t.name);
    expect(names).toContain("csrf-ok");
    expect(names.filter((n) => n.startsWith("csrf-") && n !== "csrf-ok")).toEqual([]);
  });

  it("the JSON API with a session cookie needs X-CSRF-Token; with a bearer token it does not", async () => {
    const cookie = await loginCookie(ADMIN_EMAIL, ADMIN_PASSWORD);
    const csrf = await csrfTokenOf(cookie);

    const without = await raw("POST", "/v1/teams", { name: "csrf-team-a" }, withCookie(cookie));
    expect(without.status).toBe(403);
    expect(((await without.json()) as ErrorBody).error.code).toBe("csrf_failed");

    const withHeader = await raw("POST", "/v1/teams", { name: "csrf-team-a" }, withCookie(cookie, { "x-csrf-token": csrf }));
    expect(withHeader.status).toBe(201);

    const viaBearer = await callJson("POST", "/v1/teams", { name: "csrf-team-b" });
    expect(viaBearer.status).toBe(201);
  });
});

describe("login throttling", () => {
  it("locks an account after 5 failures, without locking others, and never says which part was wrong", async () => {
    const ip = { "cf-connecting-ip": "203.0.113.7" };
    const victim = "throttled@portal.test";
    await invitedMember(victim, "victim password 123");

    const unknown = await login("nobody@portal.test", "whatever password", "/", { "cf-connecting-ip": "203.0.113.99" });
    const unknownHtml = await unknown.text();
    let wrongHtml = "";
    for (let i = 0; i < 5; i++) {
      const res = await login(victim, `wrong password ${i}`, "/", ip);
      expect(res.status, `attempt ${i + 1}`).toBe(401);
      expect(sessionSetCookie(res)).toBeUndefined();
      wrongHtml = await res.text();
    }
    expect(unknown.status).toBe(401);
    const alert = (html: string) => /<p class="alert" role="alert">([^<]*)<\/p>/.exec(html)?.[1];
    expect(alert(wrongHtml)).toBeDefined();
    expect(alert(unknownHtml)).toBe(alert(wrongHtml));

    const sixth = await login(victim, "victim password 123", "/", ip);
    expect(sixth.status).toBe(429);
    expect(sessionSetCookie(sixth)).toBeUndefined();
    expect(await sixth.text()).toMatch(/try again (in|later)/i);

    // Another account, from the same address, is not locked.
    const other = await login(ADMIN_EMAIL, ADMIN_PASSWORD, "/", ip);
    expect(other.status).toBe(303);
  });
});

describe("login throttling under concurrency", () => {
  it("parallel guesses cannot exceed the per-account limit", async () => {
    const victim = "parallel-target@portal.test";
    await invitedMember(victim, "parallel password 123");
    // 20 guesses at once, each from its own address so only the per-account limit (5) applies.
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(victim, `parallel guess ${i}`, "/", { "cf-connecting-ip": `198.51.100.${i + 1}` })),
    );
    const statuses = results.map((r) => r.status);
    const evaluated = statuses.filter((s) => s === 401).length;
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(evaluated, `statuses: ${statuses.join(",")}`).toBeLessThanOrEqual(5);
  });
});

describe("invitations", () => {
  it("an invited user chooses a password once and gets a session", async () => {
    const email = "newcomer@portal.test";
    const invited = await callJson<{ inviteUrl: string; user: { status: string } }>("POST", "/v1/users/invite", {
      email,
      roles: ["Member"],
    });
    expect(invited.status).toBe(201);
    expect(invited.body.inviteUrl).toMatch(/^http:\/\/portal\.test\/invite\?token=epinv_/);
    const users = await callJson<{ users: { email: string; status: string; roles: string[] }[] }>("GET", "/v1/users");
    expect(users.body.users.find((u) => u.email === email)).toMatchObject({ status: "invited", roles: ["Member"] });
    const token = must(new URL(invited.body.inviteUrl).searchParams.get("token"), "token");

    const short = await form("/invite", { token, name: "New Comer", password: "short" });
    expect(short.status).toBe(400);
    expect(short.headers.get("content-type")).toContain("text/html");
    expect(sessionSetCookie(short)).toBeUndefined();

    const accepted = await form("/invite", { token, name: "New Comer", password: "a long enough password" });
    expect(accepted.status).toBe(303);
    const cookie = must(sessionSetCookie(accepted), "session cookie").value;
    const me = await raw("GET", "/v1/auth/me", undefined, withCookie(cookie));
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { email: string; status: string; roles: string[] } }).user).toMatchObject({
      email,
      status: "active",
      roles: ["Member"],
    });

    const reused = await form("/invite", { token, name: "Attacker", password: "another long password" });
    expect(reused.status).toBe(400);
    expect(sessionSetCookie(reused)).toBeUndefined();
    // The chosen password still works; the reuse attempt did not change it.
    expect((await login(email, "a long enough password")).status).toBe(303);
  });
});

describe("invitations and disabled users", () => {
  it("an invitation cannot re-activate a user an admin disabled before they accepted", async () => {
    const email = "disabled-invitee@portal.test";
    const invited = await callJson<{ inviteUrl: string }>("POST", "/v1/users/invite", { email, roles: ["Member"] });
    expect(invited.status).toBe(201);
    const token = must(new URL(invited.body.inviteUrl).searchParams.get("token"), "token");
    const disabled = await callJson("PATCH", `/v1/users/${encodeURIComponent(email)}`, { status: "disabled" });
    expect(disabled.status).toBe(200);

    const accepted = await form("/invite", { token, name: "Disabled", password: "a long enough password" });
    expect(accepted.status).toBe(400);
    expect(sessionSetCookie(accepted)).toBeUndefined();
    const user = await callJson<{ user: { status: string } }>("GET", `/v1/users/${encodeURIComponent(email)}`);
    expect(user.body.user.status).toBe("disabled");
  });
});

describe("XSS", () => {
  it("entity title and markdown render inert for a signed-in user", async () => {
    const bp = await callJson(
      "POST",
      "/v1/blueprints",
      blueprintBody("xss", { schema: { properties: { notes: { type: "string", format: "markdown" } }, required: [] } }),
    );
    expect(bp.status).toBe(201);
    const entity = await callJson("POST", "/v1/blueprints/xss/entities", {
      identifier: "evil",
      title: "<script>alert(1)</script>",
      properties: { notes: "hello <img src=x onerror=alert(1)>" },
    });
    expect(entity.status).toBe(201);

    const cookie = await loginCookie(ADMIN_EMAIL, ADMIN_PASSWORD);
    const page = await raw("GET", "/blueprints/xss/entities/evil", undefined, withCookie(cookie));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toMatch(/<img\b/i);
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
  });
});

describe("Cloudflare Access", () => {
  const TEAM = "team.cloudflareaccess.com";
  const AUD = "test-aud";

  async function keyPair(kid: string) {
    const pair = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const publicJwk = { ...((await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey), kid, alg: "RS256" };
    // hono's sign() puts `kid` in the header when given a JWK that carries `alg`.
    const privateJwk = { ...((await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey), kid, alg: "RS256" };
    return { publicJwk, privateJwk };
  }

  function assertion(privateJwk: JsonWebKey & { kid: string; alg: string }, claims: Record<string, unknown> = {}) {
    const now = Math.floor(Date.now() / 1000);
    return sign(
      { email: "sso-user@portal.test", iss: `https://${TEAM}`, aud: AUD, iat: now, exp: now + 300, ...claims },
      privateJwk,
      "RS256",
    );
  }

  async function viaAccess(path: string, token: string, jwks: JsonWebKey[]): Promise<Response> {
    const request = new Request(`${ORIGIN}${path}`, { headers: { "cf-access-jwt-assertion": token }, redirect: "manual" });
    return worker.fetch(
      request,
      { ...env, CF_ACCESS_TEAM_DOMAIN: TEAM, CF_ACCESS_AUD: AUD, CF_ACCESS_JWKS: JSON.stringify({ keys: jwks }) },
      createExecutionContext(),
    );
  }

  it("a valid assertion signs the user in and creates them as an active Member", async () => {
    const { publicJwk, privateJwk } = await keyPair("kid-1");
    const token = await assertion(privateJwk);
    const encodedHeader = must(token.split(".")[0], "header").replaceAll("-", "+").replaceAll("_", "/");
    const header = JSON.parse(atob(encodedHeader)) as { alg?: string; kid?: string };
    expect(header).toMatchObject({ alg: "RS256", kid: "kid-1" });

    const res = await viaAccess("/v1/blueprints", token, [publicJwk]);
    expect(res.status).toBe(200);
    const users = await callJson<{ users: { email: string; status: string; roles: string[] }[] }>("GET", "/v1/users");
    expect(users.body.users.find((u) => u.email === "sso-user@portal.test")).toMatchObject({ status: "active", roles: ["Member"] });
  });

  it("refuses a wrong audience, a wrong issuer, an expired assertion and a different key", async () => {
    const { publicJwk, privateJwk } = await keyPair("kid-2");
    const other = await keyPair("kid-2");
    const cases: [string, string][] = [
      ["wrong audience", await assertion(privateJwk, { aud: "other-aud" })],
      ["wrong issuer", await assertion(privateJwk, { iss: "https://evil.cloudflareaccess.com" })],
      ["expired", await assertion(privateJwk, { iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 60 })],
      ["different key, same kid", await assertion(other.privateJwk)],
    ];
    for (const [what, token] of cases) {
      const res = await viaAccess("/v1/blueprints", token, [publicJwk]);
      expect(res.status, what).toBe(401);
      expect(((await res.json()) as ErrorBody).error.code, what).toBe("invalid_access_assertion");
    }
  });

  it("ignores the assertion header when Access is not configured", async () => {
    const { privateJwk } = await keyPair("kid-3");
    const res = await raw("GET", "/v1/blueprints", undefined, { "cf-access-jwt-assertion": await assertion(privateJwk) });
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorBody).error.code).toBe("unauthenticated");
  });
});
