import type { Database } from "../../../db/client";
import { type CatalogAccess, searchScopeFor } from "../../../domain/access/authorized-catalog";
import { search } from "../../../domain/catalog/search/search";
import { AppError } from "../../../lib/errors";
import { isPlainObject } from "./form-fields";

/** How many entities a rule would pass right now (of those the viewer may read), or why that is unknown. */
export type RulePassing = { passing: number; total: number } | { unknown: string };

/** Port's scorecard query `{combinator, conditions}` as a search group `{combinator, rules}`, if it is one. */
function asSearchGroup(query: unknown): { combinator: unknown; rules: unknown[] } | null {
  return isPlainObject(query) && Array.isArray(query.conditions) ? { combinator: query.combinator, rules: query.conditions } : null;
}

/**
 * "Would pass: N of M" for every rule of a draft scorecard, through the real search within the viewer's
 * read scope: M entities match the scorecard's filter, N of them also match the rule. A rule whose query
 * the search refuses shows why instead.
 */
export async function rulesPassing(
  db: Database,
  access: CatalogAccess,
  blueprint: string,
  definition: Record<string, unknown>,
): Promise<RulePassing[]> {
  const scope = searchScopeFor(access, new Date());
  const filter = definition.filter === undefined ? [] : [asSearchGroup(definition.filter)];
  const rules = Array.isArray(definition.rules) ? definition.rules : [];
  const count = async (groups: unknown[]) =>
    (await search(db, scope, { query: { combinator: "and", rules: groups }, limit: 1, include: ["$identifier"] }, blueprint)).total;
  const unknown = (error: unknown): RulePassing => {
    if (error instanceof AppError && error.status < 500) return { unknown: error.details[0]?.message ?? error.message };
    throw error;
  };
  if (filter[0] === null) return rules.map(() => ({ unknown: "the filter is not a query" }));
  let total: number;
  try {
    total = await count(filter);
  } catch (error) {
    const why = unknown(error);
    return rules.map(() => ("unknown" in why ? { unknown: `the filter: ${why.unknown}` } : why));
  }
  const out: RulePassing[] = [];
  for (const rule of rules) {
    const group = asSearchGroup(isPlainObject(rule) ? rule.query : undefined);
    if (!group) {
      out.push({ unknown: "the rule has no query" });
      continue;
    }
    try {
      out.push({ passing: await count([...filter, group]), total });
    } catch (error) {
      out.push(unknown(error));
    }
  }
  return out;
}
