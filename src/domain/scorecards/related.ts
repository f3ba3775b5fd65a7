import type { Database } from "../../db/client";
import { runBatch } from "../../db/client";
import { relationSources } from "../../db/derived-snapshot-store";
import { listScorecards, scoreStatements } from "../../db/scorecard-store";
import type { Blueprint } from "../catalog/types";
import type { PortalEvent } from "../events/event";
import { compileScorecard } from "./definition";

function targetsOf(bp: Blueprint | undefined, entity: unknown): { blueprint: string; identifier: string }[] {
  const relations = (entity as { relations?: Record<string, unknown> } | null)?.relations ?? {};
  return Object.entries(relations).flatMap(([key, value]) => {
    const target = bp?.relations[key]?.target;
    return target
      ? [value]
          .flat()
          .filter((v): v is string => typeof v === "string")
          .map((identifier) => ({ blueprint: target, identifier }))
      : [];
  });
}

/**
 * A rule may read a related entity (mirror, aggregation, relatedTo): when an entity changes, the entities one
 * relation away (either direction) are rescored in their blueprints' scorecards. The entity itself was
 * rescored by its own write.
 */
export async function rescoreRelated(db: Database, bps: Map<string, Blueprint>, e: PortalEvent): Promise<void> {
  if (!e.blueprint || !e.entity || !e.type.startsWith("ENTITY_")) return;
  const scorecards = await listScorecards(db);
  if (scorecards.length === 0) return;
  const scored = new Set(scorecards.map((s) => s.blueprint));
  const own = bps.get(e.blueprint);
  const related = [
    ...targetsOf(own, e.diff.before),
    ...targetsOf(own, e.diff.after),
    ...(e.type === "ENTITY_DELETED" ? [] : await relationSources(db, e.blueprint, e.entity)),
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
