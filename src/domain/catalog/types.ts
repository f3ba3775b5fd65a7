/** Port's property types. */
export const PROPERTY_TYPES = ["string", "number", "boolean", "object", "array"] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

/** Formats a string property (or a string array's items) may declare. */
export const STRING_FORMATS = ["date-time", "url", "email", "ipv4", "ipv6", "markdown", "yaml", "user", "team", "timer"] as const;
/** Formats an object property (or an object array's items) may declare. */
export const OBJECT_FORMATS = ["labeled-url"] as const;

/** One property of a blueprint schema, as Port writes it (extra display keys are kept as they are). */
export interface PropertyDefinition {
  type: PropertyType;
  title?: string;
  description?: string;
  icon?: string;
  format?: string;
  enum?: unknown[];
  enumColors?: Record<string, string>;
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  items?: ItemsDefinition;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  [extra: string]: unknown;
}

/** The element schema of an array property. */
export interface ItemsDefinition {
  type: Exclude<PropertyType, "array">;
  format?: string;
  enum?: unknown[];
  enumColors?: Record<string, string>;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  [extra: string]: unknown;
}

export interface RelationDefinition {
  title?: string;
  description?: string;
  target: string;
  required: boolean;
  many: boolean;
}

/** Port's blueprint body (write form). Derived sections are stored now and computed by a later feature. */
export interface BlueprintDefinition {
  identifier: string;
  title: string;
  icon?: string;
  description?: string;
  schema: { properties: Record<string, PropertyDefinition>; required: string[] };
  relations: Record<string, RelationDefinition>;
  mirrorProperties: Record<string, { title?: string; path: string }>;
  calculationProperties: Record<string, Record<string, unknown>>;
  aggregationProperties: Record<string, Record<string, unknown>>;
  formulaProperties: Record<string, Record<string, unknown>>;
  ownership?: { type: "Direct" | "Inherited"; path?: string; title?: string };
}

/** Who changed what, and when: carried by every stored blueprint and entity. */
export interface ChangeStamp {
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
}

export type Blueprint = BlueprintDefinition & ChangeStamp;

/** A relation's value: one identifier, several, or none. */
export type RelationValue = string | string[] | null;

/** An entity as the API reads and writes it (Port's shape plus `version`). */
export interface Entity extends ChangeStamp {
  identifier: string;
  blueprint: string;
  title: string | null;
  icon: string | null;
  team: string[];
  properties: Record<string, unknown>;
  relations: Record<string, RelationValue>;
  /** Why a derived property (mirror, aggregation, calculation) is null, when it could not be computed. */
  derivationErrors?: Record<string, string>;
}

/** The fields a caller may write on an entity. */
export interface EntityInput {
  identifier?: string;
  title?: string | null;
  icon?: string | null;
  team?: string[];
  properties?: Record<string, unknown>;
  relations?: Record<string, RelationValue>;
}

/** Attribution for a write: who, from where, under which request. */
export interface WriteContext {
  actor: string;
  origin: "API" | "UI" | "TEMPLATE" | "SYSTEM" | "ACTION" | "INTEGRATION";
  requestId: string;
  now: string;
  /** The action run the write belongs to (UPSERT_ENTITY, DELETE_ENTITY, or a backend's `?run_id=`). */
  runId?: string | undefined;
}
