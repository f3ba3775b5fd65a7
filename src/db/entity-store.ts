import { sql } from "drizzle-orm";
import type { ReadScope } from "../domain/access/decisions";
import type { Entity, RelationValue } from "../domain/catalog/types";
import { type Database, jsonChunks, type Statement, statement } from "./client";
import { visibleAcrossSql, visibleSql } from "./read-scope-sql";

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

interface EntityRowJson {
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

const ENTITY_COLUMNS = sql.raw(
  "e.id, e.blueprint, e.identifier, e.title, e.icon, e.team, e.properties, e.version, e.created_at, e.updated_at, e.created_by, e.updated_by",
);

async function withRelations(db: Database, rows: EntityRowJson[]): Promise<StoredEntity[]> {
  if (rows.length === 0) return [];
  const byId = new Map<number, Record<string, RelationValue>>();
  for (const chunk of jsonChunks(rows.map((r) => r.id))) {
    const rels = await db.all<{ source_id: number; relation: string; identifier: string }>(sql`
      SELECT r.source_id, r.relation, t.identifier
      FROM relations r JOIN entities t ON t.id = r.target_id
      WHERE r.source_id IN (SELECT value FROM json_each(${chunk}))
      ORDER BY r.source_id, r.relation, r.position`);
    for (const r of rels) {
      const map = byId.get(r.source_id) ?? {};
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
  return withRelations(db, rows);
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
  return withRelations(db, rows);
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
  if (path.length === 0) {
    const rows = await db.all<{ str: string }>(sql`SELECT str FROM entity_values WHERE entity_id = ${id} AND property = '$team'`);
    return rows.map((r) => r.str);
  }
  const joins = path
    .slice(1)
    .map(
      (rel, i) =>
        sql` JOIN relations ${sql.raw(`r${i + 1}`)} ON ${sql.raw(`r${i + 1}`)}.source_id = ${sql.raw(`r${i}`)}.target_id AND ${sql.raw(`r${i + 1}`)}.relation = ${rel}`,
    );
  const last = sql.raw(`r${path.length - 1}`);
  const rows = await db.all<{ str: string }>(sql`
    SELECT DISTINCT tv.str FROM relations r0${sql.join(joins, sql``)}
    JOIN entity_values tv ON tv.entity_id = ${last}.target_id AND tv.property = '$team'
    WHERE r0.source_id = ${id} AND r0.relation = ${path[0]}`);
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

// ---- writes: statements for one batch -------------------------------------------------------------

/**
 * Inserts or updates entities. Updates must state version = stored version + 1, else the version guard
 * trigger aborts the whole batch (so a concurrent write is never silently overwritten).
 */
export function upsertEntitiesStatements(db: Database, records: EntityRecord[]): Statement[] {
  const rows = records.map((r) => ({
    b: r.blueprint,
    i: r.identifier,
    t: r.title,
    ic: r.icon,
    tm: JSON.stringify(r.team),
    p: JSON.stringify(r.properties),
    v: r.version,
    ca: r.createdAt,
    ua: r.updatedAt,
    cb: r.createdBy,
    ub: r.updatedBy,
  }));
  return jsonChunks(rows).map((chunk) =>
    statement(
      db,
      sql`
      INSERT INTO entities (blueprint, identifier, title, icon, team, properties, version, created_at, updated_at, created_by, updated_by)
      SELECT j.value->>'b', j.value->>'i', j.value->>'t', j.value->>'ic', j.value->>'tm', j.value->>'p',
             j.value->>'v', j.value->>'ca', j.value->>'ua', j.value->>'cb', j.value->>'ub'
      FROM json_each(${chunk}) j WHERE true
      ON CONFLICT (blueprint, identifier) DO UPDATE SET
        title = excluded.title, icon = excluded.icon, team = excluded.team, properties = excluded.properties,
        version = excluded.version, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    ),
  );
}

/** Creates bare entities (identifier only) unless they exist: `create_missing_related_entities`. */
export function insertPlaceholdersStatements(db: Database, records: EntityRecord[]): Statement[] {
  const rows = records.map((r) => ({ b: r.blueprint, i: r.identifier, a: r.createdAt, by: r.createdBy }));
  return jsonChunks(rows).map((chunk) =>
    statement(
      db,
      sql`
      INSERT INTO entities (blueprint, identifier, version, created_at, updated_at, created_by, updated_by)
      SELECT j.value->>'b', j.value->>'i', 1, j.value->>'a', j.value->>'a', j.value->>'by', j.value->>'by'
      FROM json_each(${chunk}) j WHERE true
      ON CONFLICT (blueprint, identifier) DO NOTHING`,
    ),
  );
}

/**
 * Replaces the value-index rows and outgoing relations of the written entities. Relation targets are
 * resolved inside the statement; a target deleted meanwhile resolves to NULL and the NOT NULL constraint
 * aborts the batch instead of dropping the relation silently.
 */
export function replaceIndexStatements(
  db: Database,
  blueprint: string,
  written: { identifier: string; values: ValueRecord[]; relations: RelationRecord[] }[],
): Statement[] {
  const statements: Statement[] = [];
  for (const chunk of jsonChunks(written.map((w) => w.identifier))) {
    statements.push(
      statement(
        db,
        sql`DELETE FROM entity_values WHERE entity_id IN
        (SELECT id FROM entities WHERE blueprint = ${blueprint} AND identifier IN (SELECT value FROM json_each(${chunk})))`,
      ),
      statement(
        db,
        sql`DELETE FROM relations WHERE source_id IN
        (SELECT id FROM entities WHERE blueprint = ${blueprint} AND identifier IN (SELECT value FROM json_each(${chunk})))`,
      ),
    );
  }
  const values = written.flatMap((w) => w.values.map((v) => ({ i: w.identifier, p: v.property, s: v.str, n: v.num })));
  // CROSS JOIN keeps json_each as the outer loop, so each row finds its entity through the unique index.
  // A plain JOIN let the planner scan every entity of the blueprint per row: seconds instead of milliseconds.
  for (const chunk of jsonChunks(values)) {
    statements.push(
      statement(
        db,
        sql`
        INSERT INTO entity_values (entity_id, blueprint, property, str, num)
        SELECT e.id, e.blueprint, j.value->>'p', j.value->>'s', j.value->>'n'
        FROM json_each(${chunk}) j CROSS JOIN entities e ON e.blueprint = ${blueprint} AND e.identifier = j.value->>'i'`,
      ),
    );
  }
  const rels = written.flatMap((w) =>
    w.relations.map((r, position) => ({ i: w.identifier, r: r.relation, tb: r.targetBlueprint, t: r.targetIdentifier, o: position })),
  );
  for (const chunk of jsonChunks(rels)) {
    statements.push(
      statement(
        db,
        sql`
        INSERT INTO relations (source_id, relation, target_id, position)
        SELECT (SELECT id FROM entities WHERE blueprint = ${blueprint} AND identifier = j.value->>'i'),
               j.value->>'r',
               (SELECT id FROM entities WHERE blueprint = j.value->>'tb' AND identifier = j.value->>'t'),
               j.value->>'o'
        FROM json_each(${chunk}) j`,
      ),
    );
  }
  return statements;
}

/** Deletes entities by row id; their values and relations (both directions) go with them (ON DELETE CASCADE). */
export function deleteEntitiesStatements(db: Database, ids: number[]): Statement[] {
  return jsonChunks(ids).map((chunk) => statement(db, sql`DELETE FROM entities WHERE id IN (SELECT value FROM json_each(${chunk}))`));
}

/** Deletes every entity of a blueprint (with cascades). */
export function deleteAllEntitiesStatement(db: Database, blueprint: string): Statement {
  return statement(db, sql`DELETE FROM entities WHERE blueprint = ${blueprint}`);
}

/** `json_remove(properties, '$."a"', '$."b"')` and "has any of them" conditions for dropped property keys. */
function droppedPropertySql(properties: string[]) {
  const paths = properties.map((p) => sql`${`$."${p}"`}`);
  return {
    removed: sql`json_remove(properties, ${sql.join(paths, sql`, `)})`,
    present: sql.join(
      paths.map((p) => sql`json_type(properties, ${p}) IS NOT NULL`),
      sql` OR `,
    ),
  };
}

/**
 * Removes dropped properties from every entity of a blueprint that has them — auditing each entity's
 * change first — bumps their versions, and clears the properties from the value index.
 */
export function stripPropertiesStatements(
  db: Database,
  blueprint: string,
  properties: string[],
  meta: { at: string; actor: string; origin: string; requestId: string },
): Statement[] {
  if (properties.length === 0) return [];
  const { removed, present } = droppedPropertySql(properties);
  return [
    statement(
      db,
      sql`
      INSERT INTO audit_log (at, actor, origin, action, resource_type, blueprint, entity, before, after, request_id)
      SELECT ${meta.at}, ${meta.actor}, ${meta.origin}, 'UPDATE', 'entity', blueprint, identifier,
             json_object('identifier', identifier, 'blueprint', blueprint, 'properties', json(properties), 'version', version),
             json_object('identifier', identifier, 'blueprint', blueprint, 'properties', json(${removed}), 'version', version + 1),
             ${meta.requestId}
      FROM entities WHERE blueprint = ${blueprint} AND (${present})`,
    ),
    statement(
      db,
      sql`
      UPDATE entities SET properties = ${removed}, version = version + 1, updated_at = ${meta.at}, updated_by = ${meta.actor}
      WHERE blueprint = ${blueprint} AND (${present})`,
    ),
    statement(
      db,
      sql`DELETE FROM entity_values WHERE blueprint = ${blueprint} AND property IN (SELECT value FROM json_each(${JSON.stringify(properties)}))`,
    ),
  ];
}

/** Removes every value of a dropped relation of a blueprint. */
export function dropRelationStatement(db: Database, blueprint: string, relation: string): Statement {
  return statement(
    db,
    sql`
    DELETE FROM relations WHERE relation = ${relation}
      AND source_id IN (SELECT id FROM entities WHERE blueprint = ${blueprint})`,
  );
}
