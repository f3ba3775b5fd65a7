import type { Database } from "../../db/client";
import { runBatch } from "../../db/client";
import { relationSources } from "../../db/derived-snapshot-store";
import { type StoredScorecard, scoreStatements } from "../../db/scorecard-store";
import { relationTargetsOf } from "../catalog/entity-shape";
import type { Blueprint } from "../catalog/types";
import type { PortalEvent } from "../events/event";
import { compileScorecard } from "./definition";

/** Hops walked back along relations (a mirror `cluster.region.name` reads two). */
const MAX_HOPS = 3;
/** Entities rescored per change at most; a bigger fan-out is left to the next write or scorecard change. */
const MAX_RELATED = 500;

/** Entities pointing at `start` directly or through up to MAX_HOPS relations (who may mirror it). */
async function sourcesWithin(db: Database, start: { blueprint: string; identifier: string }) {
  const seen = new Map<string, { blueprint: string; identifier: string }>();
  let frontier = [start];
  for (let hop = 0; hop < MAX_HOPS && frontier.length > 0 && seen.size < MAX_RELATED; hop++) {
    const next: { blueprint: string; identifier: string }[] = [];
    for (const node of frontier) {
      for (const source of await relationSources(db, node.blueprint, node.identifier)) {
        const key = `${source.blueprint}\u0000${source.identifier}`;
        if (seen.has(key) || seen.size >= MAX_RELATED) continue;
        seen.set(key, source);
        next.push(source);
      }
    }
    frontier = next;
  }
  return [...seen.values()];
}

/**
 * A rule may read a related entity (mirror, aggregation, relatedTo): when an entity changes, the entities it
 * points to and those pointing at it (up to three relations back) are rescored in their blueprints' scorecards. The entity itself was
 * rescored by its own write.
 */
export async function rescoreRelated(
  db: Database,
  bps: Map<string, Blueprint>,
  scorecards: StoredScorecard[],
  e: PortalEvent,
): Promise<void> {
  if (!e.blueprint || !e.entity || !e.type.startsWith("ENTITY_")) return;
  if (scorecards.length === 0) return;
  const scored = new Set(scorecards.map((s) => s.blueprint));
  const own = bps.get(e.blueprint);
  const related = [
    ...relationTargetsOf(own, e.diff.before),
    ...relationTargetsOf(own, e.diff.after),
    ...(e.type === "ENTITY_DELETED" ? [] : await sourcesWithin(db, { blueprint: e.blueprint, identifier: e.entity })),
  ].filter((r) => scored.has(r.blueprint) && !(r.blueprint === e.blueprint && r.identifier === e.entity));
  if (related.length === 0) return;
  const all = [...bps.values()];
  const now = new Date().toISOString();
  for (const s of scorecards) {
    const identifiers = [...new Set(related.filter((r) => r.blueprint === s.blueprint).map((r) => r.identifier))];
    const bp = bps.get(s.blueprint);
    if (identifiers.length === 0 || !bp) continue;
    try {
      await runBatch(db, scoreStatements(db, compileScorecard(s, bp, all), { kind: "identifiers", identifiers }, now));
    } catch (error) {
      // A scorecard its blueprint no longer fits scores nothing (see scoreWrittenStatements); others go on.
      console.warn(JSON.stringify({ level: "warn", event: "rescore_related_failed", scorecard: s.identifier, error: String(error) }));
    }
  }
}
