import { deleteActionStatement, identifierTaken } from "../../db/action-store";
import { insertAuditStatements } from "../../db/audit-store";
import { findAutomation, listAutomations, type StoredAutomation, saveAutomationStatement } from "../../db/automation-store";
import { type Database, runBatch } from "../../db/client";
import { conflict, type ErrorDetail, invalid, notFound, versionMismatch } from "../../lib/errors";
import { requireAdmin } from "../access/guards";
import type { Principal } from "../access/principal";
import { invocationProblems } from "../actions/action-checks";
import { auditOf } from "../audit/record";
import type { Blueprint, WriteContext } from "../catalog/types";
import { expressionProblem } from "../expressions/expression";
import { type AutomationDefinition, parseAutomationBody } from "./definition";

/**
 * Automation definitions. Only admins manage them: an automation acts as the portal itself (it is not
 * bound to a requester's permissions), so it is an admin's decision.
 */

function check(a: AutomationDefinition, blueprints: Map<string, Blueprint>): void {
  const problems: ErrorDetail[] = [];
  const bp = a.trigger.event.blueprintIdentifier;
  if (bp !== undefined && !blueprints.has(bp))
    problems.push({ path: "trigger.event.blueprintIdentifier", message: `blueprint '${bp}' does not exist` });
  const property = a.trigger.event.propertyIdentifier;
  if (property !== undefined) {
    const def = bp ? blueprints.get(bp)?.schema.properties[property] : undefined;
    if (def?.format !== "timer") {
      problems.push({ path: "trigger.event.propertyIdentifier", message: `'${property}' is not a timer property of '${bp}'` });
    }
  }
  a.trigger.condition?.expressions.forEach((e, i) => {
    const problem = expressionProblem(e);
    if (problem) problems.push({ path: `trigger.condition.expressions.${i}`, message: problem });
  });
  problems.push(...invocationProblems(a.invocationMethod, blueprints));
  if (problems.length > 0) throw invalid(problems);
}

export async function createAutomation(db: Database, p: Principal, raw: unknown, blueprints: Map<string, Blueprint>, ctx: WriteContext) {
  requireAdmin(p, "create automations");
  const a = parseAutomationBody(raw);
  check(a, blueprints);
  if (await identifierTaken(db, a.identifier)) throw conflict(`An action or automation '${a.identifier}' already exists`);
  await runBatch(db, [
    saveAutomationStatement(db, a, { actor: ctx.actor, at: ctx.now }, null),
    ...insertAuditStatements(db, [auditOf(ctx, "CREATE", "automation", { entity: a.identifier, after: a })]),
  ]);
  return (await findAutomation(db, a.identifier)) as StoredAutomation;
}

export async function replaceAutomation(
  db: Database,
  p: Principal,
  identifier: string,
  raw: unknown,
  blueprints: Map<string, Blueprint>,
  ctx: WriteContext,
  expected: number | undefined,
) {
  requireAdmin(p, "change automations");
  const current = await findAutomation(db, identifier);
  if (!current) throw notFound(`Automation '${identifier}'`);
  const a = parseAutomationBody({ ...(raw as object), identifier });
  check(a, blueprints);
  if (expected !== undefined && expected !== current.version) throw versionMismatch(expected, current.version);
  const [saved] = await db.$client.batch([
    saveAutomationStatement(db, a, { actor: ctx.actor, at: ctx.now }, current.version),
    ...insertAuditStatements(db, [auditOf(ctx, "UPDATE", "automation", { entity: identifier, before: current, after: a })], {
      onlyIfChanged: true,
    }),
  ]);
  const stored = await findAutomation(db, identifier);
  if (!stored) throw notFound(`Automation '${identifier}'`);
  if (saved?.meta.changes === 0) throw versionMismatch(current.version, stored.version);
  return stored;
}

export async function deleteAutomation(db: Database, p: Principal, identifier: string, ctx: WriteContext): Promise<void> {
  requireAdmin(p, "delete automations");
  const current = await findAutomation(db, identifier);
  if (!current) throw notFound(`Automation '${identifier}'`);
  await runBatch(db, [
    deleteActionStatement(db, identifier),
    ...insertAuditStatements(db, [auditOf(ctx, "DELETE", "automation", { entity: identifier, before: current })]),
  ]);
}

export async function getAutomation(db: Database, p: Principal, identifier: string): Promise<StoredAutomation> {
  requireAdmin(p, "read automations");
  const a = await findAutomation(db, identifier);
  if (!a) throw notFound(`Automation '${identifier}'`);
  return a;
}

export async function listAutomationsFor(db: Database, p: Principal): Promise<StoredAutomation[]> {
  requireAdmin(p, "read automations");
  return listAutomations(db);
}

/** Creates the automations that do not exist yet (templates). */
export async function importAutomations(
  db: Database,
  raws: Record<string, unknown>[],
  blueprints: Map<string, Blueprint>,
  ctx: WriteContext,
) {
  const created: string[] = [];
  const unchanged: string[] = [];
  for (const raw of raws) {
    const a = parseAutomationBody(raw);
    check(a, blueprints);
    if (await identifierTaken(db, a.identifier)) {
      unchanged.push(a.identifier);
      continue;
    }
    await runBatch(db, [
      saveAutomationStatement(db, a, { actor: ctx.actor, at: ctx.now }, null),
      ...insertAuditStatements(db, [auditOf(ctx, "CREATE", "automation", { entity: a.identifier, after: a })]),
    ]);
    created.push(a.identifier);
  }
  return { created, unchanged };
}
