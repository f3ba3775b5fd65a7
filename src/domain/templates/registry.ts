import { notFound } from "../../lib/errors";
import { cloudResourcesTemplate } from "./cloud-resources";
import { devEnvironmentsTemplate } from "./dev-environments";
import { backOfficePack } from "./packs/back-office";
import { cloudResourcesActionsPack } from "./packs/cloud-resources-actions";
import { dataEngineeringPack } from "./packs/data-engineering";
import { machineLearningPack } from "./packs/machine-learning";
import { microserviceSdlcPack } from "./packs/microservice-sdlc";
import { srePack } from "./packs/sre";
import { sdlcTemplate } from "./sdlc";
import { serviceScorecardsTemplate } from "./service-scorecards";
import type { Template } from "./template";

/** Every template the portal offers, catalogs first, in the order the template center shows them. */
export const TEMPLATES: readonly Template[] = [
  sdlcTemplate,
  cloudResourcesTemplate,
  devEnvironmentsTemplate,
  serviceScorecardsTemplate,
  microserviceSdlcPack,
  cloudResourcesActionsPack,
  srePack,
  dataEngineeringPack,
  backOfficePack,
  machineLearningPack,
];

export function findTemplate(name: string): Template {
  const template = TEMPLATES.find((t) => t.name === name);
  if (!template) throw notFound(`Template '${name}'`);
  return template;
}

/**
 * The template and everything it requires, requirements first (depth first, each once), so applying them
 * in this order finds every blueprint a relation or an action names.
 *
 * @example withRequirements("sre").map((t) => t.name) // ["sdlc", "cloud-resources", "sre"]
 */
export function withRequirements(name: string): Template[] {
  const ordered: Template[] = [];
  const visit = (current: string, path: string[]) => {
    if (path.includes(current)) throw new Error(`Templates require each other in a cycle: ${[...path, current].join(" → ")}`);
    if (ordered.some((t) => t.name === current)) return;
    const template = findTemplate(current);
    for (const required of template.requires ?? []) visit(required, [...path, current]);
    ordered.push(template);
  };
  visit(name, []);
  return ordered;
}

/** One named thing a template creates, as the template center and `GET /v1/templates` show it. */
export interface ContentItem {
  identifier: string;
  title: string;
}

/** What a template creates, without its bodies. */
export interface TemplateContents {
  name: string;
  title: string;
  description: string;
  kind: "catalog" | "action-pack";
  requires: string[];
  blueprints: ContentItem[];
  entities: (ContentItem & { blueprint: string })[];
  actions: (ContentItem & { blueprint: string; operation: string; requiredApproval: boolean })[];
  automations: ContentItem[];
  /** Identifiers are `<blueprint>/<scorecard>`, as apply reports them. */
  scorecards: ContentItem[];
}

const text = (value: unknown, fallback: string): string => (typeof value === "string" && value !== "" ? value : fallback);

function item(body: Record<string, unknown>): ContentItem {
  const identifier = String(body.identifier);
  return { identifier, title: text(body.title, identifier) };
}

/** The contents of one template, read from its Port-shaped bodies. */
export function templateContents(t: Template): TemplateContents {
  return {
    name: t.name,
    title: t.title,
    description: t.description,
    kind: t.kind ?? "catalog",
    requires: t.requires ?? [],
    blueprints: t.blueprints.map(item),
    entities: t.entities.map(({ blueprint, entity }) => ({ blueprint, ...item(entity) })),
    actions: (t.actions ?? []).map((a) => {
      const trigger = a.trigger as { blueprintIdentifier: string; operation: string };
      return {
        ...item(a),
        blueprint: trigger.blueprintIdentifier,
        operation: trigger.operation,
        requiredApproval: Boolean(a.requiredApproval),
      };
    }),
    automations: (t.automations ?? []).map(item),
    scorecards: (t.scorecards ?? []).map(({ blueprint, scorecard }) => {
      const { identifier, title } = item(scorecard);
      return { identifier: `${blueprint}/${identifier}`, title };
    }),
  };
}
