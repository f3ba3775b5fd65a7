import { findBlueprint, listBlueprints } from "../../db/blueprint-store";
import type { Database } from "../../db/client";
import { AppError } from "../../lib/errors";
import { importActions } from "../actions/actions";
import { importAutomations } from "../automations/automations";
import { applyBlueprints } from "../catalog/blueprints";
import { writeEntityBodies } from "../catalog/entity-write";
import type { WriteContext } from "../catalog/types";
import { importScorecards, type ScoringQueue } from "../scorecards/scorecards";
import { withRequirements } from "./registry";
import type { Template } from "./template";

export interface TemplateResult {
  template: string;
  blueprints: { created: string[]; unchanged: string[] };
  entities: { created: number; unchanged: number };
  actions: { created: string[]; unchanged: string[] };
  automations: { created: string[]; unchanged: string[] };
  scorecards: { created: string[]; unchanged: string[] };
}

/** What applying a template did: its own result, and that of each template it required (applied first). */
export type AppliedTemplate = TemplateResult & { requirements: TemplateResult[] };

/**
 * Applies a template idempotently and without clobbering, after the templates it requires (each applied
 * the same way): blueprints that already exist are left as they are (they may have been customised since),
 * entities are created only where missing, and so are actions, automations and scorecards.
 *
 * @example const result = await applyTemplate(db, runtime, "sre", ctx) // also applies sdlc and cloud-resources
 */
export async function applyTemplate(db: Database, queue: ScoringQueue, name: string, ctx: WriteContext): Promise<AppliedTemplate> {
  const results: TemplateResult[] = [];
  for (const template of withRequirements(name)) results.push(await applyOne(db, queue, template, ctx));
  const own = results.pop() as TemplateResult;
  return { ...own, requirements: results };
}

async function applyOne(db: Database, queue: ScoringQueue, template: Template, ctx: WriteContext): Promise<TemplateResult> {
  const name = template.name;
  const missing: Record<string, unknown>[] = [];
  const unchanged: string[] = [];
  for (const bp of template.blueprints) {
    if (await findBlueprint(db, String(bp.identifier))) unchanged.push(String(bp.identifier));
    else missing.push(bp);
  }
  if (missing.length > 0) await applyBlueprints(db, missing, ctx);

  let created = 0;
  let existing = 0;
  // Entities go in template order, blueprint by blueprint, so required relation targets exist first.
  for (const group of consecutiveGroups(template.entities)) {
    const outcomes = await writeEntityBodies(
      db,
      group.blueprint,
      "create",
      group.entities.map((raw, i) => ({ raw, pathPrefix: `entities.${i}` })),
      { upsert: false, merge: false, createMissingRelated: false },
      ctx,
    );
    for (const o of outcomes) {
      if (o.ok) created++;
      else if (o.error.status === 409) existing++;
      else
        throw new AppError(
          409,
          "template_conflict",
          `Template '${name}' could not create '${o.identifier}': ${o.error.message}`,
          o.error.details,
        );
    }
  }
  const blueprints = new Map((await listBlueprints(db)).map((b) => [b.identifier, b]));
  const actions = await importActions(db, template.actions ?? [], blueprints, ctx);
  const automations = await importAutomations(db, template.automations ?? [], blueprints, ctx);
  const scorecards = await importScorecards(db, queue, template.scorecards ?? [], ctx);
  return {
    template: name,
    blueprints: { created: missing.map((b) => String(b.identifier)), unchanged },
    entities: { created, unchanged: existing },
    actions,
    automations,
    scorecards,
  };
}

function consecutiveGroups(entities: Template["entities"]): { blueprint: string; entities: Record<string, unknown>[] }[] {
  const groups: { blueprint: string; entities: Record<string, unknown>[] }[] = [];
  for (const { blueprint, entity } of entities) {
    const last = groups.at(-1);
    if (last && last.blueprint === blueprint) last.entities.push(entity);
    else groups.push({ blueprint, entities: [entity] });
  }
  return groups;
}
