import { insertAuditStatements } from "../../db/audit-store";
import { listBlueprints } from "../../db/blueprint-store";
import { type Database, runBatch, runBatchRows, type Statement } from "../../db/client";
import {
  deleteCredentialStatement,
  deleteUserCredentialsStatement,
  findCredentialBySecretHash,
  insertCredentialStatement,
} from "../../db/credential-store";
import { deleteUserSessionsStatement } from "../../db/session-store";
import { existingTeams } from "../../db/team-store";
import {
  activeAdminExists,
  findUserByEmail,
  findUserById,
  insertFirstAdminStatement,
  insertUserStatement,
  listUsers as listUserRecords,
  promoteFirstAdminStatement,
  setUserTeamsStatements,
  type UserRecord,
  type UserStatus,
  updateUserStatement,
} from "../../db/user-store";
import { sha256Hex } from "../../lib/crypto";
import { AppError, conflict, type ErrorDetail, invalid, notFound } from "../../lib/errors";
import { randomToken } from "../../lib/ids";
import { hashPassword, passwordProblem } from "../../lib/password";
import { isWellFormedSecret, newSecret, secretHint } from "../../lib/secrets";
import { ADMIN_ROLE, MEMBER_ROLE } from "../access/principal";
import { auditOf } from "../audit/record";
import type { WriteContext } from "../catalog/types";

/** A user as the API shows it: no password hash, no internal id. */
export interface UserView {
  email: string;
  name: string | null;
  roles: string[];
  teams: string[];
  status: UserStatus;
  createdAt: string;
  lastLoginAt: string | null;
}

export function userView(u: UserRecord): UserView {
  return {
    email: u.email,
    name: u.name,
    roles: u.roles,
    teams: u.teams,
    status: u.status,
    createdAt: u.createdAt,
    lastLoginAt: u.lastLoginAt,
  };
}

const INVITE_DAYS = 7;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function listUsers(db: Database): Promise<UserView[]> {
  return (await listUserRecords(db)).map(userView);
}

export async function getUser(db: Database, email: string): Promise<UserRecord> {
  const user = await findUserByEmail(db, email);
  if (!user) throw notFound(`User '${email}'`);
  return user;
}

/** Roles must be Admin, Member or `<existing blueprint>-moderator`; teams must exist. */
async function checkRolesAndTeams(db: Database, roles: string[] | undefined, teams: string[] | undefined): Promise<void> {
  const problems: ErrorDetail[] = [];
  if (roles) {
    const blueprints = new Set((await listBlueprints(db)).map((b) => b.identifier));
    roles.forEach((role, i) => {
      const bp = role.endsWith("-moderator") ? role.slice(0, -"-moderator".length) : null;
      if (role !== ADMIN_ROLE && role !== MEMBER_ROLE && !(bp && blueprints.has(bp))) {
        problems.push({ path: `roles.${i}`, message: `'${role}' is not a role: use Admin, Member or <blueprint>-moderator` });
      }
    });
  }
  if (teams && teams.length > 0) {
    const found = await existingTeams(db, teams);
    teams.forEach((t, i) => {
      if (!found.has(t)) problems.push({ path: `teams.${i}`, message: `team '${t}' does not exist` });
    });
  }
  if (problems.length > 0) throw invalid(problems);
}

function newUser(email: string, name: string | null, roles: string[], status: UserStatus, passwordHash: string | null, now: string) {
  return { id: `usr_${randomToken(20)}`, email, name, roles, status, passwordHash, createdAt: now, updatedAt: now };
}

function checkEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (!EMAIL.test(e) || e.length > 254) throw invalid([{ path: "email", message: "must be an email address" }]);
  return e;
}

/**
 * Invites a user: creates them as `invited` and returns a one-time invitation token (stored hashed) that
 * lets them choose a password at /invite. There is no mail server; the admin passes the link on.
 */
