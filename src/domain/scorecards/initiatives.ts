import { insertAuditStatements } from "../../db/audit-store";
import { type Database, runBatch } from "../../db/client";
import {
  deleteInitiativeStatement,
  findInitiative,
  listInitiatives,
  type StoredInitiative,
  saveInitiativeStatement,
} from "../../db/initiative-store";
import { levelHistory, listScorecards, scorecardResults } from "../../db/scorecard-store";
import { conflict, notFound, versionMismatch } from "../../lib/errors";
import { type CatalogAccess, readableBlueprint } from "../access/authorized-catalog";
import { requireAdminOrModerator } from "../access/guards";
import type { Principal } from "../access/principal";
import { auditOf } from "../audit/record";
import type { WriteContext } from "../catalog/types";
import { parseInitiative } from "./initiative-definition";

/** Most entities an initiative's progress reads (the scorecard's results, within the reader's scope). */
const MAX_ENTITIES = 10_000;

async function parse(db: Database, raw: unknown) {
  const scorecards = await listScorecards(db);
  return parseInitiative(raw, (bp, id) => scorecards.find((s) => s.blueprint === bp && s.identifier === id));
}

export async function createInitiative(db: Database, p: Principal, raw: unknown, ctx: WriteContext): Promise<StoredInitiative> {
  const i = await parse(db, raw);
  requireAdminOrModerator(p, i.blueprint, "create initiatives");
  if (await findInitiative(db, i.identifier)) throw conflict(`Initiative '${i.identifier}' already exists`);
  await runBatch(db, [
    saveInitiativeStatement(db, i, { actor: ctx.actor, at: ctx.now }, null),
    ...insertAuditStatements(db, [
      auditOf(ctx, "CREATE", "scorecard", { blueprint: i.blueprint, entity: `initiative:${i.identifier}`, after: i }),
    ]),
  ]);
  return (await findInitiative(db, i.identifier)) as StoredInitiative;
}

export async function replaceInitiative(
  db: Database,
  p: Principal,
  identifier: string,
  raw: unknown,
  ctx: WriteContext,
  expected?: number,
) {
  const current = await findInitiative(db, identifier);
  if (!current) throw notFound(`Initiative '${identifier}'`);
  requireAdminOrModerator(p, current.blueprint, "change initiatives");
  const i = await parse(db, { ...(raw as object), identifier });
  requireAdminOrModerator(p, i.blueprint, "change initiatives");
  if (expected !== undefined && expected !== current.version) throw versionMismatch(expected, current.version);
  const [saved] = await db.$client.batch([
    saveInitiativeStatement(db, i, { actor: ctx.actor, at: ctx.now }, current.version),
    ...insertAuditStatements(
      db,
      [auditOf(ctx, "UPDATE", "scorecard", { blueprint: i.blueprint, entity: `initiative:${identifier}`, before: current, after: i })],
      {
        onlyIfChanged: true,
      },
    ),
  ]);
  if (saved?.meta.changes === 0) throw versionMismatch(current.version, current.version + 1);
  return (await findInitiative(db, identifier)) as StoredInitiative;
}

export async function deleteInitiative(db: Database, p: Principal, identifier: string, ctx: WriteContext): Promise<void> {
  const current = await findInitiative(db, identifier);
  if (!current) throw notFound(`Initiative '${identifier}'`);
  requireAdminOrModerator(p, current.blueprint, "delete initiatives");
  await runBatch(db, [
    deleteInitiativeStatement(db, identifier),
    ...insertAuditStatements(db, [
      auditOf(ctx, "DELETE", "scorecard", { blueprint: current.blueprint, entity: `initiative:${identifier}`, before: current }),
    ]),
  ]);
}

/** Initiatives of blueprints the reader may read. */
export async function listInitiativesFor(db: Database, access: CatalogAccess): Promise<StoredInitiative[]> {
  return (await listInitiatives(db)).filter((i) => access.blueprints.has(i.blueprint) && access.scope(i.blueprint).kind !== "none");
}

/**
 * Where an initiative stands, over the entities the reader may read: how many meet the target, the share per
 * day since it started (level targets), and the entities still failing, by team, with what each needs.
 */
export async function initiativeProgress(db: Database, access: CatalogAccess, identifier: string, now = new Date()) {
  const i = await findInitiative(db, identifier);
  if (!i) throw notFound(`Initiative '${identifier}'`);
  readableBlueprint(access, i.blueprint);
  const scorecard = (await listScorecards(db, i.blueprint)).find((s) => s.identifier === i.scorecard);
  if (!scorecard) throw notFound(`Scorecard '${i.scorecard}' of '${i.blueprint}'`);
  const levels = scorecard.levels.map((l) => l.title);
  const targetIndex = "level" in i.target ? levels.indexOf(i.target.level) : null;
  const targetRules = "rules" in i.target ? new Set(i.target.rules) : null;
  // The rules an entity must pass: those of the target level and below, or the listed ones.
  const needed = scorecard.rules.filter((r) =>
    targetRules ? targetRules.has(r.identifier) : targetIndex !== null && levels.indexOf(r.level) <= targetIndex,
  );
  const { rows } = await scorecardResults(db, i.blueprint, i.scorecard, access.scope(i.blueprint), { limit: MAX_ENTITIES });
  const inScope = i.teams.length === 0 ? rows : rows.filter((r) => r.team.some((t) => i.teams.includes(t)));
  const teams = new Map<
    string,
    { team: string; total: number; done: number; failing: { identifier: string; title: string | null; needs: string[] }[] }
  >();
  let done = 0;
  for (const row of inScope) {
    const needs = needed.filter((r) => row.effective[r.identifier] !== 1).map((r) => r.title);
    const meets = needs.length === 0;
    if (meets) done++;
    const owners = row.team.length > 0 ? row.team.filter((t) => i.teams.length === 0 || i.teams.includes(t)) : ["(no team)"];
    for (const team of owners) {
      const t = teams.get(team) ?? { team, total: 0, done: 0, failing: [] };
      t.total++;
      if (meets) t.done++;
      else t.failing.push({ identifier: row.identifier, title: row.title, needs });
      teams.set(team, t);
    }
  }
  const since = i.createdAt.slice(0, 10);
  const history =
    targetIndex !== null && i.teams.length === 0
      ? dailyShare(await levelHistory(db, i.blueprint, i.scorecard, since, access.scope(i.blueprint)), targetIndex)
      : [];
  // Whole calendar days (UTC): 0 on the target date, -1 the day after (overdue).
  const daysLeft = Math.round((Date.parse(i.targetDate) - Date.parse(now.toISOString().slice(0, 10))) / 86_400_000);
  return {
    initiative: i,
    total: inScope.length,
    done,
    percent: inScope.length === 0 ? 100 : Math.round((1000 * done) / inScope.length) / 10,
    daysLeft,
    truncated: rows.length >= MAX_ENTITIES,
    history,
    teams: [...teams.values()].sort((a, b) => a.done / a.total - b.done / b.total || a.team.localeCompare(b.team)),
  };
}

function dailyShare(rows: { day: string; levelIndex: number; n: number }[], target: number) {
  const days = new Map<string, { total: number; done: number }>();
  for (const r of rows) {
    const d = days.get(r.day) ?? { total: 0, done: 0 };
    d.total += r.n;
    if (r.levelIndex >= target) d.done += r.n;
    days.set(r.day, d);
  }
  return [...days.entries()].map(([day, d]) => ({ day, percent: d.total === 0 ? 0 : Math.round((1000 * d.done) / d.total) / 10 }));
}
