import { sql } from "drizzle-orm";
import type { ReadScope } from "../domain/access/decisions";
import type { Entity, RelationValue } from "../domain/catalog/types";
import { type Database, jsonChunks } from "./client";
import { ownerTeamRowsSql, visibleAcrossSql, visibleSql } from "./read-scope-sql";

/** The stored columns of an entity, as the write path produces them. */
export interface EntityRecord {
  blueprint: string;
  identifier: string;
  title: string | null;
  icon: string | null;
  team: string[];
  properties: Record<string, unknown>;
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
}

/** One outgoing relation row, resolved to the target's identifiers. */
export interface RelationRecord {
  relation: string;
  targetBlueprint: string;
  targetIdentifier: string;
}

/** A row of the typed value index (see migrations/0001). */
export interface ValueRecord {
  property: string;
  str: string | null;
  num: number | null;
}

export interface EntityRowJson {
  id: number;
  blueprint: string;
  identifier: string;
  title: string | null;
  icon: string | null;
  team: string;
  properties: string;
  version: number;
  created_at: string;
  updated_at: string;
  created_by: string;
  updated_by: string;
}

export interface StoredEntity extends Entity {
  /** Internal row id; never leaves the server. */
  id: number;
}

export const ENTITY_COLUMNS = sql.raw(
  "e.id, e.blueprint, e.identifier, e.title, e.icon, e.team, e.properties, e.version, e.created_at, e.updated_at, e.created_by, e.updated_by",
);

/** Turns entity rows into entities with their relations (one extra query per 1,000-ish rows). */
export async function hydrateEntities(db: Database, rows: EntityRowJson[]): Promise<StoredEntity[]> {
  if (rows.length === 0) return [];
  const byId = new Map<number, Record<string, RelationValue>>();
  for (const chunk of jsonChunks(rows.map((r) => r.id))) {
    const rels = await db.all<{ source_id: number; relation: string; identifier: string }>(sql`
      SELECT r.source_id, r.relation, t.identifier
      FROM relations r JOIN entities t ON t.id = r.target_id
      WHERE r.source_id IN (SELECT value FROM json_each(${chunk}))
      ORDER BY r.source_id, r.relation, r.position`);
    for (const r of rels) {
      // No prototype: a relation may be called `valueOf` or `constructor`.
      const map = byId.get(r.source_id) ?? (Object.create(null) as Record<string, RelationValue>);
      const current = map[r.relation];
      map[r.relation] = current === undefined ? [r.identifier] : [...[current].flat().filter((x) => x !== null), r.identifier];
      byId.set(r.source_id, map);
    }
  }
  return rows.map((row) => ({
    id: row.id,
    identifier: row.identifier,
    blueprint: row.blueprint,
    title: row.title,
    icon: row.icon,
    team: JSON.parse(row.team) as string[],
    properties: JSON.parse(row.properties) as Record<string, unknown>,
    relations: byId.get(row.id) ?? {},
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    createdBy: row.created_by,
    updatedBy: row.updated_by,
  }));
}

/**
 * The entities of `blueprint` with these identifiers, with their relations as lists of target identifiers
 * (the caller shapes single relations from the blueprint definition).
 */
export async function findEntities(
  db: Database,
  blueprint: string,
  identifiers: string[],
  scope: ReadScope = { kind: "all" },
): Promise<StoredEntity[]> {
  const rows: EntityRowJson[] = [];
  for (const chunk of jsonChunks(identifiers)) {
    rows.push(
      ...(await db.all<EntityRowJson>(sql`
        SELECT ${ENTITY_COLUMNS} FROM entities e
        WHERE e.blueprint = ${blueprint} AND e.identifier IN (SELECT value FROM json_each(${chunk})) AND ${visibleSql("e", scope)}`)),
    );
  }
  return hydrateEntities(db, rows);
}

/** A page of a blueprint's entities in identifier order, starting after `after`. */
export async function listEntities(
  db: Database,
  blueprint: string,
  page: { limit: number; after?: string | undefined },
  scope: ReadScope,
): Promise<StoredEntity[]> {
  const rows = await db.all<EntityRowJson>(sql`
    SELECT ${ENTITY_COLUMNS} FROM entities e
    WHERE e.blueprint = ${blueprint} AND e.identifier > ${page.after ?? ""} AND ${visibleSql("e", scope)}
    ORDER BY e.identifier LIMIT ${page.limit}`);
  return hydrateEntities(db, rows);
}

