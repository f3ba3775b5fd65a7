import { asc, eq, sql } from "drizzle-orm";
import type { Blueprint, BlueprintDefinition } from "../domain/catalog/types";
import { type Database, type Statement, statement } from "./client";
import { type BlueprintRow, blueprints } from "./schema";

/**
 * A keyed section of a blueprint (properties, relations, derived properties) without a prototype: callers
 * look keys up as given by users, and `schema.properties["constructor"]` must be undefined, not Object
 * (a rule on a property called `toString` answered 500).
 */
function keyed<T>(section: Record<string, T> | undefined): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, section);
}

/** A stored row as the domain's Blueprint. */
export function toBlueprint(row: BlueprintRow): Blueprint {
  const definition = JSON.parse(row.definition) as Omit<BlueprintDefinition, "identifier" | "title" | "icon" | "description">;
  return {
    identifier: row.identifier,
    title: row.title,
    ...(row.icon !== null ? { icon: row.icon } : {}),
    ...(row.description !== null ? { description: row.description } : {}),
    ...definition,
    schema: { ...definition.schema, properties: keyed(definition.schema.properties) },
    relations: keyed(definition.relations),
    mirrorProperties: keyed(definition.mirrorProperties),
    calculationProperties: keyed(definition.calculationProperties),
    aggregationProperties: keyed(definition.aggregationProperties),
    formulaProperties: keyed(definition.formulaProperties),
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    createdBy: row.createdBy,
    updatedBy: row.updatedBy,
  };
}

function definitionJson(def: BlueprintDefinition): string {
  const { identifier: _i, title: _t, icon: _ic, description: _d, ...rest } = def;
  return JSON.stringify(rest);
}

/** All blueprints, ordered by identifier. The catalog holds tens to hundreds, so one read is fine. */
export async function listBlueprints(db: Database): Promise<Blueprint[]> {
  const rows = await db.select().from(blueprints).orderBy(asc(blueprints.identifier));
  return rows.map(toBlueprint);
}

export async function findBlueprint(db: Database, identifier: string): Promise<Blueprint | null> {
  const row = await db.select().from(blueprints).where(eq(blueprints.identifier, identifier)).get();
  return row ? toBlueprint(row) : null;
}

export interface BlueprintStamp {
  version: number;
  at: string;
  by: string;
  createdAt: string;
  createdBy: string;
}

/**
 * Writes a blueprint at `stamp.version`. An existing row is updated only if it is at `version - 1`
 * (the version guard trigger aborts the batch otherwise).
 */
export function upsertBlueprintStatement(db: Database, def: BlueprintDefinition, stamp: BlueprintStamp): Statement {
  const values = {
    identifier: def.identifier,
    title: def.title,
    icon: def.icon ?? null,
    description: def.description ?? null,
    definition: definitionJson(def),
    version: stamp.version,
    createdAt: stamp.createdAt,
    updatedAt: stamp.at,
    createdBy: stamp.createdBy,
    updatedBy: stamp.by,
  };
  const query = db
    .insert(blueprints)
    .values(values)
    .onConflictDoUpdate({
      target: blueprints.identifier,
      set: {
        title: values.title,
        icon: values.icon,
        description: values.description,
        definition: values.definition,
        version: values.version,
        updatedAt: values.updatedAt,
        updatedBy: values.updatedBy,
      },
    });
  return statement(db, query);
}

export function deleteBlueprintStatement(db: Database, identifier: string): Statement {
  return statement(db, db.delete(blueprints).where(eq(blueprints.identifier, identifier)));
}

/** Number of entities per blueprint identifier (blueprints without entities are absent). */
export async function entityCounts(db: Database): Promise<Map<string, number>> {
  const rows = await db.all<{ blueprint: string; n: number }>(sql`SELECT blueprint, COUNT(*) AS n FROM entities GROUP BY blueprint`);
  return new Map(rows.map((r) => [r.blueprint, r.n]));
}
