-- The catalog core: blueprints, entities, their typed value index, relations, and the audit log.
-- Documented table by table in docs/storage-schema.md.

CREATE TABLE blueprints (
  identifier   TEXT PRIMARY KEY,
  title        TEXT NOT NULL,
  icon         TEXT,
  description  TEXT,
  -- The Port-shaped definition minus the columns above: schema, relations, mirror/calculation/
  -- aggregation/formula properties, ownership. One JSON document, validated by the domain on write.
  definition   TEXT NOT NULL,
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  updated_by   TEXT NOT NULL
);

CREATE TABLE entities (
  id           INTEGER PRIMARY KEY,
  blueprint    TEXT NOT NULL REFERENCES blueprints(identifier),
  identifier   TEXT NOT NULL,
  title        TEXT,
  icon         TEXT,
  team         TEXT NOT NULL DEFAULT '[]',   -- JSON array of team names
  properties   TEXT NOT NULL DEFAULT '{}',   -- JSON object, validated against the blueprint schema
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  updated_by   TEXT NOT NULL,
  UNIQUE (blueprint, identifier)
);
CREATE INDEX entities_blueprint_updated ON entities (blueprint, updated_at);

-- Optimistic concurrency enforced by the database itself: a writer states the version it read by
-- writing version = read + 1. If another write landed in between, the whole batch aborts.
CREATE TRIGGER entities_version_guard BEFORE UPDATE ON entities
WHEN NEW.version <> OLD.version + 1
BEGIN
  SELECT RAISE(ABORT, 'version_conflict');
END;

CREATE TRIGGER blueprints_version_guard BEFORE UPDATE ON blueprints
WHEN NEW.version <> OLD.version + 1
BEGIN
  SELECT RAISE(ABORT, 'version_conflict');
END;

-- One row per scalar property value (array elements get one row each), rewritten in the same batch as
-- the entity: any rule filter becomes an index lookup instead of a JSON scan.
CREATE TABLE entity_values (
  entity_id    INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
  blueprint    TEXT NOT NULL,
  property     TEXT NOT NULL,
  str          TEXT,
  num          REAL
);
CREATE INDEX entity_values_entity ON entity_values (entity_id);
CREATE INDEX entity_values_str ON entity_values (blueprint, property, str);
CREATE INDEX entity_values_num ON entity_values (blueprint, property, num);

-- Relations are their own rows, readable both ways. Deleting either end removes the row.
CREATE TABLE relations (
  source_id    INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
  relation     TEXT NOT NULL,
  target_id    INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
  position     INTEGER NOT NULL DEFAULT 0,  -- order of a many-relation's values as written
  PRIMARY KEY (source_id, relation, target_id)
) WITHOUT ROWID;
CREATE INDEX relations_target ON relations (target_id, relation);

CREATE TABLE audit_log (
  id             INTEGER PRIMARY KEY,
  at             TEXT NOT NULL,
  actor          TEXT NOT NULL,
  origin         TEXT NOT NULL,             -- API | UI | TEMPLATE | SYSTEM
  action         TEXT NOT NULL,             -- CREATE | UPDATE | DELETE
  resource_type  TEXT NOT NULL,             -- blueprint | entity
  blueprint      TEXT,
  entity         TEXT,
  before         TEXT,                      -- JSON, null on create
  after          TEXT,                      -- JSON, null on delete
  request_id     TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_blueprint_entity ON audit_log (blueprint, entity, at);
