import { indexedCalculations } from "../../src/domain/catalog/derived/indexed-calculations";
import {
  BETWEEN_OPERATORS,
  EQUALITY_OPERATORS,
  LIST_OPERATORS,
  MEMBERSHIP_OPERATORS,
  NO_VALUE_OPERATORS,
  OPERATOR_PHRASES,
  ORDER_OPERATORS,
  PRESENCE_OPERATORS,
  RANGE_OPERATORS,
  TEXT_MATCH_OPERATORS,
  TIMER_OPERATORS,
} from "../../src/domain/catalog/search/operators";
import type { SearchRequest } from "../../src/domain/catalog/search/search";
import type { Blueprint } from "../../src/domain/catalog/types";
import type { ErrorDetail } from "../../src/lib/errors";

/*
 * A blueprint table's view state. All of it lives in the URL query string, so a view can be shared:
 *
 *   q=<text>                          free text: `$identifier contains` or `$title contains` the text
 *   f=<property>:<operator>:<value>   one filter; repeat for more, all combined with `and`. URL-encode the
 *                                     whole parameter. The value is everything after the second colon (it
 *                                     may hold colons). Lists (in, notIn, containsAny) are comma-separated;
 *                                     ranges (between, notBetween) are `from,to` or a date preset name
 *                                     (lastWeek …); isEmpty, isNotEmpty, isExpired, isNotExpired take no value.
 *   sort=<property>&order=asc|desc    sort column ($title, $identifier, $createdAt, $updatedAt or a property)
 *   cols=a,b,c                        property and relation columns to show (absent: the first eight
 *                                     properties and every relation; `cols=` alone: none)
 *   limit=<1..200>                    page size, default 50
 *   from=<cursor>                     the keyset cursor (`next` of search()) of the page shown; never an offset
 *
 * e.g. /blueprints/Component?q=cart&f=type%3A%3D%3Aservice&sort=%24title&order=desc&cols=type
 *
 * An HTML form cannot join fields into `f=`, so the filter bar sends its rows as parallel `fp`/`fo`/`fv`
 * parameters and its column checkboxes as repeated `cols`; both forms are read here, and htmx responses
 * carry the canonical URL above in HX-Push-Url.
 */

export type ValueKind = "string" | "enum" | "number" | "boolean" | "instant" | "timer";

/** Something a filter can test, with the operators that suit its type. */
export interface Field {
  key: string;
  label: string;
  kind: ValueKind;
  /** Enum values (or true / false), offered as a select. */
  options: string[];
  operators: string[];
  sortable: boolean;
}

export interface FilterSpec {
  property: string;
  operator: string;
  value: string;
}

export interface TableState {
  q: string;
  filters: FilterSpec[];
  sort: string | null;
  order: "asc" | "desc";
  /** Property / relation columns shown; null for the blueprint's default set. */
  cols: string[] | null;
  limit: number;
  from: string | null;
}

/** A choosable column: a property or a relation of the blueprint. */
export interface Column {
  key: string;
  label: string;
  relation: boolean;
}

export const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;
const DEFAULT_PROPERTY_COLUMNS = 8;
const MAX_TEXT = 200;

/** The filter bar's words: the query language's, terser for comparisons, with how lists and ranges are typed. */
export const OPERATOR_LABELS: Record<string, string> = {
  ...OPERATOR_PHRASES,
  "=": "is",
  "!=": "is not",
  in: "is one of (a,b)",
  notIn: "is none of (a,b)",
  containsAny: "has any of (a,b)",
  ">": ">",
  ">=": "≥",
  "<": "<",
  "<=": "≤",
  between: "between (from,to)",
  notBetween: "not between (from,to)",
  isExpired: "is expired",
  isNotExpired: "is not expired",
};

// The bar's own choices from each kind's operators: text rows match by pattern (any-of only on arrays),
// dates compare by order and range (an instant rarely equals one typed in), all may test presence.
const TEXT_OPS = [...EQUALITY_OPERATORS, ...TEXT_MATCH_OPERATORS, ...MEMBERSHIP_OPERATORS];
const DATE_OPS = [...ORDER_OPERATORS, ...BETWEEN_OPERATORS];
const OPERATORS: Record<ValueKind, string[]> = {
  string: [...TEXT_OPS, ...PRESENCE_OPERATORS],
  enum: [...EQUALITY_OPERATORS, ...MEMBERSHIP_OPERATORS, ...PRESENCE_OPERATORS],
  number: [...EQUALITY_OPERATORS, ...DATE_OPS, ...MEMBERSHIP_OPERATORS, ...PRESENCE_OPERATORS],
  boolean: [...EQUALITY_OPERATORS, ...PRESENCE_OPERATORS],
  instant: [...DATE_OPS, ...PRESENCE_OPERATORS],
  timer: [...DATE_OPS, ...TIMER_OPERATORS, ...PRESENCE_OPERATORS],
};

