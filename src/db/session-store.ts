import { sql } from "drizzle-orm";
import { type Database, type Statement, statement } from "./client";

export interface SessionRecord {
  userId: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
}

export function insertSessionStatement(db: Database, idHash: string, s: SessionRecord): Statement {
  return statement(
    db,
    sql`INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at, last_seen_at)
        VALUES (${idHash}, ${s.userId}, ${s.csrfToken}, ${s.createdAt}, ${s.expiresAt}, ${s.lastSeenAt})`,
  );
}

export async function findSession(db: Database, idHash: string): Promise<SessionRecord | null> {
  const row = await db.get<{ user_id: string; csrf_token: string; created_at: string; expires_at: string; last_seen_at: string }>(
    sql`SELECT user_id, csrf_token, created_at, expires_at, last_seen_at FROM sessions WHERE id_hash = ${idHash}`,
  );
  return row
    ? { userId: row.user_id, csrfToken: row.csrf_token, createdAt: row.created_at, expiresAt: row.expires_at, lastSeenAt: row.last_seen_at }
    : null;
}

export function deleteSessionStatement(db: Database, idHash: string): Statement {
  return statement(db, sql`DELETE FROM sessions WHERE id_hash = ${idHash}`);
}

export function deleteUserSessionsStatement(db: Database, userId: string): Statement {
  return statement(db, sql`DELETE FROM sessions WHERE user_id = ${userId}`);
}

export function touchSessionStatement(db: Database, idHash: string, at: string): Statement {
  return statement(db, sql`UPDATE sessions SET last_seen_at = ${at} WHERE id_hash = ${idHash}`);
}

/**
 * Counts one sign-in attempt against `key` and returns the statement yielding the new count (RETURNING).
 * A window older than `windowStart` starts over. Counting before the password is checked makes the limit
 * hold under parallel guesses.
 */
export function countAttemptStatement(db: Database, key: string, now: number, windowStart: number): Statement {
  return statement(
    db,
    sql`INSERT INTO login_failures (key, window_start, failures) VALUES (${key}, ${now}, 1)
        ON CONFLICT (key) DO UPDATE SET
          failures = CASE WHEN window_start < ${windowStart} THEN 1 ELSE failures + 1 END,
          window_start = CASE WHEN window_start < ${windowStart} THEN ${now} ELSE window_start END
        RETURNING failures`,
  );
}

/** Takes back one counted attempt (a successful sign-in should not use up an address's allowance). */
export function uncountAttemptStatement(db: Database, key: string): Statement {
  return statement(db, sql`UPDATE login_failures SET failures = MAX(failures - 1, 0) WHERE key = ${key}`);
}

export function clearFailuresStatement(db: Database, key: string): Statement {
  return statement(db, sql`DELETE FROM login_failures WHERE key = ${key}`);
}
