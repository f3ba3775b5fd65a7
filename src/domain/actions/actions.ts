import { z } from "zod";
import {
  deleteActionStatement,
  findAction,
  identifierTaken,
  listActions,
  type StoredAction,
  saveActionStatement,
} from "../../db/action-store";
import { insertAuditStatements } from "../../db/audit-store";
import { type Database, isConstraintRace, runBatchRows } from "../../db/client";
import { conflict, invalid, notFound, versionMismatch } from "../../lib/errors";
import { zodDetails } from "../../lib/zod-details";
import { forbidden } from "../access/guards";
import type { Principal } from "../access/principal";
import { auditOf } from "../audit/record";
import type { Blueprint, WriteContext } from "../catalog/types";
import { checkAction } from "./action-checks";
import { decideExecute, defaultActionPermissions, mayManage } from "./action-permissions";
import { type ActionDefinition, parseActionBody } from "./definition";

/**
 * Action definitions: create, replace, delete, read. Admins and the moderators of an action's blueprint
 * manage it; everyone signed in may read definitions, but only managers see how an action is invoked
 * (webhook URLs and headers can carry credentials).
 */

function requireManager(p: Principal, blueprint: string, verb: string): void {
  if (!mayManage(p, blueprint)) throw forbidden(`You need the Admin or ${blueprint}-moderator role to ${verb} actions of '${blueprint}'`);
}

/**
 * An action writes with its own authority (UPSERT_ENTITY / DELETE_ENTITY run without the requester's entity
 * permissions), so whoever defines it must manage the blueprint it writes to as well as the one it is on.
 */
function requireDefiner(p: Principal, action: ActionDefinition, verb: string): void {
  requireManager(p, action.trigger.blueprintIdentifier, verb);
  const m = action.invocationMethod;
  const target = m.type === "WEBHOOK" ? undefined : (m.blueprintIdentifier ?? action.trigger.blueprintIdentifier);
  if (target !== undefined && target !== action.trigger.blueprintIdentifier) requireManager(p, target, `${verb} writing`);
}

/** An action as `p` may see it: managers see everything; others not how it is invoked, notified or granted. */
export function actionView(p: Principal, action: StoredAction) {
  const { webhookDisabled, ...rest } = action;
  if (mayManage(p, action.trigger.blueprintIdentifier)) return { ...rest, webhookDisabled };
  const { permissions: _permissions, approvalNotification, ...shown } = rest;
  return {
    ...shown,
    invocationMethod: { type: action.invocationMethod.type },
    ...(approvalNotification ? { approvalNotification: { type: approvalNotification.type } } : {}),
  };
}

function parse(raw: unknown, blueprints: Map<string, Blueprint>) {
  const blueprint = (raw as { trigger?: { blueprintIdentifier?: unknown } } | null)?.trigger?.blueprintIdentifier;
  const action = parseActionBody(raw, defaultActionPermissions(typeof blueprint === "string" ? blueprint : ""));
  checkAction(action, blueprints);
  return action;
}

async function insertAction(db: Database, action: ActionDefinition, ctx: WriteContext): Promise<void> {
  try {
    await runBatchRows(db, [
      saveActionStatement(db, action, { actor: ctx.actor, at: ctx.now }, null),
      ...insertAuditStatements(db, [auditOf(ctx, "CREATE", "action", { entity: action.identifier, after: action })]),
    ]);
  } catch (error) {
    // Two creates of the same identifier at once: the second finds the first's row.
    if (isConstraintRace(error)) throw conflict(`Action '${action.identifier}' already exists`);
    throw error;
  }
}

export async function createAction(db: Database, p: Principal, raw: unknown, blueprints: Map<string, Blueprint>, ctx: WriteContext) {
  const action = parse(raw, blueprints);
  requireDefiner(p, action, "create");
  if (await identifierTaken(db, action.identifier)) {
    throw conflict(`Action '${action.identifier}' already exists; PUT /v1/actions/${action.identifier} replaces it`);
  }
  await insertAction(db, action, ctx);
  return actionView(p, (await findAction(db, action.identifier)) as StoredAction);
}

/**
 * Creates the actions that do not exist yet (templates; the caller is an admin). Existing ones are left as
 * they are: they may have been customised since.
 */
export async function importActions(
  db: Database,
  raws: Record<string, unknown>[],
  blueprints: Map<string, Blueprint>,
  ctx: WriteContext,
): Promise<{ created: string[]; unchanged: string[] }> {
  const created: string[] = [];
  const unchanged: string[] = [];
  for (const raw of raws) {
    const action = parse(raw, blueprints);
    if (await identifierTaken(db, action.identifier)) unchanged.push(action.identifier);
    else {
      await insertAction(db, action, ctx);
      created.push(action.identifier);
    }
  }
  return { created, unchanged };
}

