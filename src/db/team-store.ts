import { sql } from "drizzle-orm";
import { type Database, type Statement, statement } from "./client";

export interface TeamRecord {
  name: string;
  description: string | null;
  /** Member emails, sorted. */
  members: string[];
  createdAt: string;
  updatedAt: string;
}

interface TeamRow {
  name: string;
  description: string | null;
  members: string;
  created_at: string;
  updated_at: string;
}

const TEAM_SELECT = sql.raw(`
  SELECT t.name, t.description, t.created_at, t.updated_at,
         (SELECT json_group_array(x.email) FROM
            (SELECT u.email FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team = t.name ORDER BY u.email) x) AS members
  FROM teams t`);

function toTeam(row: TeamRow): TeamRecord {
  return {
    name: row.name,
    description: row.description,
    members: JSON.parse(row.members) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listTeams(db: Database): Promise<TeamRecord[]> {
  return (await db.all<TeamRow>(sql`${TEAM_SELECT} ORDER BY t.name`)).map(toTeam);
}

export async function findTeam(db: Database, name: string): Promise<TeamRecord | null> {
  const row = await db.get<TeamRow>(sql`${TEAM_SELECT} WHERE t.name = ${name}`);
  return row ? toTeam(row) : null;
}

/** Which of `names` exist as teams. */
export async function existingTeams(db: Database, names: string[]): Promise<Set<string>> {
  const rows = await db.all<{ name: string }>(
    sql`SELECT name FROM teams WHERE name IN (SELECT value FROM json_each(${JSON.stringify(names)}))`,
  );
  return new Set(rows.map((r) => r.name));
}

export function insertTeamStatement(db: Database, team: { name: string; description: string | null; at: string }): Statement {
  return statement(
    db,
    sql`INSERT INTO teams (name, description, created_at, updated_at) VALUES (${team.name}, ${team.description}, ${team.at}, ${team.at})`,
  );
}

export function updateTeamStatement(db: Database, name: string, description: string | null, at: string): Statement {
  return statement(db, sql`UPDATE teams SET description = ${description}, updated_at = ${at} WHERE name = ${name}`);
}

export function deleteTeamStatement(db: Database, name: string): Statement {
  return statement(db, sql`DELETE FROM teams WHERE name = ${name}`);
}

/** Replaces a team's members, given as user ids. */
export function setTeamMembersStatements(db: Database, team: string, userIds: string[]): Statement[] {
  return [
    statement(db, sql`DELETE FROM team_members WHERE team = ${team}`),
    statement(db, sql`INSERT INTO team_members (team, user_id) SELECT ${team}, value FROM json_each(${JSON.stringify(userIds)})`),
  ];
}
