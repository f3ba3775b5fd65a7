import type { Context } from "hono";
import type { ActionLink } from "../../../views/components/action-panel";
import type { Database } from "../../db/client";
import { type CatalogAccess, getVisibleEntity, ownersOfEntity } from "../../domain/access/authorized-catalog";
import type { Decision } from "../../domain/access/decisions";
import type { Principal } from "../../domain/access/principal";
import { decideExecuteOf, type getAction, listActionViews } from "../../domain/actions/actions";
import type { FormContext } from "../../domain/actions/form";
import { meetsCondition as meetsActionCondition } from "../../domain/actions/offered";
import type { Entity } from "../../domain/catalog/types";
import type { AppEnv } from "../../env";
import type { ErrorDetail } from "../../lib/errors";

/** Helpers shared by the action and run pages (and the catalog pages' action panels). */

export type ActionView = Awaited<ReturnType<typeof getAction>>;

/**
 * htmx asking for a fragment: an HX-Request that is neither a boosted navigation nor a history restore
 * (both need the whole page).
 */
export function wantsFragment(c: Context<AppEnv>): boolean {
  return c.req.header("HX-Request") === "true" && !c.req.header("HX-Boosted") && !c.req.header("HX-History-Restore-Request");
}

/** htmx does not swap 4xx answers, so an htmx request gets its error content with a 200. */
export function pageStatus(c: Context<AppEnv>, status: 200 | 400 | 403 | 404 | 409 | 412 | 422) {
  return c.req.header("HX-Request") === "true" ? 200 : status;
}

/** Redirects after a successful post: a full navigation for htmx (HX-Redirect), a 303 otherwise. */
export function redirectAfterPost(c: Context<AppEnv>, location: string): Response {
  if (c.req.header("HX-Request") === "true") {
    c.header("HX-Redirect", location);
    return c.body(null, 200);
  }
  return c.redirect(location, 303);
}

/** May the viewer run the action (views do not carry its grants, so the domain reads them)? */
export function decideRun(db: Database, p: Principal, action: ActionView, owners: string[] | null): Promise<Decision> {
  return decideExecuteOf(db, p, action.identifier, owners);
}

/** What a form's conditions may read: `.entity`, `.user`, `.trigger.operation`. */
export function formContextFor(p: Principal, operation: string, entity: Entity | null): FormContext {
  return {
    entity: entity as unknown as Record<string, unknown> | null,
    user: { email: p.email, name: p.name, roles: p.roles, teams: p.teams },
    operation,
  };
}

/** The readable entity a DAY-2 / DELETE action runs on (null for CREATE actions or when none is named). */
export async function targetEntity(db: Database, access: CatalogAccess, action: ActionView, identifier: string | undefined) {
  if (action.trigger.operation === "CREATE" || !identifier) return null;
  return (await getVisibleEntity(db, access, action.trigger.blueprintIdentifier, identifier, false)).entity;
}

/** Does the entity meet the action's condition? (The domain's answer; re-exported for the pages.) */
export async function meetsCondition(db: Database, access: CatalogAccess, action: ActionView, identifier: string): Promise<boolean> {
  return meetsActionCondition(db, access, action.trigger, identifier);
}

function linkOf(a: ActionView): ActionLink {
  return { identifier: a.identifier, title: a.title, description: a.description, operation: a.trigger.operation };
}

/** The DAY-2 / DELETE actions of the entity's blueprint the viewer may run on it and whose condition it meets. */
export async function actionsForEntity(db: Database, access: CatalogAccess, blueprint: string, identifier: string): Promise<ActionLink[]> {
  const candidates = (await listActionViews(db, access.principal, blueprint)).filter((a) => a.trigger.operation !== "CREATE");
  if (candidates.length === 0) return [];
  const owners = await ownersOfEntity(db, access, blueprint, identifier);
  const offered: ActionLink[] = [];
  for (const a of candidates) {
    if ((await decideRun(db, access.principal, a, owners)).allowed && (await meetsCondition(db, access, a, identifier)))
      offered.push(linkOf(a));
  }
  return offered;
}

/** The blueprint's CREATE actions the viewer may run. */
export async function createActionsOf(db: Database, access: CatalogAccess, blueprint: string): Promise<ActionLink[]> {
  const out: ActionLink[] = [];
  for (const a of await listActionViews(db, access.principal, blueprint)) {
    if (a.trigger.operation === "CREATE" && (await decideRun(db, access.principal, a, null)).allowed) out.push(linkOf(a));
  }
  return out;
}

/** The input a problem's path (`properties.<input>[.<more>]`) is about; input names may hold dots. */
export function inputOfPath(path: string, inputs: string[]): string | undefined {
  if (!path.startsWith("properties.")) return undefined;
  const rest = path.slice("properties.".length);
  return [...inputs].sort((a, b) => b.length - a.length).find((n) => rest === n || rest.startsWith(`${n}.`));
}

/**
 * Splits a 400's details into problems per input (`properties.<input>[.<more>]`, longest input name
 * first, as names may hold dots) and the rest, which the form shows above its fields.
 */
export function problemsByInput(details: ErrorDetail[], inputs: string[]): { byInput: Record<string, string[]>; general: string[] } {
  const byInput: Record<string, string[]> = {};
  const general: string[] = [];
  for (const { path, message } of details) {
    const name = inputOfPath(path, inputs);
    if (name === undefined) {
      general.push(path ? `${path}: ${message}` : message);
      continue;
    }
    const rest = path.slice(`properties.${name}`.length + 1);
    const where = rest === "" ? "" : `item ${rest}: `;
    byInput[name] = [...(byInput[name] ?? []), `${where}${message}`];
  }
  return { byInput, general };
}
