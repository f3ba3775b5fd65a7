import { insertAuditStatements } from "../../db/audit-store";
import { type Database, runBatch, runBatchRows } from "../../db/client";
import {
  clearFailuresStatement,
  countAttemptStatement,
  deleteSessionStatement,
  findSession,
  insertSessionStatement,
  uncountAttemptStatement,
} from "../../db/session-store";
import { findUserByEmail, recordLoginStatement, type UserRecord } from "../../db/user-store";
import { randomBase64Url, sha256Hex } from "../../lib/crypto";
import { AppError } from "../../lib/errors";
import { verifyPassword } from "../../lib/password";
import { auditOf } from "../audit/record";
import type { WriteContext } from "../catalog/types";

/** How long a browser session lasts. */
export const SESSION_SECONDS = 12 * 3600;
/** Sign-in throttling: failures allowed per window, per account and per client address. */
export const THROTTLE_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 20;

// Verified against when the email is unknown, so an unknown account costs the same time as a wrong password.
const DUMMY_HASH = "pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/**
 * Checks email and password. Every attempt is counted first, atomically, against the account and the
 * address; past the limit within the window the answer is 429 without looking at the password, so parallel
 * guessing cannot exceed it. A successful sign-in clears the account's count and gives the address its
 * attempt back. The answer never says which of email or password was wrong.
 */
export async function checkPassword(db: Database, email: string, password: string, ip: string, now: number): Promise<UserRecord> {
  const windowStart = now - THROTTLE_WINDOW_MS;
  const emailKey = `email:${email.trim().toLowerCase()}`;
  const ipKey = `ip:${ip}`;
  const [byEmail, byIp] = (
    await runBatchRows<{ failures: number }>(db, [
      countAttemptStatement(db, emailKey, now, windowStart),
      countAttemptStatement(db, ipKey, now, windowStart),
    ])
  ).map((rows) => rows[0]?.failures ?? 0);
  if ((byEmail ?? 0) > MAX_FAILURES_PER_EMAIL || (byIp ?? 0) > MAX_FAILURES_PER_IP) {
    throw new AppError(429, "too_many_attempts", `Too many failed sign-ins; try again in ${THROTTLE_WINDOW_MS / 60_000} minutes`);
  }
  const user = await findUserByEmail(db, email.trim());
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok || user.status !== "active") throw new AppError(401, "invalid_credentials", "Wrong email or password");
  await runBatch(db, [clearFailuresStatement(db, emailKey), uncountAttemptStatement(db, ipKey)]);
  return user;
}

/**
 * Starts a session for `user` and returns the cookie value (random, stored only as its hash). A new id is
 * minted at every sign-in and the previous session, if any, ends: no session fixation.
 */
export async function startSession(db: Database, user: UserRecord, previousCookie: string | undefined, ctx: WriteContext): Promise<string> {
  const cookie = randomBase64Url(32);
  const statements = [
    insertSessionStatement(db, await sha256Hex(cookie), {
      userId: user.id,
      csrfToken: randomBase64Url(24),
      createdAt: ctx.now,
      expiresAt: new Date(Date.parse(ctx.now) + SESSION_SECONDS * 1000).toISOString(),
      lastSeenAt: ctx.now,
    }),
    recordLoginStatement(db, user.id, ctx.now),
    ...insertAuditStatements(db, [auditOf({ ...ctx, actor: user.email }, "CREATE", "session", { entity: user.email })]),
  ];
  if (previousCookie) statements.push(deleteSessionStatement(db, await sha256Hex(previousCookie)));
  await runBatch(db, statements);
  return cookie;
}

/** The live session behind a cookie value, or null. */
export async function sessionFor(db: Database, cookie: string, now: string): Promise<{ userId: string; csrfToken: string } | null> {
  const session = await findSession(db, await sha256Hex(cookie));
  if (!session || session.expiresAt <= now) return null;
  return { userId: session.userId, csrfToken: session.csrfToken };
}

export async function endSession(db: Database, cookie: string): Promise<void> {
  await runBatch(db, [deleteSessionStatement(db, await sha256Hex(cookie))]);
}
