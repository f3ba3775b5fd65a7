import { z } from "zod";
import { type ErrorDetail, invalid } from "../../lib/errors";
import { zodDetails } from "../../lib/zod-details";
import { BLUEPRINT_IDENTIFIER_MAX, identifierProblem, keyProblem } from "./identifiers";
import { propertyValueSchema } from "./property-values";
import { type BlueprintDefinition, OBJECT_FORMATS, PROPERTY_TYPES, type PropertyDefinition, STRING_FORMATS } from "./types";

/** Fields Port puts on blueprints it returns: accepted on write (so an export can be re-imported), then ignored. */
const readOnlyFields = {
  createdAt: z.unknown().optional(),
  createdBy: z.unknown().optional(),
  updatedAt: z.unknown().optional(),
  updatedBy: z.unknown().optional(),
  version: z.unknown().optional(),
};

const section = z.record(z.string(), z.looseObject({}), { error: "must be an object" });

const propertyShape = z.looseObject({
  type: z.enum(PROPERTY_TYPES, { error: `must be one of ${PROPERTY_TYPES.join(", ")}` }),
  title: z.string().optional(),
  description: z.string().optional(),
  icon: z.string().optional(),
  format: z.string().optional(),
  enum: z.array(z.unknown(), { error: "must be an array" }).min(1, "must list at least one value").optional(),
  enumColors: z.record(z.string(), z.string(), { error: "must map enum values to colour names" }).optional(),
  minLength: z.number().int().nonnegative().optional(),
  maxLength: z.number().int().nonnegative().optional(),
  pattern: z.string().max(1000).optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  items: z
    .looseObject({
      type: z.enum(["string", "number", "boolean", "object"], {
        error: "must be one of string, number, boolean, object",
      }),
      format: z.string().optional(),
      enum: z.array(z.unknown()).min(1).optional(),
    })
    .optional(),
  minItems: z.number().int().nonnegative().optional(),
  maxItems: z.number().int().nonnegative().optional(),
  uniqueItems: z.boolean().optional(),
});

const relationShape = z.strictObject({
  title: z.string().optional(),
  description: z.string().optional(),
  target: z.string({ error: "must name the target blueprint" }),
  required: z.boolean({ error: "must be true or false" }).default(false),
  many: z.boolean({ error: "must be true or false" }).default(false),
});

/** The blueprint body as the API accepts it (Port's shape). Also the OpenAPI schema of that body. */
export const blueprintBodySchema = z.strictObject({
  identifier: z.string({ error: "is required" }),
  title: z.string({ error: "is required" }).min(1, "must not be empty").max(200),
  icon: z.string().max(100).optional(),
  description: z.string().max(10_000).optional(),
  schema: z
    .strictObject({
      properties: z.record(z.string(), propertyShape).default({}),
      required: z.array(z.string()).default([]),
    })
    .default({ properties: {}, required: [] }),
  relations: z.record(z.string(), relationShape).default({}),
  mirrorProperties: z.record(z.string(), z.looseObject({ title: z.string().optional(), path: z.string() })).default({}),
  calculationProperties: section.default({}),
  aggregationProperties: section.default({}),
  formulaProperties: section.default({}),
  ownership: z
    .strictObject({
      type: z.enum(["Direct", "Inherited"]),
      path: z.string().optional(),
      title: z.string().optional(),
    })
    .optional(),
  // Port's changelog destination and team inheritance are accepted for compatibility; they are not used yet.
  changelogDestination: z.unknown().optional(),
  teamInheritance: z.unknown().optional(),
  ...readOnlyFields,
});

/**
 * Validates a Port-shaped blueprint body and returns its normalised definition, or throws a 400 listing
 * every problem with its path. Checks that need other blueprints (relation targets) are done by the caller.
 *
 * @example parseBlueprintDefinition({identifier: "service", title: "Service", schema: {properties: {}}})
 */
export function parseBlueprintDefinition(raw: unknown): BlueprintDefinition {
  const parsed = blueprintBodySchema.safeParse(raw);
  if (!parsed.success) throw invalid(zodDetails(parsed.error));
  const { createdAt: _ca, createdBy: _cb, updatedAt: _ua, updatedBy: _ub, version: _v, ...body } = parsed.data;
  const def = body as BlueprintDefinition;
  const problems = semanticProblems(def);
  if (problems.length > 0) throw invalid(problems);
  return def;
}

