import { type SQL, sql } from "drizzle-orm";
import type { ReadScope } from "../domain/access/decisions";
import type { AggregateSpec, EntityColumn, Filter, SortKey, Test } from "../domain/catalog/search/filter";
import { visibleSql } from "./read-scope-sql";

export interface FilterSqlOptions {
  /**
   * Test each entity's own values through the entity index (correlated EXISTS) rather than building the set
   * of every matching entity: right when only a few entities are tested (scoring a written entity).
   */
  perEntity?: boolean;
}

/** Longest relation path `relatedTo` follows. */
export const MAX_RELATION_HOPS = 6;

function json(values: unknown[]): string {
  return JSON.stringify(values);
}

// Substring tests use instr()/substr(), not LIKE: D1 refuses LIKE patterns longer than 50 bytes ("LIKE or
// GLOB pattern too complex"), so a longer search text was a 500. lower() folds ASCII case exactly as LIKE did.

/** `x` contains `text`, case-insensitively (ASCII), `text` taken literally. */
function containsText(expr: SQL, text: string): SQL {
  return sql`instr(lower(${expr}), lower(${text})) > 0`;
}

/** `x` ends with `text`, case-insensitively (ASCII); SQLite counts code points, hence the spread. */
function endsWithText(expr: SQL, text: string): SQL {
  const length = [...text].length;
  return length === 0 ? sql`${expr} IS NOT NULL` : sql`lower(substr(${expr}, ${-length})) = lower(${text})`;
}

/** The positive form of a test on one value expression (negation is applied by the caller). */
function positive(expr: SQL, test: Test): SQL {
  switch (test.op) {
    case "=":
      return sql`${expr} = ${test.value}`;
    case ">":
      return sql`${expr} > ${test.value}`;
    case ">=":
      return sql`${expr} >= ${test.value}`;
    case "<":
      return sql`${expr} < ${test.value}`;
    case "<=":
      return sql`${expr} <= ${test.value}`;
    case "in":
      return sql`${expr} IN (SELECT value FROM json_each(${json(test.values)}))`;
    // A range on the text keeps the value index usable, where LIKE 'x%' would not be (it is case-insensitive).
    case "beginsWith":
      return sql`(${expr} >= ${test.value} AND ${expr} < ${`${test.value}\u{10FFFF}`})`;
    case "contains":
      return containsText(expr, test.value);
    case "endsWith":
      return endsWithText(expr, test.value);
    case "containsAny":
      return sql`(${sql.join(
        test.values.map((v) => containsText(expr, v)),
        sql` OR `,
      )})`;
    case "between":
      return sql`${expr} BETWEEN ${test.from} AND ${test.to}`;
  }
}

function negated(test: Test): boolean {
  return "negate" in test && test.negate;
}

const COLUMN_SQL: Record<EntityColumn, string> = {
  identifier: "e.identifier",
  title: "COALESCE(e.title, '')",
  blueprint: "e.blueprint",
  created_at: "e.created_at",
  updated_at: "e.updated_at",
  created_by: "e.created_by",
  updated_by: "e.updated_by",
};

/** The ids of entities with a value passing the (positive form of the) test: an index-only lookup. */
function valueLookupSql(filter: Extract<Filter, { kind: "values" }>): SQL {
  return sql`SELECT v.entity_id FROM entity_values v
    WHERE v.blueprint IN (SELECT value FROM json_each(${json(filter.blueprints)})) AND v.property = ${filter.property}
      AND ${positive(sql.raw(`v.${filter.field}`), filter.test)}`;
}

/**
 * A count of `AND`ed positive value tests as an intersection of their index lookups, without visiting the
 * entities at all — or null when the filter has any other shape. The caller must need no read-scope filter
 * (the lookups name their blueprints, so the blueprint restriction is already in them).
 */
