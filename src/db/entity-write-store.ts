import { sql } from "drizzle-orm";
import { type Database, jsonChunks, type Statement, statement } from "./client";
import type { EntityRecord, RelationRecord, ValueRecord } from "./entity-store";

/** Statements that write entities, their value index and relations; they run inside one D1 batch. */

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
  statements.push(...insertValuesStatements(db, blueprint, written));
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

function insertValuesStatements(db: Database, blueprint: string, written: { identifier: string; values: ValueRecord[] }[]): Statement[] {
  const values = written.flatMap((w) => w.values.map((v) => ({ i: w.identifier, p: v.property, s: v.str, n: v.num })));
  // CROSS JOIN keeps json_each as the outer loop, so each row finds its entity through the unique index.
  // A plain JOIN let the planner scan every entity of the blueprint per row: seconds instead of milliseconds.
  return jsonChunks(values).map((chunk) =>
    statement(
      db,
      sql`
      INSERT INTO entity_values (entity_id, blueprint, property, str, num)
      SELECT e.id, e.blueprint, j.value->>'p', j.value->>'s', j.value->>'n'
      FROM json_each(${chunk}) j CROSS JOIN entities e ON e.blueprint = ${blueprint} AND e.identifier = j.value->>'i'`,
    ),
  );
}

/** Replaces the value-index rows of some properties (calculations) for the given entities. */
export function replacePropertyValuesStatements(
  db: Database,
  blueprint: string,
  properties: string[],
  written: { identifier: string; values: ValueRecord[] }[],
): Statement[] {
  const deletes = jsonChunks(written.map((w) => w.identifier)).map((chunk) =>
    statement(
      db,
      sql`DELETE FROM entity_values WHERE property IN (SELECT value FROM json_each(${JSON.stringify(properties)}))
          AND entity_id IN (SELECT id FROM entities WHERE blueprint = ${blueprint} AND identifier IN (SELECT value FROM json_each(${chunk})))`,
    ),
  );
  return [...deletes, ...insertValuesStatements(db, blueprint, written)];
}
