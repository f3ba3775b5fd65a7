import { findBlueprint, listBlueprints } from "../../db/blueprint-store";
import type { Database } from "../../db/client";
import {
  countEntities,
  findEntities,
  incomingRelations,
  listEntities,
  outgoingRelations,
  type RelationLink,
  type StoredEntity,
} from "../../db/entity-store";
import { invalid, notFound } from "../../lib/errors";
import type { ReadScope } from "../access/decisions";
import { withDerivedProperties } from "./derived/derive";
import { toApiEntity } from "./entity-shape";
import type { Blueprint, Entity } from "./types";

export interface EntityWithRelated {
  entity: Entity;
  blueprint: Blueprint;
  /** What this entity points to, and what points at it (only when asked for). */
  related?: { outgoing: RelationLink[]; incoming: RelationLink[] };
}

/** Shapes stored entities for the API, computing derived properties when the blueprint has any. */
async function withDerived(
  db: Database,
  blueprint: Blueprint,
  stored: StoredEntity[],
  known?: Map<string, Blueprint>,
  scopes?: Map<string, ReadScope>,
): Promise<Entity[]> {
  const hasDerived = [blueprint.mirrorProperties, blueprint.aggregationProperties, blueprint.calculationProperties].some(
    (s) => Object.keys(s).length > 0,
  );
  if (!hasDerived) return stored.map((r) => toApiEntity(blueprint, r));
  const all = known ?? new Map((await listBlueprints(db)).map((b) => [b.identifier, b]));
  return withDerivedProperties(db, all, stored, scopes);
}

/** The blueprint, from `known` when the caller already loaded them (saves a query per request). */
async function requireBlueprint(db: Database, identifier: string, known?: Map<string, Blueprint>): Promise<Blueprint> {
  const blueprint = known ? known.get(identifier) : await findBlueprint(db, identifier);
  if (!blueprint) throw notFound(`Blueprint '${identifier}'`);
  return blueprint;
}

/** What a reader may see: entities of a blueprint (`scope`) and, for relation views, of every blueprint. */
export interface Visibility {
  scope: ReadScope;
  scopes: Map<string, ReadScope>;
  /** Every blueprint, when the caller already has them. */
  blueprints?: Map<string, Blueprint>;
}

export const SEE_ALL: Visibility = { scope: { kind: "all" }, scopes: new Map() };

/**
 * One entity, optionally with its relations in both directions, as far as `visibility` lets the reader
 * see. `null` when it exists but is not visible (the caller decides between 403 and 404).
 */
export async function getEntity(
  db: Database,
  blueprintId: string,
  identifier: string,
  opts: { includeRelated: boolean; visibility: Visibility },
): Promise<EntityWithRelated | null> {
  const blueprint = await requireBlueprint(db, blueprintId, opts.visibility.blueprints);
  const [stored] = await findEntities(db, blueprintId, [identifier], opts.visibility.scope);
  if (!stored) {
    if ((await findEntities(db, blueprintId, [identifier])).length > 0) return null;
    throw notFound(`Entity '${identifier}' of blueprint '${blueprintId}'`);
  }
  const [entity] = await withDerived(db, blueprint, [stored], opts.visibility.blueprints, opts.visibility.scopes);
  const result: EntityWithRelated = { entity: entity as Entity, blueprint };
  if (opts.includeRelated) {
    const { scopes } = opts.visibility;
    result.related = { outgoing: await outgoingRelations(db, stored.id, scopes), incoming: await incomingRelations(db, stored.id, scopes) };
  }
  return result;
}

/** Opaque cursor: the last identifier of the previous page, base64url-encoded. */
export function encodeCursor(identifier: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(identifier)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replaceAll("=", "");
}

function decodeCursor(cursor: string): string {
  try {
    const bin = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    throw invalid([{ path: "cursor", message: "is not a cursor this API returned" }]);
  }
}

export interface EntityPage {
  blueprint: Blueprint;
  entities: Entity[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  next: string | null;
}

/** A page of a blueprint's entities in identifier order. */
export async function listBlueprintEntities(
  db: Database,
  blueprintId: string,
  page: { limit: number; cursor?: string | undefined },
  scope: ReadScope,
  known?: Map<string, Blueprint>,
  scopes?: Map<string, ReadScope>,
): Promise<EntityPage> {
  const blueprint = await requireBlueprint(db, blueprintId, known);
  const after = page.cursor ? decodeCursor(page.cursor) : undefined;
  const rows = await listEntities(db, blueprintId, { limit: page.limit + 1, after }, scope);
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  const last = shown.at(-1);
  return {
    blueprint,
    entities: await withDerived(db, blueprint, shown, known, scopes),
    next: more && last ? encodeCursor(last.identifier) : null,
  };
}

/** How many entities of a blueprint the reader may see. */
export async function countBlueprintEntities(db: Database, blueprintId: string, scope: ReadScope): Promise<number> {
  return countEntities(db, blueprintId, scope);
}
