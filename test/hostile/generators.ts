import fc from "fast-check";

// Hostile input generators shared by the test/hostile-*.test.ts suites. Everything here is data: what a
// careless or malicious client could send. The suites decide where to send it and what must hold.

export type Json = Record<string, unknown>;

/**
 * Strings that break naive code: markup that would run if echoed unescaped, SQL, template and expression
 * syntax our own languages use (`{{ }}`, jq, JSONata), control and invisible characters, lone surrogates.
 * Each markup payload carries a marker so a page that echoes it raw is caught by `unescapedPayloads`.
 */
export const INJECTIONS: readonly string[] = [
  '<script>alert("xss-1")</script>',
  '"><img src=x onerror=alert("xss-2")>',
  "'><svg/onload=alert(`xss-3`)>",
  '</textarea><script>alert("xss-4")</script>',
  'javascript:alert("xss-5")',
  "' OR 1=1 --",
  '"; DROP TABLE entities; --',
  "1; DELETE FROM blueprints WHERE 1=1",
  "%' AND 1=1 AND '%'='",
  // GitHub Actions' expression syntax, written with a placeholder-free join so no tool reads it as a template.
  ["$", "{{ secrets.TOKEN }}"].join(""),
  "{{ constructor.constructor('return process')() }}",
  "{{ spreadValue() }}",
  "{{ .inputs | env }}",
  '.form | tostring | test(".*")',
  "$eval('1+1')",
  "$string($$) & $sum([1..1000000000])",
  "**",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "../../../../etc/passwd",
  "\u0000",
  "a\u0000b",
  "\r\nSet-Cookie: hostile=1",
  "\u202eevil\u202c",
  "\u200b\u200c\u200d\ufeff",
  "\ud800",
  "\udfff\ud800",
  "👩‍💻🏳️‍🌈🇺🇦",
  "Z̷̢̛̪a̶l̸g̶o̵",
  "null",
  "NaN",
  "-0",
  "1e309",
  "",
  " ",
];

/** Raw markup a page must never contain when it renders user data: the escaped form is fine. */
const RAW_MARKUP = [
  '<script>alert("xss-',
  "<img src=x onerror=",
  "<svg/onload=",
  '"><img',
  "'><svg",
  '</textarea><script>alert("xss-',
  'href="javascript:alert',
] as const;

/** The raw (unescaped) payload fragments found in `html`; an empty list means everything was escaped. */
export function unescapedPayloads(html: string): string[] {
  return RAW_MARKUP.filter((fragment) => html.includes(fragment));
}

/** A single UTF-16 unit anywhere in the range, lone surrogates included. */
const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));

/** Invisible, directional and control characters. */
const trickyChar = fc.constantFrom(
  "\u0000",
  "\u0007",
  "\u001b",
  "\u007f",
  "\u200b",
  "\u200e",
  "\u202e",
  "\u2028",
  "\u2029",
  "\ufeff",
  "\ufffd",
);

/** `size` characters (100,000 by default) of a payload, to find length limits that are missing. */
export function hugeString(size = 100_000): fc.Arbitrary<string> {
  return fc
    .constantFrom(...INJECTIONS.filter((s) => s.length > 0), "x", "é", "😀")
    .map((s) => s.repeat(Math.ceil(size / s.length)).slice(0, size));
}

/** Any string a client might send, biased toward the ones that break things. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...INJECTIONS), weight: 5 },
  { arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: utf16Unit, maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: trickyChar, minLength: 1, maxLength: 8 }), weight: 1 },
  { arbitrary: fc.tuple(fc.constantFrom(...INJECTIONS), fc.string({ maxLength: 10 })).map(([a, b]) => a + b), weight: 2 },
  { arbitrary: hugeString(), weight: 1 },
);

/** JSON nested `depth` levels deep: objects and arrays alternating, as a parser-busting body would be. */
export function deepNesting(depth = 1000): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

/** Numbers JSON can carry that code may not expect. */
const oddNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, 2 ** 53, -(2 ** 53), 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Any JSON value, hostile strings and odd numbers included, sometimes deeply nested or huge. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileString, weight: 4 },
  { arbitrary: oddNumber, weight: 2 },
  { arbitrary: fc.constantFrom(null, true, false, [], {}), weight: 2 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
  { arbitrary: fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }), weight: 1 },
  { arbitrary: fc.array(hostileString, { maxLength: 4 }), weight: 1 },
  { arbitrary: fc.constantFrom(20, 200, 1000).map(deepNesting), weight: 1 },
);

