import { listActions } from "../../db/action-store";
import { listAutomations } from "../../db/automation-store";
import { listBlueprints } from "../../db/blueprint-store";
import type { Database } from "../../db/client";
import { existingIdentifiers } from "../../db/entity-store";
import { listScorecards } from "../../db/scorecard-store";
import { TEMPLATES, type TemplateContents, templateContents, withRequirements } from "./registry";
import type { Template } from "./template";

/**
 * What applying a template would do, without writing: per part, what it would create and what already
 * exists (and so would be left as it is). It reads the catalog with the same rules apply uses: a blueprint,
 * action, automation or scorecard exists by identifier; an entity by (blueprint, identifier).
 */

/** Names split into what apply would create and what it would leave alone. */
export interface Split<T> {
  create: T[];
  existing: T[];
}

export interface EntityRef {
  blueprint: string;
  identifier: string;
}

export interface TemplatePlan {
  template: string;
  title: string;
  blueprints: Split<string>;
  entities: Split<EntityRef>;
  actions: Split<string>;
  automations: Split<string>;
  /** `<blueprint>/<scorecard>`, as apply reports them. */
  scorecards: Split<string>;
}

/** `applied`: nothing left to create; `partly-applied`: some of it exists; `not-applied`: none of it does. */
export type ApplyState = "applied" | "partly-applied" | "not-applied";

/** What exists in the catalog of the names some templates use: read once for all of them. */
interface CatalogSnapshot {
  blueprints: Set<string>;
  /** Actions and automations share one namespace. */
  actions: Set<string>;
  scorecards: Set<string>;
  /** Per blueprint, which of the templates' entity identifiers exist. */
  entities: Map<string, Set<string>>;
}

async function snapshotFor(db: Database, templates: readonly Template[]): Promise<CatalogSnapshot> {
  const blueprints = new Set((await listBlueprints(db)).map((b) => b.identifier));
  const actions = new Set([...(await listActions(db)), ...(await listAutomations(db))].map((a) => a.identifier));
  const scorecards = new Set((await listScorecards(db)).map((s) => `${s.blueprint}/${s.identifier}`));
  const wanted = new Map<string, Set<string>>();
  for (const t of templates) {
    for (const { blueprint, entity } of t.entities) {
      if (!wanted.has(blueprint)) wanted.set(blueprint, new Set());
      wanted.get(blueprint)?.add(String(entity.identifier));
    }
  }
  const entities = new Map<string, Set<string>>();
  for (const [blueprint, identifiers] of wanted) {
    // Entities of a blueprint that does not exist do not exist either: no need to ask.
    entities.set(blueprint, blueprints.has(blueprint) ? await existingIdentifiers(db, blueprint, [...identifiers]) : new Set());
  }
  return { blueprints, actions, scorecards, entities };
}

function split<T>(items: T[], exists: (item: T) => boolean): Split<T> {
  return { create: items.filter((i) => !exists(i)), existing: items.filter(exists) };
}

function planOf(t: Template, s: CatalogSnapshot): TemplatePlan {
  const identifiers = (bodies: Record<string, unknown>[] | undefined) => (bodies ?? []).map((b) => String(b.identifier));
  const entities = t.entities.map(({ blueprint, entity }) => ({ blueprint, identifier: String(entity.identifier) }));
  const scorecards = (t.scorecards ?? []).map(({ blueprint, scorecard }) => `${blueprint}/${String(scorecard.identifier)}`);
  return {
    template: t.name,
    title: t.title,
    blueprints: split(identifiers(t.blueprints), (id) => s.blueprints.has(id)),
    entities: split(entities, (e) => s.entities.get(e.blueprint)?.has(e.identifier) ?? false),
    actions: split(identifiers(t.actions), (id) => s.actions.has(id)),
    automations: split(identifiers(t.automations), (id) => s.actions.has(id)),
    scorecards: split(scorecards, (id) => s.scorecards.has(id)),
  };
}

const PARTS = ["blueprints", "entities", "actions", "automations", "scorecards"] as const;

/** How many things the plan would create. */
export function toCreate(plan: TemplatePlan): number {
  return PARTS.reduce((n, part) => n + plan[part].create.length, 0);
}

/** Whether the template's own contents are all there, some of them, or none. */
export function planState(plan: TemplatePlan): ApplyState {
  const existing = PARTS.reduce((n, part) => n + plan[part].existing.length, 0);
  if (toCreate(plan) === 0) return "applied";
  return existing > 0 ? "partly-applied" : "not-applied";
}

/** A template's preview: its own state, and the plans of the templates it requires and its own, in apply order. */
export interface TemplatePreview {
  state: ApplyState;
  plans: TemplatePlan[];
}

/**
 * The plan of a template and of each template it requires, requirements first: exactly the order and the
 * checks apply uses, so what it lists under `create` is what apply would create.
 *
 * @example const { plans } = await previewTemplate(db, "sre") // plans of sdlc, cloud-resources, sre
 */
export async function previewTemplate(db: Database, name: string): Promise<TemplatePreview> {
  const templates = withRequirements(name);
  const snapshot = await snapshotFor(db, templates);
  const plans = templates.map((t) => planOf(t, snapshot));
  // withRequirements ends with the template itself.
  return { state: planState(plans[plans.length - 1] as TemplatePlan), plans };
}

/** Every template with whether it is applied (the template center's cards), the catalog read in one pass. */
export async function templateStates(db: Database): Promise<{ contents: TemplateContents; state: ApplyState }[]> {
  const snapshot = await snapshotFor(db, TEMPLATES);
  return TEMPLATES.map((t) => ({ contents: templateContents(t), state: planState(planOf(t, snapshot)) }));
}
