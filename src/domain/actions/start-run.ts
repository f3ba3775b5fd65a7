import { findAction, type StoredAction, usersMatching } from "../../db/action-store";
import { insertAuditStatements } from "../../db/audit-store";
import { type Database, runBatch, type Statement } from "../../db/client";
import { type DeliveryKind, insertDeliveryStatement } from "../../db/delivery-store";
import { insertRunStatement, type RunApproval, type RunRecord, runStateOf } from "../../db/run-store";
import { existingTeams } from "../../db/team-store";
import { findUserByEmail } from "../../db/user-store";
import { encryptText } from "../../lib/encryption";
import { AppError, conflict, type ErrorDetail, invalid, notFound } from "../../lib/errors";
import { type CatalogAccess, getVisibleEntity, ownersOfEntity, searchScopeFor } from "../access/authorized-catalog";
import { forbidden } from "../access/guards";
import type { Entity } from "../catalog/types";
import { decideExecute } from "./action-permissions";
import type { Invocation, UserInput } from "./definition";
import { resolveEntityInputs } from "./entity-inputs";
import { type FormContext, resolveForm } from "./form";
import { newDeliveryId, newRunId } from "./ids";
import { meetsCondition } from "./offered";
import { runView } from "./run-view";
import type { RunRuntime } from "./runtime";

/** Purpose label of the key that encrypts action inputs (see lib/encryption). */
export const INPUT_ENCRYPTION = "action-inputs";

/** A run request, from the form or `POST /v1/actions/{id}/runs`. */
export interface RunRequest {
  properties: Record<string, unknown>;
  entity?: string | undefined;
}

export interface RunMeta {
  source: "UI" | "API";
  requestId: string;
  now: Date;
}

/** The action and, for DAY-2 / DELETE actions, the readable entity it runs on, checked against the condition. */
async function targetOf(db: Database, access: CatalogAccess, action: StoredAction, request: RunRequest, now: Date): Promise<Entity | null> {
  const op = action.trigger.operation;
  const bp = action.trigger.blueprintIdentifier;
  if (op === "CREATE") {
    if (request.entity !== undefined) throw invalid([{ path: "entity", message: "a CREATE action does not run on an existing entity" }]);
    return null;
  }
  if (request.entity === undefined) throw invalid([{ path: "entity", message: `a ${op} action runs on an entity: name one of '${bp}'` }]);
  const { entity } = await getVisibleEntity(db, access, bp, request.entity, false);
  if (!(await meetsCondition(db, access, action.trigger, entity.identifier, now))) {
    throw new AppError(
      422,
      "condition_not_met",
      `'${action.title}' is not offered on '${entity.identifier}': the entity does not meet the action's condition`,
    );
  }
  return entity;
}

/** Users and teams named by `user` / `team` inputs must exist. */
async function directoryProblems(db: Database, inputs: Record<string, UserInput>, values: Record<string, unknown>): Promise<ErrorDetail[]> {
  const problems: ErrorDetail[] = [];
  const teams: [string, string][] = [];
  for (const [name, value] of Object.entries(values)) {
    const input = inputs[name] as UserInput;
    const format = input.type === "array" ? input.items?.format : input.format;
    const list = [value].flat().map(String);
    if (format === "team")
      for (const [i, t] of list.entries()) teams.push([Array.isArray(value) ? `properties.${name}.${i}` : `properties.${name}`, t]);
    if (format === "user") {
      for (const [i, email] of list.entries()) {
        if (!(await findUserByEmail(db, email))) {
          problems.push({
            path: Array.isArray(value) ? `properties.${name}.${i}` : `properties.${name}`,
            message: `no user has the email ${email}`,
          });
        }
      }
    }
  }
  if (teams.length > 0) {
    const known = await existingTeams(
      db,
      teams.map(([, t]) => t),
    );
    for (const [path, t] of teams) if (!known.has(t)) problems.push({ path, message: `team '${t}' does not exist` });
  }
  return problems;
}

async function sealInputs(runtime: RunRuntime, inputs: Record<string, UserInput>, values: Record<string, unknown>) {
  const sealed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    sealed[name] =
      inputs[name]?.encryption && typeof value === "string"
        ? { $encrypted: await encryptText(runtime.encryptionSecret, INPUT_ENCRYPTION, value) }
        : value;
  }
  return sealed;
}

async function approvalFor(db: Database, action: StoredAction, requester: string, now: Date): Promise<RunApproval | null> {
  if (action.requiredApproval === false) return null;
  const type = action.requiredApproval === true ? "ANY" : action.requiredApproval.type;
  const approvers = (await usersMatching(db, action.permissions.approve))
    .map((u) => u.email)
    .filter((e) => e.toLowerCase() !== requester.toLowerCase());
  if (approvers.length === 0) {
    throw conflict(
      `Nobody but you may approve runs of '${action.title}', and you cannot approve your own run; ask an admin to add approvers`,
    );
  }
  const expiresAt = new Date(now.getTime() + action.approvalTtlHours * 3_600_000).toISOString();
  return { type, approvers, decisions: [], expiresAt };
}

