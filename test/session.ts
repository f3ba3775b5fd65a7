import { expect } from "vitest";
import { call, callJson, raw } from "./helpers";

/** The origin tests send on form posts (the CSRF check compares it with the request's own). */
export const ORIGIN = "http://portal.test";
const COOKIE = "__Host-portal_session";
/** The header htmx sends with its requests (answers are then fragments, not whole pages). */
export const htmx = { "HX-Request": "true" };

export type PageResult = { status: number; html: string; headers: Headers };
export type Fields = [string, string][];

/** A signed-in browser as tests drive it: session cookie, CSRF token, GET pages and POST forms. */
export interface BrowserSession {
  cookie: string;
  csrf: string;
  page(path: string, headers?: Record<string, string>): Promise<PageResult>;
  /** POSTs a form; the CSRF token is added unless the form has its own `_csrf`. */
  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<PageResult>;
}

const read = async (r: Response): Promise<PageResult> => ({ status: r.status, html: await r.text(), headers: r.headers });

/**
 * Posts fields, in order and repeats kept, as `s` signed in (urlencoded, same origin, its cookie). No
 * CSRF token is added: the fields carry `_csrf` when the post should pass.
 */
export async function postFields(s: { cookie: string }, path: string, fields: Fields, headers: Record<string, string> = {}) {
  const body = new URLSearchParams(fields).toString();
  return read(
    await call("POST", path, body, {
      authorization: "",
      cookie: s.cookie,
      "content-type": "application/x-www-form-urlencoded",
      origin: ORIGIN,
      ...headers,
    }),
  );
}

/** A page as a client with bearer token `token` (and no session) sees it. */
export async function bearerPage(token: string, path: string): Promise<PageResult> {
  return read(await call("GET", path, undefined, { authorization: `Bearer ${token}` }));
}

function postForm(path: string, fields: Record<string, string>): Promise<Response> {
  return raw("POST", path, new URLSearchParams(fields).toString(), { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN });
}

async function sessionFrom(res: Response): Promise<BrowserSession> {
  expect(res.status, "sign-in answers with a redirect").toBe(303);
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${COOKIE}=`));
  expect(line, "session cookie").toBeTruthy();
  const cookie = `${COOKIE}=${(line ?? "").slice(COOKIE.length + 1).split(";")[0]}`;
  const session: BrowserSession = {
    cookie,
    csrf: "",
    page: async (path, headers) => read(await call("GET", path, undefined, { authorization: "", cookie, ...headers })),
    post: (path, form, headers) => postFields(session, path, Object.entries({ _csrf: session.csrf, ...form }), headers),
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

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" };

/** Text as the browser reads it from escaped HTML. */
export function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_m, e: string) => ENTITIES[e] ?? "");
}

function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/\s([a-zA-Z_:-]+)(?:="([^"]*)")?/g)) out.set(m[1] as string, unescapeHtml(m[2] ?? ""));
  return out;
}

/**
 * The fields a browser would submit from `html`, in document order: text inputs and hidden ones, ticked
 * checkboxes, each select's chosen option, textareas; only the names `keep` accepts.
 */
export function formFields(html: string, keep: (name: string) => boolean): Fields {
  const out: Fields = [];
  const controls = /<input\b[^>]*>|<textarea\b([^>]*)>([\s\S]*?)<\/textarea>|<select\b([^>]*)>([\s\S]*?)<\/select>/g;
  for (const m of html.matchAll(controls)) {
    const tag = m[0];
    const attrs = attributes(tag.slice(0, tag.indexOf(">") + 1));
    const name = attrs.get("name");
    if (!name || !keep(name)) continue;
    if (tag.startsWith("<input")) {
      if (attrs.get("type") === "checkbox" && !attrs.has("checked")) continue;
      out.push([name, attrs.get("value") ?? ""]);
    } else if (tag.startsWith("<textarea")) {
      out.push([name, unescapeHtml(m[2] ?? "")]);
    } else {
      const options = [...(m[4] ?? "").matchAll(/<option\b[^>]*>/g)].map((o) => attributes(o[0]));
      const chosen = options.find((o) => o.has("selected")) ?? options[0];
      out.push([name, chosen?.get("value") ?? ""]);
    }
  }
  return out;
}