const META_FIELDS: Field[] = [
  { key: "$identifier", label: "Identifier", kind: "string", options: [], operators: TEXT_OPS, sortable: true },
  { key: "$title", label: "Title", kind: "string", options: [], operators: [...TEXT_OPS, ...PRESENCE_OPERATORS], sortable: true },
  {
    key: "$team",
    label: "Team",
    kind: "string",
    options: [],
    operators: [...EQUALITY_OPERATORS, ...MEMBERSHIP_OPERATORS, ...PRESENCE_OPERATORS],
    sortable: false,
  },
  { key: "$createdAt", label: "Created", kind: "instant", options: [], operators: DATE_OPS, sortable: true },
  { key: "$updatedAt", label: "Updated", kind: "instant", options: [], operators: DATE_OPS, sortable: true },
];

/** What the filter bar offers: the meta-properties, then every non-object property of the schema. */
export function fieldsOf(blueprint: Blueprint): Field[] {
  const props: Field[] = [];
  for (const [key, def] of Object.entries(blueprint.schema.properties)) {
    const item = def.type === "array" ? def.items : def;
    if (!item || item.type === "object") continue;
    const options = Array.isArray(item.enum) ? item.enum.map(String) : item.type === "boolean" ? ["true", "false"] : [];
    const kind: ValueKind =
      item.type === "number"
        ? "number"
        : item.type === "boolean"
          ? "boolean"
          : item.format === "timer"
            ? "timer"
            : item.format === "date-time"
              ? "instant"
              : options.length > 0
                ? "enum"
                : "string";
    const operators = def.type === "array" && kind !== "number" ? [...OPERATORS[kind], "containsAny"] : OPERATORS[kind];
    props.push({ key, label: def.title ?? key, kind, options, operators, sortable: true });
  }
  return [...META_FIELDS, ...props, ...derivedFields(blueprint)];
}

/**
 * Mirror and aggregation properties filter and sort like stored ones (the query computes them); median
 * aggregations and calculations are shown but cannot be filtered or sorted on.
 */
function derivedFields(blueprint: Blueprint): Field[] {
  const fields: Field[] = [];
  for (const [key, m] of Object.entries(blueprint.mirrorProperties)) {
    fields.push({ key, label: m.title ?? key, kind: "string", options: [], operators: TEXT_OPS, sortable: true });
  }
  for (const [key, a] of Object.entries(blueprint.aggregationProperties)) {
    const func = (a as { calculationSpec?: { func?: string } }).calculationSpec?.func ?? "count";
    if (func === "median") continue;
    fields.push({ key, label: String(a.title ?? key), kind: "number", options: [], operators: OPERATORS.number, sortable: true });
  }
  for (const [key, c] of indexedCalculations(blueprint)) {
    const kind: ValueKind = c.type === "number" ? "number" : c.type === "boolean" ? "boolean" : "string";
    fields.push({
      key,
      label: String((c as { title?: unknown }).title ?? key),
      kind,
      options: [],
      operators: OPERATORS[kind],
      sortable: true,
    });
  }
  return fields;
}

export function columnsOf(blueprint: Blueprint): Column[] {
  const derived = { ...blueprint.mirrorProperties, ...blueprint.aggregationProperties, ...blueprint.calculationProperties };
  return [
    ...Object.entries(blueprint.schema.properties).map(([key, def]) => ({ key, label: def.title ?? key, relation: false })),
    ...Object.entries(derived).map(([key, def]) => ({ key, label: String((def as { title?: unknown }).title ?? key), relation: false })),
    ...Object.entries(blueprint.relations).map(([key, def]) => ({ key, label: def.title ?? key, relation: true })),
  ];
}

function defaultCols(blueprint: Blueprint): string[] {
  return [...Object.keys(blueprint.schema.properties).slice(0, DEFAULT_PROPERTY_COLUMNS), ...Object.keys(blueprint.relations)];
}

/** The columns a state shows, in blueprint order. */
export function shownColumns(blueprint: Blueprint, state: TableState): Column[] {
  const shown = new Set(state.cols ?? defaultCols(blueprint));
  return columnsOf(blueprint).filter((c) => shown.has(c.key));
}

/** Reads the view state from a query string (canonical `f=` or the form's `fp`/`fo`/`fv`), with problems found. */
export function parseTableState(params: URLSearchParams, blueprint: Blueprint): { state: TableState; problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = [];
  const filters: FilterSpec[] = [];
  params.getAll("f").forEach((raw, i) => {
    const m = /^([^:]+):([^:]+)(?::(.*))?$/s.exec(raw);
    if (m?.[1] && m[2]) filters.push({ property: m[1], operator: m[2], value: m[3] ?? "" });
    else problems.push({ path: `f.${i}`, message: `'${raw.slice(0, MAX_TEXT)}' is not property:operator:value` });
  });
  const [fp, fo, fv] = [params.getAll("fp"), params.getAll("fo"), params.getAll("fv")];
  fp.forEach((property, i) => {
    const operator = fo[i] || "=";
    const value = fv[i] ?? "";
    // A row still being filled in (no property, or no value where one is needed) is no filter yet.
    if (property && (NO_VALUE_OPERATORS.has(operator) || value.trim() !== "")) filters.push({ property, operator, value });
  });
  const limit = Number(params.get("limit") ?? DEFAULT_PAGE_SIZE);
  const colParams = params.getAll("cols");
  const known = new Set(columnsOf(blueprint).map((c) => c.key));
  let cols: string[] | null = colParams.length === 0 ? null : colParams.flatMap((v) => v.split(",")).filter((k) => known.has(k));
  const defaults = defaultCols(blueprint);
  if (cols && cols.length === defaults.length && defaults.every((k) => cols?.includes(k))) cols = null;
  return {
    state: {
      q: (params.get("q") ?? "").trim().slice(0, MAX_TEXT),
      filters,
      sort: params.get("sort") || null,
      order: params.get("order") === "desc" ? "desc" : "asc",
      cols: cols ? [...new Set(cols)] : null,
      limit: Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAGE_SIZE ? limit : DEFAULT_PAGE_SIZE,
      from: params.get("from") || null,
    },
    problems,
  };
}

