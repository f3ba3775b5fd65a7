// The search benchmark's catalog: N entities over 10 blueprints, deterministic for a given N and seed.
//
// Every blueprint has 20 properties (string enums, free strings, url, email, numbers, booleans, date-times,
// arrays of strings and of numbers) and 2–3 relations. Blueprints are listed targets first, so creating
// them in order never names a missing target; self-relations (a domain's parent, a system's dependsOn …)
// point at entities with a lower index, written in the same or an earlier bulk request. Nothing points at
// deployments, resources or incidents, so `relatedTo` an environment, downstream, is exactly one hop.
//
// The generator also picks the values the queries rotate through (entity ids, enum pairs, environments
// with a moderate fan-in, date windows, free-text terms), from the data it generated.

import { mulberry32 } from "./stack.mjs";

/** Vocabulary of names, titles and descriptions (what free text finds). */
export const WORDS = [
  "payment",
  "billing",
  "search",
  "catalog",
  "checkout",
  "inventory",
  "shipping",
  "auth",
  "profile",
  "review",
  "pricing",
  "ledger",
  "invoice",
  "gateway",
  "notify",
  "report",
  "export",
  "import",
  "media",
  "storage",
  "metrics",
  "tracing",
  "identity",
  "session",
  "order",
  "cart",
  "loyalty",
  "coupon",
  "fraud",
  "risk",
  "ads",
  "feed",
];
const ADJ = ["fast", "core", "legacy", "edge", "smart", "shared", "async", "bulk"];
/** Free-text queries (3–5 characters, prefixes of vocabulary words), rotated. */
export const TEXT_TERMS = ["pay", "bill", "check", "inven", "ship", "ledg", "invo", "gatew", "fraud", "loyal"];

export const TEAMS = WORDS.slice(0, 30).map((w) => `team-${w}`);
const LIFECYCLES = ["production", "staging", "development", "deprecated"];
const LANGUAGES = ["go", "python", "typescript", "java", "rust", "kotlin"];
const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1", "ap-northeast-1", "sa-east-1", "af-south-1"];
const TIERS = ["tier-1", "tier-2", "tier-3", "tier-4"];
const STATUSES = ["healthy", "degraded", "down", "unknown"];
const TAGS = ["critical", "internal", "public", "pci", "gdpr", "beta", "legacy", "batch", "frontend", "backend", "ml", "data"];

/** The day every generated date counts back from (fixed, so the data does not depend on the clock). */
const EPOCH = Date.parse("2026-11-01T00:00:00.000Z");
const DAY = 86_400_000;
const DATE_SPAN_DAYS = 365;

/** A blueprint-specific enum, number and date-time: the 3 properties on top of the 17 shared ones. */
const KINDS = [
  {
    id: "sb_domain",
    title: "Domain",
    prefix: "dom",
    share: 0.005,
    specific: { enumKey: "area", values: ["commerce", "platform", "data", "identity", "growth"], numKey: "budget", dateKey: "charteredAt" },
    relations: { parent: { target: "sb_domain" }, related: { target: "sb_domain", many: true } },
  },
  {
    id: "sb_system",
    title: "System",
    prefix: "sys",
    share: 0.03,
    specific: {
      enumKey: "criticality",
      values: ["low", "medium", "high", "mission-critical"],
      numKey: "components",
      dateKey: "launchedAt",
    },
    relations: { domain: { target: "sb_domain" }, dependsOn: { target: "sb_system", many: true } },
  },
  {
    id: "sb_cluster",
    title: "Cluster",
    prefix: "cls",
    share: 0.015,
    specific: { enumKey: "provider", values: ["aws", "gcp", "azure", "onprem"], numKey: "nodes", dateKey: "upgradedAt" },
    relations: { domain: { target: "sb_domain" }, failover: { target: "sb_cluster" } },
  },
  {
    id: "sb_environment",
    title: "Environment",
    prefix: "env",
    share: 0.005,
    specific: { enumKey: "envType", values: ["prod", "staging", "dev", "test", "perf"], numKey: "hosts", dateKey: "refreshedAt" },
    relations: { cluster: { target: "sb_cluster" }, domain: { target: "sb_domain" } },
  },
  {
    id: "sb_library",
    title: "Library",
    prefix: "lib",
    share: 0.08,
    specific: { enumKey: "language", values: LANGUAGES, numKey: "downloads", dateKey: "releasedAt" },
    relations: { system: { target: "sb_system" }, domain: { target: "sb_domain" }, dependsOn: { target: "sb_library", many: true } },
  },
  {
    id: "sb_service",
    title: "Service",
    prefix: "svc",
    share: 0.2,
    specific: { enumKey: "language", values: LANGUAGES, numKey: "replicas", dateKey: "lastDeployAt" },
    relations: { system: { target: "sb_system" }, cluster: { target: "sb_cluster" }, libraries: { target: "sb_library", many: true } },
  },
  {
    id: "sb_api",
    title: "API",
    prefix: "api",
    share: 0.095,
    specific: { enumKey: "protocol", values: ["rest", "grpc", "graphql", "soap"], numKey: "endpoints", dateKey: "publishedAt" },
    relations: { service: { target: "sb_service" }, system: { target: "sb_system" } },
  },
  {
    id: "sb_resource",
    title: "Resource",
    prefix: "res",
    share: 0.1,
    specific: {
      enumKey: "resourceType",
      values: ["postgres", "redis", "s3", "kafka", "mysql", "dynamo"],
      numKey: "sizeGb",
      dateKey: "provisionedAt",
    },
    relations: { service: { target: "sb_service" }, environment: { target: "sb_environment" }, cluster: { target: "sb_cluster" } },
  },
  {
    id: "sb_deployment",
    title: "Deployment",
    prefix: "dep",
    share: 0.27,
    specific: { enumKey: "strategy", values: ["rolling", "blue-green", "canary", "recreate"], numKey: "durationS", dateKey: "deployedAt" },
    relations: { service: { target: "sb_service" }, environment: { target: "sb_environment" }, cluster: { target: "sb_cluster" } },
  },
  {
    id: "sb_incident",
    title: "Incident",
    prefix: "inc",
    share: 0.2,
    specific: { enumKey: "severity", values: ["sev1", "sev2", "sev3", "sev4"], numKey: "impactedUsers", dateKey: "openedAt" },
    relations: { service: { target: "sb_service" }, environment: { target: "sb_environment" }, apis: { target: "sb_api", many: true } },
  },
];