function semanticProblems(def: BlueprintDefinition): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const idProblem = identifierProblem(def.identifier, BLUEPRINT_IDENTIFIER_MAX);
  if (idProblem) problems.push({ path: "identifier", message: idProblem });

  const seen = new Map<string, string>();
  const claim = (key: string, path: string) => {
    const problem = keyProblem(key);
    if (problem) problems.push({ path, message: problem });
    const owner = seen.get(key);
    if (owner) problems.push({ path, message: `'${key}' is already defined at ${owner}` });
    else seen.set(key, path);
  };

  for (const [key, prop] of Object.entries(def.schema.properties)) {
    claim(key, `schema.properties.${key}`);
    problems.push(...propertyProblems(prop, `schema.properties.${key}`));
  }
  def.schema.required.forEach((key, i) => {
    if (!(key in def.schema.properties)) {
      problems.push({ path: `schema.required.${i}`, message: `'${key}' is not a property of this blueprint` });
    } else if (def.schema.required.indexOf(key) !== i) {
      problems.push({ path: `schema.required.${i}`, message: `'${key}' is listed twice` });
    }
  });
  for (const [key, rel] of Object.entries(def.relations)) {
    claim(key, `relations.${key}`);
    if (rel.many && rel.required) {
      problems.push({ path: `relations.${key}`, message: "a relation cannot be both many and required" });
    }
  }
  for (const key of Object.keys(def.mirrorProperties)) claim(key, `mirrorProperties.${key}`);
  for (const key of Object.keys(def.calculationProperties)) claim(key, `calculationProperties.${key}`);
  for (const key of Object.keys(def.aggregationProperties)) claim(key, `aggregationProperties.${key}`);
  for (const key of Object.keys(def.formulaProperties)) claim(key, `formulaProperties.${key}`);
  if (def.ownership?.type === "Inherited" && !def.ownership.path) {
    problems.push({ path: "ownership.path", message: "is required when ownership is Inherited" });
  }
  return problems;
}

const STRING_FORMAT_SET = new Set<string>(STRING_FORMATS);
const OBJECT_FORMAT_SET = new Set<string>(OBJECT_FORMATS);

function formatProblem(type: string, format: string | undefined): string | null {
  if (format === undefined) return null;
  if (type === "string" && STRING_FORMAT_SET.has(format)) return null;
  if (type === "object" && OBJECT_FORMAT_SET.has(format)) return null;
  const allowed = type === "string" ? STRING_FORMATS : type === "object" ? OBJECT_FORMATS : [];
  return allowed.length > 0
    ? `'${format}' is not a ${type} format; use one of ${allowed.join(", ")}`
    : `a ${type} property takes no format`;
}

function propertyProblems(prop: PropertyDefinition, path: string): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const add = (sub: string, message: string) => problems.push({ path: sub ? `${path}.${sub}` : path, message });

  const fp = formatProblem(prop.type, prop.format);
  if (fp) add("format", fp);
  if (prop.type === "array") {
    if (prop.items) {
      const ip = formatProblem(prop.items.type, prop.items.format);
      if (ip) add("items.format", ip);
      if (typeof prop.items.pattern === "string") checkPattern(prop.items.pattern, "items.pattern", add);
    }
  } else if (prop.items !== undefined) add("items", "only array properties take items");

  const onlyFor = (keys: string[], type: string) => {
    for (const k of keys) if (prop[k] !== undefined && prop.type !== type) add(k, `only ${type} properties take ${k}`);
  };
  onlyFor(["minLength", "maxLength", "pattern"], "string");
  onlyFor(["minimum", "maximum"], "number");
  onlyFor(["minItems", "maxItems", "uniqueItems"], "array");
  if (prop.type === "string" && typeof prop.pattern === "string") checkPattern(prop.pattern, "pattern", add);
  if (inverted(prop.minLength, prop.maxLength)) add("minLength", "must not exceed maxLength");
  if (inverted(prop.minimum, prop.maximum)) add("minimum", "must not exceed maximum");
  if (inverted(prop.minItems, prop.maxItems)) add("minItems", "must not exceed maxItems");
  if (problems.length > 0) return problems; // the value checks below assume a well-formed definition

  if (prop.type === "array" && Array.isArray(prop.items?.enum)) {
    const element = propertyValueSchema({ ...prop.items, enum: undefined });
    prop.items.enum.forEach((v, i) => {
      const r = element.safeParse(v);
      if (!r.success) add(`items.enum.${i}`, r.error.issues[0]?.message ?? "does not fit the items");
    });
  }
  if (Array.isArray(prop.enum)) {
    if (prop.type === "array" || prop.type === "object") add("enum", `a ${prop.type} property takes no enum`);
    const element = propertyValueSchema({ ...prop, enum: undefined });
    prop.enum.forEach((v, i) => {
      const r = element.safeParse(v);
      if (!r.success) add(`enum.${i}`, r.error.issues[0]?.message ?? "does not fit the property");
    });
  }
  if (prop.enumColors) {
    const values = new Set((prop.enum ?? prop.items?.enum ?? []).map((v) => String(v)));
    for (const key of Object.keys(prop.enumColors)) {
      if (!values.has(key)) add(`enumColors.${key}`, `'${key}' is not one of the enum values`);
    }
  }
  if (prop.default !== undefined && problems.length === 0) {
    const r = propertyValueSchema(prop).safeParse(prop.default);
    if (!r.success) add("default", r.error.issues[0]?.message ?? "does not fit the property");
  }
  return problems;
}

function inverted(min: number | undefined, max: number | undefined): boolean {
  return typeof min === "number" && typeof max === "number" && min > max;
}

function checkPattern(pattern: string, sub: string, add: (sub: string, message: string) => void) {
  try {
    new RegExp(pattern, "u");
  } catch (e) {
    add(sub, `is not a valid regular expression: ${(e as Error).message}`);
  }
}
