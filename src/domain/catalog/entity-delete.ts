import { insertAuditStatements } from "../../db/audit-store";
import { listBlueprints } from "../../db/blueprint-store";
import { type Database, runBatch } from "../../db/client";
import { dependents, findEntities, type StoredEntity } from "../../db/entity-store";
import { deleteEntitiesStatements } from "../../db/entity-write-store";
import { AppError, notFound } from "../../lib/errors";
import { toApiEntity } from "./entity-shape";
import type { Blueprint, WriteContext } from "./types";

/** Most entities one delete may take with it through `delete_dependents`. */
const MAX_CASCADE = 10_000;

/**
 * Deletes an entity. Entities that *require* it through a relation block the delete (409 naming them)
 * unless `deleteDependents`, which deletes them too, transitively. Optional relations pointing at it
 * simply disappear. Everything deleted is audited, in the same batch.
 */
export async function deleteEntity(
  db: Database,
  blueprintId: string,
  identifier: string,
  opts: {
    deleteDependents: boolean;
    /** Access check for each entity about to be deleted (see domain/access). */
    authorize?: ((blueprint: Blueprint, entity: StoredEntity) => Promise<AppError | null>) | undefined;
  },
  ctx: WriteContext,
): Promise<{ deleted: { blueprint: string; identifier: string }[] }> {
  const blueprints = new Map((await listBlueprints(db)).map((b) => [b.identifier, b]));
  const blueprint = blueprints.get(blueprintId);
  if (!blueprint) throw notFound(`Blueprint '${blueprintId}'`);
  const [root] = await findEntities(db, blueprintId, [identifier]);
  if (!root) throw notFound(`Entity '${identifier}' of blueprint '${blueprintId}'`);

  const doomed = new Map<number, { blueprint: Blueprint; entity: StoredEntity }>([[root.id, { blueprint, entity: root }]]);
  let frontier: { blueprint: string; ids: number[] }[] = [{ blueprint: blueprintId, ids: [root.id] }];
  while (frontier.length > 0) {
    const next: { blueprint: string; ids: number[] }[] = [];
    for (const layer of frontier) {
      for (const source of blueprints.values()) {
        for (const [relation, def] of Object.entries(source.relations)) {
          if (!def.required || def.target !== layer.blueprint) continue;
          const found = (await dependents(db, source.identifier, relation, layer.ids)).filter((d) => !doomed.has(d.id));
          if (found.length === 0) continue;
          if (!opts.deleteDependents) {
            throw new AppError(
              409,
              "has_dependents",
              `Entity '${identifier}' is required by ${found.length} other entit${found.length === 1 ? "y" : "ies"}; delete them first or pass delete_dependents=true`,
              found.slice(0, 50).map((d) => ({
                path: `relations.${relation}`,
                message: `'${d.identifier}' (${d.blueprint}) requires this entity through its '${relation}' relation`,
              })),
            );
          }
          const stored = await findEntities(
            db,
            source.identifier,
            found.map((d) => d.identifier),
          );
          for (const e of stored) doomed.set(e.id, { blueprint: source, entity: e });
          if (doomed.size > MAX_CASCADE) {
            throw new AppError(
              409,
              "cascade_too_large",
              `Deleting '${identifier}' would delete more than ${MAX_CASCADE} entities; delete in smaller steps`,
            );
          }
          next.push({ blueprint: source.identifier, ids: stored.map((e) => e.id) });
        }
      }
    }
    frontier = next;
  }

  const gone = [...doomed.values()];
  for (const { blueprint: bp, entity } of gone) {
    const denied = opts.authorize ? await opts.authorize(bp, entity) : null;
    if (denied) throw denied;
  }
  await runBatch(db, [
    ...insertAuditStatements(
      db,
      gone.map(({ blueprint: bp, entity }) => ({
        at: ctx.now,
        actor: ctx.actor,
        origin: ctx.origin,
        action: "DELETE" as const,
        resourceType: "entity" as const,
        blueprint: bp.identifier,
        entity: entity.identifier,
        before: toApiEntity(bp, entity),
        after: null,
        requestId: ctx.requestId,
        runId: ctx.runId ?? null,
      })),
    ),
    ...deleteEntitiesStatements(db, [...doomed.keys()]),
  ]);
  return { deleted: gone.map(({ entity }) => ({ blueprint: entity.blueprint, identifier: entity.identifier })) };
}
