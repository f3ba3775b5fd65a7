import { findBlueprint } from "../../db/blueprint-store";
import { type Database, runBatch, type Statement } from "../../db/client";
import { findEntities } from "../../db/entity-store";
import { claimCreatedStatements, markSeenStatements } from "../../db/integration-entity-store";
import { AppError, type ErrorDetail } from "../../lib/errors";
import { parseEntityInput } from "../catalog/entity-input";
import { type EntityWrite, type WriteOutcome, writeEntities } from "../catalog/entity-write";
import type { WriteContext } from "../catalog/types";
import { changedFields } from "./entity-diff";
import type { MappedEntity, MappingResult } from "./map-items";

/** What writing one page of mapped entities did. */
export interface WriteTally {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: ErrorDetail[];
}

/** Who writes: the integration (ownership) and the sync (seen markers). */
export interface SyncOwner {
  integration: string;
  syncId: string;
  createMissingRelated: boolean;
}

type Body = MappedEntity["body"];

/** One blueprint's entities of the page; a repeated identifier keeps its last mapping. */
interface Group {
  blueprint: string;
  bodies: Map<string, Body>;
  /** Entities the mapping failed on: still returned by the source, so they count as seen. */
  failedIds: string[];
}

/** An entity refused because a relation target does not exist yet, kept for the next round with its reason. */
interface Deferral {
  identifier: string;
  error: ErrorDetail;
}

function groupByBlueprint(entities: MappedEntity[], failed: { blueprint: string; identifier: string }[]): Group[] {
  const groups = new Map<string, Group>();
  const group = (blueprint: string) => {
    let g = groups.get(blueprint);
    if (!g) {
      g = { blueprint, bodies: new Map(), failedIds: [] };
      groups.set(blueprint, g);
    }
    return g;
  };
  for (const e of entities) group(e.blueprint).bodies.set(e.body.identifier, e.body);
  for (const f of failed) group(f.blueprint).failedIds.push(f.identifier);
  return [...groups.values()];
}

function emptyTally(): WriteTally {
  return { created: 0, updated: 0, unchanged: 0, failed: 0, errors: [] };
}

function add(into: WriteTally, more: WriteTally): void {
  into.created += more.created;
  into.updated += more.updated;
  into.unchanged += more.unchanged;
  into.failed += more.failed;
  into.errors.push(...more.errors);
}

/** An entity that could not be written, named by blueprint and identifier, with its first problem. */
function failure(bp: string, identifier: string | null, error: AppError): ErrorDetail {
  const detail = error.details[0];
  return { path: `${bp}/${identifier ?? "?"}`, message: detail ? `${detail.path}: ${detail.message}` : error.message };
}

/**
 * Writes a page of mapped entities, one blueprint after the other in mapping order (so relation targets
 * written earlier exist), merging into existing entities and skipping those a write would not change.
 * Entities refused only because a relation target did not exist yet wait for another round over the page
 * (blueprints that point at each other: a Component consuming an API that needs its Component); rounds go
 * on while a round creates something, since only a creation can make a missing target exist. What is left
 * when a round created nothing fails with its reason.
 * Entities the integration creates become its own; owned entities seen here (written, unchanged, or
 * failing validation, since the source still returns them) are marked seen by the sync. `commit` gives
 * the statements that record the page's progress: they run in the batch of the page's last writes.
 */
export async function writeMappedEntities(
  db: Database,
  owner: SyncOwner,
  mapped: Pick<MappingResult, "entities" | "failed">,
  ctx: WriteContext,
  commit: (tally: WriteTally) => Statement[],
): Promise<WriteTally> {
  const tally: WriteTally = { ...emptyTally(), failed: mapped.failed.length };
  let round = groupByBlueprint(mapped.entities, mapped.failed);
  if (round.length === 0) await runBatch(db, commit(tally));
  while (round.length > 0) {
    const waiting = new Map<string, Group>();
    const reasons: ErrorDetail[] = [];
    let created = 0;
    for (const [i, group] of round.entries()) {
      // The round's last write, with nothing waiting, is the page's last: it counts its refusals and commits.
      const final = i === round.length - 1 && waiting.size === 0;
      const result = await writeGroup(db, owner, group, ctx, tally, final ? commit : null, !final);
      add(tally, result.tally);
      created += result.tally.created;
      for (const { identifier, error } of result.deferred) {
        const later = waiting.get(group.blueprint) ?? { blueprint: group.blueprint, bodies: new Map(), failedIds: [] };
        later.bodies.set(identifier, group.bodies.get(identifier) as Body);
        waiting.set(group.blueprint, later);
        reasons.push(error);
      }
    }
    if (waiting.size === 0) break;
    if (created === 0) {
      // Nothing appeared that a waiting entity could point at: another round would be refused the same way.
      tally.failed += reasons.length;
      tally.errors.push(...reasons);
      await runBatch(db, commit(tally));
      break;
    }
    round = [...waiting.values()];
  }
  return tally;
}

