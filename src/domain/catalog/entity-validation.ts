import type { z } from "zod";
import type { ErrorDetail } from "../../lib/errors";
import { joinPath } from "../../lib/zod-details";
import { ENTITY_IDENTIFIER_MAX, identifierProblem } from "./identifiers";
import { propertyValueSchema } from "./property-values";
import type { Blueprint, RelationValue } from "./types";

/** Checks an entity's properties and relations against one version of a blueprint. */
export interface EntityValidator {
  /** Problems with `properties`; nulls mean "unset". Returns the properties with nulls removed. */
  properties(properties: Record<string, unknown>, prefix: string): { value: Record<string, unknown>; problems: ErrorDetail[] };
  /** Problems with the relation values' shape (existence of targets is checked against storage later). */
  relations(relations: Record<string, RelationValue>, prefix: string): ErrorDetail[];
  /** Defaults for properties the blueprint gives one, applied on create. */
  defaults: Record<string, unknown>;
}

const cache = new Map<string, EntityValidator>();
const CACHE_LIMIT = 500;

/**
 * The validator for `blueprint` at its current version, compiled once and cached per version
 * (a blueprint update bumps the version, so a stale compiled schema is never used).
 */
export function entityValidator(blueprint: Blueprint): EntityValidator {
  const key = `${blueprint.identifier}@${blueprint.version}@${blueprint.updatedAt}`;
  let validator = cache.get(key);
  if (!validator) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    validator = compile(blueprint);
    cache.set(key, validator);
  }
  return validator;
}

function compile(blueprint: Blueprint): EntityValidator {
  const schemas = new Map<string, z.ZodType>();
  const defaults: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(blueprint.schema.properties)) {
    schemas.set(key, propertyValueSchema(def));
    if (def.default !== undefined) defaults[key] = def.default;
  }
  const required = blueprint.schema.required;
  // Derived values come back on reads; a client writing a read entity back must not be refused for them.
  const derived = new Set([
    ...Object.keys(blueprint.mirrorProperties),
    ...Object.keys(blueprint.calculationProperties),
    ...Object.keys(blueprint.aggregationProperties),
    ...Object.keys(blueprint.formulaProperties),
  ]);
  const relations = blueprint.relations;

  return {
    defaults,
    properties(properties, prefix) {
      const problems: ErrorDetail[] = [];
      const value: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(properties)) {
        const schema = schemas.get(key);
        if (!schema && derived.has(key)) continue;
        if (!schema) {
          problems.push({ path: `${prefix}.${key}`, message: `is not a property of blueprint '${blueprint.identifier}'` });
          continue;
        }
        if (v === null || v === undefined) continue;
        const r = schema.safeParse(v);
        if (r.success) value[key] = v;
        else for (const issue of r.error.issues) problems.push({ path: joinPath(`${prefix}.${key}`, issue.path), message: issue.message });
      }
      for (const key of required) {
        if (value[key] === undefined && !problems.some((p) => p.path.startsWith(`${prefix}.${key}`))) {
          problems.push({ path: `${prefix}.${key}`, message: "is required" });
        }
      }
      return { value, problems };
    },
    relations(values, prefix) {
      const problems: ErrorDetail[] = [];
      for (const [key, v] of Object.entries(values)) {
        const def = relations[key];
        const path = `${prefix}.${key}`;
        if (!def) {
          problems.push({ path, message: `is not a relation of blueprint '${blueprint.identifier}'` });
          continue;
        }
        if (def.many && typeof v === "string") problems.push({ path, message: "is a many relation: give a list of identifiers" });
        if (!def.many && Array.isArray(v)) problems.push({ path, message: "is a single relation: give one identifier or null" });
        const ids = v === null ? [] : [v].flat();
        ids.forEach((id, i) => {
          const p = identifierProblem(id, ENTITY_IDENTIFIER_MAX);
          if (p) problems.push({ path: Array.isArray(v) ? `${path}.${i}` : path, message: p });
        });
      }
      for (const [key, def] of Object.entries(relations)) {
        const v = values[key];
        if (def.required && (v === undefined || v === null || (Array.isArray(v) && v.length === 0))) {
          problems.push({ path: `${prefix}.${key}`, message: `is required (an entity of blueprint '${def.target}')` });
        }
      }
      return problems;
    },
  };
}