export async function inviteUser(
  db: Database,
  input: { email: string; name?: string | undefined; roles?: string[] | undefined; teams?: string[] | undefined },
  ctx: WriteContext,
): Promise<{ user: UserView; inviteToken: string; expiresAt: string }> {
  const email = checkEmail(input.email);
  if (await findUserByEmail(db, email)) throw conflict(`User '${email}' already exists`);
  const roles = input.roles && input.roles.length > 0 ? [...new Set(input.roles)] : [MEMBER_ROLE];
  const teams = [...new Set(input.teams ?? [])];
  await checkRolesAndTeams(db, roles, teams);
  const user = newUser(email, input.name ?? null, roles, "invited", null, ctx.now);
  const inviteToken = newSecret("invite");
  const expiresAt = new Date(Date.parse(ctx.now) + INVITE_DAYS * 86_400_000).toISOString();
  await runBatch(db, [
    insertUserStatement(db, user),
    ...setUserTeamsStatements(db, user.id, teams),
    insertCredentialStatement(db, {
      id: `cred_${randomToken(20)}`,
      userId: user.id,
      kind: "invite",
      name: `invitation for ${email}`,
      clientId: null,
      secretHash: await sha256Hex(inviteToken),
      hint: secretHint(inviteToken),
      createdAt: ctx.now,
      expiresAt,
    }),
    ...insertAuditStatements(db, [auditOf(ctx, "CREATE", "user", { entity: email, after: { email, roles, teams, status: "invited" } })]),
  ]);
  return { user: { ...userView({ ...user, teams, lastLoginAt: null }) }, inviteToken, expiresAt };
}

/** Accepts an invitation: sets name and password, activates the user, burns the token. Returns the user. */
export async function acceptInvite(
  db: Database,
  input: { token: string; name: string; password: string },
  ctx: WriteContext,
): Promise<UserRecord> {
  const refused = new AppError(400, "invalid_invite", "This invitation link is invalid, used or expired; ask an admin for a new one");
  if (!isWellFormedSecret(input.token, "invite")) throw refused;
  const credential = await findCredentialBySecretHash(db, "invite", await sha256Hex(input.token));
  if (!credential || (credential.expiresAt !== null && credential.expiresAt <= ctx.now)) throw refused;
  const pw = passwordProblem(input.password);
  if (pw) throw invalid([{ path: "password", message: pw }]);
  const user = await findUserById(db, credential.userId);
  // Only a pending invitation can be accepted: a user an admin disabled meanwhile stays disabled.
  if (user?.status !== "invited") throw refused;
  await runBatch(db, [
    updateUserStatement(
      db,
      user.id,
      { name: input.name.trim() || user.name, status: "active", passwordHash: await hashPassword(input.password) },
      ctx.now,
    ),
    deleteCredentialStatement(db, credential.id),
    ...insertAuditStatements(db, [
      auditOf({ ...ctx, actor: user.email }, "UPDATE", "user", {
        entity: user.email,
        before: { status: "invited" },
        after: { status: "active" },
      }),
    ]),
  ]);
  return { ...user, status: "active" };
}

/**
 * Changes a user's name, roles, teams or status. The last active admin cannot lose the role or be
 * disabled (nobody could administer the portal any more). Disabling ends the user's sessions.
 */
