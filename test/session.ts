import { expect } from "vitest";
import { call, callJson, raw } from "./helpers";

/** The origin tests send on form posts (the CSRF check compares it with the request's own). */
export const ORIGIN = "http://portal.test";
const COOKIE = "__Host-portal_session";

type PageResult = { status: number; html: string; headers: Headers };

/** A signed-in browser as tests drive it: session cookie, CSRF token, GET pages and POST forms. */
export interface BrowserSession {
  cookie: string;
  csrf: string;
  page(path: string, headers?: Record<string, string>): Promise<PageResult>;
  /** POSTs a form; the CSRF token is added unless the form has its own `_csrf`. */
  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<PageResult>;
}

function postForm(path: string, fields: Record<string, string>): Promise<Response> {
  return raw("POST", path, new URLSearchParams(fields).toString(), { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN });
}

async function sessionFrom(res: Response): Promise<BrowserSession> {
  expect(res.status, "sign-in answers with a redirect").toBe(303);
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${COOKIE}=`));
  expect(line, "session cookie").toBeTruthy();
  const cookie = `${COOKIE}=${(line ?? "").slice(COOKIE.length + 1).split(";")[0]}`;
  const as = (headers: Record<string, string> = {}) => ({ authorization: "", cookie, ...headers });
  const read = async (r: Response): Promise<PageResult> => ({ status: r.status, html: await r.text(), headers: r.headers });
  const session: BrowserSession = {
    cookie,
    csrf: "",
    page: async (path, headers) => read(await call("GET", path, undefined, as(headers))),
    post: async (path, form, headers) => {
      const body = new URLSearchParams({ _csrf: session.csrf, ...form }).toString();
      return read(await call("POST", path, body, as({ "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, ...headers })));
    },
  };
  session.csrf = /name="_csrf" value="([^"]+)"/.exec((await session.page("/settings/tokens")).html)?.[1] ?? "";
  expect(session.csrf, "csrf token").not.toBe("");
  return session;
}

/** Signs in through the login form, as a browser would. */
export async function signIn(email: string, password: string): Promise<BrowserSession> {
  return sessionFrom(await postForm("/login", { email, password, next: "/" }));
}

/** Invites a user (as the test admin) and accepts the invitation in the browser; returns their session. */
export async function invitedUser(
  email: string,
  opts: { roles?: string[]; teams?: string[]; password?: string } = {},
): Promise<BrowserSession> {
  const invited = await callJson<{ inviteUrl: string }>("POST", "/v1/users/invite", {
    email,
    roles: opts.roles ?? ["Member"],
    teams: opts.teams ?? [],
  });
  expect(invited.status, "invite").toBe(201);
  const token = new URL(invited.body.inviteUrl).searchParams.get("token") ?? "";
  return sessionFrom(await postForm("/invite", { token, name: email, password: opts.password ?? "a long test password 123" }));
}
