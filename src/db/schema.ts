import { index, integer, primaryKey, real, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";

/**
 * Drizzle's view of the tables created by migrations/ (the migrations are the source of truth;
 * nothing creates tables at runtime). Column comments live in docs/storage-schema.md.
 */
export const blueprints = sqliteTable("blueprints", {
  identifier: text("identifier").primaryKey(),
  title: text("title").notNull(),
  icon: text("icon"),
  description: text("description"),
  definition: text("definition").notNull(),
  version: integer("version").notNull().default(1),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
  createdBy: text("created_by").notNull(),
  updatedBy: text("updated_by").notNull(),
});

export const entities = sqliteTable(
  "entities",
  {
    id: integer("id").primaryKey(),
    blueprint: text("blueprint").notNull(),
    identifier: text("identifier").notNull(),
    title: text("title"),
    icon: text("icon"),
    team: text("team").notNull().default("[]"),
    properties: text("properties").notNull().default("{}"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    createdBy: text("created_by").notNull(),
    updatedBy: text("updated_by").notNull(),
  },
  (t) => [unique().on(t.blueprint, t.identifier), index("entities_blueprint_updated").on(t.blueprint, t.updatedAt)],
);

export const entityValues = sqliteTable("entity_values", {
  entityId: integer("entity_id").notNull(),
  blueprint: text("blueprint").notNull(),
  property: text("property").notNull(),
  str: text("str"),
  num: real("num"),
});

export const relations = sqliteTable(
  "relations",
  {
    sourceId: integer("source_id").notNull(),
    relation: text("relation").notNull(),
    targetId: integer("target_id").notNull(),
    position: integer("position").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.sourceId, t.relation, t.targetId] })],
);

export const auditLog = sqliteTable("audit_log", {
  id: integer("id").primaryKey(),
  at: text("at").notNull(),
  actor: text("actor").notNull(),
  origin: text("origin").notNull(),
  action: text("action").notNull(),
  resourceType: text("resource_type").notNull(),
  blueprint: text("blueprint"),
  entity: text("entity"),
  before: text("before"),
  after: text("after"),
  requestId: text("request_id").notNull(),
});

export type BlueprintRow = typeof blueprints.$inferSelect;
export type EntityRow = typeof entities.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;
