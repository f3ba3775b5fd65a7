import { evaluateExpression } from "../../expressions/expression";
import type { HttpJsonConfig } from "../definition";
import type { SourceItem } from "../map-items";
import { type Fetcher, fetchText, parseJson, type Source, SourceError, type SourcePage, sameOrigin } from "./source";

/** How an item is named in errors: its id or name when it has one. */
function itemRef(data: unknown, index: number): string {
  if (data !== null && typeof data === "object") {
    for (const key of ["identifier", "id", "name", "key"]) {
      const v = (data as Record<string, unknown>)[key];
      if (typeof v === "string" || typeof v === "number") return `item '${v}'`;
    }
  }
  return `item ${index}`;
}

async function pick(expression: string, json: unknown): Promise<unknown> {
  if (expression === ".") return json;
  const result = await evaluateExpression(expression, json);
  if (result.error) throw new SourceError(`'${expression}' failed on the response: ${result.error}`);
  return result.value;
}

/**
 * Any JSON endpoint: GET or POST with headers, the items found at `itemsPath`, and pagination by cursor
 * (a query parameter fed from `nextPath`), by page number, or by a next-page URL in the response (followed
 * only on config.url's origin).
 */
export function httpJsonSource(config: HttpJsonConfig, fetcher: Fetcher): Source {
  const p = config.pagination;
  return {
    async fetchPage(cursor, limit): Promise<SourcePage> {
      let url = new URL(config.url);
      const page = p.type === "page" ? (typeof cursor === "number" ? cursor : p.start) : null;
      if (p.type === "cursor" && cursor !== null) url.searchParams.set(p.param, String(cursor));
      if (p.type === "page") url.searchParams.set(p.param, String(page));
      if ((p.type === "cursor" || p.type === "page") && p.sizeParam) url.searchParams.set(p.sizeParam, String(p.size ?? limit));
      if (p.type === "next-url" && typeof cursor === "string") url = new URL(cursor);
      // Checked when the link is read (below); this catches a cursor recorded before that check existed.
      if (!sameOrigin(url, config.url)) throw new SourceError(`the page URL '${url}' is not on ${new URL(config.url).origin}`);
      const request = new Request(url, {
        method: config.method,
        headers: { accept: "application/json", ...config.headers, ...config.secretHeaders },
        ...(config.method === "POST" ? { body: JSON.stringify(config.body ?? {}) } : {}),
      });
      if (config.method === "POST") request.headers.set("content-type", "application/json");
      const json = parseJson(await fetchText(fetcher, request), `${config.method} ${url}`);
      const list = await pick(config.itemsPath, json);
      if (!Array.isArray(list)) throw new SourceError(`itemsPath '${config.itemsPath}' did not give a list (got ${typeof list})`);
      const items: SourceItem[] = list.map((data, i) => ({ kind: config.kind, data, ref: itemRef(data, i) }));
      const next = list.length === 0 ? null : await nextCursor(config, json, cursor, page, list.length, url);
      if (p.type === "next-url" && typeof next === "string" && !sameOrigin(next, config.url)) {
        // The headers (secrets among them) are for config.url's server: a response cannot send them elsewhere.
        const message = `the next-page URL '${next}' is not on ${new URL(config.url).origin}; not followed`;
        return { items, next: null, problems: [{ path: "config.pagination", message }] };
      }
      if (next !== null && JSON.stringify(next) === JSON.stringify(cursor)) {
        return { items, next: null, problems: [{ path: "config.pagination", message: "the source gave the same page again; stopped" }] };
      }
      return { items, next, problems: [] };
    },
  };
}

async function nextCursor(
  config: HttpJsonConfig,
  json: unknown,
  cursor: unknown,
  page: number | null,
  count: number,
  url: URL,
): Promise<unknown> {
  const p = config.pagination;
  switch (p.type) {
    case "none":
      return null;
    case "page":
      return p.size !== undefined && count < p.size ? null : (page ?? p.start) + 1;
    case "cursor": {
      const value = await pick(p.nextPath, json);
      return (typeof value === "string" && value !== "") || typeof value === "number" ? value : null;
    }
    case "next-url": {
      const value = await pick(p.nextPath, json);
      if (typeof value !== "string" || value === "") return null;
      const next = new URL(value, url);
      if (!["http:", "https:"].includes(next.protocol)) throw new SourceError(`the next-page URL '${value}' is not http(s)`);
      return cursor === next.href ? null : next.href;
    }
  }
}
