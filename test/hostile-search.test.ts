import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check, expectApiAnswer, expectPageAnswer, runs, send, Tally, timeoutFor } from "./hostile/checks";
import { hostileBlueprint } from "./hostile/conformance";
import { admin, adminBrowser, createFixtureBlueprint } from "./hostile/fixtures";
import { hostileBody, hostileString, hostileValue, INJECTIONS } from "./hostile/generators";

// Hostile queries: Port's query language (rules, nesting, relatedTo, contextual values) on both search
// endpoints, free text (which reaches an FTS5 index with its own syntax), the search page and dropdown,
// the blueprint table's URL state, and the query strings of every list endpoint.

const tally = new Tally();
const BP = hostileBlueprint("hx_service", "hx_team");

// Every operator docs/search.md lists: comparisons, text, then the rest.
const OPERATORS = [
  ...["=", "!=", ">", ">=", "<", "<=", "in", "notIn"],
  ...["contains", "doesNotContains", "beginsWith", "doesNotBeginsWith", "endsWith", "doesNotEndsWith", "containsAny"],
  ...["isEmpty", "isNotEmpty", "between", "notBetween", "isExpired", "isNotExpired", "relatedTo"],
];
const META = ["$identifier", "$title", "$team", "$blueprint", "$createdAt", "$updatedAt", "$createdBy", "$updatedBy"];
const PROPERTIES = [...Object.keys(BP.schema.properties), ...META, "owner", "deps"];
/** Names every plain object answers to: a lookup by a caller's name must not find them. */
const PROTO_KEYS = ["constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", "prototype"];

/** FTS5 query syntax and tokenizer edge cases: free text must be quoted, never parsed as a query. */
const FTS_SYNTAX = [
  '"',
  '""',
  "a*",
  "*",
  "NEAR(a b)",
  "a AND b",
  "NOT a",
  "a OR",
  "(a",
  "^a",
  "-a",
  "col:a",
  "{a b}:c",
  "a + b",
  "ab",
  'abc"def',
  "' OR '1'='1",
];

const ruleValue = fc.oneof(
  { arbitrary: hostileValue, weight: 4 },
  {
    arbitrary: fc.constantFrom(
      { context: "userTeams" },
      { context: "user", property: "$identifier" },
      { context: "user", property: hostileString },
      { preset: "lastWeek" },
      { from: "2020-01-01", to: "2030-01-01" },
      { property: "replicas" },
      { jqQuery: ".form" },
    ),
    weight: 2,
  },
  { arbitrary: fc.record({ from: hostileValue, to: hostileValue }), weight: 1 },
  { arbitrary: fc.record({ preset: hostileString }), weight: 1 },
);

const leafRule = fc.record(
  {
    property: fc.oneof({ arbitrary: fc.constantFrom(...PROPERTIES), weight: 3 }, { arbitrary: hostileString, weight: 1 }),
    operator: fc.oneof({ arbitrary: fc.constantFrom(...OPERATORS), weight: 4 }, { arbitrary: hostileValue, weight: 1 }),
    value: ruleValue,
    blueprint: fc.oneof(fc.constantFrom("hx_service", "hx_team"), hostileString),
    direction: fc.constantFrom("upstream", "downstream", "sideways", 1),
    required: fc.constantFrom(true, false, "yes"),
  },
  { requiredKeys: ["operator"] },
);

/** Rules nested up to 12 levels (the limit is 10) and up to 6 wide, with hostile leaves. */
const { rule } = fc.letrec<{ rule: unknown; group: unknown }>((tie) => ({
  rule: fc.oneof({ depthSize: "small", withCrossShrink: true }, leafRule, tie("group")),
  group: fc.record(
    {
      combinator: fc.oneof({ arbitrary: fc.constantFrom("and", "or"), weight: 5 }, { arbitrary: hostileValue, weight: 1 }),
      rules: fc.array(tie("rule"), { maxLength: 6 }),
    },
    { requiredKeys: ["combinator", "rules"] },
  ),
}));

const tooDeep = fc.integer({ min: 9, max: 14 }).map((depth) => {
  let q: unknown = { property: "name", operator: "=", value: "x" };
  for (let i = 0; i < depth; i++) q = { combinator: "and", rules: [q] };
  return q;
});
const tooWide = fc.integer({ min: 150, max: 400 }).map((n) => ({
  combinator: "or",
  rules: Array.from({ length: n }, (_, i) => ({ property: "$identifier", operator: "=", value: `e${i}` })),
}));

