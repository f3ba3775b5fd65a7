import type { Database } from "../../../db/client";
import { followPath, relatedValues } from "../../../db/derived-store";
import type { StoredEntity } from "../../../db/entity-store";
import type { ReadScope } from "../../access/decisions";
import { toApiEntity } from "../entity-shape";
import type { Filter } from "../search/filter";
import { resolveQuery } from "../search/query";
import type { Blueprint, Entity } from "../types";
import { evaluateCalculation } from "./calculation";

const META: Record<
  string,
  (t: { identifier: string; title: string | null; team: string[]; createdAt: string; updatedAt: string }) => unknown
> = {
  $identifier: (t) => t.identifier,
  $title: (t) => t.title,
  $team: (t) => t.team,
  $createdAt: (t) => t.createdAt,
  $updatedAt: (t) => t.updatedAt,
};

/** The parts of Port's aggregation property we compute. */
interface AggregationDefinition {
  target?: string;
  calculationSpec?: { func?: string; property?: string; calculationBy?: string };
  query?: unknown;
  pathFilter?: { path?: string[] }[];
}

function aggregate(func: string, values: number[]): number | null {
  if (func === "count") return values.length;
  if (values.length === 0) return func === "sum" ? 0 : null;
  if (func === "sum") return values.reduce((a, b) => a + b, 0);
  if (func === "average") return values.reduce((a, b) => a + b, 0) / values.length;
  if (func === "min") return Math.min(...values);
  if (func === "max") return Math.max(...values);
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Entities as the API shows them, with derived properties computed now — so they are never stale:
 * mirrors follow relations, aggregations count or combine related entities (exact, no cap), then
 * calculations run over each entity's own fields including those values. Failures give null and a reason
 * in `derivationErrors`.
 */
export async function withDerivedProperties(
  db: Database,
  blueprints: Map<string, Blueprint>,
  stored: StoredEntity[],
  /** The reader's scopes: a mirror never shows a value of an entity the reader may not read. */
  scopes?: Map<string, ReadScope>,
): Promise<Entity[]> {
  const derived = new Map<number, Record<string, unknown>>();
  const errors = new Map<number, Record<string, string>>();
  const note = (id: number, key: string, message: string) => errors.set(id, { ...errors.get(id), [key]: message });
  const byBlueprint = new Map<string, StoredEntity[]>();
  for (const e of stored) byBlueprint.set(e.blueprint, [...(byBlueprint.get(e.blueprint) ?? []), e]);

  for (const [bpId, group] of byBlueprint) {
    const bp = blueprints.get(bpId);
    if (!bp) continue;
    const ids = group.map((e) => e.id);
    for (const [key, mirror] of Object.entries(bp.mirrorProperties)) {
      const parts = mirror.path.split(".");
      const field = parts.pop() as string;
      const many = isManyPath(blueprints, bp, parts);
      const targets = await followPath(db, ids, parts, scopes);
      for (const id of ids) {
        const values = targets.filter((t) => t.root === id).map((t) => (META[field] ? META[field](t) : (t.properties[field] ?? null)));
        derived.set(id, { ...derived.get(id), [key]: many ? values : (values[0] ?? null) });
      }
    }
    for (const [key, raw] of Object.entries(bp.aggregationProperties)) {
      const def = raw as AggregationDefinition;
      const func = def.calculationSpec?.func ?? "count";
      const property = func === "count" ? null : (def.calculationSpec?.property ?? null);
      const target = def.target ? blueprints.get(def.target) : undefined;
      if (!target || (func !== "count" && !property)) {
        for (const id of ids) note(id, key, "the aggregation needs a target blueprint and, except for count, a property");
        continue;
      }
      let filter: Filter = { kind: "all" };
      try {
        if (def.query)
          filter = resolveQuery(def.query, {
            blueprints: [target],
            allBlueprints: [...blueprints.values()],
            user: { email: "", teams: [] },
            now: new Date(),
          });
      } catch (e) {
        for (const id of ids) note(id, key, `its query is invalid: ${(e as Error).message}`);
        continue;
      }
      const path = def.pathFilter?.[0]?.path ?? null;
      const rows = await relatedValues(db, { roots: ids, blueprint: target.identifier, path, property, filter });
      for (const id of ids) {
        const values = rows
          .filter((r) => r.root === id)
          .map((r) => (func === "count" ? 1 : Number(r.value)))
          .filter((n) => Number.isFinite(n));
        derived.set(id, { ...derived.get(id), [key]: aggregate(func, values) });
      }
    }
  }

  const out: Entity[] = [];
  for (const e of stored) {
    const bp = blueprints.get(e.blueprint) as Blueprint;
    const entity = toApiEntity(bp, e);
    entity.properties = { ...entity.properties, ...derived.get(e.id) };
    for (const [key, calc] of Object.entries(bp.calculationProperties)) {
      const expression = typeof calc.calculation === "string" ? calc.calculation : "";
      const result = await evaluateCalculation(expression, typeof calc.type === "string" ? calc.type : undefined, { ...entity });
      entity.properties[key] = result.value;
      if (result.error) note(e.id, key, result.error);
    }
    const errs = errors.get(e.id);
    out.push(errs ? { ...entity, derivationErrors: errs } : entity);
  }
  return out;
}

/** Does a mirror path cross a many-relation (so the mirror holds a list)? */
function isManyPath(blueprints: Map<string, Blueprint>, from: Blueprint, relations: string[]): boolean {
  let current: Blueprint | undefined = from;
  for (const rel of relations) {
    const def = current?.relations[rel];
    if (!def) return false;
    if (def.many) return true;
    current = blueprints.get(def.target);
  }
  return false;
}
