import type { BlueprintPermissions, EntityVerb, Grant } from "./permissions";
import { ENTITY_VERBS } from "./permissions";
import { isAdmin, type Principal } from "./principal";

/** An access decision and the reason for it, in words a person can act on. */
export interface Decision {
  allowed: boolean;
  reason: string;
}

/** Which entities of a blueprint a principal may read, as data the stores turn into a WHERE clause. */
export type ReadScope =
  | { kind: "all" }
  | { kind: "none" }
  /** Entities owned by one of `teams`; with `path`, ownership is that of the entity at the end of the relation path. */
  | { kind: "teams"; teams: string[]; path: string[] };

function overlap(a: string[], b: string[]): string | undefined {
  return a.find((x) => b.includes(x));
}

/** Does `grant` let `p` in regardless of which entity it is? Returns why, or null. */
function unconditional(p: Principal, grant: Grant): string | null {
  const role = overlap(p.roles, grant.roles);
  if (role) return `role '${role}'`;
  if (grant.users.some((u) => u.toLowerCase() === p.email.toLowerCase())) return `user grant for ${p.email}`;
  const team = overlap(p.teams, grant.teams);
  if (team) return `team grant for '${team}'`;
  return null;
}

function describe(grant: Grant): string {
  const parts = [
    grant.roles.length > 0 ? `roles ${grant.roles.join(", ")}` : "",
    grant.users.length > 0 ? `users ${grant.users.join(", ")}` : "",
    grant.teams.length > 0 ? `teams ${grant.teams.join(", ")}` : "",
    grant.ownedByTeam ? "the owning team" : "",
  ].filter(Boolean);
  return parts.length > 0 ? parts.join("; ") : "nobody but admins";
}

/**
 * May `p` do `verb` on an entity of this blueprint? `owners` are the entity's owning teams; pass null to
 * ask about the blueprint in general (then an ownedByTeam grant counts only if `p` has a team at all).
 * Admins may do everything. For `read`, any write grant also lets the holder read.
 */
export function decide(p: Principal, perms: BlueprintPermissions, verb: EntityVerb, owners: string[] | null, blueprint: string): Decision {
  if (isAdmin(p)) return { allowed: true, reason: "the Admin role may do everything" };
  const grants: [EntityVerb, Grant][] = verb === "read" ? ENTITY_VERBS.map((v) => [v, perms.entities[v]]) : [[verb, perms.entities[verb]]];
  for (const [v, g] of grants) {
    const why = unconditional(p, g);
    if (why) return { allowed: true, reason: `${v} on '${blueprint}' is granted by ${why}` };
  }
  for (const [v, g] of grants) {
    if (!g.ownedByTeam) continue;
    if (owners === null && p.teams.length > 0) {
      return { allowed: true, reason: `${v} on '${blueprint}' is granted to owning teams; you belong to ${p.teams.join(", ")}` };
    }
    const team = owners ? overlap(p.teams, owners) : undefined;
    if (team) return { allowed: true, reason: `${v} on '${blueprint}' is granted to the owning team, and '${team}' owns it` };
  }
  const needed = describe(perms.entities[verb]);
  return { allowed: false, reason: `${verb} on '${blueprint}' needs ${needed}${verb === "read" ? " (or any write grant)" : ""}` };
}

/** What `p` may read of a blueprint, for the WHERE clause of every list, count and relation view. */
export function readScope(p: Principal, perms: BlueprintPermissions, ownershipPath: string[]): ReadScope {
  if (isAdmin(p)) return { kind: "all" };
  const grants = ENTITY_VERBS.map((v) => perms.entities[v]);
  if (grants.some((g) => unconditional(p, g))) return { kind: "all" };
  if (grants.some((g) => g.ownedByTeam) && p.teams.length > 0) return { kind: "teams", teams: p.teams, path: ownershipPath };
  return { kind: "none" };
}

/**
 * May `p` change these properties and relations of an entity? `update` allows everything; without it,
 * each changed field needs its own `updateProperties.<key>` / `updateRelations.<key>` grant.
 */
export function decideUpdate(
  p: Principal,
  perms: BlueprintPermissions,
  owners: string[],
  blueprint: string,
  changed: { properties: string[]; relations: string[]; other: string[] },
): Decision {
  const whole = decide(p, perms, "update", owners, blueprint);
  if (whole.allowed) return whole;
  if (changed.other.length > 0) return { allowed: false, reason: `${whole.reason} to change ${changed.other.join(", ")}` };
  const fieldGrants: [string, Grant | undefined][] = [
    ...changed.properties.map((k): [string, Grant | undefined] => [`updateProperties.${k}`, perms.entities.updateProperties[k]]),
    ...changed.relations.map((k): [string, Grant | undefined] => [`updateRelations.${k}`, perms.entities.updateRelations[k]]),
  ];
  if (fieldGrants.length === 0) return whole;
  for (const [name, g] of fieldGrants) {
    const ok = g && (unconditional(p, g) || (g.ownedByTeam && overlap(p.teams, owners)));
    if (!ok) return { allowed: false, reason: `${whole.reason}, or ${name} for this change` };
  }
  return { allowed: true, reason: `each changed field is granted by ${fieldGrants.map(([n]) => n).join(", ")}` };
}