/** The canonical URL of a state with `patch` applied; `from` is kept only when the patch sets it (a new view starts at page one). */
export function tableHref(blueprint: string, state: TableState, patch: Partial<TableState> = {}): string {
  const s: TableState = { ...state, from: null, ...patch };
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  for (const f of s.filters) p.append("f", `${f.property}:${f.operator}:${f.value}`);
  if (s.sort) {
    p.set("sort", s.sort);
    p.set("order", s.order);
  }
  if (s.cols) p.set("cols", s.cols.join(","));
  if (s.limit !== DEFAULT_PAGE_SIZE) p.set("limit", String(s.limit));
  if (s.from) p.set("from", s.from);
  const query = p.toString();
  return `/blueprints/${encodeURIComponent(blueprint)}${query ? `?${query}` : ""}`;
}

function scalar(raw: string, field: Field | undefined): unknown {
  const v = raw.trim();
  if (field?.kind === "number" && v !== "" && Number.isFinite(Number(v))) return Number(v);
  if (field?.kind === "boolean" && (v === "true" || v === "false")) return v === "true";
  // Anything else goes as text: the search domain says what is wrong with it (a 400 with details).
  return field?.kind === "number" || field?.kind === "boolean" ? v : raw;
}

function ruleOf(f: FilterSpec, field: Field | undefined): Record<string, unknown> {
  const rule: Record<string, unknown> = { property: f.property, operator: f.operator };
  if (NO_VALUE_OPERATORS.has(f.operator)) return rule;
  if (LIST_OPERATORS.has(f.operator)) rule.value = f.value.split(",").map((v) => scalar(v.trim(), field));
  else if (RANGE_OPERATORS.has(f.operator)) {
    const [from, to] = f.value.split(",");
    rule.value = to === undefined ? { preset: f.value.trim() } : { from: scalar(from ?? "", field), to: scalar(to, field) };
  } else rule.value = scalar(f.value, field);
  return rule;
}

/** The state as a blueprint-scoped search() request: the filters and the free text combined with `and`. */
export function toSearchRequest(state: TableState, fields: Field[]): SearchRequest {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const rules = state.filters.map((f) => ruleOf(f, byKey.get(f.property)));
  if (state.q) {
    const text = [
      { property: "$identifier", operator: "contains", value: state.q },
      { property: "$title", operator: "contains", value: state.q },
    ];
    rules.push({ combinator: "or", rules: text });
  }
  return {
    ...(rules.length > 0 ? { query: { combinator: "and", rules } } : {}),
    ...(state.sort ? { sort: { property: state.sort, order: state.order } } : {}),
    ...(state.from ? { from: state.from } : {}),
    limit: state.limit,
  };
}

export function describeFilter(f: FilterSpec): string {
  const op = OPERATOR_LABELS[f.operator]?.replace(/ \(.*\)$/, "") ?? f.operator;
  return NO_VALUE_OPERATORS.has(f.operator) ? `${f.property} ${op}` : `${f.property} ${op} ${f.value}`;
}

/** A 400's details in the table's terms: which filter, the free text, the sort or the page cursor. */
export function explainProblems(details: ErrorDetail[], state: TableState): string[] {
  return details.map(({ path, message }) => {
    const rule = /^query\.rules\.(\d+)(?:\.(.*))?$/.exec(path);
    const filter = rule ? state.filters[Number(rule[1])] : undefined;
    if (filter) return `Filter “${describeFilter(filter)}”: ${rule?.[2] ? `${rule[2]} ` : ""}${message}`;
    if (rule) return `Text search: ${message}`;
    if (path.startsWith("sort")) return `Sort: ${message}`;
    if (path === "from") return `Page cursor: ${message}`;
    const f = /^f\.(\d+)$/.exec(path);
    return f ? `Filter ${Number(f[1]) + 1}: ${message}` : `${path}: ${message}`;
  });
}

export function entityHref(blueprint: string, identifier: string): string {
  return `/blueprints/${encodeURIComponent(blueprint)}/entities/${encodeURIComponent(identifier)}`;
}

/** htmx attributes for a link that swaps only the table and keeps the address bar in sync. */
export function tableSwap(href: string): Record<string, string> {
  return { href, "hx-get": href, "hx-target": "#entity-table", "hx-swap": "outerHTML", "hx-push-url": "true" };
}
