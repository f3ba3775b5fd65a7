import { listBlueprints } from "../../db/blueprint-store";
import { type Database, runBatch, type Statement } from "../../db/client";
import { findEntities } from "../../db/entity-store";
import {
  deleteExemptionStatement,
  entityResults,
  levelHistory,
  listExemptions,
  listScorecards,
  saveExemptionStatement,
  scorecardResults,
  scoreStatements,
  takeExpiredExemptions,
} from "../../db/scorecard-store";
import { invalid, notFound } from "../../lib/errors";
import { type CatalogAccess, readableBlueprint } from "../access/authorized-catalog";
import { requireAdminOrModerator } from "../access/guards";
import { compileScorecard } from "./definition";
import { getScorecard } from "./scorecards";

/**
 * Reading scores: an entity's levels and rules (Port's `scorecards` field), a scorecard's overview (the
 * reader's entities only), history; and exemptions, which rescore their entity in the same batch.
 */

/** Port's entity `scorecards` field: `{id: {level, score, rules: [{identifier, title, level, status, exempt}]}}`. */
export async function entityScorecards(db: Database, blueprint: string, identifier: string) {
  const [definitions, results] = await Promise.all([listScorecards(db, blueprint), entityResults(db, blueprint, identifier)]);
  const out: Record<string, unknown> = {};
  for (const r of results) {
    const def = definitions.find((d) => d.identifier === r.scorecard);
    if (!def) continue;
    out[r.scorecard] = {
      title: def.title,
      level: r.level,
      score: r.score,
      rules: def.rules.map((rule) => ({
        identifier: rule.identifier,
        title: rule.title,
        level: rule.level,
        status: r.rules[rule.identifier] === 1 ? "SUCCESS" : "FAILURE",
        exempt: r.rules[rule.identifier] !== 1 && r.effective[rule.identifier] === 1,
      })),
    };
  }
  return out;
}

/** A scorecard's distribution by level and its entities × rules, over what the reader may read. */
export async function scorecardOverview(
  db: Database,
  access: CatalogAccess,
  blueprint: string,
  identifier: string,
  opts: { team?: string | undefined; limit: number },
) {
  readableBlueprint(access, blueprint);
  const scorecard = await getScorecard(db, blueprint, identifier);
  const { rows, counts } = await scorecardResults(db, blueprint, identifier, access.scope(blueprint), opts);
  return {
    scorecard,
    levels: scorecard.levels.map((l, i) => ({ ...l, count: counts.get(i) ?? 0 })),
    entities: rows,
  };
}

export async function scorecardHistory(db: Database, access: CatalogAccess, blueprint: string, identifier: string, days: number) {
  readableBlueprint(access, blueprint);
  const scorecard = await getScorecard(db, blueprint, identifier);
  const since = new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
  const rows = await levelHistory(db, blueprint, identifier, since, access.scope(blueprint));
  return { levels: scorecard.levels.map((l) => l.title), days: rows };
}

async function rescoreEntity(db: Database, blueprint: string, scorecard: string, identifier: string, extra: Statement[]) {
  const all = await listBlueprints(db);
  const bp = all.find((b) => b.identifier === blueprint);
  if (!bp) throw notFound(`Blueprint '${blueprint}'`);
  const compiled = compileScorecard(await getScorecard(db, blueprint, scorecard), bp, all);
  await runBatch(db, [
    ...extra,
    ...scoreStatements(db, compiled, { kind: "identifiers", identifiers: [identifier] }, new Date().toISOString()),
  ]);
}

/** Exempts an entity from one rule (until `expiresAt`, or until removed), with a reason; rescored at once. */
export async function addExemption(
  db: Database,
  access: CatalogAccess,
  blueprint: string,
  scorecard: string,
  body: { rule: string; entity: string; reason: string; expiresAt?: string | undefined },
) {
  requireAdminOrModerator(access.principal, blueprint, "exempt entities from scorecard rules");
  const def = await getScorecard(db, blueprint, scorecard);
  if (!def.rules.some((r) => r.identifier === body.rule))
    throw invalid([{ path: "rule", message: `'${body.rule}' is not a rule of '${scorecard}'` }]);
  if ((await findEntities(db, blueprint, [body.entity])).length === 0) {
    throw invalid([{ path: "entity", message: `no '${blueprint}' entity '${body.entity}' exists` }]);
  }
  const now = new Date().toISOString();
  // Compared as instants: "an hour ago" written with a +14:00 offset sorts after now as text.
  if (body.expiresAt !== undefined && (Number.isNaN(Date.parse(body.expiresAt)) || Date.parse(body.expiresAt) <= Date.now())) {
    throw invalid([{ path: "expiresAt", message: "must be an ISO date-time in the future" }]);
  }
  const exemption = {
    rule: body.rule,
    identifier: body.entity,
    reason: body.reason,
    expiresAt: body.expiresAt ? new Date(body.expiresAt).toISOString() : null,
    createdAt: now,
    createdBy: access.principal.email,
  };
  await rescoreEntity(db, blueprint, scorecard, body.entity, [saveExemptionStatement(db, blueprint, scorecard, exemption)]);
  return { ...exemption, active: true };
}

export async function removeExemption(
  db: Database,
  access: CatalogAccess,
  blueprint: string,
  scorecard: string,
  rule: string,
  entity: string,
) {
  requireAdminOrModerator(access.principal, blueprint, "exempt entities from scorecard rules");
  await rescoreEntity(db, blueprint, scorecard, entity, [deleteExemptionStatement(db, blueprint, scorecard, rule, entity)]);
}

export async function exemptionsOf(db: Database, access: CatalogAccess, blueprint: string, scorecard: string) {
  readableBlueprint(access, blueprint);
  await getScorecard(db, blueprint, scorecard);
  return listExemptions(db, blueprint, scorecard, access.scope(blueprint));
}

/** Rescores entities whose exemptions expired (the cron calls this). */
export async function applyExpiredExemptions(db: Database, now: Date): Promise<number> {
  const expired = await takeExpiredExemptions(db, now.toISOString());
  for (const e of expired) await rescoreEntity(db, e.blueprint, e.scorecard, e.identifier, []);
  return expired.length;
}
