import { insertAuditStatements } from "../../db/audit-store";
import { type Database, runBatch, type Statement } from "../../db/client";
import {
  deleteTeamStatement,
  findTeam,
  insertTeamStatement,
  listTeams as listTeamRecords,
  setTeamMembersStatements,
  type TeamRecord,
  updateTeamStatement,
} from "../../db/team-store";
import { listUsers } from "../../db/user-store";
import { conflict, type ErrorDetail, invalid, notFound } from "../../lib/errors";
import { auditOf } from "../audit/record";
import type { WriteContext } from "../catalog/types";

const TEAM_NAME = /^[A-Za-z0-9@_.+:/ -]{1,100}$/;

export async function listTeams(db: Database): Promise<TeamRecord[]> {
  return listTeamRecords(db);
}

export async function getTeam(db: Database, name: string): Promise<TeamRecord> {
  const team = await findTeam(db, name);
  if (!team) throw notFound(`Team '${name}'`);
  return team;
}

/** Member emails → user ids; unknown emails are a 400 naming each. */
async function memberIds(db: Database, emails: string[]): Promise<string[]> {
  const byEmail = new Map((await listUsers(db)).map((u) => [u.email.toLowerCase(), u.id]));
  const problems: ErrorDetail[] = [];
  const ids = emails.map((e, i) => {
    const id = byEmail.get(e.toLowerCase());
    if (!id) problems.push({ path: `members.${i}`, message: `user '${e}' does not exist` });
    return id ?? "";
  });
  if (problems.length > 0) throw invalid(problems);
  return [...new Set(ids)];
}

export async function createTeam(
  db: Database,
  input: { name: string; description?: string | null | undefined; members?: string[] | undefined },
  ctx: WriteContext,
): Promise<TeamRecord> {
  const name = input.name.trim();
  if (!TEAM_NAME.test(name)) throw invalid([{ path: "name", message: "must be 1–100 letters, digits, spaces or @ _ . + : / -" }]);
  if (await findTeam(db, name)) throw conflict(`Team '${name}' already exists`);
  const ids = await memberIds(db, input.members ?? []);
  const statements: Statement[] = [insertTeamStatement(db, { name, description: input.description ?? null, at: ctx.now })];
  if (ids.length > 0) statements.push(...setTeamMembersStatements(db, name, ids));
  statements.push(
    ...insertAuditStatements(db, [
      auditOf(ctx, "CREATE", "team", {
        entity: name,
        after: { name, description: input.description ?? null, members: input.members ?? [] },
      }),
    ]),
  );
  await runBatch(db, statements);
  return getTeam(db, name);
}

export async function updateTeam(
  db: Database,
  name: string,
  patch: { description?: string | null | undefined; members?: string[] | undefined },
  ctx: WriteContext,
): Promise<TeamRecord> {
  const before = await getTeam(db, name);
  const statements: Statement[] = [];
  if (patch.description !== undefined) statements.push(updateTeamStatement(db, name, patch.description, ctx.now));
  if (patch.members !== undefined) statements.push(...setTeamMembersStatements(db, name, await memberIds(db, patch.members)));
  statements.push(...insertAuditStatements(db, [auditOf(ctx, "UPDATE", "team", { entity: name, before, after: { ...before, ...patch } })]));
  await runBatch(db, statements);
  return getTeam(db, name);
}

/** Deletes a team; its memberships go with it. Entities keep the team name in their `team` field. */
export async function deleteTeam(db: Database, name: string, ctx: WriteContext): Promise<void> {
  const before = await getTeam(db, name);
  await runBatch(db, [
    deleteTeamStatement(db, name),
    ...insertAuditStatements(db, [auditOf(ctx, "DELETE", "team", { entity: name, before })]),
  ]);
}
