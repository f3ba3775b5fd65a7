import { sql } from "drizzle-orm";
import { type Database, type Statement, statement } from "./client";

export type UserStatus = "active" | "invited" | "disabled";

export interface UserRecord {
  id: string;
  email: string;
  name: string | null;
  roles: string[];
  status: UserStatus;
  passwordHash: string | null;
  teams: string[];
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

export interface UserRow {
  id: string;
  email: string;
  name: string | null;
  roles: string;
  status: UserStatus;
  password_hash: string | null;
  teams: string;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

const USER_SELECT = sql.raw(`
  SELECT u.id, u.email, u.name, u.roles, u.status, u.password_hash, u.created_at, u.updated_at, u.last_login_at,
         (SELECT json_group_array(m.team) FROM (SELECT team FROM team_members WHERE user_id = u.id ORDER BY team) m) AS teams
  FROM users u`);

export function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roles: JSON.parse(row.roles) as string[],
    status: row.status,
    passwordHash: row.password_hash,
    teams: JSON.parse(row.teams) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
  };
}

/** The statement behind findUserById, for callers that batch it with other reads. */
export function userByIdStatement(db: Database, id: string): Statement {
  return statement(db, sql`${USER_SELECT} WHERE u.id = ${id}`);
}

export async function findUserById(db: Database, id: string): Promise<UserRecord | null> {
  const row = await db.get<UserRow>(sql`${USER_SELECT} WHERE u.id = ${id}`);
  return row ? toUser(row) : null;
}

export async function findUserByEmail(db: Database, email: string): Promise<UserRecord | null> {
  const row = await db.get<UserRow>(sql`${USER_SELECT} WHERE u.email = ${email}`);
  return row ? toUser(row) : null;
}

export async function listUsers(db: Database): Promise<UserRecord[]> {
  const rows = await db.all<UserRow>(sql`${USER_SELECT} ORDER BY u.email`);
  return rows.map(toUser);
}

const ACTIVE_ADMIN = sql.raw(
  `SELECT 1 FROM users a WHERE a.status = 'active' AND EXISTS (SELECT 1 FROM json_each(a.roles) WHERE value = 'Admin')`,
);

/**
 * Inserts the first admin only if no active admin exists, in one statement, so simultaneous first-run
 * requests cannot create two. Yields the new id (RETURNING) when it was inserted, no row otherwise.
 */
export function insertFirstAdminStatement(db: Database, user: Omit<UserRecord, "teams" | "lastLoginAt">): Statement {
  return statement(
    db,
    sql`INSERT INTO users (id, email, name, roles, status, password_hash, created_at, updated_at)
        SELECT ${user.id}, ${user.email}, ${user.name}, ${JSON.stringify(user.roles)}, 'active', ${user.passwordHash}, ${user.createdAt}, ${user.updatedAt}
        WHERE NOT EXISTS (${ACTIVE_ADMIN})
        RETURNING id`,
  );
}

/** Makes an existing user the first admin, only if no active admin exists (same guard as above). */
export function promoteFirstAdminStatement(db: Database, id: string, roles: string[], passwordHash: string | null, at: string): Statement {
  return statement(
    db,
    sql`UPDATE users SET roles = ${JSON.stringify(roles)}, status = 'active', password_hash = COALESCE(${passwordHash}, password_hash), updated_at = ${at}
        WHERE id = ${id} AND NOT EXISTS (${ACTIVE_ADMIN})
        RETURNING id`,
  );
}

/** Whether any active user holds the Admin role (the first-run flow and bootstrap run only while none does). */
export async function activeAdminExists(db: Database): Promise<boolean> {
  const row = await db.get<{ one: number }>(sql`
    SELECT 1 AS one FROM users WHERE status = 'active' AND EXISTS (SELECT 1 FROM json_each(roles) WHERE value = 'Admin') LIMIT 1`);
  return row !== undefined;
}

export function insertUserStatement(db: Database, user: Omit<UserRecord, "teams" | "lastLoginAt">): Statement {
  return statement(
    db,
    sql`INSERT INTO users (id, email, name, roles, status, password_hash, created_at, updated_at)
        VALUES (${user.id}, ${user.email}, ${user.name}, ${JSON.stringify(user.roles)}, ${user.status}, ${user.passwordHash},
                ${user.createdAt}, ${user.updatedAt})`,
  );
}

export function updateUserStatement(
  db: Database,
  id: string,
  fields: { name?: string | null; roles?: string[]; status?: UserStatus; passwordHash?: string | null },
  at: string,
): Statement {
  const sets = [sql`updated_at = ${at}`];
  if (fields.name !== undefined) sets.push(sql`name = ${fields.name}`);
  if (fields.roles !== undefined) sets.push(sql`roles = ${JSON.stringify(fields.roles)}`);
  if (fields.status !== undefined) sets.push(sql`status = ${fields.status}`);
  if (fields.passwordHash !== undefined) sets.push(sql`password_hash = ${fields.passwordHash}`);
  return statement(db, sql`UPDATE users SET ${sql.join(sets, sql`, `)} WHERE id = ${id}`);
}

export function recordLoginStatement(db: Database, id: string, at: string): Statement {
  return statement(db, sql`UPDATE users SET last_login_at = ${at} WHERE id = ${id}`);
}

/** Replaces a user's team memberships (teams must exist: the foreign key refuses unknown ones). */
export function setUserTeamsStatements(db: Database, userId: string, teams: string[]): Statement[] {
  return [
    statement(db, sql`DELETE FROM team_members WHERE user_id = ${userId}`),
    statement(db, sql`INSERT INTO team_members (team, user_id) SELECT value, ${userId} FROM json_each(${JSON.stringify(teams)})`),
  ];
}
