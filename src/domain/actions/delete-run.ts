import { type Database, runBatch } from "../../db/client";
import { linkRunEntityStatement, type RunRecord } from "../../db/run-store";
import { AppError } from "../../lib/errors";
import { deleteEntity } from "../catalog/entity-delete";
import { renderTemplate } from "../expressions/template";
import type { DeleteInvocation } from "./definition";
import { templateContext } from "./payload";

/**
 * Runs a DELETE_ENTITY invocation: deletes the run's entity (or the one `entityIdentifier` renders to) in the
 * requester's name; as with UPSERT_ENTITY, the action's execute grant was checked when the run started.
 */
export async function deleteFromRun(db: Database, run: RunRecord, encryptionSecret: string): Promise<{ ok: boolean; summary: string }> {
  const invocation = run.context.invocation as DeleteInvocation;
  const blueprint = invocation.blueprintIdentifier ?? run.blueprint;
  let identifier: unknown = run.entity;
  if (invocation.entityIdentifier !== undefined) {
    const rendered = await renderTemplate(invocation.entityIdentifier, await templateContext(run, encryptionSecret));
    if (rendered.errors.length > 0) return { ok: false, summary: `The entity identifier template failed: ${rendered.errors[0]?.message}` };
    identifier = rendered.value;
  }
  if (!blueprint || typeof identifier !== "string" || identifier === "") {
    return { ok: false, summary: "The run names no entity to delete" };
  }
  const now = new Date().toISOString();
  try {
    const result = await deleteEntity(
      db,
      blueprint,
      identifier,
      { deleteDependents: invocation.deleteDependents },
      { actor: run.requestedBy, origin: "ACTION", requestId: `run:${run.id}`, now, runId: run.id },
    );
    await runBatch(db, [linkRunEntityStatement(db, run.id, blueprint, identifier, now)]);
    return { ok: true, summary: `Deleted ${result.deleted.map((d) => `${d.blueprint} '${d.identifier}'`).join(", ")}` };
  } catch (error) {
    if (error instanceof AppError && error.status < 500) return { ok: false, summary: `The entity was not deleted: ${error.message}` };
    throw error;
  }
}
