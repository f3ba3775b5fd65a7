import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { type ErrorDetail, invalid } from "../../lib/errors";
import { zodDetails } from "../../lib/zod-details";
import { expressionProblem } from "../expressions/expression";

/**
 * The mapping from source items to entities, in the shape of Port's `port-app-config.yml`: a list of
 * resources, each selecting items of one `kind` and mapping them with expressions of the shared expression
 * language (jq-style paths such as `.name`, or JSONata). Resources are applied in order, so entities that
 * others point at (a Domain before its Systems) are written first.
 */

const expression = z.string({ error: "must be an expression (a string such as .name)" }).trim().min(1, "must not be empty").max(2000);

const entityMappings = z.strictObject({
  identifier: expression,
  title: expression.optional(),
  blueprint: expression,
  team: expression.optional(),
  icon: expression.optional(),
  properties: z.record(z.string(), expression, { error: "must be an object of property → expression" }).default({}),
  relations: z.record(z.string(), expression, { error: "must be an object of relation → expression" }).default({}),
});

const resource = z.strictObject({
  kind: z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(200),
  selector: z
    .strictObject({
      query: expression.default("true"),
      /** aws-cloudcontrol: read each listed resource with GetResource (types whose list lacks properties). */
      useGetResourceAPI: z.boolean({ error: "must be true or false" }).optional(),
      /** aws-cloudcontrol: the ResourceModel some types need to be listed (ECS services: {Cluster}). */
      resourceModel: z.record(z.string(), z.unknown(), { error: "must be an object" }).optional(),
    })
    .default({ query: "true" }),
  port: z.strictObject({
    /** An expression giving a list: each element is mapped on its own, as `.item`, beside the item's fields. */
    itemsToParse: expression.optional(),
    entity: z.strictObject({ mappings: entityMappings }),
  }),
  /** Ingest only: when true for an event, the mapped entity is deleted instead of written. */
  deleteWhen: expression.optional(),
});

const mappingSchema = z.strictObject({
  createMissingRelatedEntities: z.boolean({ error: "must be true or false" }).default(false),
  deleteDependentEntities: z.boolean({ error: "must be true or false" }).default(false),
  resources: z.array(resource, { error: "must be a list of resources" }).min(1, "must list at least one resource").max(50),
});

export type Mapping = z.infer<typeof mappingSchema>;
export type MappingResource = Mapping["resources"][number];

/** The expressions of a resource with where they sit, for compile checks. */
function expressionsOf(r: MappingResource, at: string): [string, string][] {
  const m = r.port.entity.mappings;
  const out: [string, string][] = [
    [`${at}.selector.query`, r.selector.query],
    [`${at}.port.entity.mappings.identifier`, m.identifier],
    [`${at}.port.entity.mappings.blueprint`, m.blueprint],
  ];
  if (r.port.itemsToParse) out.push([`${at}.port.itemsToParse`, r.port.itemsToParse]);
  if (r.deleteWhen) out.push([`${at}.deleteWhen`, r.deleteWhen]);
  for (const key of ["title", "team", "icon"] as const) {
    const value = m[key];
    if (value) out.push([`${at}.port.entity.mappings.${key}`, value]);
  }
  for (const [k, v] of Object.entries(m.properties)) out.push([`${at}.port.entity.mappings.properties.${k}`, v]);
  for (const [k, v] of Object.entries(m.relations)) out.push([`${at}.port.entity.mappings.relations.${k}`, v]);
  return out;
}

/** Reads YAML (JSON is YAML too) into a value; a syntax error names its line. */
export function parseYamlText(text: string, path: string): unknown {
  try {
    return parseYaml(text, { maxAliasCount: 100 }) as unknown;
  } catch (error) {
    const pos = (error as { linePos?: [{ line: number; col: number }] }).linePos?.[0];
    const where = pos ? ` (line ${pos.line}, column ${pos.col})` : "";
    const message = ((error as { message?: string }).message ?? String(error)).split("\n")[0];
    throw invalid([{ path, message: `is not valid YAML or JSON${where}: ${message}` }]);
  }
}

/**
 * Validates a mapping given as an object or as YAML/JSON text; every problem is located under `path`
 * (`mapping.resources.0.port.entity.mappings.identifier`), including expressions that do not compile.
 *
 * @example parseMapping("resources:\n- kind: item\n  port: {entity: {mappings: {identifier: .id, blueprint: '\"svc\"'}}}")
 */
export function parseMapping(raw: unknown, path = "mapping"): Mapping {
  const value = typeof raw === "string" ? parseYamlText(raw, path) : raw;
  const parsed = mappingSchema.safeParse(value);
  if (!parsed.success) throw invalid(zodDetails(parsed.error, path));
  const problems: ErrorDetail[] = [];
  parsed.data.resources.forEach((r, i) => {
    for (const [at, expr] of expressionsOf(r, `${path}.resources.${i}`)) {
      const problem = expressionProblem(expr);
      if (problem) problems.push({ path: at, message: problem });
    }
  });
  if (problems.length > 0) throw invalid(problems);
  return parsed.data;
}

/** The kinds a mapping asks for, in order of first mention (sources fetch these). */
export function mappedKinds(mapping: Mapping): string[] {
  return [...new Set(mapping.resources.map((r) => r.kind))];
}