export function intersectionCountSql(filter: Filter, blueprint: string): SQL | null {
  const items = filter.kind === "and" ? filter.items : [filter];
  const lookups: SQL[] = [];
  for (const item of items) {
    // Only lookups confined to the one searched blueprint: the count must not reach any other.
    if (item.kind !== "values" || negated(item.test) || item.blueprints.length !== 1 || item.blueprints[0] !== blueprint) return null;
    lookups.push(valueLookupSql(item));
  }
  if (lookups.length === 0) return null;
  return sql`SELECT COUNT(*) AS n FROM (${sql.join(lookups, sql` INTERSECT `)})`;
}

/**
 * The WHERE fragment for a filter over `entities e`. Property tests look values up in the value index
 * (blueprint, property, value), so they are index range scans; negative tests are NOT IN over the same
 * lookup, so entities without the property match them.
 */
export function filterSql(filter: Filter, opts: FilterSqlOptions = {}): SQL {
  switch (filter.kind) {
    case "all":
      return sql`1`;
    case "none":
      return sql`0`;
    case "and":
    case "or":
      return sql`(${sql.join(
        filter.items.map((f) => filterSql(f, opts)),
        filter.kind === "and" ? sql` AND ` : sql` OR `,
      )})`;
    case "column": {
      const test = positive(sql.raw(COLUMN_SQL[filter.column]), filter.test);
      return negated(filter.test) ? sql`NOT ${test}` : test;
    }
    case "values": {
      if (opts.perEntity) {
        // One entity's own values (the entity index), instead of every matching value of the blueprint.
        const own = sql`EXISTS (SELECT 1 FROM entity_values v WHERE v.entity_id = e.id AND v.property = ${filter.property}
          AND ${positive(sql.raw(`v.${filter.field}`), filter.test)})`;
        return negated(filter.test) ? sql`NOT ${own}` : own;
      }
      const lookup = valueLookupSql(filter);
      return negated(filter.test) ? sql`e.id NOT IN (${lookup})` : sql`e.id IN (${lookup})`;
    }
    case "mirror": {
      const hop = (i: number) => sql.raw(`m${i}`);
      const joins = filter.path
        .slice(1)
        .map(
          (rel, i) =>
            sql` JOIN relations ${hop(i + 1)} ON ${hop(i + 1)}.source_id = ${hop(i)}.target_id AND ${hop(i + 1)}.relation = ${rel}`,
        );
      const last = hop(filter.path.length - 1);
      // The mirrored entity must be one the reader may read: a hidden value never matches.
      const readable = sql`JOIN entities mt ON mt.id = ${last}.target_id AND ${visibleSql("mt", filter.targetScope)}`;
      const target =
        "column" in filter.target
          ? sql`${readable} AND ${positive(sql.raw(COLUMN_SQL[filter.target.column].replaceAll("e.", "mt.")), filter.test)}`
          : sql`${readable} JOIN entity_values mv ON mv.entity_id = mt.id AND mv.property = ${filter.target.property}
                AND ${positive(sql.raw(`mv.${filter.target.field}`), filter.test)}`;
      const lookup = sql`SELECT m0.source_id FROM relations m0${sql.join(joins, sql``)} ${target} WHERE m0.relation = ${filter.path[0]}`;
      const scoped = sql`e.blueprint IN (SELECT value FROM json_each(${json(filter.blueprints)}))`;
      return negated(filter.test) ? sql`(${scoped} AND e.id NOT IN (${lookup}))` : sql`(${scoped} AND e.id IN (${lookup}))`;
    }
    case "aggregate": {
      const scoped = sql`e.blueprint IN (SELECT value FROM json_each(${json(filter.blueprints)}))`;
      const test = positive(aggregateValueSql(filter.aggregate), filter.test);
      return sql`(${scoped} AND ${negated(filter.test) ? sql`NOT COALESCE(${test}, 0)` : test})`;
    }
    case "present": {
      const path = `$."${filter.property}"`;
      const has = sql`(e.blueprint IN (SELECT value FROM json_each(${json(filter.blueprints)}))
        AND COALESCE(json_type(e.properties, ${path}), 'null') <> 'null'
        AND json_extract(e.properties, ${path}) NOT IN ('', '[]', '{}'))`;
      return filter.present ? has : sql`NOT ${has}`;
    }
    case "related":
      return relatedSql(filter);
    case "compare": {
      const scoped = sql`e.blueprint IN (SELECT value FROM json_each(${json(filter.blueprints)}))`;
      const field = sql.raw(filter.field);
      const op = sql.raw(filter.op);
      if (opts.perEntity) {
        const own = sql`EXISTS (SELECT 1 FROM entity_values a JOIN entity_values b ON b.entity_id = a.entity_id AND b.property = ${filter.right}
          WHERE a.entity_id = e.id AND a.property = ${filter.left} AND a.${field} ${op} b.${field})`;
        return sql`(${scoped} AND ${filter.negate ? sql`NOT ` : sql``}${own})`;
      }
      const lookup = sql`SELECT a.entity_id FROM entity_values a
        JOIN entity_values b ON b.entity_id = a.entity_id AND b.property = ${filter.right}
        WHERE a.blueprint IN (SELECT value FROM json_each(${json(filter.blueprints)})) AND a.property = ${filter.left}
          AND a.${field} ${op} b.${field}`;
      return sql`(${scoped} AND e.id ${filter.negate ? sql`NOT IN` : sql`IN`} (${lookup}))`;
    }
    case "scorecard": {
      const lookup = sql`SELECT entity_id FROM scorecard_results WHERE scorecard = ${filter.scorecard}
        AND blueprint IN (SELECT value FROM json_each(${json(filter.blueprints)}))
        AND level IN (SELECT value FROM json_each(${json(filter.levels)}))`;
      const scoped = sql`e.blueprint IN (SELECT value FROM json_each(${json(filter.blueprints)}))`;
      return sql`(${scoped} AND e.id ${filter.negate ? sql`NOT IN` : sql`IN`} (${lookup}))`;
    }
  }
}