const searchBody = fc.record(
  {
    query: fc.oneof(
      { arbitrary: rule, weight: 6 },
      { arbitrary: tooDeep, weight: 1 },
      { arbitrary: tooWide, weight: 1 },
      { arbitrary: hostileValue, weight: 1 },
    ),
    include: fc.array(
      fc.oneof(fc.constantFrom("$identifier", "$title", "properties", "properties.name", "relations.owner"), hostileString),
      { maxLength: 4 },
    ),
    exclude: fc.array(hostileString, { maxLength: 2 }),
    limit: fc.oneof(fc.integer({ min: -5, max: 2000 }), hostileValue),
    from: fc.oneof(hostileString, fc.constantFrom("eyJ4IjoxfQ", "!!!", "a".repeat(5000))),
    sort: fc.oneof(
      fc.record({ property: fc.oneof(fc.constantFrom(...PROPERTIES), hostileString), order: fc.constantFrom("asc", "desc", "up") }),
      hostileValue,
    ),
  },
  { requiredKeys: [] },
);

beforeAll(async () => {
  await admin("POST", "/v1/teams", { name: "alpha" });
  await admin("POST", "/v1/blueprints", { identifier: "hx_team", title: "Team" });
  await createFixtureBlueprint(BP);
  await admin("POST", "/v1/blueprints/hx_team/entities", { identifier: "t1", title: INJECTIONS[0] });
  const entities = INJECTIONS.slice(0, 12).map((payload, i) => ({
    identifier: `hx-${i}`,
    title: `${payload} title`,
    team: ["alpha"],
    properties: { name: `n${i}`, free: payload, notes: payload, tags: [payload.slice(0, 50)], replicas: i, since: "2026-01-31T12:00:00Z" },
    relations: { owner: "t1", deps: i > 0 ? [`hx-${i - 1}`] : [] },
  }));
  await admin("POST", "/v1/blueprints/hx_service/entities/bulk", { entities }, 200);
});

afterAll(() => {
  console.log(tally.summary("search"));
});

describe("query language", () => {
  it(
    "POST /v1/entities/search and the blueprint variant: hostile rules never 5xx",
    async () => {
      const arb = fc.tuple(
        fc.constantFrom("/v1/entities/search", "/v1/blueprints/hx_service/entities/search", "/v1/blueprints/hx_team/entities/search"),
        searchBody,
      );
      await check(arb, runs(600), async ([path, body]) => {
        tally.count(`POST ${path.includes("blueprints") ? "/v1/blueprints/{bp}/entities/search" : path}`);
        const res = await send("POST", path, { json: body });
        await expectApiAnswer(res, tally, `POST ${path}`);
      });
    },
    timeoutFor(60_000),
  );

  it(
    "single well-formed rules on every property, meta-property and prototype key never 5xx",
    async () => {
      const name = fc.constantFrom(...PROPERTIES, ...PROTO_KEYS);
      const sample = fc.constantFrom("go", 3, true, ["go", "ts"], { preset: "lastWeek" }, { from: "2026-01-01", to: "2027-01-01" });
      const contextual = fc
        .constantFrom(...PROTO_KEYS)
        .chain((k) => fc.constantFrom({ preset: k }, { context: k }, { context: "user", property: k }));
      const value = fc.oneof(
        sample,
        contextual,
        name.map((n) => ({ property: n })),
        hostileString,
      );
      const body = fc.record({
        query: fc.record({
          combinator: fc.constantFrom("and", "or"),
          rules: fc.array(fc.record({ property: name, operator: fc.constantFrom(...OPERATORS, ...PROTO_KEYS), value }), {
            minLength: 1,
            maxLength: 2,
          }),
        }),
        sort: fc.record({ property: name, order: fc.constantFrom("asc", "desc") }),
        include: fc.array(
          name.map((n) => (n.startsWith("$") ? n : `properties.${n}`)),
          { maxLength: 2 },
        ),
      });
      await check(
        fc.tuple(fc.constantFrom("/v1/entities/search", "/v1/blueprints/hx_service/entities/search"), body),
        runs(400),
        async ([path, json]) => {
          tally.count(`POST ${path.includes("blueprints") ? "/v1/blueprints/{bp}/entities/search" : path} (well-formed rules)`);
          await expectApiAnswer(await send("POST", path, { json }), tally, `POST ${path}`);
        },
      );
    },
    timeoutFor(30_000),
  );

  it(
    "mutated valid search bodies never 5xx",
    async () => {
      const valid = {
        query: {
          combinator: "and",
          rules: [
            { property: "lang", operator: "=", value: "go" },
            {
              combinator: "or",
              rules: [
                { property: "$team", operator: "in", value: { context: "userTeams" } },
                { operator: "relatedTo", blueprint: "hx_team", value: "t1", direction: "upstream" },
              ],
            },
            { property: "since", operator: "between", value: { preset: "lastWeek" } },
          ],
        },
        include: ["$identifier", "properties.name"],
        limit: 50,
        sort: { property: "$updatedAt", order: "desc" },
      };
      await check(hostileBody(valid), runs(400), async (wire) => {
        tally.count("POST /v1/entities/search (mutated)");
        const res = await send("POST", "/v1/entities/search", wire);
        await expectApiAnswer(res, tally, "POST /v1/entities/search");
      });
    },
    timeoutFor(30_000),
  );
});

