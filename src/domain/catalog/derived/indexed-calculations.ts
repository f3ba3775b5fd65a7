import { type Database, runBatch } from "../../../db/client";
import { listEntities, type ValueRecord } from "../../../db/entity-store";
import { replacePropertyValuesStatements } from "../../../db/entity-write-store";
import { toApiEntity } from "../entity-shape";
import { valueRecords } from "../entity-values";
import type { Blueprint, Entity } from "../types";
import { evaluateCalculation } from "./calculation";

interface CalculationDefinition {
  calculation?: unknown;
  type?: unknown;
  format?: unknown;
}

/**
 * Calculations that read only the entity's own stored fields, so their values can be indexed when the
 * entity is written and stay exact: any calculation naming a mirror, aggregation or other calculation
 * property is left out (those values change without the entity being written).
 */
export function indexedCalculations(blueprint: Blueprint): [string, CalculationDefinition][] {
  const derivedKeys = [
    ...Object.keys(blueprint.mirrorProperties),
    ...Object.keys(blueprint.aggregationProperties),
    ...Object.keys(blueprint.calculationProperties),
  ];
  return Object.entries(blueprint.calculationProperties).filter(([, calc]) => {
    const text = typeof calc.calculation === "string" ? calc.calculation : "";
    return !derivedKeys.some((k) => new RegExp(`\\b${k.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")}\\b`).test(text));
  });
}

/** The value-index rows of an entity's indexed calculations (computed from its stored fields). */
export async function calculationValueRecords(blueprint: Blueprint, entity: Entity): Promise<ValueRecord[]> {
  const out: ValueRecord[] = [];
  for (const [key, calc] of indexedCalculations(blueprint)) {
    const expression = typeof calc.calculation === "string" ? calc.calculation : "";
    const result = await evaluateCalculation(expression, typeof calc.type === "string" ? calc.type : undefined, { ...entity });
    if (result.value !== null) out.push(...valueRecords(key, result.value, typeof calc.format === "string" ? calc.format : undefined));
  }
  return out;
}

/** Entities re-indexed per batch when a blueprint's calculations change. */
const REINDEX_PAGE = 500;

/**
 * Recomputes the indexed calculation values of every entity of a blueprint (after its calculations
 * changed), page by page; `properties` are the calculation keys before and after the change.
 */
export async function reindexCalculations(db: Database, blueprint: Blueprint, properties: string[]): Promise<number> {
  let after: string | undefined;
  let count = 0;
  for (;;) {
    const page = await listEntities(db, blueprint.identifier, { limit: REINDEX_PAGE, after }, { kind: "all" });
    if (page.length === 0) return count;
    const written = [];
    for (const stored of page)
      written.push({ identifier: stored.identifier, values: await calculationValueRecords(blueprint, toApiEntity(blueprint, stored)) });
    await runBatch(db, replacePropertyValuesStatements(db, blueprint.identifier, properties, written));
    count += page.length;
    after = page.at(-1)?.identifier;
  }
}
