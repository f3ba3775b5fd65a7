import type { PropertyDefinition } from "../types";

/**
 * The operators of a property rule (`{property, operator, value}`) and which kinds of value each applies
 * to. query.ts resolves rules by these lists, and every picker (the table's filter bar, the scorecard and
 * action builders) offers from them, so a form never offers an operator a save would refuse.
 */

export const EQUALITY_OPERATORS = ["=", "!="] as const;
export const ORDER_OPERATORS = [">", ">=", "<", "<="] as const;
export const MEMBERSHIP_OPERATORS = ["in", "notIn"] as const;
export const TEXT_MATCH_OPERATORS = [
  "contains",
  "doesNotContains",
  "beginsWith",
  "doesNotBeginsWith",
  "endsWith",
  "doesNotEndsWith",
] as const;
export const BETWEEN_OPERATORS = ["between", "notBetween"] as const;
/** Whether the property has a value at all. */
export const PRESENCE_OPERATORS = ["isEmpty", "isNotEmpty"] as const;
/** Only on timer properties: whether the timer's instant has passed. */
export const TIMER_OPERATORS = ["isExpired", "isNotExpired"] as const;

/** Every operator of a property rule, in the order pickers list them. */
export const QUERY_OPERATORS = [
  ...EQUALITY_OPERATORS,
  ...ORDER_OPERATORS,
  ...MEMBERSHIP_OPERATORS,
  ...TEXT_MATCH_OPERATORS,
  "containsAny",
  ...BETWEEN_OPERATORS,
  ...PRESENCE_OPERATORS,
  ...TIMER_OPERATORS,
] as const;
export type QueryOperator = (typeof QUERY_OPERATORS)[number];

/** What each operator tests, in words; pickers label their options from it. */
export const OPERATOR_PHRASES: Record<QueryOperator, string> = {
  "=": "equals",
  "!=": "does not equal",
  ">": "greater than",
  ">=": "at least",
  "<": "less than",
  "<=": "at most",
  in: "is one of",
  notIn: "is none of",
  contains: "contains",
  doesNotContains: "does not contain",
  beginsWith: "begins with",
  doesNotBeginsWith: "does not begin with",
  endsWith: "ends with",
  doesNotEndsWith: "does not end with",
  containsAny: "contains any of",
  between: "is between",
  notBetween: "is not between",
  isEmpty: "is empty",
  isNotEmpty: "is not empty",
  isExpired: "has expired",
  isNotExpired: "has not expired",
};

/** How a property's values are typed and compared: by number, boolean, instant (date-time, timer) or text. */
export type ValueKind = "string" | "number" | "boolean" | "instant";

/** The operators testing a value of each kind (presence and timer operators come on top, per property). */
export const VALUE_OPERATORS: Record<ValueKind, readonly QueryOperator[]> = {
  string: [...EQUALITY_OPERATORS, ...MEMBERSHIP_OPERATORS, ...TEXT_MATCH_OPERATORS, "containsAny"],
  number: [...EQUALITY_OPERATORS, ...ORDER_OPERATORS, ...MEMBERSHIP_OPERATORS, ...BETWEEN_OPERATORS],
  boolean: [...EQUALITY_OPERATORS],
  instant: [...EQUALITY_OPERATORS, ...ORDER_OPERATORS, ...BETWEEN_OPERATORS],
};

/** Operators that take no value. */
export const NO_VALUE_OPERATORS: ReadonlySet<string> = new Set([...PRESENCE_OPERATORS, ...TIMER_OPERATORS]);
/** Operators whose value is a list. */
export const LIST_OPERATORS: ReadonlySet<string> = new Set([...MEMBERSHIP_OPERATORS, "containsAny"]);
/** Operators whose value is a range `{from, to}` (or a date `{preset}`). */
export const RANGE_OPERATORS: ReadonlySet<string> = new Set(BETWEEN_OPERATORS);
/** Operators that may compare with another property of the entity (`value: {property}`) instead of a value. */
export const COMPARE_OPERATORS: ReadonlySet<string> = new Set([...EQUALITY_OPERATORS, ...ORDER_OPERATORS]);

/** The kind of a property's values (an array's, its items'), with the format that made it (timer, date-time …). */
export function valueKindOf(def: Pick<PropertyDefinition, "type" | "format" | "items"> | undefined): {
  kind: ValueKind;
  format: string | undefined;
} {
  const itemType = def?.type === "array" ? def.items?.type : def?.type;
  const format = def?.type === "array" ? def.items?.format : def?.format;
  const kind: ValueKind =
    itemType === "number"
      ? "number"
      : itemType === "boolean"
        ? "boolean"
        : format === "date-time" || format === "timer"
          ? "instant"
          : "string";
  return { kind, format };
}