/**
 * `relatedTo`: entities reachable from the given ones over relations, up to MAX_RELATION_HOPS. Upstream
 * follows relations forward from the given entity (what it depends on); downstream follows them backwards
 * (what depends on it). A recursive CTE walks the relations table's two indexes.
 */
function relatedSql(filter: Extract<Filter, { kind: "related" }>): SQL {
  const only = filter.relations ? sql` AND r.relation IN (SELECT value FROM json_each(${json(filter.relations)}))` : sql``;
  const walk = (forward: boolean) => sql`e.id IN (
    WITH RECURSIVE walk(id, depth) AS (
      SELECT id, 0 FROM entities WHERE blueprint = ${filter.blueprint} AND identifier IN (SELECT value FROM json_each(${json(filter.identifiers)}))
      UNION
      SELECT ${forward ? sql`r.target_id` : sql`r.source_id`}, w.depth + 1 FROM relations r
        JOIN walk w ON ${forward ? sql`r.source_id` : sql`r.target_id`} = w.id
      WHERE w.depth < ${MAX_RELATION_HOPS}${only}
    )
    SELECT id FROM walk WHERE depth > 0)`;
  if (filter.direction === "upstream") return walk(true);
  if (filter.direction === "downstream") return walk(false);
  return sql`(${walk(true)} OR ${walk(false)})`;
}

/** The sort expression; missing property values sort last in either order. */
export function sortKeySql(sort: SortKey): SQL {
  if ("column" in sort.on) return sql.raw(sort.on.column === "title" ? "COALESCE(e.title, e.identifier)" : `e.${sort.on.column}`);
  if ("mirror" in sort.on) return mirrorSortSql(sort.on.mirror, sort.on.target, sort.on.targetScope, sort.order);
  if ("aggregate" in sort.on) return sql`COALESCE(${aggregateValueSql(sort.on.aggregate)}, ${sort.order === "asc" ? 1e308 : -1e308})`;
  const { property, field } = sort.on;
  const missing = field === "num" ? (sort.order === "asc" ? 1e308 : -1e308) : sort.order === "asc" ? "\u{10FFFF}" : "";
  const pick = sort.order === "asc" ? sql.raw(`MIN(v.${field})`) : sql.raw(`MAX(v.${field})`);
  return sql`COALESCE((SELECT ${pick} FROM entity_values v WHERE v.entity_id = e.id AND v.property = ${property}), ${missing})`;
}

