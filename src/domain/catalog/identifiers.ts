/**
 * Port's identifier rule: letters, digits and `@ _ . + : \ / -`, and never just `.` or `..`
 * (identifiers end up in URLs and paths).
 */
const IDENTIFIER = /^[A-Za-z0-9@_.+:\\/-]+$/;
/** Property, relation and derived-property keys: no dots or slashes, since they appear in paths like `a.b`. */
const KEY = /^[A-Za-z0-9@_-]+$/;

export const BLUEPRINT_IDENTIFIER_MAX = 100;
export const ENTITY_IDENTIFIER_MAX = 1000;
export const KEY_MAX = 100;

/** Why `value` is not a valid identifier of at most `max` characters, or null if it is. */
export function identifierProblem(value: string, max: number): string | null {
  if (value.length === 0) return "must not be empty";
  if (value.length > max) return `must be at most ${max} characters (got ${value.length})`;
  if (value === "." || value === "..") return "must not be '.' or '..'";
  if (!IDENTIFIER.test(value)) return "may contain only letters, digits and @ _ . + : \\ / -";
  return null;
}

/** Why `value` is not a valid property or relation key, or null if it is. */
export function keyProblem(value: string): string | null {
  if (value.length === 0) return "must not be empty";
  if (value.length > KEY_MAX) return `must be at most ${KEY_MAX} characters`;
  if (!KEY.test(value)) return "may contain only letters, digits and @ _ -";
  return null;
}