/** Replaces an action; `expected` is the version the caller read (412 when it moved on). */
export async function replaceAction(
  db: Database,
  p: Principal,
  identifier: string,
  raw: unknown,
  blueprints: Map<string, Blueprint>,
  ctx: WriteContext,
  expected: number | undefined,
) {
  const current = await findAction(db, identifier);
  if (!current) throw notFound(`Action '${identifier}'`);
  requireManager(p, current.trigger.blueprintIdentifier, "change");
  const body = { ...(raw as object), identifier };
  const action = parse(body, blueprints);
  requireDefiner(p, action, "move");
  if (expected !== undefined && expected !== current.version) throw versionMismatch(expected, current.version);
  // The UPDATE only matches the version we read; the audit row is written only when it did.
  const [saved] = await db.$client.batch([
    saveActionStatement(db, action, { actor: ctx.actor, at: ctx.now }, current.version),
    ...insertAuditStatements(db, [auditOf(ctx, "UPDATE", "action", { entity: identifier, before: current, after: action })], {
      onlyIfChanged: true,
    }),
  ]);
  const stored = await findAction(db, identifier);
  if (!stored) throw notFound(`Action '${identifier}'`);
  if (saved?.meta.changes === 0) throw versionMismatch(current.version, stored.version);
  return actionView(p, stored);
}

export async function deleteAction(db: Database, p: Principal, identifier: string, ctx: WriteContext): Promise<void> {
  const current = await findAction(db, identifier);
  if (!current) throw notFound(`Action '${identifier}'`);
  requireManager(p, current.trigger.blueprintIdentifier, "delete");
  await runBatchRows(db, [
    deleteActionStatement(db, identifier),
    ...insertAuditStatements(db, [auditOf(ctx, "DELETE", "action", { entity: identifier, before: current })]),
  ]);
}

export async function getAction(db: Database, p: Principal, identifier: string) {
  const action = await findAction(db, identifier);
  if (!action) throw notFound(`Action '${identifier}'`);
  return actionView(p, action);
}

/** Actions, optionally of one blueprint, as `p` may see them. */
export async function listActionViews(db: Database, p: Principal, blueprint?: string) {
  return (await listActions(db, blueprint)).map((a) => actionView(p, a));
}

const grantPatch = z.strictObject({
  roles: z.array(z.string().max(200)).max(100).optional(),
  users: z.array(z.string().max(254)).max(1000).optional(),
  teams: z.array(z.string().max(200)).max(1000).optional(),
  ownedByTeam: z.boolean({ error: "must be true or false" }).optional(),
});
const permissionsPatch = z.strictObject({
  execute: grantPatch.optional(),
  approve: grantPatch.omit({ ownedByTeam: true }).optional(),
});

/** Port's `GET /v1/actions/{id}/permissions`. */
export async function getActionPermissions(db: Database, p: Principal, identifier: string) {
  const action = await findAction(db, identifier);
  if (!action) throw notFound(`Action '${identifier}'`);
  requireManager(p, action.trigger.blueprintIdentifier, "read the permissions of");
  return action.permissions;
}

/** Port's `PATCH /v1/actions/{id}/permissions`: fields left out keep their value. */
export async function patchActionPermissions(db: Database, p: Principal, identifier: string, raw: unknown, ctx: WriteContext) {
  const current = await findAction(db, identifier);
  if (!current) throw notFound(`Action '${identifier}'`);
  requireManager(p, current.trigger.blueprintIdentifier, "change the permissions of");
  const parsed = permissionsPatch.safeParse(raw);
  if (!parsed.success) throw invalid(zodDetails(parsed.error));
  const { webhookDisabled: _w, version: _v, createdAt: _ca, createdBy: _cb, updatedAt: _ua, updatedBy: _ub, ...definition } = current;
  const next: ActionDefinition = {
    ...definition,
    permissions: {
      execute: { ...current.permissions.execute, ...parsed.data.execute },
      approve: { ...current.permissions.approve, ...parsed.data.approve },
    },
  };
  const [saved] = await db.$client.batch([
    saveActionStatement(db, next, { actor: ctx.actor, at: ctx.now }, current.version),
    ...insertAuditStatements(
      db,
      [auditOf(ctx, "UPDATE", "permissions", { entity: identifier, before: current.permissions, after: next.permissions })],
      {
        onlyIfChanged: true,
      },
    ),
  ]);
  if (saved?.meta.changes === 0) throw conflict("The action changed while its permissions were being saved; retry");
  return next.permissions;
}

/** May `p` run the action (on an entity owned by `owners`; null for CREATE)? Reads the stored grants. */
export async function decideExecuteOf(db: Database, p: Principal, identifier: string, owners: string[] | null) {
  const action = await findAction(db, identifier);
  if (!action) throw notFound(`Action '${identifier}'`);
  return decideExecute(p, action, owners);
}