/** The delivery an invocation needs: an HTTP call for WEBHOOK, a catalog write for the others. */
export function deliveryKindOf(invocation: Invocation): { kind: DeliveryKind; url: string | null } {
  if (invocation.type === "WEBHOOK") return { kind: "RUN", url: invocation.url };
  return { kind: invocation.type, url: null };
}

/**
 * Starts a run: checks the requester may run the action (on that entity), resolves and validates the form,
 * stores the run — with its first delivery, or waiting for approval — and the audit row in one batch, then
 * starts its RunObject and queues the delivery. The caller never waits on the customer's backend.
 */
export async function startRun(
  db: Database,
  runtime: RunRuntime,
  access: CatalogAccess,
  actionId: string,
  request: RunRequest,
  meta: RunMeta,
): Promise<ReturnType<typeof runView>> {
  const action = await findAction(db, actionId);
  if (!action) throw notFound(`Action '${actionId}'`);
  const p = access.principal;
  const entity = await targetOf(db, access, action, request, meta.now);
  const owners = entity ? await ownersOfEntity(db, access, entity.blueprint, entity.identifier) : null;
  const decision = decideExecute(p, action, owners);
  if (!decision.allowed) throw forbidden(`You may not run this action: ${decision.reason}`);
  if (action.webhookDisabled)
    throw conflict(`The action's webhook is disabled: ${action.webhookDisabled}. Saving the action again re-enables it.`);

  const formCtx: FormContext = {
    entity: entity as unknown as Record<string, unknown> | null,
    user: { email: p.email, name: p.name, roles: p.roles, teams: p.teams },
    operation: action.trigger.operation,
  };
  const ui = action.trigger.userInputs;
  const form = await resolveForm(ui, request.properties, formCtx);
  if (form.problems.length > 0) throw invalid(form.problems);
  const picked = await resolveEntityInputs(db, searchScopeFor(access, meta.now), ui, form.values, formCtx);
  const problems = [...picked.problems, ...(await directoryProblems(db, ui.properties, form.values))];
  if (problems.length > 0) throw invalid(problems);

  const at = meta.now.toISOString();
  const approval = await approvalFor(db, action, p.email, meta.now);
  const runId = newRunId(meta.now);
  const target = deliveryKindOf(action.invocationMethod);
  const run: RunRecord = {
    id: runId,
    action: action.identifier,
    actionTitle: action.title,
    blueprint: action.trigger.blueprintIdentifier,
    entity: entity?.identifier ?? null,
    operation: action.trigger.operation,
    source: meta.source,
    status: approval ? "WAITING_FOR_APPROVAL" : "IN_PROGRESS",
    statusLabel: approval ? `Waiting for approval (${approval.type === "ALL" ? "all of" : "any of"} ${approval.approvers.length})` : null,
    summary: null,
    links: [],
    externalRunId: null,
    inputs: await sealInputs(runtime, ui.properties, form.values),
    context: {
      entity,
      inputEntities: picked.entities,
      trigger: { by: { userId: p.userId, email: p.email, name: p.name }, origin: meta.source, at, operation: action.trigger.operation },
      action: { identifier: action.identifier, title: action.title, blueprint: action.trigger.blueprintIdentifier },
      invocation: action.invocationMethod,
      approvalNotification: action.approvalNotification ?? null,
    },
    approval,
    requestedBy: p.email,
    requestedById: p.userId,
    logCount: 0,
    revision: 1,
    createdAt: at,
    updatedAt: at,
    endedAt: null,
  };
  const deliveries: { id: string; kind: DeliveryKind; url: string | null }[] = [];
  if (!approval) deliveries.push({ id: newDeliveryId(meta.now), ...target });
  else if (action.approvalNotification?.type === "webhook") {
    deliveries.push({ id: newDeliveryId(meta.now), kind: "APPROVAL_NOTIFICATION", url: action.approvalNotification.url });
  }
  const view = runView(run);
  const statements: Statement[] = [
    insertRunStatement(db, run),
    ...deliveries.map((d) => insertDeliveryStatement(db, { ...d, runId, at })),
    ...insertAuditStatements(db, [
      {
        at,
        actor: p.email,
        origin: meta.source,
        action: "CREATE",
        resourceType: "run",
        blueprint: run.blueprint,
        entity: run.entity,
        before: null,
        after: view,
        requestId: meta.requestId,
        runId,
      },
    ]),
  ];
  // The RunObject first: if starting it fails nothing is stored (an object without a row is never reached).
  await runtime.run(runId).init({
    runId,
    blueprint: run.blueprint,
    entity: run.entity,
    requester: p.email,
    state: runStateOf(run),
    timeoutMinutes: action.runTimeoutMinutes,
    approvalExpiresAt: approval?.expiresAt ?? null,
    onApproval: approval ? target : null,
  });
  await runBatch(db, statements);
  await runtime.enqueue(deliveries.map((d) => d.id));
  return view;
}
