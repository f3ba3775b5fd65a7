import type { Database } from "../../db/client";
import { failingRulesOfOwned, type OwnedEntity, ownedEntities, ownedEntityCounts, type TeamOwnership } from "../../db/home-store";
import { listScorecards } from "../../db/scorecard-store";
import { type CatalogAccess, ownershipPath } from "../access/authorized-catalog";
import type { ReadScope } from "../access/decisions";
import type { RunView } from "../actions/run-view";
import { listRunsFor } from "../actions/runs";

/** How many of each list the home page shows; each section links to its full list. */
export const HOME_LIMITS = { entities: 20, runs: 10, approvals: 10, rules: 10, ruleSample: 3 } as const;

/** A scorecard rule the viewer's teams fail, with the titles a page shows. */
export interface FailingRule {
  blueprint: string;
  scorecard: string;
  scorecardTitle: string;
  rule: string;
  ruleTitle: string;
  level: string;
  failing: number;
  sample: { identifier: string; title: string | null }[];
}

/** What the home page shows one signed-in user. */
export interface HomeOverview {
  teams: string[];
  /** Their teams' entities, most recently updated first (at most HOME_LIMITS.entities). */
  entities: OwnedEntity[];
  /** Their teams' entities per blueprint, for every blueprint with at least one. */
  counts: { blueprint: string; title: string; count: number }[];
  runs: RunView[];
  approvals: RunView[];
  failingRules: FailingRule[];
}

/** The viewer's teams and how each readable blueprint's entities are owned. */
function teamOwnership(access: CatalogAccess): TeamOwnership {
  const readable = [...access.blueprints.values()].filter((bp) => access.scope(bp.identifier).kind !== "none");
  return { teams: access.principal.teams, paths: new Map(readable.map((bp) => [bp.identifier, ownershipPath(bp)])) };
}

function readScopes(access: CatalogAccess): Map<string, ReadScope> {
  return new Map([...access.blueprints.keys()].map((bp) => [bp, access.scope(bp)]));
}

/** Rule and scorecard titles for the failing rules; rules no longer in their scorecard are dropped. */
async function describeRules(db: Database, rows: Awaited<ReturnType<typeof failingRulesOfOwned>>): Promise<FailingRule[]> {
  if (rows.length === 0) return [];
  const scorecards = await listScorecards(db);
  return rows.flatMap((row) => {
    const scorecard = scorecards.find((s) => s.blueprint === row.blueprint && s.identifier === row.scorecard);
    const rule = scorecard?.rules.find((r) => r.identifier === row.rule);
    if (!scorecard || !rule) return [];
    return [{ ...row, scorecardTitle: scorecard.title, ruleTitle: rule.title, level: rule.level }];
  });
}

/**
 * The home page of `access.principal`: their teams' entities (owned directly or through the blueprint's
 * ownership path) and the scorecard rules those fail, the runs they started, and the runs waiting for
 * their approval. Everything stays within what they may read; the independent queries run together.
 */
export async function homeOverview(db: Database, access: CatalogAccess): Promise<HomeOverview> {
  const p = access.principal;
  const owned = teamOwnership(access);
  const scopes = readScopes(access);
  const hasTeams = owned.teams.length > 0 && owned.paths.size > 0;
  const [entities, counts, failing, runs, approvals] = await Promise.all([
    hasTeams ? ownedEntities(db, owned, scopes, HOME_LIMITS.entities) : [],
    hasTeams ? ownedEntityCounts(db, owned, scopes) : new Map<string, number>(),
    hasTeams ? failingRulesOfOwned(db, owned, scopes, HOME_LIMITS.ruleSample) : [],
    listRunsFor(db, p, { mine: true, limit: HOME_LIMITS.runs }),
    listRunsFor(db, p, { awaitingMyApproval: true, limit: HOME_LIMITS.approvals }),
  ]);
  const failingRules = await describeRules(db, failing);
  return {
    teams: p.teams,
    entities,
    counts: [...counts]
      .map(([blueprint, count]) => ({ blueprint, title: access.blueprints.get(blueprint)?.title ?? blueprint, count }))
      .sort((a, b) => b.count - a.count || a.title.localeCompare(b.title)),
    runs: runs.runs,
    approvals: approvals.runs,
    failingRules: failingRules.slice(0, HOME_LIMITS.rules),
  };
}
