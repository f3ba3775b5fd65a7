import { z } from "zod";
import { type ErrorDetail, invalid } from "../../lib/errors";
import { zodDetails } from "../../lib/zod-details";
import { ENTITY_IDENTIFIER_MAX, identifierProblem } from "./identifiers";
import type { EntityInput } from "./types";

const relationValue = z.union([z.string(), z.array(z.string()), z.null()], {
  error: "must be an identifier, a list of identifiers, or null",
});

/** The entity body as the API accepts it (Port's shape). Also the OpenAPI schema of that body. */
export const entityBodySchema = z.strictObject({
  identifier: z.string({ error: "must be a string" }).optional(),
  blueprint: z.string({ error: "must be a string" }).optional(),
  title: z.string({ error: "must be a string" }).max(1000, "must be at most 1000 characters").nullable().optional(),
  icon: z.string({ error: "must be a string" }).max(100).nullable().optional(),
  team: z.union([z.string(), z.array(z.string()), z.null()], { error: "must be a team name or a list of team names" }).optional(),
  properties: z.record(z.string(), z.unknown(), { error: "must be an object" }).optional(),
  relations: z.record(z.string(), relationValue, { error: "must be an object" }).optional(),
  // Fields Port returns on entities: accepted so a read entity can be written back, then ignored.
  createdAt: z.unknown().optional(),
  createdBy: z.unknown().optional(),
  updatedAt: z.unknown().optional(),
  updatedBy: z.unknown().optional(),
  version: z.unknown().optional(),
  scorecards: z.unknown().optional(),
});

/**
 * Validates the shape of an entity body (not its properties against a blueprint: see entity-validation).
 * `blueprint`, when given, must match the blueprint in the URL. Throws a 400 naming each bad field.
 */
export function parseEntityInput(raw: unknown, blueprint: string, pathPrefix = ""): EntityInput {
  const problems: ErrorDetail[] = [];
  const parsed = entityBodySchema.safeParse(raw);
  if (!parsed.success) throw invalid(zodDetails(parsed.error, pathPrefix));
  const data = parsed.data;
  const at = (p: string) => (pathPrefix ? `${pathPrefix}.${p}` : p);
  if (data.blueprint !== undefined && data.blueprint !== blueprint) {
    problems.push({ path: at("blueprint"), message: `must be '${blueprint}' (the blueprint in the URL) or omitted` });
  }
  if (data.identifier !== undefined) {
    const p = identifierProblem(data.identifier, ENTITY_IDENTIFIER_MAX);
    if (p) problems.push({ path: at("identifier"), message: p });
  }
  const team = data.team === undefined ? undefined : data.team === null ? [] : [data.team].flat();
  team?.forEach((t, i) => {
    if (t.length === 0 || t.length > 200) problems.push({ path: at(`team.${i}`), message: "must be 1–200 characters" });
  });
  if (problems.length > 0) throw invalid(problems);
  const input: EntityInput = {};
  if (data.identifier !== undefined) input.identifier = data.identifier;
  if (data.title !== undefined) input.title = data.title;
  if (data.icon !== undefined) input.icon = data.icon;
  if (team !== undefined) input.team = [...new Set(team)];
  if (data.properties !== undefined) input.properties = data.properties;
  if (data.relations !== undefined) input.relations = data.relations;
  return input;
}