/** What the queries run on (see bench/README.md). */
export const QUERY_SETUP = {
  /** (b) two equalities on sb_service. */
  equalityBlueprint: "sb_service",
  equalityProperties: ["lifecycle", "language"],
  /** (c) deployments related (downstream, one hop) to an environment. */
  relatedBlueprint: "sb_deployment",
  relatedTarget: "sb_environment",
  /** (d) a week of sb_deployment.deployedAt, newest update first. */
  rangeBlueprint: "sb_deployment",
  rangeProperty: "deployedAt",
  rangeDays: 7,
  /** (f) the blueprint page. */
  pageBlueprint: "sb_service",
};

function blueprintBody(kind) {
  const s = kind.specific;
  const properties = {
    lifecycle: { type: "string", title: "Lifecycle", enum: LIFECYCLES },
    tier: { type: "string", title: "Tier", enum: TIERS },
    region: { type: "string", title: "Region", enum: REGIONS },
    status: { type: "string", title: "Status", enum: STATUSES },
    [s.enumKey]: { type: "string", title: s.enumKey, enum: s.values },
    description: { type: "string", title: "Description" },
    url: { type: "string", title: "URL", format: "url" },
    owner: { type: "string", title: "Owner", format: "email" },
    score: { type: "number", title: "Score", minimum: 0, maximum: 100 },
    priority: { type: "number", title: "Priority", minimum: 1, maximum: 5 },
    costPerMonth: { type: "number", title: "Cost per month" },
    [s.numKey]: { type: "number", title: s.numKey },
    onCall: { type: "boolean", title: "On call" },
    public: { type: "boolean", title: "Public" },
    archived: { type: "boolean", title: "Archived" },
    createdOn: { type: "string", title: "Created on", format: "date-time" },
    reviewedAt: { type: "string", title: "Reviewed at", format: "date-time" },
    [s.dateKey]: { type: "string", title: s.dateKey, format: "date-time" },
    tags: { type: "array", title: "Tags", items: { type: "string", enum: TAGS } },
    ports: { type: "array", title: "Ports", items: { type: "number" } },
  };
  const relations = Object.fromEntries(
    Object.entries(kind.relations).map(([key, r]) => [key, { title: key, target: r.target, required: false, many: r.many === true }]),
  );
  return { identifier: kind.id, title: `Bench ${kind.title}`, schema: { properties, required: [] }, relations };
}

/** How many entities each blueprint gets: its share of N, at least 5, the rest to deployments. */
function counts(n) {
  const out = new Map(KINDS.map((k) => [k.id, Math.max(5, Math.floor(n * k.share))]));
  const sum = [...out.values()].reduce((a, b) => a + b, 0);
  out.set("sb_deployment", out.get("sb_deployment") + (n - sum));
  return out;
}

/**
 * @param {number} n entities in all
 * @param {number} seed
 * @returns the blueprint bodies (creation order), the entities per blueprint (creation order), and the
 *          values the queries rotate through
 */
