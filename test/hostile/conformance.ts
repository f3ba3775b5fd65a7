import { env } from "cloudflare:workers";
import type { Json } from "./generators";

// An independent oracle for "every stored row satisfies its blueprint": it reads D1 directly (not through
// the portal's code) and checks each row against the fixture blueprint's definition with rules written
// here from the docs, so a validation gap in the portal shows up as a violation instead of being agreed with.

type Property = {
  type: "string" | "number" | "boolean" | "object" | "array";
  format?: string;
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  items?: { type: string };
  maxItems?: number;
};

export type FixtureBlueprint = {
  identifier: string;
  title: string;
  schema: { properties: Record<string, Property>; required: string[] };
  relations: Record<string, { target: string; many: boolean; required: boolean }>;
};

/** The blueprint the catalog suite writes into: one property per type and constraint the docs list. */
export function hostileBlueprint(identifier: string, relationTarget: string): FixtureBlueprint {
  return {
    identifier,
    title: "Hostile <b>service</b>",
    schema: {
      properties: {
        name: { type: "string", minLength: 1, maxLength: 50 },
        lang: { type: "string", enum: ["go", "ts", "rust"] },
        replicas: { type: "number", minimum: 0, maximum: 100 },
        homepage: { type: "string", format: "url" },
        email: { type: "string", format: "email" },
        since: { type: "string", format: "date-time" },
        tags: { type: "array", items: { type: "string" }, maxItems: 5 },
        on: { type: "boolean" },
        meta: { type: "object" },
        notes: { type: "string", format: "markdown" },
        code: { type: "string", pattern: "^[a-z]+$" },
        free: { type: "string" },
      },
      required: ["name"],
    },
    relations: {
      owner: { target: relationTarget, many: false, required: false },
      deps: { target: identifier, many: true, required: false },
    },
  };
}

function typeOk(type: string, v: unknown): boolean {
  if (type === "array") return Array.isArray(v);
  if (type === "object") return typeof v === "object" && v !== null && !Array.isArray(v);
  if (type === "number") return typeof v === "number" && Number.isFinite(v);
  return typeof v === type;
}

const SAFE_URL = (v: string) => {
  const url = URL.parse(v);
  return url !== null && !["javascript:", "data:", "vbscript:", "file:"].includes(url.protocol);
};

/** The problems of one stored property value, as messages naming the rule broken. */
function propertyProblems(key: string, def: Property, v: unknown): string[] {
  if (!typeOk(def.type, v)) return [`${key}: ${JSON.stringify(v)?.slice(0, 80)} is not a ${def.type}`];
  const out: string[] = [];
  if (def.enum && !def.enum.includes(v)) out.push(`${key}: not in enum`);
  if (typeof v === "string") {
    if (def.minLength !== undefined && v.length < def.minLength) out.push(`${key}: shorter than ${def.minLength}`);
    if (def.maxLength !== undefined && v.length > def.maxLength) out.push(`${key}: longer than ${def.maxLength}`);
    if (def.pattern !== undefined && !new RegExp(def.pattern, "u").test(v)) out.push(`${key}: does not match ${def.pattern}`);
    if (def.format === "url" && !SAFE_URL(v)) out.push(`${key}: not a safe absolute URL`);
    if (def.format === "email" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) out.push(`${key}: not an email`);
    if (def.format === "date-time" && (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(Date.parse(v)))) out.push(`${key}: not a date-time`);
  }
  if (typeof v === "number") {
    if (def.minimum !== undefined && v < def.minimum) out.push(`${key}: below ${def.minimum}`);
    if (def.maximum !== undefined && v > def.maximum) out.push(`${key}: above ${def.maximum}`);
  }
  if (Array.isArray(v)) {
    if (def.maxItems !== undefined && v.length > def.maxItems) out.push(`${key}: more than ${def.maxItems} items`);
    const itemType = def.items?.type;
    if (itemType && !v.every((x) => typeOk(itemType, x))) out.push(`${key}: an item is not a ${itemType}`);
  }
  return out;
}

/** The problems of one entity's stored properties against the fixture blueprint. */
export function entityProblems(bp: FixtureBlueprint, properties: Json): string[] {
  const out: string[] = [];
  for (const [key, v] of Object.entries(properties)) {
    const def = bp.schema.properties[key];
    if (!def) out.push(`${key}: not a property of ${bp.identifier}`);
    else out.push(...propertyProblems(key, def, v));
  }
  for (const key of bp.schema.required) if (properties[key] === undefined || properties[key] === null) out.push(`${key}: required`);
  return out;
}

/**
 * Reads every row of the blueprint's entities, relations and value index straight from D1 and returns
 * each violation: properties against the blueprint, relation rows pointing nowhere or at the wrong
 * blueprint, single relations holding several targets, and index rows of entities that no longer exist.
 */
export async function storedViolations(bp: FixtureBlueprint): Promise<string[]> {
  const out: string[] = [];
  const rows = await env.DB.prepare("SELECT id, identifier, properties, team FROM entities WHERE blueprint = ?").bind(bp.identifier).all<{
    id: number;
    identifier: string;
    properties: string;
    team: string;
  }>();
  for (const row of rows.results) {
    for (const p of entityProblems(bp, JSON.parse(row.properties) as Json)) out.push(`${row.identifier}: ${p}`);
    const team = JSON.parse(row.team) as unknown;
    if (!Array.isArray(team) || !team.every((t) => typeof t === "string")) out.push(`${row.identifier}: team is not a list of names`);
  }
  const relationRows = await env.DB.prepare(
    `SELECT s.identifier AS source, r.relation, t.blueprint AS target_blueprint, t.identifier AS target
       FROM relations r JOIN entities s ON s.id = r.source_id LEFT JOIN entities t ON t.id = r.target_id
      WHERE s.blueprint = ?`,
  )
    .bind(bp.identifier)
    .all<{ source: string; relation: string; target_blueprint: string | null; target: string | null }>();
  const singles = new Map<string, number>();
  for (const r of relationRows.results) {
    const def = bp.relations[r.relation];
    if (!def) out.push(`${r.source}: relation row for unknown relation ${r.relation}`);
    else if (r.target === null) out.push(`${r.source}.${r.relation}: target row missing`);
    else if (r.target_blueprint !== def.target) out.push(`${r.source}.${r.relation}: target ${r.target} is a ${r.target_blueprint}`);
    if (def && !def.many) singles.set(`${r.source}.${r.relation}`, (singles.get(`${r.source}.${r.relation}`) ?? 0) + 1);
  }
  for (const [key, n] of singles) if (n > 1) out.push(`${key}: single relation with ${n} targets`);
  const orphans = await env.DB.prepare(
    "SELECT COUNT(*) AS n FROM entity_values v LEFT JOIN entities e ON e.id = v.entity_id WHERE v.blueprint = ? AND e.id IS NULL",
  )
    .bind(bp.identifier)
    .first<{ n: number }>();
  if ((orphans?.n ?? 0) > 0) out.push(`${orphans?.n} value-index rows of deleted entities`);
  return out;
}