/** Writes one blueprint's entities in one batch (with `commit`'s statements when it is the page's last). */
async function writeGroup(
  db: Database,
  owner: SyncOwner,
  group: Group,
  ctx: WriteContext,
  before: WriteTally,
  commit: ((tally: WriteTally) => Statement[]) | null,
  mayDefer: boolean,
): Promise<{ tally: WriteTally; deferred: Deferral[] }> {
  const bp = group.blueprint;
  const own = emptyTally();
  const seen = [...group.failedIds];
  const total = (mine: WriteTally) => {
    const t: WriteTally = { ...before, errors: [...before.errors] };
    add(t, mine);
    return t;
  };
  const blueprint = await findBlueprint(db, bp);
  if (!blueprint) {
    own.failed = group.bodies.size;
    if (group.bodies.size > 0) own.errors.push({ path: bp, message: `blueprint '${bp}' does not exist (${group.bodies.size} entities)` });
    if (commit) await runBatch(db, commit(total(own)));
    return { tally: own, deferred: [] };
  }
  const ids = [...group.bodies.keys()];
  const existing = new Map((await findEntities(db, bp, ids)).map((e) => [e.identifier, e]));
  const writes: EntityWrite[] = [];
  for (const [identifier, body] of group.bodies) {
    const stored = existing.get(identifier);
    if (stored && changedFields(blueprint, stored, body).length === 0) {
      own.unchanged += 1;
      seen.push(identifier);
      continue;
    }
    try {
      writes.push({ input: parseEntityInput(body, bp), pathPrefix: "" });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      own.failed += 1;
      own.errors.push(failure(bp, identifier, error));
      seen.push(identifier);
    }
  }
  /** What the failed writes add: those waiting for a relation target are deferred, the others counted. */
  const settle = (failed: WriteOutcome[], mine: WriteTally): Deferral[] => {
    const deferred: Deferral[] = [];
    for (const o of failed) {
      if (o.ok) continue;
      const error = failure(bp, o.identifier, o.error);
      if (mayDefer && o.error.code === "unknown_related_entity" && o.identifier !== null)
        deferred.push({ identifier: o.identifier, error });
      else {
        mine.failed += 1;
        mine.errors.push(error);
      }
    }
    return deferred;
  };
  // Set by the batch hook: what the batch that landed recorded (the hook runs again if a write is retried).
  const landed: { tally: WriteTally | null; deferred: Deferral[] } = { tally: null, deferred: [] };
  const outcomes =
    writes.length === 0
      ? []
      : await writeEntities(
          db,
          bp,
          "create",
          writes,
          {
            upsert: true,
            merge: true,
            createMissingRelated: owner.createMissingRelated,
            alsoInBatch: ({ written, failed }) => {
              const created = written.filter((w) => w.created).map((w) => w.identifier);
              const updated = written.filter((w) => !w.created).map((w) => w.identifier);
              const mine: WriteTally = { ...own, errors: [...own.errors], created: created.length, updated: updated.length };
              landed.deferred = settle(failed, mine);
              landed.tally = mine;
              const failedIds = failed.map((f) => f.identifier).filter((id): id is string => id !== null);
              return [
                ...claimCreatedStatements(db, owner.integration, bp, created, owner.syncId),
                ...markSeenStatements(db, owner.integration, bp, [...updated, ...failedIds, ...seen], owner.syncId),
                ...(commit ? commit(total(mine)) : []),
              ];
            },
          },
          ctx,
        );
  if (landed.tally) return { tally: landed.tally, deferred: landed.deferred };
  // Nothing landed for this blueprint (all unchanged or refused): record what was seen on its own.
  const deferred = settle(outcomes, own);
  await runBatch(db, [
    ...markSeenStatements(db, owner.integration, bp, [...seen, ...ids], owner.syncId),
    ...(commit ? commit(total(own)) : []),
  ]);
  return { tally: own, deferred };
}
