import type { ReadScope } from "../../access/decisions";

/**
 * The storage-neutral form of a search query: rules resolved against blueprint schemas (which column
 * holds a property's values, which blueprints have it), contextual values filled in, date presets turned
 * into instants. Stores translate it into SQL; nothing here knows SQL.
 */
export type Filter =
  | { kind: "all" }
  | { kind: "none" }
  | { kind: "and" | "or"; items: Filter[] }
  /** A comparison on an entity column ($identifier, $title, $blueprint, $createdAt …). */
  | { kind: "column"; column: EntityColumn; test: Test }
  /** A comparison on a property's indexed values (one row per scalar or array element). */
  | { kind: "values"; property: string; blueprints: string[]; field: "str" | "num"; test: Test }
  /** A test on a mirror property: the value of `target` on the entity reached along `path`. */
  | {
      kind: "mirror";
      blueprints: string[];
      /** The reader's scope on the mirrored entity: a value they may not read does not match. */
      targetScope: ReadScope;
      path: string[];
      target: { column: EntityColumn } | { property: string; field: "str" | "num" };
      test: Test;
    }
  /** A test on an aggregation property's value, computed in the query. */
  | { kind: "aggregate"; blueprints: string[]; aggregate: AggregateSpec; test: Test }
  /** The property has no value at all (isEmpty) or has one (isNotEmpty). */
  | { kind: "present"; property: string; blueprints: string[]; present: boolean }
  /** Compares two properties of the same entity (`{"property": "replicas", "operator": ">=", "value": {"property": "minReplicas"}}`). */
  | {
      kind: "compare";
      blueprints: string[];
      left: string;
      right: string;
      field: "str" | "num";
      op: "=" | "<>" | ">" | ">=" | "<" | "<=";
      negate: boolean;
    }
  /** The entity's level in a scorecard is (or is not) one of `levels`. */
  | { kind: "scorecard"; blueprints: string[]; scorecard: string; levels: string[]; negate: boolean }
  /** Related (directly or over several hops) to one of `identifiers` of `blueprint`. */
  /** `relations`, when set, limits the walk to relations of those names (Port's `required` option). */
  | { kind: "related"; blueprint: string; identifiers: string[]; direction: "upstream" | "downstream" | "both"; relations?: string[] };

export type EntityColumn = "identifier" | "title" | "blueprint" | "created_at" | "updated_at" | "created_by" | "updated_by";

/**
 * One test on a value. Negative tests (`negate`) match entities with no value satisfying the positive
 * test — including entities without the property — as Port's `!=`, `notIn`, `doesNotContains` do.
 */
export type Test =
  | { op: "=" | ">" | ">=" | "<" | "<="; value: string | number; negate: boolean }
  | { op: "in"; values: (string | number)[]; negate: boolean }
  | { op: "contains" | "beginsWith" | "endsWith"; value: string; negate: boolean }
  | { op: "containsAny"; values: string[] }
  | { op: "between"; from: string | number; to: string | number; negate: boolean };

/** An aggregation property as the query computes it (see docs/derived-properties.md). */
export interface AggregateSpec {
  /** Blueprint of the related entities aggregated. */
  target: string;
  /** Relation names from a related entity to the aggregating one; null: any relation path (up to 6 hops). */
  path: string[] | null;
  func: "count" | "sum" | "average" | "min" | "max";
  /** Number property summed, averaged…; null for count. */
  property: string | null;
  /** Which related entities count. */
  filter: Filter;
}

/** How results are ordered; keyset pagination continues after the last row's key. */
export interface SortKey {
  /** An entity column, a property's first indexed value, or a mirror property's value. */
  on:
    | { column: EntityColumn }
    | { property: string; field: "str" | "num" }
    | { mirror: string[]; target: { column: EntityColumn } | { property: string; field: "str" | "num" }; targetScope: ReadScope }
    | { aggregate: AggregateSpec };
  order: "asc" | "desc";
}
