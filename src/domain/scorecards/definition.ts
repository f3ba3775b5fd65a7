import { z } from "zod";
import { AppError, type ErrorDetail, invalid } from "../../lib/errors";
import { zodDetails } from "../../lib/zod-details";
import type { Filter } from "../catalog/search/filter";
import { resolveQuery } from "../catalog/search/query";
import type { Blueprint } from "../catalog/types";

/**
 * A scorecard in Port's shape — levels (the first has no rules), a filter choosing which entities are
 * scored, rules with a level and a query `{combinator, conditions}` — plus rule weights (a score 0–100).
 * Rule conditions are search rules; beyond Port they may compare two properties
 * (`{"property": "replicas", "operator": ">=", "value": {"property": "minReplicas"}}`).
 */

const KEY = /^[A-Za-z0-9_-]+$/;

const querySchema = z.looseObject({
  combinator: z.enum(["and", "or"], { error: "must be and or or" }),
  conditions: z.array(z.unknown()).max(20, "may hold at most 20 conditions"),
});

export const DEFAULT_LEVELS = [
  { title: "Basic", color: "paleBlue" },
  { title: "Bronze", color: "bronze" },
  { title: "Silver", color: "silver" },
  { title: "Gold", color: "gold" },
];

export const scorecardBodySchema = z.strictObject({
  identifier: z.string({ error: "is required" }).min(1).max(100).regex(KEY, "may contain only letters, digits, _ and -"),
  title: z.string({ error: "is required" }).min(1, "must not be empty").max(200),
  description: z.string().max(5000).optional(),
  filter: querySchema.optional(),
  levels: z
    .array(z.strictObject({ title: z.string().min(1).max(100), color: z.string().max(50).default("paleBlue") }))
    .min(1, "needs at least one level")
    .max(10)
    .default(DEFAULT_LEVELS),
  rules: z
    .array(
      z.strictObject({
        identifier: z.string({ error: "is required" }).min(1).max(100).regex(KEY, "may contain only letters, digits, _ and -"),
        title: z.string({ error: "is required" }).min(1).max(200),
        description: z.string().max(5000).optional(),
        level: z.string({ error: "must name a level" }),
        query: querySchema,
        /** Beyond Port: how much the rule counts towards the score (default 1). */
        weight: z.number().positive("must be positive").max(1000).default(1),
      }),
    )
    .max(30, "may hold at most 30 rules")
    .default([]),
  // Fields Port returns: accepted (so an export re-imports), then ignored.
  id: z.unknown().optional(),
  blueprint: z.unknown().optional(),
  createdAt: z.unknown().optional(),
  createdBy: z.unknown().optional(),
  updatedAt: z.unknown().optional(),
  updatedBy: z.unknown().optional(),
  version: z.unknown().optional(),
});

export type ScorecardDefinition = Omit<
  z.infer<typeof scorecardBodySchema>,
  "id" | "blueprint" | "createdAt" | "createdBy" | "updatedAt" | "updatedBy" | "version"
>;

/** A scorecard ready to evaluate: every query resolved against the blueprint. */
export interface CompiledScorecard {
  blueprint: string;
  identifier: string;
  levels: string[];
  filter: Filter;
  rules: { identifier: string; levelIndex: number; weight: number; filter: Filter }[];
}

function resolve(
  raw: { combinator: string; conditions: unknown[] },
  bp: Blueprint,
  all: Blueprint[],
  path: string,
  problems: ErrorDetail[],
): Filter {
  try {
    // Scores are the portal's view, not a reader's: every entity and mirror value counts.
    return resolveQuery(
      { combinator: raw.combinator, rules: raw.conditions },
      { blueprints: [bp], allBlueprints: all, user: { email: "", teams: [] }, now: new Date() },
      path,
    );
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    problems.push(...error.details.map((d) => ({ ...d, path: d.path.replace(`${path}.rules`, `${path}.conditions`) })));
    return { kind: "none" };
  }
}

/** Parses and checks a scorecard body against its blueprint; throws one 400 naming every problem. */
export function parseScorecard(
  raw: unknown,
  bp: Blueprint,
  all: Blueprint[],
): { definition: ScorecardDefinition; compiled: CompiledScorecard } {
  const parsed = scorecardBodySchema.safeParse(raw);
  if (!parsed.success) throw invalid(zodDetails(parsed.error));
  const { id: _i, blueprint: _b, createdAt: _ca, createdBy: _cb, updatedAt: _ua, updatedBy: _ub, version: _v, ...definition } = parsed.data;
  return { definition, compiled: compileScorecard(definition, bp, all) };
}

/** Resolves a stored definition's queries (again: the blueprint may have changed since). */
export function compileScorecard(definition: ScorecardDefinition, bp: Blueprint, all: Blueprint[]): CompiledScorecard {
  const problems: ErrorDetail[] = [];
  const levels = definition.levels.map((l) => l.title);
  if (new Set(levels).size !== levels.length) problems.push({ path: "levels", message: "level titles must be unique" });
  const seen = new Set<string>();
  const rules = definition.rules.map((r, i) => {
    if (seen.has(r.identifier)) problems.push({ path: `rules.${i}.identifier`, message: `'${r.identifier}' is used twice` });
    seen.add(r.identifier);
    const levelIndex = levels.indexOf(r.level);
    if (levelIndex < 0) problems.push({ path: `rules.${i}.level`, message: `must be one of ${levels.join(", ")}` });
    else if (levelIndex === 0)
      problems.push({ path: `rules.${i}.level`, message: `the first level ('${levels[0]}') is where entities start and has no rules` });
    return { identifier: r.identifier, levelIndex, weight: r.weight, filter: resolve(r.query, bp, all, `rules.${i}.query`, problems) };
  });
  const filter = definition.filter ? resolve(definition.filter, bp, all, "filter", problems) : ({ kind: "all" } as Filter);
  if (problems.length > 0) throw invalid(problems);
  return { blueprint: bp.identifier, identifier: definition.identifier, levels, filter, rules };
}
