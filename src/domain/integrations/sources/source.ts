import type { ErrorDetail } from "../../../lib/errors";
import type { SourceItem } from "../map-items";

/**
 * What every source gives the sync: pages of items. A source pages the way its API does; `boundedPages`
 * then cuts each source page into slices of at most `limit` items, one queue message each, so no single
 * invocation maps and writes more than a page size, whatever the source returns at once.
 */

export interface SourcePage {
  items: SourceItem[];
  /** Where the next page starts (JSON); null after the last page. */
  next: unknown;
  /** Parts that could not be read (a region refused, a broken document): the fetch is then incomplete. */
  problems: ErrorDetail[];
}

export interface Source {
  /** The page at `cursor` (null: the first). Throws SourceError when the page could not be read at all. */
  fetchPage(cursor: unknown, limit: number): Promise<SourcePage>;
}

/** The source could not be read (network, 5xx, throttling): the step is retried, nothing is deleted. */
export class SourceError extends Error {
  override name = "SourceError";
}

/** A fetch the sources share: the runtime's fetch (tests and benchmarks swap it) with a time limit. */
export type Fetcher = (input: Request | string, init?: RequestInit) => Promise<Response>;

/** Longest a source request may take. */
const FETCH_TIMEOUT_MS = 20_000;
/** Largest response a source page may be (a Worker has 128 MB of memory). */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** Redirects a source request may follow, each on the request's own origin. */
const MAX_REDIRECTS = 5;

/**
 * Fetches and returns the response text; a failure or a non-2xx answer is a SourceError naming the URL.
 * Redirects are followed by hand and only on the request's origin: the runtime would follow them anywhere,
 * carrying the configured headers (secrets among them) to whatever host a redirect names.
 */
export async function fetchText(fetcher: Fetcher, first: Request): Promise<string> {
  let request = first;
  let res: Response;
  for (let hops = 0; ; hops++) {
    try {
      res = await fetcher(request, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: "manual" });
    } catch (error) {
      throw new SourceError(`${request.method} ${request.url} failed: ${(error as Error).message ?? String(error)}`);
    }
    const location = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null;
    if (location === null) break;
    const next = URL.parse(location, request.url);
    if (!next || !sameOrigin(next, first.url) || hops >= MAX_REDIRECTS || (request.method !== "GET" && request.method !== "HEAD")) {
      throw new SourceError(
        `${request.method} ${request.url} redirected to ${location}: not followed (another origin, a non-GET request, or too many redirects)`,
      );
    }
    request = new Request(next, { method: request.method, headers: request.headers });
  }
  // Decoded by hand: sources answer YAML or JSON under many content types, all UTF-8 text.
  const text = new TextDecoder().decode(await res.arrayBuffer());
  if (text.length > MAX_RESPONSE_BYTES) throw new SourceError(`${request.method} ${request.url} answered more than 32 MB`);
  if (!res.ok) throw new SourceError(`${request.method} ${request.url} answered ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

/**
 * Whether `url` is on the origin of the configured `base`: only there may a source send the headers it was
 * given (secrets among them), whatever a response or a followed document names.
 */
export function sameOrigin(url: string | URL, base: string): boolean {
  return URL.parse(url)?.origin === URL.parse(base)?.origin;
}

/** Parses a JSON response; not JSON is a SourceError. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SourceError(`${what} did not answer JSON: ${text.slice(0, 200)}`);
  }
}

interface SliceCursor {
  /** The source's own cursor of the page being sliced. */
  at: unknown;
  /** Items of that page already taken. */
  skip: number;
}

function isSliceCursor(value: unknown): value is SliceCursor {
  return value !== null && typeof value === "object" && "skip" in value && typeof (value as SliceCursor).skip === "number";
}

/**
 * Wraps a source so each call returns at most `limit` items: a larger source page is read again at the same
 * cursor and the next slice taken (sources page deterministically; problems are reported with the first
 * slice only).
 */
export function boundedPages(source: Source): Source {
  return {
    async fetchPage(cursor, limit) {
      const { at, skip } = isSliceCursor(cursor) ? cursor : { at: null, skip: 0 };
      const page = await source.fetchPage(at, limit);
      const items = page.items.slice(skip, skip + limit);
      const more = skip + limit < page.items.length;
      const next: SliceCursor | null = more ? { at, skip: skip + limit } : page.next === null ? null : { at: page.next, skip: 0 };
      return { items, next, problems: skip === 0 ? page.problems : [] };
    },
  };
}
