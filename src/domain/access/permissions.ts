import { z } from "zod";
import { invalid } from "../../lib/errors";
import { zodDetails } from "../../lib/zod-details";
import { ADMIN_ROLE, MEMBER_ROLE, moderatorRole } from "./principal";

/** Who a grant lets in (Port's shape): any listed role, user (email) or team, or the owning team. */
export interface Grant {
  roles: string[];
  users: string[];
  teams: string[];
  ownedByTeam: boolean;
}

export type EntityVerb = "read" | "register" | "update" | "unregister";
export const ENTITY_VERBS: EntityVerb[] = ["read", "register", "update", "unregister"];

/** A blueprint's entity permissions, Port's `GET /v1/blueprints/{bp}/permissions` shape. */
export interface BlueprintPermissions {
  entities: Record<EntityVerb, Grant> & {
    /** Who may change one property even without `update`. */
    updateProperties: Record<string, Grant>;
    /** Who may change one relation even without `update`. */
    updateRelations: Record<string, Grant>;
  };
}

// No defaults here: a field left out of a PATCH keeps its current value.
const partialGrant = z.strictObject({
  roles: z.array(z.string().max(200)).max(100).optional(),
  users: z.array(z.string().max(254)).max(1000).optional(),
  teams: z.array(z.string().max(200)).max(1000).optional(),
  ownedByTeam: z.boolean({ error: "must be true or false" }).optional(),
});

/** The PATCH body: any subset of verbs, each grant partial (omitted fields keep their value). */
export const permissionsPatchSchema = z.strictObject({
  entities: z
    .strictObject({
      read: partialGrant.optional(),
      register: partialGrant.optional(),
      update: partialGrant.optional(),
      unregister: partialGrant.optional(),
      updateProperties: z.record(z.string(), partialGrant.nullable()).optional(),
      updateRelations: z.record(z.string(), partialGrant.nullable()).optional(),
    })
    .default({}),
});
export type PermissionsPatch = z.infer<typeof permissionsPatchSchema>;

function grant(roles: string[]): Grant {
  return { roles, users: [], teams: [], ownedByTeam: false };
}

/** Port's defaults: everyone reads; admins and the blueprint's moderators write. */
export function defaultPermissions(blueprint: string): BlueprintPermissions {
  const writers = [ADMIN_ROLE, moderatorRole(blueprint)];
  return {
    entities: {
      read: grant([ADMIN_ROLE, MEMBER_ROLE, moderatorRole(blueprint)]),
      register: grant(writers),
      update: grant(writers),
      unregister: grant(writers),
      updateProperties: {},
      updateRelations: {},
    },
  };
}

function mergeGrant(current: Grant | undefined, patch: Partial<Grant>): Grant {
  const base = current ?? grant([]);
  return {
    roles: patch.roles ?? base.roles,
    users: patch.users ?? base.users,
    teams: patch.teams ?? base.teams,
    ownedByTeam: patch.ownedByTeam ?? base.ownedByTeam,
  };
}

/**
 * Applies a PATCH to permissions. Keys of `updateProperties`/`updateRelations` must be properties and
 * relations of the blueprint; a key set to null removes its grant.
 */
export function patchPermissions(
  current: BlueprintPermissions,
  raw: unknown,
  known: { properties: string[]; relations: string[] },
): BlueprintPermissions {
  const parsed = permissionsPatchSchema.safeParse(raw);
  if (!parsed.success) throw invalid(zodDetails(parsed.error));
  const e = parsed.data.entities;
  const next: BlueprintPermissions = structuredClone(current);
  for (const verb of ENTITY_VERBS) {
    const p = e[verb];
    if (p) next.entities[verb] = mergeGrant(current.entities[verb], p);
  }
  const problems: { path: string; message: string }[] = [];
  for (const [section, names] of [
    ["updateProperties", known.properties],
    ["updateRelations", known.relations],
  ] as const) {
    for (const [key, p] of Object.entries(e[section] ?? {})) {
      if (!names.includes(key)) problems.push({ path: `entities.${section}.${key}`, message: `'${key}' is not defined on this blueprint` });
      else if (p === null) delete next.entities[section][key];
      else next.entities[section][key] = mergeGrant(current.entities[section][key], p);
    }
  }
  if (problems.length > 0) throw invalid(problems);
  return next;
}