export async function countEntities(db: Database, blueprint: string, scope: ReadScope = { kind: "all" }): Promise<number> {
  if (scope.kind === "none") return 0;
  const row = await db.get<{ n: number }>(
    sql`SELECT COUNT(*) AS n FROM entities e WHERE e.blueprint = ${blueprint} AND ${visibleSql("e", scope)}`,
  );
  return row?.n ?? 0;
}

/** Which of `identifiers` exist in `blueprint`. */
export async function existingIdentifiers(db: Database, blueprint: string, identifiers: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const chunk of jsonChunks(identifiers)) {
    const rows = await db.all<{ identifier: string }>(sql`
      SELECT identifier FROM entities
      WHERE blueprint = ${blueprint} AND identifier IN (SELECT value FROM json_each(${chunk}))`);
    for (const r of rows) found.add(r.identifier);
  }
  return found;
}

/** A relation seen from one end, with the entity at the other end. */
export interface RelationLink {
  relation: string;
  blueprint: string;
  identifier: string;
  title: string | null;
}

/** Relations pointing at entity `id` (who depends on it) from entities the caller may read. */
export async function incomingRelations(db: Database, id: number, scopes: Map<string, ReadScope>, limit = 1000): Promise<RelationLink[]> {
  return db.all<RelationLink>(sql`
    SELECT r.relation, s.blueprint, s.identifier, s.title
    FROM relations r JOIN entities s ON s.id = r.source_id
    WHERE r.target_id = ${id} AND ${visibleAcrossSql("s", scopes)}
    ORDER BY s.blueprint, r.relation, s.identifier LIMIT ${limit}`);
}

/** Relations going out of entity `id` to entities the caller may read. */
export async function outgoingRelations(db: Database, id: number, scopes: Map<string, ReadScope>): Promise<RelationLink[]> {
  return db.all<RelationLink>(sql`
    SELECT r.relation, t.blueprint, t.identifier, t.title
    FROM relations r JOIN entities t ON t.id = r.target_id
    WHERE r.source_id = ${id} AND ${visibleAcrossSql("t", scopes)}
    ORDER BY r.relation, r.position`);
}

/** The teams owning entity `id` along an ownership relation path (empty path: its own teams). */
export async function owningTeams(db: Database, id: number, path: string[]): Promise<string[]> {
  const rows = await db.all<{ str: string }>(sql`SELECT DISTINCT tv.str FROM ${ownerTeamRowsSql(sql`${id}`, path)}`);
  return rows.map((r) => r.str);
}

/** Source entities holding relation `relation` (of blueprint `sourceBlueprint`) to any of `targetIds`. */
export async function dependents(
  db: Database,
  sourceBlueprint: string,
  relation: string,
  targetIds: number[],
): Promise<{ id: number; blueprint: string; identifier: string }[]> {
  const out: { id: number; blueprint: string; identifier: string }[] = [];
  for (const chunk of jsonChunks(targetIds)) {
    out.push(
      ...(await db.all<{ id: number; blueprint: string; identifier: string }>(sql`
        SELECT DISTINCT s.id, s.blueprint, s.identifier
        FROM relations r JOIN entities s ON s.id = r.source_id
        WHERE r.relation = ${relation} AND s.blueprint = ${sourceBlueprint}
          AND r.target_id IN (SELECT value FROM json_each(${chunk}))`)),
    );
  }
  return out;
}

/** Does any entity of `blueprint` hold a value for relation `relation`? */
export async function relationInUse(db: Database, blueprint: string, relation: string): Promise<boolean> {
  const row = await db.get<{ one: number }>(sql`
    SELECT 1 AS one FROM relations r JOIN entities s ON s.id = r.source_id
    WHERE s.blueprint = ${blueprint} AND r.relation = ${relation} LIMIT 1`);
  return row !== undefined;
}

/** How many entities of `blueprint` lack property `property` (for making it required). */
export async function countMissingProperty(db: Database, blueprint: string, property: string): Promise<number> {
  const row = await db.get<{ n: number }>(sql`
    SELECT COUNT(*) AS n FROM entities
    WHERE blueprint = ${blueprint} AND json_type(properties, ${`$."${property}"`}) IS NULL`);
  return row?.n ?? 0;
}

/** How many entities of `blueprint` lack any value for relation `relation` (for making it required). */
export async function countMissingRelation(db: Database, blueprint: string, relation: string): Promise<number> {
  const row = await db.get<{ n: number }>(sql`
    SELECT COUNT(*) AS n FROM entities e
    WHERE e.blueprint = ${blueprint}
      AND NOT EXISTS (SELECT 1 FROM relations r WHERE r.source_id = e.id AND r.relation = ${relation})`);
  return row?.n ?? 0;
}
