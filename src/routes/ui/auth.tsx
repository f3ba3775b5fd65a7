import type { Context } from "hono";
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { InvitePage, LoginPage, SetupPage } from "../../../views/pages/auth-pages";
import { database } from "../../db/client";
import type { UserRecord } from "../../db/user-store";
import { activeAdminExists } from "../../db/user-store";
import { checkPassword, endSession, SESSION_SECONDS, startSession } from "../../domain/identity/sessions";
import { acceptInvite, createFirstAdmin } from "../../domain/identity/users";
import type { AppEnv } from "../../env";
import { AppError } from "../../lib/errors";
import { SESSION_COOKIE } from "../../middleware/authenticate";

/** Sign in, sign out, first run and invitations: the only pages that work without a session. */
export const authPages = new Hono<AppEnv>();

/**
 * Only same-site relative paths: `next` must not turn the sign-in page into an open redirect. Control
 * characters and backslashes are refused outright (browsers drop tabs and newlines and read `\` as `/`,
 * which would turn `/\t/evil.example` into `//evil.example`).
 */
function safeNext(next: unknown): string {
  if (typeof next !== "string" || !next.startsWith("/") || [...next].some((ch) => ch <= " " || ch === "\u007f" || ch === "\\")) return "/";
  const base = "http://portal.invalid";
  const url = URL.parse(next, base);
  return url && url.origin === base ? `${url.pathname}${url.search}${url.hash}` : "/";
}

function field(form: Record<string, unknown>, name: string): string {
  const v = form[name];
  return typeof v === "string" ? v : "";
}

function clientIp(c: Context<AppEnv>): string {
  return c.req.header("cf-connecting-ip") ?? "local";
}

async function signIn(c: Context<AppEnv>, user: UserRecord, next: string) {
  const cookie = await startSession(database(c.env.DB), user, getCookie(c, SESSION_COOKIE), {
    actor: user.email,
    origin: "UI",
    requestId: c.get("requestId"),
    now: new Date().toISOString(),
  });
  setCookie(c, SESSION_COOKIE, cookie, { httpOnly: true, secure: true, sameSite: "Lax", path: "/", maxAge: SESSION_SECONDS });
  return c.redirect(next, 303);
}

function loginHint(c: Context<AppEnv>): string | undefined {
  return c.env.PORTAL_DEV_MODE === "1" && c.env.PORTAL_ADMIN_EMAIL
    ? `Local development: sign in as ${c.env.PORTAL_ADMIN_EMAIL}; the password is PORTAL_ADMIN_PASSWORD in .dev.vars.`
    : undefined;
}

authPages.get("/login", async (c) => {
  const firstRun = !(await activeAdminExists(database(c.env.DB)));
  return c.html(<LoginPage next={safeNext(c.req.query("next"))} hint={loginHint(c)} firstRun={firstRun} />);
});

authPages.post("/login", async (c) => {
  const form = await c.req.parseBody();
  const email = field(form, "email");
  const next = safeNext(form.next);
  try {
    const user = await checkPassword(database(c.env.DB), email, field(form, "password"), clientIp(c), Date.now());
    return await signIn(c, user, next);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return c.html(
      <LoginPage next={next} email={email} error={error.message} hint={loginHint(c)} firstRun={false} />,
      error.status === 429 ? 429 : 401,
    );
  }
});

authPages.post("/logout", async (c) => {
  const cookie = getCookie(c, SESSION_COOKIE);
  if (cookie) await endSession(database(c.env.DB), cookie);
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true });
  return c.redirect("/login", 303);
});

authPages.get("/setup", async (c) => {
  if (await activeAdminExists(database(c.env.DB))) return c.redirect("/login", 303);
  return c.html(<SetupPage />);
});

authPages.post("/setup", async (c) => {
  const form = await c.req.parseBody();
  const input = { email: field(form, "email"), name: field(form, "name") || null, password: field(form, "password") };
  try {
    const ctx = { actor: input.email, origin: "UI" as const, requestId: c.get("requestId"), now: new Date().toISOString() };
    const user = await createFirstAdmin(database(c.env.DB), input, ctx);
    return await signIn(c, user, "/");
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.status === 409) return c.redirect("/login", 303);
    return c.html(<SetupPage email={input.email} name={input.name ?? ""} error={error.message} />, 400);
  }
});

authPages.get("/invite", (c) => c.html(<InvitePage token={c.req.query("token") ?? ""} />));

authPages.post("/invite", async (c) => {
  const form = await c.req.parseBody();
  const token = field(form, "token");
  try {
    const ctx = { actor: "invitee", origin: "UI" as const, requestId: c.get("requestId"), now: new Date().toISOString() };
    const user = await acceptInvite(database(c.env.DB), { token, name: field(form, "name"), password: field(form, "password") }, ctx);
    return await signIn(c, user, "/");
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return c.html(<InvitePage token={token} error={error.message} />, 400);
  }
});