describe("free text", () => {
  const text = fc.oneof(
    { arbitrary: hostileString, weight: 3 },
    { arbitrary: fc.constantFrom(...FTS_SYNTAX), weight: 2 },
    {
      arbitrary: fc.array(fc.constantFrom(...FTS_SYNTAX, ...INJECTIONS), { minLength: 2, maxLength: 5 }).map((w) => w.join(" ")),
      weight: 2,
    },
  );
  const q = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, "\ufffd"));

  it(
    "GET /v1/search: hostile text and limits never 5xx",
    async () => {
      const arb = fc.tuple(text, fc.constantFrom("", "&limit=1", "&limit=0", "&limit=abc", "&limit=100000"));
      await check(arb, runs(400), async ([s, limit]) => {
        tally.count("GET /v1/search");
        const res = await send("GET", `/v1/search?q=${q(s)}${limit}`, undefined);
        await expectApiAnswer(res, tally, "GET /v1/search");
      });
    },
    timeoutFor(30_000),
  );

  it(
    "the search page and dropdown never 5xx and echo the query escaped",
    async () => {
      const browser = await adminBrowser();
      const arb = fc.tuple(fc.constantFrom("/search", "/search/suggest"), text);
      await check(arb, runs(200), async ([path, s]) => {
        tally.count(`GET ${path}`);
        const res = await send("GET", `${path}?q=${q(s)}`, undefined, {
          authorization: "",
          cookie: browser.cookie,
          "hx-request": path.endsWith("suggest") ? "true" : "",
        });
        await expectPageAnswer(res, tally, `GET ${path}`);
      });
    },
    timeoutFor(40_000),
  );
});

describe("query strings", () => {
  const param = fc.oneof(
    { arbitrary: hostileString.map((s) => s.slice(0, 2000)), weight: 3 },
    {
      arbitrary: fc
        .constantFrom(...PROPERTIES)
        .chain((p) => fc.tuple(fc.constantFrom(...OPERATORS), hostileString).map(([o, v]) => `${p}:${o}:${v.slice(0, 200)}`)),
      weight: 3,
    },
    { arbitrary: fc.constantFrom("-1", "0", "1e9", "NaN", "", "%", "eyJ9"), weight: 1 },
  );
  const qs = (pairs: [string, string][]) =>
    new URLSearchParams(pairs.map(([k, v]) => [k, v.replace(/[\ud800-\udfff]/g, "\ufffd")])).toString();

  it(
    "the blueprint table (filters, sort, columns, cursor) never 5xx and echoes its state escaped",
    async () => {
      const browser = await adminBrowser();
      const keys = fc.constantFrom("q", "f", "fp", "fo", "fv", "sort", "order", "cols", "limit", "from");
      const arb = fc.tuple(fc.array(fc.tuple(keys, param), { minLength: 1, maxLength: 6 }), fc.boolean());
      await check(arb, runs(250), async ([pairs, fragment]) => {
        tally.count("GET /blueprints/{bp}?<table state>");
        const headers: Record<string, string> = {
          authorization: "",
          cookie: browser.cookie,
          ...(fragment ? { "hx-request": "true" } : {}),
        };
        const res = await send("GET", `/blueprints/hx_service?${qs(pairs)}`, undefined, headers);
        await expectPageAnswer(res, tally, "blueprint table");
      });
    },
    timeoutFor(60_000),
  );

  it(
    "list endpoints' query strings (entities, runs, events, audit log, scorecard results) never 5xx",
    async () => {
      const lists = {
        "/v1/blueprints/hx_service/entities": ["limit", "cursor"],
        "/v1/actions/runs": ["mine", "awaiting_my_approval", "action", "status", "blueprint", "entity", "limit", "cursor"],
        "/v1/events": ["blueprint", "limit", "cursor"],
        "/v1/audit-log": ["blueprint", "entity", "action", "resource_type", "from", "to", "limit", "cursor"],
        "/v1/access/explain": ["user", "blueprint", "entity", "verb"],
      } as const;
      const arb = fc
        .constantFrom(...(Object.keys(lists) as (keyof typeof lists)[]))
        .chain((path) => fc.tuple(fc.constant(path), fc.array(fc.tuple(fc.constantFrom(...lists[path]), param), { maxLength: 5 })));
      await check(arb, runs(300), async ([path, pairs]) => {
        tally.count(`GET ${path}?<hostile query>`);
        const res = await send("GET", `${path}?${qs(pairs)}`, undefined);
        await expectApiAnswer(res, tally, `GET ${path}`);
      });
    },
    timeoutFor(30_000),
  );
});

describe("totals", () => {
  it("the suite tried what it promises", () => {
    expect(tally.total).toBeGreaterThanOrEqual(runs(2550));
    expect(tally.serverErrors).toBe(0);
    expect(tally.pagesWithEscapedPayload, "pages must have shown payloads (escaped)").toBeGreaterThan(20);
  });
});
