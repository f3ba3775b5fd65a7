import type { Database } from "../../db/client";
import { AppError } from "../../lib/errors";
import { type CatalogAccess, searchScopeFor } from "../access/authorized-catalog";
import { search } from "../catalog/search/search";

/**
 * Does an entity meet a DAY-2 / DELETE action's `trigger.condition` (as the caller may see the catalog)?
 * The one answer behind both the entity page's action list and the check when a run starts. A condition
 * the search cannot run offers the action nowhere.
 */
export async function meetsCondition(
  db: Database,
  access: CatalogAccess,
  trigger: { blueprintIdentifier: string; condition?: ({ type?: string | undefined } & Record<string, unknown>) | undefined },
  identifier: string,
  now = new Date(),
): Promise<boolean> {
  if (!trigger.condition) return true;
  const { type: _type, ...query } = trigger.condition;
  const rules = [query, { property: "$identifier", operator: "=", value: identifier }];
  try {
    const hit = await search(
      db,
      searchScopeFor(access, now),
      { query: { combinator: "and", rules }, limit: 1 },
      trigger.blueprintIdentifier,
    );
    return hit.total > 0;
  } catch (error) {
    if (error instanceof AppError && error.status === 400) return false;
    throw error;
  }
}
