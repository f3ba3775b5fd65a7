import type { AuditRecord } from "../../db/audit-store";
import type { StoredAutomation } from "../../db/automation-store";
import type { Database, Statement } from "../../db/client";
import { derivedSnapshots, relationSources, saveDerivedSnapshotsStatements } from "../../db/derived-snapshot-store";
import { findEntities } from "../../db/entity-store";
import { withDerivedProperties } from "../catalog/derived/derive";
import { relationTargetsOf } from "../catalog/entity-shape";
import type { Blueprint } from "../catalog/types";
import type { PortalEvent } from "./event";

/**
 * Beyond Port: automations on ENTITY_UPDATED / ANY_ENTITY_CHANGE also fire when a **mirror or aggregation**
 * value of an entity changes although the entity itself was not written (a related entity was). When an
 * entity changes, the entities one relation away (either direction) whose blueprint such an automation
 * watches get their derived values recomputed and compared with the last values seen (`derived_snapshots`);
 * a difference becomes an ENTITY_UPDATED audit row (origin DERIVED) that flows on like any other event.
 * The first values seen for an entity are its baseline: its own writes and related changes refresh it.
 */

function derivedKeys(bp: Blueprint): string[] {
  return [...Object.keys(bp.mirrorProperties), ...Object.keys(bp.aggregationProperties)];
}

/** Blueprints with derived values that some automation on entity updates watches. */
export function watchedBlueprints(automations: StoredAutomation[], bps: Map<string, Blueprint>): Set<string> {
  const out = new Set<string>();
  for (const a of automations) {
    const { type, blueprintIdentifier } = a.trigger.event;
    if (!a.publish || !blueprintIdentifier || (type !== "ENTITY_UPDATED" && type !== "ANY_ENTITY_CHANGE")) continue;
    const bp = bps.get(blueprintIdentifier);
    if (bp && derivedKeys(bp).length > 0) out.add(blueprintIdentifier);
  }
  return out;
}

/**
 * The audit rows (ENTITY_UPDATED, origin DERIVED) for derived values an entity event changed elsewhere,
 * and the snapshot writes; the caller runs them in one batch.
 */
export async function derivedChanges(
  db: Database,
  bps: Map<string, Blueprint>,
  watched: Set<string>,
  e: PortalEvent,
): Promise<{ audits: AuditRecord[]; statements: Statement[] }> {
  const none = { audits: [], statements: [] };
  if (watched.size === 0 || !e.blueprint || !e.entity || !e.type.startsWith("ENTITY_")) return none;
  const own = bps.get(e.blueprint);
  const candidates = [
    ...relationTargetsOf(own, e.diff.before),
    ...relationTargetsOf(own, e.diff.after),
    ...(e.type === "ENTITY_DELETED" ? [] : await relationSources(db, e.blueprint, e.entity)),
    ...(e.type === "ENTITY_DELETED" ? [] : [{ blueprint: e.blueprint, identifier: e.entity }]),
  ].filter((c) => watched.has(c.blueprint));
  const byBlueprint = new Map<string, Set<string>>();
  for (const c of candidates) byBlueprint.set(c.blueprint, (byBlueprint.get(c.blueprint) ?? new Set()).add(c.identifier));
  const audits: AuditRecord[] = [];
  const statements: Statement[] = [];
  const at = new Date().toISOString();
  for (const [blueprint, ids] of byBlueprint) {
    const bp = bps.get(blueprint) as Blueprint;
    const keys = derivedKeys(bp);
    const stored = await findEntities(db, blueprint, [...ids]);
    const [entities, seen] = await Promise.all([withDerivedProperties(db, bps, stored), derivedSnapshots(db, blueprint, [...ids])]);
    const snapshots: { identifier: string; derived: Record<string, unknown> }[] = [];
    for (const entity of entities) {
      const derived = Object.fromEntries(keys.map((k) => [k, entity.properties[k] ?? null]));
      const before = seen.get(entity.identifier);
      snapshots.push({ identifier: entity.identifier, derived });
      // The entity's own write is already an event; elsewhere a changed derived value becomes one.
      const ownWrite = blueprint === e.blueprint && entity.identifier === e.entity;
      if (!before || ownWrite || JSON.stringify(before) === JSON.stringify(derived)) continue;
      audits.push({
        at,
        actor: "derived",
        origin: "DERIVED",
        action: "UPDATE",
        resourceType: "entity",
        blueprint,
        entity: entity.identifier,
        before: { ...entity, properties: { ...entity.properties, ...before } },
        after: entity,
        requestId: `ev_${e.id}`,
        runId: e.runId,
      });
    }
    statements.push(...saveDerivedSnapshotsStatements(db, blueprint, snapshots, at));
  }
  return { audits, statements };
}