/** A mirror's value as a sort key: read along the relation path (first related value), missing last. */
function mirrorSortSql(
  path: string[],
  target: { column: EntityColumn } | { property: string; field: "str" | "num" },
  targetScope: ReadScope,
  order: "asc" | "desc",
): SQL {
  const hop = (i: number) => sql.raw(`s${i}`);
  const joins = path
    .slice(1)
    .map(
      (rel, i) => sql` JOIN relations ${hop(i + 1)} ON ${hop(i + 1)}.source_id = ${hop(i)}.target_id AND ${hop(i + 1)}.relation = ${rel}`,
    );
  const last = hop(path.length - 1);
  const numeric = !("column" in target) && target.field === "num";
  const missing = numeric ? (order === "asc" ? 1e308 : -1e308) : order === "asc" ? "\u{10FFFF}" : "";
  // Only values the reader may read take part in the order.
  const readable = sql`JOIN entities st ON st.id = ${last}.target_id AND ${visibleSql("st", targetScope)}`;
  const value =
    "column" in target
      ? sql`SELECT ${sql.raw(COLUMN_SQL[target.column].replaceAll("e.", "st."))} FROM relations s0${sql.join(joins, sql``)}
            ${readable} WHERE s0.source_id = e.id AND s0.relation = ${path[0]} LIMIT 1`
      : sql`SELECT sv.${sql.raw(target.field)} FROM relations s0${sql.join(joins, sql``)}
            ${readable} JOIN entity_values sv ON sv.entity_id = st.id AND sv.property = ${target.property}
            WHERE s0.source_id = e.id AND s0.relation = ${path[0]} LIMIT 1`;
  return sql`COALESCE((${value}), ${missing})`;
}

/**
 * An aggregation property's value for the entity `e`, as a correlated subquery: the distinct related
 * entities of the target blueprint (along the path, or over any relations up to MAX_RELATION_HOPS) that
 * match the aggregation's own filter, counted or combined. Same semantics as the read-time computation.
 */
export function aggregateValueSql(agg: AggregateSpec): SQL {
  let related: SQL;
  if (agg.path && agg.path.length > 0) {
    const steps = [...agg.path].reverse();
    const hop = (i: number) => sql.raw(`ap${i}`);
    const joins = steps
      .slice(1)
      .map(
        (rel, i) => sql` JOIN relations ${hop(i + 1)} ON ${hop(i + 1)}.target_id = ${hop(i)}.source_id AND ${hop(i + 1)}.relation = ${rel}`,
      );
    related = sql`SELECT DISTINCT ${hop(steps.length - 1)}.source_id AS id FROM relations ap0${sql.join(joins, sql``)}
      WHERE ap0.target_id = e.id AND ap0.relation = ${steps[0]}`;
  } else {
    related = sql`WITH RECURSIVE aw(id, depth) AS (
        SELECT e.id, 0
        UNION
        SELECT r.source_id, aw.depth + 1 FROM relations r JOIN aw ON r.target_id = aw.id WHERE aw.depth < ${MAX_RELATION_HOPS}
      )
      SELECT DISTINCT id FROM aw WHERE depth > 0`;
  }
  // The aggregation's filter runs in its own subquery, where `e` names the related entity.
  const matching =
    agg.filter.kind === "all"
      ? sql``
      : sql` AND ag.id IN (SELECT e.id FROM entities e WHERE e.blueprint = ${agg.target} AND ${filterSql(agg.filter)})`;
  const rows = sql`SELECT ag.properties AS properties FROM (${related}) x JOIN entities ag ON ag.id = x.id WHERE ag.blueprint = ${agg.target}${matching}`;
  if (agg.func === "count" || agg.property === null) return sql`(SELECT COUNT(*) FROM (${rows}))`;
  const value = sql`json_extract(y.properties, ${`$."${agg.property}"`})`;
  const fn = { sum: "TOTAL", average: "AVG", min: "MIN", max: "MAX" }[agg.func];
  return sql`(SELECT ${sql.raw(fn)}(${value}) FROM (${rows}) y)`;
}
