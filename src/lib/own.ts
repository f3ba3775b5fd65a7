/**
 * `table[key]` for a key that came from outside (a document, a form, an error path): only the table's own
 * entries count, so `constructor` or `toString` never reach Object.prototype's members.
 */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string | undefined): T | undefined {
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}
