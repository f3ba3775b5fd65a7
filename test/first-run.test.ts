import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../src/index";

// Its own file, so this D1 starts empty; and every request goes to the Worker with the bootstrap
// variables removed, so no admin is created behind the test's back: the first admin must come from /setup.
const ORIGIN = "http://portal.test";
const COOKIE = "__Host-portal_session";
const firstRunEnv = {
  ...env,
  PORTAL_ADMIN_EMAIL: undefined,
  PORTAL_ADMIN_PASSWORD: undefined,
  PORTAL_CLIENT_ID: undefined,
  PORTAL_CLIENT_SECRET: undefined,
};

const FIRST = { email: "founder@portal.test", name: "Founder", password: "founder password 123" };

async function send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Response> {
  const request = new Request(`${ORIGIN}${path}`, { method, headers, body, redirect: "manual" });
  return worker.fetch(request, firstRunEnv, createExecutionContext());
}

function form(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return send("POST", path, new URLSearchParams(fields).toString(), {
    "content-type": "application/x-www-form-urlencoded",
    origin: ORIGIN,
    ...headers,
  });
}

function sessionCookie(res: Response): string | undefined {
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${COOKIE}=`));
  return line?.slice(COOKIE.length + 1).split(";")[0] || undefined;
}

async function count(sql: string, ...binds: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql)
    .bind(...binds)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

const adminCount = () => count(`SELECT COUNT(*) AS n FROM users WHERE status = 'active' AND roles LIKE '%"Admin"%'`);

describe("first run", () => {
  it("starts without any user, and the sign-in page points to creating the first admin", async () => {
    expect(await count("SELECT COUNT(*) AS n FROM users")).toBe(0);
    const res = await send("GET", "/login");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/create the first admin/i);
    expect(html).toContain('href="/setup"');
    // Still nobody: the request did not bootstrap anyone.
    expect(await count("SELECT COUNT(*) AS n FROM users")).toBe(0);
  });

  it("GET /setup shows the form; the portal itself still requires sign-in", async () => {
    const res = await send("GET", "/setup");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<form method="post" action="/setup">');
    expect(html).toContain('name="email"');
    expect(html).toContain('name="password"');
    const home = await send("GET", "/");
    expect(home.status).toBe(302);
    expect(home.headers.get("location")).toBe("/login?next=%2F");
  });

  it("refuses a short password, and a cross-site form post", async () => {
    const short = await form("/setup", { ...FIRST, password: "short" });
    expect(short.status).toBe(400);
    expect(short.headers.get("content-type")).toContain("text/html");
    expect(await short.text()).toContain("12 characters");
    expect(sessionCookie(short)).toBeUndefined();

    const crossSite = await form("/setup", FIRST, { origin: "http://evil.example" });
    expect(crossSite.status).toBe(403);
    expect(sessionCookie(crossSite)).toBeUndefined();
    expect(await count("SELECT COUNT(*) AS n FROM users")).toBe(0);
  });

  it("creates the first admin and signs them in", async () => {
    const res = await form("/setup", FIRST);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
    const cookie = sessionCookie(res);
    expect(cookie).toBeDefined();
    const headers = { cookie: `${COOKIE}=${cookie}` };

    const home = await send("GET", "/", undefined, headers);
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toContain("text/html");

    const me = await send("GET", "/v1/auth/me", undefined, headers);
    expect(me.status).toBe(200);
    const body = (await me.json()) as { user: { email: string; name: string; roles: string[]; status: string }; via: string };
    expect(body.via).toBe("session");
    expect(body.user).toMatchObject({ email: FIRST.email, name: FIRST.name, status: "active" });
    expect(body.user.roles).toContain("Admin");
    expect(await adminCount()).toBe(1);
  });

  it("closes /setup once an admin exists: no second admin, no takeover of the first", async () => {
    const page = await send("GET", "/setup");
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/login");
    const login = await (await send("GET", "/login")).text();
    expect(login).not.toMatch(/create the first admin/i);

    const second = await form("/setup", { email: "intruder@portal.test", name: "Intruder", password: "intruder password 123" });
    expect(second.status).toBe(303);
    expect(second.headers.get("location")).toBe("/login");
    expect(sessionCookie(second)).toBeUndefined();
    expect(await count("SELECT COUNT(*) AS n FROM users WHERE email = ?", "intruder@portal.test")).toBe(0);

    // Re-running setup for the existing admin's email must not reset their password.
    const takeover = await form("/setup", { email: FIRST.email, name: "Intruder", password: "intruder password 123" });
    expect(sessionCookie(takeover)).toBeUndefined();
    expect(await adminCount()).toBe(1);

    const withNew = await form("/login", { email: FIRST.email, password: "intruder password 123", next: "/" });
    expect(withNew.status).toBe(401);
    const withOld = await form("/login", { email: FIRST.email, password: FIRST.password, next: "/" });
    expect(withOld.status).toBe(303);
    expect(sessionCookie(withOld)).toBeDefined();
  });

  it("simultaneous first-run submissions create exactly one admin", async () => {
    // Back to an empty portal (this file's D1 only), then three setup forms arrive at the same moment.
    await env.DB.batch([
      env.DB.prepare("DELETE FROM sessions"),
      env.DB.prepare("DELETE FROM credentials"),
      env.DB.prepare("DELETE FROM team_members"),
      env.DB.prepare("DELETE FROM users"),
      env.DB.prepare("DELETE FROM login_failures"),
    ]);
    expect((await send("GET", "/setup")).status).toBe(200);
    const results = await Promise.all(
      [1, 2, 3].map((i) => form("/setup", { email: `racer${i}@portal.test`, name: `Racer ${i}`, password: "racer password 1234" })),
    );
    const signedIn = results.filter((r) => r.status === 303 && sessionCookie(r) !== undefined);
    expect(signedIn.length, `statuses: ${results.map((r) => r.status).join(",")}`).toBe(1);
    expect(await adminCount()).toBe(1);
  });
});
