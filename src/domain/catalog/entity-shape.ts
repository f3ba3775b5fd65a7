import type { RelationRecord, StoredEntity } from "../../db/entity-store";
import type { Blueprint, Entity, RelationValue } from "./types";

/**
 * Gives every relation of the blueprint its Port shape: a many relation is a list (possibly empty),
 * a single relation one identifier or null. Storage keeps only the rows that exist.
 */
export function shapeRelations(blueprint: Blueprint, stored: Record<string, RelationValue>): Record<string, RelationValue> {
  const shaped: Record<string, RelationValue> = {};
  for (const [key, def] of Object.entries(blueprint.relations)) {
    const value = Object.hasOwn(stored, key) ? stored[key] : undefined;
    const ids = value === undefined || value === null ? [] : [value].flat();
    shaped[key] = def.many ? ids : (ids[0] ?? null);
  }
  return shaped;
}

/** The entity as the API returns it: Port's shape plus `version`, without internal ids. */
export function toApiEntity(blueprint: Blueprint, stored: StoredEntity): Entity {
  const { id: _id, ...entity } = stored;
  return { ...entity, relations: shapeRelations(blueprint, stored.relations) };
}

/** The relation rows an entity's relation values become (one per target, duplicates dropped). */
export function relationRecords(blueprint: Blueprint, relations: Record<string, RelationValue>): RelationRecord[] {
  const out: RelationRecord[] = [];
  for (const [key, value] of Object.entries(relations)) {
    const def = blueprint.relations[key];
    if (!def || value === null) continue;
    for (const id of new Set([value].flat())) out.push({ relation: key, targetBlueprint: def.target, targetIdentifier: id });
  }
  return out;
}

/** The entities an entity (as the API shows it, e.g. an event's diff) points to through its relations. */
export function relationTargetsOf(bp: Blueprint | undefined, entity: unknown): { blueprint: string; identifier: string }[] {
  const relations = (entity as { relations?: Record<string, unknown> } | null)?.relations ?? {};
  return Object.entries(relations).flatMap(([key, value]) => {
    const target = bp?.relations[key]?.target;
    return target
      ? [value]
          .flat()
          .filter((v): v is string => typeof v === "string")
          .map((identifier) => ({ blueprint: target, identifier }))
      : [];
  });
}
