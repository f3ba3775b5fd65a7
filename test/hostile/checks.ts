import fc from "fast-check";
import { expect } from "vitest";
import { call } from "../helpers";
import { unescapedPayloads, type WireBody } from "./generators";

// What every hostile request must satisfy, and the tally each suite prints when it ends (the figures in
// docs/reliability.md come from these lines).

const viteEnv = (import.meta as unknown as { env?: Record<string, string | undefined> }).env ?? {};

/**
 * Multiplies every property's run count. Only `VITE_`-prefixed variables reach tests running inside
 * workerd, hence the prefix: `VITE_HOSTILE_SCALE=10 npx vitest run test/hostile-*.test.ts`.
 */
export const SCALE = Math.max(1, Number(viteEnv.VITE_HOSTILE_SCALE) || 1);

/** Fixed seed so CI tries the same cases every time; set VITE_HOSTILE_SEED to explore others. */
export const SEED = Number(viteEnv.VITE_HOSTILE_SEED) || 20_260_110;

/** The run count for a property: `base` scaled by VITE_HOSTILE_SCALE. */
export function runs(base: number): number {
  return base * SCALE;
}

/** A test timeout that grows with the scale (the base is what the default run count needs, with room). */
export function timeoutFor(baseMs: number): number {
  return baseMs * SCALE;
}

/**
 * How many cases go out at once. Requests in flight together overlap their D1 waits (about 1.8× faster here)
 * and also hit the Worker concurrently, as real clients do.
 */
const BATCH = 4;

/**
 * Runs an async property with the suite's seed: `numRuns` cases, sent `BATCH` at a time. On failure
 * fast-check prints the seed, the path and the shrunk batch.
 */
export async function check<T>(arbitrary: fc.Arbitrary<T>, numRuns: number, predicate: (value: T) => Promise<void>): Promise<void> {
  const batches = fc.array(arbitrary, { minLength: BATCH, maxLength: BATCH });
  await fc.assert(
    fc.asyncProperty(batches, async (values) => {
      await Promise.all(values.map(predicate));
    }),
    { numRuns: Math.ceil(numRuns / BATCH), seed: SEED, endOnFailure: false, verbose: 0 },
  );
}

/** Counts of what a suite tried and found; printed by `summary`. */
export class Tally {
  readonly cases = new Map<string, number>();
  serverErrors = 0;
  accepted = 0;
  blueprintViolations = 0;
  unescaped = 0;
  pagesChecked = 0;
  /** Pages that did show a payload, escaped: proof the render checks saw hostile data at all. */
  pagesWithEscapedPayload = 0;

  count(endpoint: string): void {
    this.cases.set(endpoint, (this.cases.get(endpoint) ?? 0) + 1);
  }

  get total(): number {
    return [...this.cases.values()].reduce((a, b) => a + b, 0);
  }

  /** One line per suite, e.g. `[hostile] catalog: 4200 cases, 0 5xx, …`, then cases per endpoint. */
  summary(suite: string): string {
    const per = [...this.cases.entries()].map(([k, v]) => `  ${k}: ${v}`).join("\n");
    return (
      `[hostile] ${suite}: ${this.total} cases (seed ${SEED}, scale ${SCALE}), ${this.serverErrors} 5xx, ` +
      `${this.accepted} accepted writes, ${this.blueprintViolations} rows violating their blueprint, ` +
      `${this.unescaped} unescaped payloads in ${this.pagesChecked} rendered pages ` +
      `(${this.pagesWithEscapedPayload} of them showing a payload, escaped)\n${per}`
    );
  }
}

/** Sends a hostile body (JSON value or raw text) as the admin unless `headers` say otherwise. */
export function send(method: string, path: string, wire: WireBody | undefined, headers: Record<string, string> = {}): Promise<Response> {
  if (wire === undefined) return call(method, path, undefined, headers);
  if ("text" in wire) return call(method, path, wire.text, { "content-type": "application/json", ...headers });
  // JSON.stringify of a lone surrogate writes an escape (\ud800), which is what a client library would send.
  return call(method, path, JSON.stringify(wire.json) ?? "null", { "content-type": "application/json", ...headers });
}

type ErrorShape = { ok: false; error: { code: string; message: string; details: { path: string; message: string }[] } };

/**
 * The API's promise for any input: never a 5xx, and every 4xx is JSON `{ok:false, error:{code, message,
 * details:[{path, message}]}}`. Returns the parsed body (or null when it was not JSON, which fails first).
 */
export async function expectApiAnswer(res: Response, tally: Tally, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  if (res.status >= 500) tally.serverErrors += 1;
  expect(res.status, `${what} answered ${res.status}: ${text.slice(0, 500)}`).toBeLessThan(500);
  expect(res.headers.get("content-type") ?? "", `${what}: content type`).toMatch(/^application\/json/);
  const body = JSON.parse(text) as Record<string, unknown>;
  if (res.status >= 400) {
    const err = body as ErrorShape;
    expect(err.ok, `${what}: ${text.slice(0, 300)}`).toBe(false);
    expect(typeof err.error?.code, `${what}: error.code`).toBe("string");
    expect(typeof err.error?.message, `${what}: error.message`).toBe("string");
    expect(Array.isArray(err.error?.details), `${what}: error.details`).toBe(true);
    for (const d of err.error.details) {
      expect(typeof d.path, `${what}: details[].path`).toBe("string");
      expect(typeof d.message, `${what}: details[].message`).toBe("string");
    }
  }
  return body;
}

/** How the markup payloads look once escaped by hono/jsx. */
const ESCAPED_MARKERS = ["&lt;script&gt;alert(", "&lt;img src=x onerror=", "&lt;svg/onload="];

/** A page or fragment answer: never a 5xx, and no payload echoed raw. */
export async function expectPageAnswer(res: Response, tally: Tally, what: string): Promise<string> {
  const html = await res.text();
  if (res.status >= 500) tally.serverErrors += 1;
  expect(res.status, `${what} answered ${res.status}: ${html.slice(0, 500)}`).toBeLessThan(500);
  expectEscaped(html, tally, what);
  return html;
}

/** Asserts the page shows no hostile markup raw (its own script tags are fine: they carry no marker). */
export function expectEscaped(html: string, tally: Tally, what: string): void {
  tally.pagesChecked += 1;
  const raw = unescapedPayloads(html);
  if (ESCAPED_MARKERS.some((m) => html.includes(m))) tally.pagesWithEscapedPayload += 1;
  tally.unescaped += raw.length;
  expect(raw, `${what} echoes hostile markup unescaped`).toEqual([]);
}

/** The text a (possibly endless) event stream sends within `ms`, then the stream is cancelled. */
export async function streamText(res: Response, ms = 300): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + ms;
  try {
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), left))]);
      if (chunk === null || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return text;
}