/** Text that is not JSON at all, or JSON with a twist a lenient parser might accept. */
export const malformedJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "{",
    "}",
    "[",
    '{"identifier": }',
    '{"a":1,}',
    "{'a': 1}",
    "{“identifier”: “x”}",
    '{"a": NaN}',
    '{"a": Infinity}',
    '{"a": undefined}',
    '{"a": 01}',
    '{"a": 1e999999}',
    "\ufeff{}",
    '{"a":"\\ud800"}',
    '{"__proto__": {"isAdmin": true}}',
    '{"constructor": {"prototype": {"isAdmin": true}}}',
    "null",
    "true",
    "0",
    '""',
    "[]",
    "[[[[[[[[[[",
    `${"[".repeat(5000)}${"]".repeat(5000)}`,
    `${'{"a":'.repeat(3000)}1${"}".repeat(3000)}`,
  ),
  fc.string({ maxLength: 60 }),
  fc.json({ maxDepth: 2 }).map((s) => s.slice(0, Math.max(1, s.length - 1))),
);

/** Every path (as a list of keys) inside a JSON value, the root excluded. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  }
  return [];
}

/** A value of a different JSON type than `value`, so every field also gets the wrong type. */
function wrongTypeFor(value: unknown): fc.Arbitrary<unknown> {
  if (typeof value === "string") return fc.oneof(oddNumber, fc.constantFrom(true, null, [value], { value }));
  if (typeof value === "number") return fc.oneof(fc.constantFrom(String(value), true, null, [value]), hostileString);
  if (typeof value === "boolean") return fc.constantFrom("true", 1, 0, null, [value], "yes");
  if (Array.isArray(value))
    return fc.oneof(fc.constantFrom({}, null, "[]", 1), hostileString, fc.dictionary(fc.string(), hostileValue, { maxKeys: 3 }));
  if (value && typeof value === "object")
    return fc.oneof(fc.constantFrom([], null, "{}", 1), hostileString, fc.array(hostileValue, { maxLength: 3 }));
  return hostileValue;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = clone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = value;
  return copy;
}

function deleteAt(root: unknown, path: (string | number)[]): unknown {
  const copy = clone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete node[last];
  return copy;
}

/**
 * Bodies built from a valid example: one or two fields replaced by a hostile value or a value of the wrong
 * type, removed, or joined by an unknown field — plus, now and then, something that is not the example at
 * all. This reaches every field of the endpoint while staying close enough to valid to pass the first checks.
 */
export function mutatedBody(valid: Json): fc.Arbitrary<unknown> {
  const oneMutation = (base: unknown): fc.Arbitrary<unknown> => {
    const current = pathsOf(base);
    // A first mutation may have left nothing to mutate (the body became a scalar or an empty object).
    if (current.length === 0) return hostileValue;
    return fc.constantFrom(...current).chain((path) => {
      const original = path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)?.[key], base);
      return fc.oneof(
        { arbitrary: hostileValue.map((v) => setAt(base, path, v)), weight: 4 },
        { arbitrary: hostileString.map((v) => setAt(base, path, v)), weight: 4 },
        { arbitrary: wrongTypeFor(original).map((v) => setAt(base, path, v)), weight: 3 },
        { arbitrary: fc.constant(deleteAt(base, path)), weight: 1 },
        {
          arbitrary: fc.tuple(hostileString, hostileValue).map(([k, v]) => setAt(base, [...path.slice(0, -1), k || "extra"], v)),
          weight: 1,
        },
      );
    });
  };
  return fc.oneof(
    { arbitrary: oneMutation(valid), weight: 12 },
    { arbitrary: oneMutation(valid).chain((once) => oneMutation(once)), weight: 4 },
    { arbitrary: fc.anything({ maxDepth: 3 }).map(toJsonable), weight: 1 },
    { arbitrary: fc.constant(deepNesting(1000)), weight: 1 },
  );
}

/** A value JSON.stringify can carry (fc.anything makes Maps, symbols, bigints, undefined …). */
function toJsonable(value: unknown): unknown {
  try {
    const text = JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
    return text === undefined ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

/** What goes over the wire: a JSON value (serialised by the sender) or raw text that is not JSON. */
export type WireBody = { json: unknown } | { text: string };

/** Mostly mutated valid bodies; some malformed JSON text. */
export function hostileBody(valid: Json): fc.Arbitrary<WireBody> {
  return fc.oneof(
    { arbitrary: mutatedBody(valid).map((json) => ({ json })), weight: 9 },
    { arbitrary: malformedJson.map((text) => ({ text })), weight: 1 },
  );
}

/** A path segment a client might put in a URL (percent-encoded as a client library would). */
export const hostilePathSegment: fc.Arbitrary<string> = fc
  .oneof(
    hostileString.filter((s) => s.length < 500),
    fc.constantFrom("..", ".", "%2e%2e", "%00", "%ZZ", "a%2Fb", "runs", "bulk", "search"),
  )
  .map((s) => (/^%|^\.\.?$/.test(s) ? s : encodeURIComponent(s.replace(/[\ud800-\udfff]/g, "\ufffd"))));