export function generateSearchData(n, seed) {
  const rand = mulberry32(seed);
  const int = (max) => Math.floor(rand() * max);
  const pick = (list) => list[int(list.length)];
  const date = () => new Date(EPOCH - Math.floor(rand() * DATE_SPAN_DAYS * DAY)).toISOString();
  const cap = (w) => w[0].toUpperCase() + w.slice(1);

  const sizes = counts(n);
  const ids = new Map(); // blueprint → identifiers
  const entities = new Map(); // blueprint → entities
  const fanIn = new Map(); // `${bp}/${id}` → how many entities point at it
  for (const kind of KINDS) {
    const size = sizes.get(kind.id);
    const own = [];
    const list = [];
    for (let i = 0; i < size; i++) {
      const word = pick(WORDS);
      const adj = pick(ADJ);
      const id = `${kind.prefix}-${word}-${String(i).padStart(6, "0")}`;
      own.push(id);
      const relations = {};
      for (const [key, r] of Object.entries(kind.relations)) {
        const self = r.target === kind.id;
        const pool = self ? own.slice(0, i) : ids.get(r.target);
        const targetOf = () => pool[int(pool.length)];
        let value;
        if (r.many) {
          const k = self ? int(3) : 1 + int(3); // 0–2 for self-relations, 1–3 otherwise
          value = pool.length === 0 ? [] : [...new Set(Array.from({ length: k }, targetOf))];
        } else {
          value = pool.length === 0 || (self && rand() < 0.3) ? null : targetOf();
        }
        for (const t of [value].flat()) {
          if (t === null) continue;
          const where = `${r.target}/${t}`;
          fanIn.set(where, (fanIn.get(where) ?? 0) + 1);
        }
        relations[key] = value;
      }
      const tags = [];
      const tagCount = int(4);
      while (tags.length < tagCount) {
        const tag = pick(TAGS);
        if (!tags.includes(tag)) tags.push(tag);
      }
      const s = kind.specific;
      list.push({
        identifier: id,
        title: `${cap(adj)} ${cap(word)} ${kind.title} ${i}`,
        team: [pick(TEAMS)],
        properties: {
          lifecycle: pick(LIFECYCLES),
          tier: pick(TIERS),
          region: pick(REGIONS),
          status: pick(STATUSES),
          [s.enumKey]: pick(s.values),
          description: `${cap(adj)} ${word} ${kind.title.toLowerCase()} run by ${pick(TEAMS)}`,
          url: `https://${id}.example.com/`,
          owner: `owner${int(800)}@example.com`,
          score: Math.round(rand() * 10000) / 100,
          priority: 1 + int(5),
          costPerMonth: int(50_000),
          [s.numKey]: int(1000),
          onCall: rand() < 0.5,
          public: rand() < 0.3,
          archived: rand() < 0.05,
          createdOn: date(),
          reviewedAt: date(),
          [s.dateKey]: date(),
          tags,
          ports: Array.from({ length: int(3) }, () => 1024 + int(60_000)),
        },
        relations,
      });
    }
    ids.set(kind.id, own);
    entities.set(kind.id, list);
  }

  return { blueprints: KINDS.map(blueprintBody), entities, sizes, queries: pickQueryValues({ ids, entities, fanIn, seed }) };
}

/** The values the queries rotate through, drawn deterministically from the generated data. */
function pickQueryValues({ ids, entities, fanIn, seed }) {
  const rand = mulberry32(seed + 1);
  const int = (max) => Math.floor(rand() * max);
  const q = QUERY_SETUP;

  // (a) 500 entities, every blueprint in proportion to its size.
  const all = [...ids].flatMap(([bp, list]) => list.map((id) => [bp, id]));
  const byId = Array.from({ length: 500 }, () => all[int(all.length)]);

  // (b) every (lifecycle, language) pair, in a shuffled order.
  const pairs = [];
  for (const a of LIFECYCLES) for (const b of LANGUAGES) pairs.push([a, b]);
  shuffle(pairs, int);

  // (c) environments with a moderate fan-in (deployments pointing at them): the middle half of them.
  const deploymentsPer = new Map(ids.get(q.relatedTarget).map((id) => [id, 0]));
  for (const e of entities.get(q.relatedBlueprint)) {
    const target = e.relations.environment;
    if (target) deploymentsPer.set(target, deploymentsPer.get(target) + 1);
  }
  const ranked = [...deploymentsPer].sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1));
  const middle = ranked.slice(Math.floor(ranked.length / 4), Math.ceil((ranked.length * 3) / 4));
  shuffle(middle, int);
  const related = middle
    .slice(0, 50)
    .map(([id, deployments]) => ({ id, deployments, pointing: fanIn.get(`${q.relatedTarget}/${id}`) ?? 0 }));

  // (d) 50 week-long windows inside the generated date span.
  const ranges = Array.from({ length: 50 }, () => {
    const from = EPOCH - (q.rangeDays + int(DATE_SPAN_DAYS - q.rangeDays)) * DAY;
    return { from: new Date(from).toISOString(), to: new Date(from + q.rangeDays * DAY).toISOString() };
  });

  return { byId, pairs, related, ranges, terms: TEXT_TERMS };
}

function shuffle(list, int) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}
