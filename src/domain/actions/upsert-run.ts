import type { Database } from "../../db/client";
import { runBatch } from "../../db/client";
import { linkRunEntityStatement, type RunRecord } from "../../db/run-store";
import { writeEntityBodies } from "../catalog/entity-write";
import { renderTemplate } from "../expressions/template";
import type { UpsertInvocation } from "./definition";
import { templateContext } from "./payload";

function withoutNulls(section: unknown): Record<string, unknown> | undefined {
  if (section === null || typeof section !== "object") return undefined;
  return Object.fromEntries(Object.entries(section).filter(([, v]) => v !== null && v !== undefined));
}

/**
 * Runs an UPSERT_ENTITY invocation: renders the mapping over the run's context and writes the entity
 * (merged into an existing one) in the requester's name. Permission was decided when the run started:
 * the action's execute grant is what lets a developer change the catalog through it.
 * Returns the run's result; a successful write is linked to the run.
 */
export async function upsertFromRun(
  db: Database,
  run: RunRecord,
  encryptionSecret: string,
): Promise<{ ok: boolean; summary: string; entity?: { blueprint: string; identifier: string } }> {
  const invocation = run.context.invocation as UpsertInvocation;
  const ctx = await templateContext(run, encryptionSecret);
  const rendered = await renderTemplate(invocation.mapping, ctx);
  if (rendered.errors.length > 0) {
    return { ok: false, summary: `The mapping failed: ${rendered.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}` };
  }
  const mapping = rendered.value as Record<string, unknown>;
  const blueprint = invocation.blueprintIdentifier;
  const sameEntity = run.entity !== null && run.blueprint === blueprint;
  const body = {
    ...Object.fromEntries(Object.entries(mapping).filter(([k, v]) => k !== "properties" && k !== "relations" && v !== null)),
    identifier: mapping.identifier ?? (sameEntity ? run.entity : undefined),
    properties: withoutNulls(mapping.properties),
    relations: withoutNulls(mapping.relations),
  };
  const now = new Date();
  const [outcome] = await writeEntityBodies(
    db,
    blueprint,
    "create",
    [{ raw: body, pathPrefix: "mapping" }],
    { upsert: true, merge: true, createMissingRelated: false },
    { actor: run.requestedBy, origin: "ACTION", requestId: `run:${run.id}`, now: now.toISOString(), runId: run.id },
  );
  if (!outcome) return { ok: false, summary: "The mapping produced no entity" };
  if (!outcome.ok) {
    const details = outcome.error.details.map((d) => `${d.path}: ${d.message}`).join("; ");
    return { ok: false, summary: `The entity was not written: ${details || outcome.error.message}` };
  }
  await runBatch(db, [linkRunEntityStatement(db, run.id, blueprint, outcome.identifier, now.toISOString())]);
  return {
    ok: true,
    summary: `${outcome.created ? "Created" : "Updated"} ${blueprint} '${outcome.identifier}'`,
    entity: { blueprint, identifier: outcome.identifier },
  };
}