export async function updateUser(
  db: Database,
  email: string,
  patch: {
    name?: string | null | undefined;
    roles?: string[] | undefined;
    teams?: string[] | undefined;
    status?: "active" | "disabled" | undefined;
  },
  ctx: WriteContext,
): Promise<UserView> {
  const user = await getUser(db, email);
  const roles = patch.roles ? [...new Set(patch.roles)] : undefined;
  const teams = patch.teams ? [...new Set(patch.teams)] : undefined;
  await checkRolesAndTeams(db, roles, teams);
  const losesAdmin = user.roles.includes(ADMIN_ROLE) && ((roles && !roles.includes(ADMIN_ROLE)) || patch.status === "disabled");
  if (losesAdmin && (await countOtherActiveAdmins(db, user.id)) === 0) {
    throw conflict("This is the last active admin: make someone else Admin first");
  }
  if (patch.status === "active" && user.status === "invited") {
    throw invalid([{ path: "status", message: "an invited user becomes active by accepting the invitation" }]);
  }
  const statements: Statement[] = [updateUserStatement(db, user.id, { name: patch.name, roles, status: patch.status }, ctx.now)];
  if (teams) statements.push(...setUserTeamsStatements(db, user.id, teams));
  if (patch.status === "disabled") {
    statements.push(deleteUserSessionsStatement(db, user.id), deleteUserCredentialsStatement(db, user.id, "invite"));
  }
  const after: UserView = {
    ...userView(user),
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(roles ? { roles } : {}),
    ...(teams ? { teams } : {}),
    ...(patch.status ? { status: patch.status } : {}),
  };
  statements.push(...insertAuditStatements(db, [auditOf(ctx, "UPDATE", "user", { entity: user.email, before: userView(user), after })]));
  await runBatch(db, statements);
  return after;
}

async function countOtherActiveAdmins(db: Database, exceptId: string): Promise<number> {
  return (await listUserRecords(db)).filter((u) => u.id !== exceptId && u.status === "active" && u.roles.includes(ADMIN_ROLE)).length;
}

/**
 * Creates an active admin with a password: the first-run flow and the bootstrap. Refused once an active
 * admin exists, so it can never be used to take over a running portal.
 */
export async function createFirstAdmin(
  db: Database,
  input: { email: string; name: string | null; password: string | null },
  ctx: WriteContext,
): Promise<UserRecord> {
  const taken = conflict("An admin already exists; sign in instead");
  if (await activeAdminExists(db)) throw taken;
  const email = checkEmail(input.email);
  if (input.password !== null) {
    const pw = passwordProblem(input.password);
    if (pw) throw invalid([{ path: "password", message: pw }]);
  }
  const passwordHash = input.password === null ? null : await hashPassword(input.password);
  const existing = await findUserByEmail(db, email);
  const roles = [...new Set([...(existing?.roles ?? []), ADMIN_ROLE])];
  const user = existing
    ? { ...existing, roles, status: "active" as const }
    : { ...newUser(email, input.name, roles, "active", passwordHash, ctx.now), teams: [], lastLoginAt: null };
  // The guard against an existing admin is inside the statement: of simultaneous requests, one wins.
  const [rows] = await runBatchRows<{ id: string }>(db, [
    existing ? promoteFirstAdminStatement(db, existing.id, roles, passwordHash, ctx.now) : insertFirstAdminStatement(db, user),
  ]);
  if (!rows || rows.length === 0) throw taken;
  await runBatch(
    db,
    insertAuditStatements(db, [
      auditOf(ctx, existing ? "UPDATE" : "CREATE", "user", { entity: email, after: { email, roles, status: "active" } }),
    ]),
  );
  return user;
}

/** Finds or creates (as an active Member) the user behind an identity-provider login. */
export async function userForExternalIdentity(db: Database, email: string, name: string | null, ctx: WriteContext): Promise<UserRecord> {
  const normalised = checkEmail(email);
  const existing = await findUserByEmail(db, normalised);
  if (existing) return existing;
  const user = newUser(normalised, name, [MEMBER_ROLE], "active", null, ctx.now);
  try {
    await runBatch(db, [
      insertUserStatement(db, user),
      ...insertAuditStatements(db, [
        auditOf({ ...ctx, actor: normalised }, "CREATE", "user", {
          entity: normalised,
          after: { email: normalised, roles: [MEMBER_ROLE], status: "active" },
        }),
      ]),
    ]);
  } catch (error) {
    // Two first requests at once: the other one created the user.
    const raced = await findUserByEmail(db, normalised);
    if (raced) return raced;
    throw error;
  }
  return { ...user, teams: [], lastLoginAt: null };
}
