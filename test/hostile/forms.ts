import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { hostileString } from "./generators";

// The forms a page offers, read from its HTML (so builder pages that change shape are covered as they
// are), and hostile variants of what a browser would post through them.

/** One `<form method=post>` (or `hx-post`) of a page: where it posts, its fields, its submit buttons. */
export interface PageForm {
  action: string;
  fields: [string, string][];
  /** Named submit buttons: a browser sends only the one pressed. */
  buttons: [string, string][];
}

const ENTITIES: Record<string, string> = { "&quot;": '"', "&amp;": "&", "&lt;": "<", "&gt;": ">", "&#39;": "'", "&#x27;": "'" };

function decode(text: string): string {
  return text.replace(/&(quot|amp|lt|gt|#39|#x27);/g, (m) => ENTITIES[m] ?? m);
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? decode(m[1] as string) : undefined;
}

/** The post forms of `html` (relative to `pagePath` when a form has no action). */
export function postForms(html: string, pagePath: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const tag = m[1] as string;
    const inner = m[2] as string;
    const method = (attr(tag, "method") ?? "get").toLowerCase();
    const action = attr(tag, "hx-post") ?? (method === "post" ? (attr(tag, "action") ?? pagePath) : undefined);
    if (!action) continue;
    const fields: [string, string][] = [];
    const buttons: [string, string][] = [];
    for (const input of inner.matchAll(/<input\b[^>]*>/g)) {
      const name = attr(input[0], "name");
      if (!name) continue;
      const type = attr(input[0], "type") ?? "text";
      if (type === "submit") buttons.push([name, attr(input[0], "value") ?? ""]);
      else if ((type !== "checkbox" && type !== "radio") || /\schecked/.test(input[0])) fields.push([name, attr(input[0], "value") ?? ""]);
    }
    for (const button of inner.matchAll(/<button\b[^>]*>/g)) {
      const name = attr(button[0], "name");
      if (name) buttons.push([name, attr(button[0], "value") ?? ""]);
    }
    for (const select of inner.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
      const name = attr(select[1] as string, "name");
      const option = /<option\b[^>]*selected[^>]*>/.exec(select[2] as string)?.[0] ?? /<option\b[^>]*>/.exec(select[2] as string)?.[0];
      if (name) fields.push([name, option ? (attr(option, "value") ?? "") : ""]);
    }
    for (const area of inner.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
      const name = attr(area[1] as string, "name");
      if (name) fields.push([name, decode(area[2] as string)]);
    }
    forms.push({ action, fields, buttons });
  }
  return forms;
}

/** Field names that attack the form-path decoder and the prototype, or are just not names at all. */
const HOSTILE_NAMES = fc.oneof(
  fc.constantFrom(
    "x[99999999]",
    "props[4294967296].type",
    `a${"[0]".repeat(400)}`,
    `a${".b".repeat(400)}`,
    "__proto__[admin]",
    "__proto__.polluted",
    "constructor.prototype.polluted",
    "props[-1]",
    "props[1e3]",
    "props[0]x",
    "a..b",
    "[",
    "]",
    "[0]",
    "",
    "_csrf",
  ),
  hostileString.map((s) => s.slice(0, 200)),
);

/** 1–3 changes to a form a browser would post: hostile values, hostile names, removed or repeated fields. */
export function hostileForm(form: PageForm): fc.Arbitrary<[string, string][]> {
  const button =
    form.buttons.length > 0 ? fc.option(fc.constantFrom(...form.buttons), { nil: undefined, freq: 4 }) : fc.constant(undefined);
  const base = form.fields.filter(([name]) => name !== "_csrf");
  const change = (pairs: [string, string][]): fc.Arbitrary<[string, string][]> => {
    const at = fc.nat({ max: Math.max(0, pairs.length - 1) });
    return fc.oneof(
      {
        arbitrary: fc.tuple(at, hostileString).map(([i, v]) => pairs.map((p, j) => (j === i ? [p[0], v] : p) as [string, string])),
        weight: 5,
      },
      { arbitrary: fc.tuple(HOSTILE_NAMES, hostileString).map(([k, v]) => [...pairs, [k, v] as [string, string]]), weight: 3 },
      { arbitrary: at.map((i) => pairs.filter((_, j) => j !== i)), weight: 1 },
      {
        arbitrary: fc.tuple(at, hostileString).map(([i, v]) => (pairs[i] ? [...pairs, [pairs[i][0], v] as [string, string]] : pairs)),
        weight: 1,
      },
    );
  };
  return fc
    .tuple(
      button,
      change(base).chain((once) => fc.oneof(fc.constant(once), change(once))),
    )
    .map(([pressed, pairs]) => (pressed ? [...pairs, pressed] : pairs));
}

/** Posts `pairs` as a browser would (url-encoded, or now and then multipart) from the session `cookie`. */
export function postPairs(
  path: string,
  pairs: [string, string][],
  session: { cookie: string; csrf: string } | null,
  multipart = false,
): Promise<Response> {
  const all: [string, string][] = session ? [["_csrf", session.csrf], ...pairs] : pairs;
  const headers: Record<string, string> = { origin: "http://portal.test", ...(session ? { cookie: session.cookie } : {}) };
  const clean = all.map(([k, v]) => [k, v.replace(/[\ud800-\udfff]/g, "\ufffd")] as [string, string]);
  let body: FormData | string;
  if (multipart) {
    body = new FormData();
    for (const [k, v] of clean) body.append(k, v);
  } else {
    body = new URLSearchParams(clean).toString();
    headers["content-type"] = "application/x-www-form-urlencoded";
  }
  // The Request sets the multipart boundary itself.
  return exports.default.fetch(new Request(`http://portal.test${path}`, { method: "POST", body, headers, redirect: "manual" }));
}
