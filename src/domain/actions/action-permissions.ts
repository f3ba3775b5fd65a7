import type { StoredAction } from "../../db/action-store";
import type { RunRecord, RunVisibility } from "../../db/run-store";
import type { Decision } from "../access/decisions";
import { ADMIN_ROLE, isAdmin, isModerator, moderatorRole, type Principal } from "../access/principal";
import type { ActionDefinition, ActionGrant } from "./definition";

/** Port's defaults: admins and the blueprint's moderators run an action; admins approve. */
export function defaultActionPermissions(blueprint: string): ActionDefinition["permissions"] {
  return {
    execute: { roles: [ADMIN_ROLE, moderatorRole(blueprint)], users: [], teams: [], ownedByTeam: false },
    approve: { roles: [ADMIN_ROLE], users: [], teams: [] },
  };
}

function grantReason(p: Principal, grant: Omit<ActionGrant, "ownedByTeam">): string | null {
  const role = p.roles.find((r) => grant.roles.includes(r));
  if (role) return `role '${role}'`;
  if (grant.users.some((u) => u.toLowerCase() === p.email.toLowerCase())) return `user grant for ${p.email}`;
  const team = p.teams.find((t) => grant.teams.includes(t));
  return team ? `team grant for '${team}'` : null;
}

/**
 * May `p` run the action (on an entity owned by `owners`; null for CREATE actions)? Admins always may.
 * `ownedByTeam` lets members of a team that owns the entity run a DAY-2 / DELETE action.
 */
export function decideExecute(p: Principal, action: ActionDefinition, owners: string[] | null): Decision {
  if (isAdmin(p)) return { allowed: true, reason: "the Admin role may run every action" };
  const grant = action.permissions.execute;
  const why = grantReason(p, grant);
  if (why) return { allowed: true, reason: `running '${action.identifier}' is granted by ${why}` };
  const team = grant.ownedByTeam && owners ? p.teams.find((t) => owners.includes(t)) : undefined;
  if (team) return { allowed: true, reason: `running '${action.identifier}' is granted to the owning team, and '${team}' owns the entity` };
  return { allowed: false, reason: `running '${action.identifier}' needs ${describe(grant)}` };
}

function describe(grant: ActionGrant): string {
  const parts = [
    grant.roles.length > 0 ? `roles ${grant.roles.join(", ")}` : "",
    grant.users.length > 0 ? `users ${grant.users.join(", ")}` : "",
    grant.teams.length > 0 ? `teams ${grant.teams.join(", ")}` : "",
    grant.ownedByTeam ? "the owning team" : "",
  ].filter(Boolean);
  return parts.length > 0 ? parts.join("; ") : "the Admin role";
}

/** Does the action's approve grant name `p`? (No Admin override: approving is a separate duty.) */
export function mayApprove(p: Principal, action: ActionDefinition): boolean {
  return grantReason(p, action.permissions.approve) !== null;
}

/** Admins and moderators of the action's blueprint define it and read its runs and reports. */
export function mayManage(p: Principal, blueprint: string | null): boolean {
  return isAdmin(p) || (blueprint !== null && isModerator(p, blueprint));
}

/** Which runs `p` may see: their own, and those of actions they manage or approve. Admins see all. */
export function runVisibility(p: Principal, actions: StoredAction[]): RunVisibility {
  if (isAdmin(p)) return { kind: "all" };
  const overseen = actions.filter((a) => mayManage(p, a.trigger.blueprintIdentifier) || mayApprove(p, a)).map((a) => a.identifier);
  return { kind: "some", requester: p.email, actions: overseen };
}

/** May `p` read this run? Same rule as runVisibility, for one run. */
export function mayReadRun(p: Principal, run: RunRecord, action: StoredAction | null): boolean {
  if (isAdmin(p) || run.requestedBy.toLowerCase() === p.email.toLowerCase()) return true;
  if (mayManage(p, run.blueprint)) return true;
  return action !== null && mayApprove(p, action);
}
