import { insertAuditStatements } from "../../db/audit-store";
import { findBlueprint } from "../../db/blueprint-store";
import { type Database, runBatch } from "../../db/client";
import { findEntities, owningTeams } from "../../db/entity-store";
import { findPermissions, upsertPermissionsStatement } from "../../db/permission-store";
import { findUserByEmail } from "../../db/user-store";
import { invalid, notFound } from "../../lib/errors";
import { auditOf } from "../audit/record";
import type { WriteContext } from "../catalog/types";
import { ownershipPath } from "./authorized-catalog";
import { type Decision, decide } from "./decisions";
import { type BlueprintPermissions, defaultPermissions, ENTITY_VERBS, type EntityVerb, patchPermissions } from "./permissions";
import type { Principal } from "./principal";

/** A blueprint's permissions (the defaults until someone changes them). */
export async function getPermissions(db: Database, blueprint: string): Promise<BlueprintPermissions> {
  if (!(await findBlueprint(db, blueprint))) throw notFound(`Blueprint '${blueprint}'`);
  return (await findPermissions(db, blueprint)) ?? defaultPermissions(blueprint);
}

/** PATCH a blueprint's permissions; audited with before and after. */
export async function updatePermissions(db: Database, blueprint: string, raw: unknown, ctx: WriteContext): Promise<BlueprintPermissions> {
  const bp = await findBlueprint(db, blueprint);
  if (!bp) throw notFound(`Blueprint '${blueprint}'`);
  const before = (await findPermissions(db, blueprint)) ?? defaultPermissions(blueprint);
  const after = patchPermissions(before, raw, { properties: Object.keys(bp.schema.properties), relations: Object.keys(bp.relations) });
  await runBatch(db, [
    upsertPermissionsStatement(db, blueprint, after, ctx.now, ctx.actor),
    ...insertAuditStatements(db, [auditOf(ctx, "UPDATE", "permissions", { blueprint, before, after })]),
  ]);
  return after;
}

export interface Explanation extends Decision {
  user: string;
  blueprint: string;
  entity: string | null;
  verb: EntityVerb;
  /** The teams owning the entity, when one was named. */
  owners: string[] | null;
}

/**
 * Why `user` may or may not `verb` on a blueprint (or one of its entities): the decision and the grant,
 * or missing grant, that made it.
 */
export async function explainAccess(
  db: Database,
  q: { user: string; blueprint: string; entity?: string | undefined; verb: string; askedByAdmin?: boolean },
): Promise<Explanation> {
  if (!ENTITY_VERBS.includes(q.verb as EntityVerb)) {
    throw invalid([{ path: "query.verb", message: `must be one of ${ENTITY_VERBS.join(", ")}` }]);
  }
  const verb = q.verb as EntityVerb;
  const user = await findUserByEmail(db, q.user);
  if (!user) throw notFound(`User '${q.user}'`);
  const bp = await findBlueprint(db, q.blueprint);
  if (!bp) throw notFound(`Blueprint '${q.blueprint}'`);
  let owners: string[] | null = null;
  if (q.entity !== undefined) {
    const [entity] = await findEntities(db, bp.identifier, [q.entity]);
    if (!entity) throw notFound(`Entity '${q.entity}' of blueprint '${bp.identifier}'`);
    const path = ownershipPath(bp);
    owners = path.length === 0 ? entity.team : await owningTeams(db, entity.id, path);
  }
  const principal: Principal = {
    userId: user.id,
    email: user.email,
    name: user.name,
    roles: user.roles,
    teams: user.teams,
    via: "session",
  };
  const perms = (await findPermissions(db, bp.identifier)) ?? defaultPermissions(bp.identifier);
  const decision =
    user.status !== "active"
      ? { allowed: false, reason: `the account is ${user.status}` }
      : decide(principal, perms, verb, owners, bp.identifier);
  // The owning teams are shown only to whoever may read the entity anyway (the explained user, for
  // themselves; admins asking about anyone may read everything).
  const mayReadEntity = owners !== null && user.status === "active" && decide(principal, perms, "read", owners, bp.identifier).allowed;
  return {
    ...decision,
    user: user.email,
    blueprint: bp.identifier,
    entity: q.entity ?? null,
    verb,
    owners: mayReadEntity || q.askedByAdmin ? owners : null,
  };
}
