import type { Database } from "../../db/client";
import type { RelationLink } from "../../db/entity-store";
import type { CatalogAccess } from "../access/authorized-catalog";
import type { RunView } from "../actions/run-view";
import { listRunsFor } from "../actions/runs";
import { searchAuditLog } from "../audit/audit-log";
import type { EntityWithRelated } from "../catalog/entity-read";
import { entityChanges, type FieldChange } from "./entity-diff";

/** How much of an entity's activity its page shows at once. */
export const ACTIVITY_LIMITS = { runs: 10, history: 20 } as const;

/** A relation seen from one end, with the relation's title from the blueprint that defines it. */
export interface LabelledLink extends RelationLink {
  label: string;
}

/** One audited change of the entity, with its field-by-field diff for updates. */
export interface HistoryEntry {
  id: string;
  at: string;
  actor: string;
  origin: string;
  action: string;
  runId: string | null;
  changes: FieldChange[];
}

export interface EntityActivity {
  outgoing: LabelledLink[];
  incoming: LabelledLink[];
  /** Runs the viewer may see that acted on the entity or created/changed it, newest first. */
  runs: RunView[];
  moreRuns: boolean;
  /** The entity's audit entries, newest first, from `historyCursor` on. */
  history: HistoryEntry[];
  /** Cursor of the next (older) page of history, if any. */
  historyNext: string | null;
}

/** A relation's title, from the blueprint that defines it (the source's), or its key. */
function label(access: CatalogAccess, sourceBlueprint: string, link: RelationLink): LabelledLink {
  return { ...link, label: access.blueprints.get(sourceBlueprint)?.relations[link.relation]?.title ?? link.relation };
}

/**
 * What the entity page shows beyond the entity itself: its relations labelled, the runs that touched it,
 * and its audit history with diffs.
 *
 * `seen` must come from getVisibleEntity under the same `access`: that read check is what lets a reader see
 * the entity's history. Anyone who may read an entity sees its own audit rows (as Port shows an entity's
 * audit tab to its readers); the whole audit log stays admin-only. Relations to entities the reader may
 * not read are already left out of `seen`.
 */
export async function entityActivity(
  db: Database,
  access: CatalogAccess,
  seen: EntityWithRelated,
  historyCursor: string | undefined,
): Promise<EntityActivity> {
  const blueprint = seen.blueprint.identifier;
  const identifier = seen.entity.identifier;
  const [runs, audits] = await Promise.all([
    listRunsFor(db, access.principal, { touching: { blueprint, identifier }, limit: ACTIVITY_LIMITS.runs }),
    // From this entity's creation on: rows of an earlier, deleted entity with the same identifier belonged
    // to someone else's entity (perhaps another team's) and are not this reader's to see.
    searchAuditLog(db, {
      resourceType: "entity",
      blueprint,
      entity: identifier,
      from: seen.entity.createdAt,
      cursor: historyCursor,
      limit: ACTIVITY_LIMITS.history,
    }),
  ]);
  return {
    outgoing: (seen.related?.outgoing ?? []).map((l) => label(access, blueprint, l)),
    incoming: (seen.related?.incoming ?? []).map((l) => label(access, l.blueprint, l)),
    runs: runs.runs,
    moreRuns: runs.next !== null,
    history: audits.audits.map((a) => ({
      id: a.identifier,
      at: a.trigger.at,
      actor: a.trigger.by.userId,
      origin: a.trigger.origin,
      action: a.action,
      runId: a.context.runId,
      changes: a.action === "UPDATE" ? entityChanges(a.diff.before, a.diff.after) : [],
    })),
    historyNext: audits.next,
  };
}
