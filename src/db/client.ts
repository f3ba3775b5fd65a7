import type { SQL } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import * as schema from "./schema";

export type Database = DrizzleD1Database<typeof schema> & { $client: D1Database };
/** A statement that can join a D1 batch (one transaction). */
export type Statement = D1PreparedStatement;

const dialect = new SQLiteAsyncDialect();

/**
 * Turns a drizzle query (builder or `sql` template) into a D1 statement for a batch. Drizzle's own
 * `batch()` cannot carry `sql` templates with parameters, so batches are sent to D1 directly.
 */
export function statement(db: Database, query: SQL | { toSQL(): { sql: string; params: unknown[] } }): Statement {
  const built = "toSQL" in query ? query.toSQL() : dialect.sqlToQuery(query);
  return db.$client.prepare(built.sql).bind(...built.params);
}

/** Wraps the D1 binding in drizzle. Cheap: call it per request. */
export function database(d1: D1Database): Database {
  return drizzle(d1, { schema }) as Database;
}

/** Runs statements as one D1 batch, i.e. one transaction: all land or none do. */
export async function runBatch(db: Database, statements: Statement[]): Promise<void> {
  if (statements.length === 0) return;
  await db.$client.batch(statements);
}

/** Runs statements as one D1 batch and returns each statement's rows (for RETURNING). */
export async function runBatchRows<T>(db: Database, statements: Statement[]): Promise<T[][]> {
  const results = await db.$client.batch<T>(statements);
  return results.map((r) => r.results);
}

/** Largest JSON document bound to one statement; bigger row sets are split across statements. */
const MAX_JSON_PARAM_BYTES = 400_000;

/**
 * Splits `rows` into chunks whose JSON encoding stays under the bound-parameter size we allow, so a
 * multi-row write can pass all its rows as one `json_each(?)` parameter (D1 allows only 100 bound
 * parameters per statement, which would otherwise mean ~8 rows per INSERT).
 */
export function jsonChunks<T>(rows: T[]): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const row of rows) {
    const encoded = JSON.stringify(row);
    if (current.length > 0 && size + encoded.length + 1 > MAX_JSON_PARAM_BYTES) {
      chunks.push(`[${current.join(",")}]`);
      current = [];
      size = 2;
    }
    current.push(encoded);
    size += encoded.length + 1;
  }
  if (current.length > 0) chunks.push(`[${current.join(",")}]`);
  return chunks;
}

/** True when a D1 error comes from the version guard triggers (a concurrent write won). */
export function isVersionConflict(error: unknown): boolean {
  return error instanceof Error && /version_conflict/.test(`${error.message} ${String((error as { cause?: unknown }).cause ?? "")}`);
}

/** True when a D1 error is a UNIQUE or NOT NULL constraint failure (a concurrent create or delete won). */
export function isConstraintRace(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? "")}` : "";
  return /UNIQUE constraint failed|NOT NULL constraint failed|FOREIGN KEY constraint failed/.test(text);
}

/**
 * A statement that fails — aborting its whole batch — when the statement before it changed no row. Put it
 * right after a version-guarded UPDATE so the rest of the batch only lands if the UPDATE did.
 */
export function abortUnlessChangedStatement(db: Database): Statement {
  // json() of a non-JSON string raises "malformed JSON": SQLite has no RAISE outside triggers.
  return db.$client.prepare("SELECT json(CASE WHEN changes() = 0 THEN 'unchanged:abort' ELSE '1' END)");
}

/** True when a batch was aborted by abortUnlessChangedStatement. */
export function isAbortedUnchanged(error: unknown): boolean {
  return error instanceof Error && /malformed JSON/.test(`${error.message} ${String((error as { cause?: unknown }).cause ?? "")}`);
}
