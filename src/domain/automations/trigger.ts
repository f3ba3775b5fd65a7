import { insertAuditStatements } from "../../db/audit-store";
import type { StoredAutomation } from "../../db/automation-store";
import { type Database, isConstraintRace, runBatch, type Statement } from "../../db/client";
import { insertDeliveryStatement } from "../../db/delivery-store";
import { dispatchedStatement } from "../../db/event-store";
import { insertRunStatement, type RunRecord, runStateOf } from "../../db/run-store";
import { newDeliveryId, newRunId } from "../actions/ids";
import type { RunRuntime } from "../actions/runtime";
import { deliveryKindOf } from "../actions/start-run";
import type { eventPayload, PortalEvent } from "../events/event";
import { evaluateExpression } from "../expressions/expression";
import { RUN_TRIGGERS } from "./definition";

/** Automation runs started by automation runs' own changes stop after this many generations. */
export const MAX_AUTOMATION_DEPTH = 3;

/** What an automation sees of an event: the event, its diff and context, and who caused it. */
export interface AutomationScope {
  event: ReturnType<typeof eventPayload>;
  diff: { before: unknown; after: unknown };
  context: ReturnType<typeof eventPayload>["context"] & { actionIdentifier?: string | undefined };
  trigger: { by: { email: string }; origin: string; at: string; operation: string };
  /** The entity the event is about (after the change, or before a delete), if any. */
  entity: unknown;
  /** Generation: 0 for a person's change, n+1 for a change made by an automation run of generation n. */
  depth: number;
}

/** Does the automation listen to this event? `runAction` is the action of the run a run event is about. */
export function listensTo(a: StoredAutomation, e: PortalEvent, runAction: string | null): boolean {
  // An automation reacts to what happens after it exists, not to events still queued when it was created.
  if (!a.publish || e.at < a.createdAt) return false;
  const want = a.trigger.event;
  if (RUN_TRIGGERS.has(want.type)) {
    if (e.type !== "RUN_CREATED" && e.type !== "RUN_UPDATED") return false;
    if (want.type !== "ANY_RUN_CHANGE" && want.type !== e.type) return false;
    return runAction !== null && want.actionIdentifier === runAction;
  }
  if (e.blueprint !== want.blueprintIdentifier) return false;
  if (want.type === "TIMER_PROPERTY_EXPIRED") {
    return e.type === "TIMER_PROPERTY_EXPIRED" && (want.propertyIdentifier === undefined || want.propertyIdentifier === e.timer?.property);
  }
  if (want.type === "ANY_ENTITY_CHANGE") return e.type === "ENTITY_CREATED" || e.type === "ENTITY_UPDATED" || e.type === "ENTITY_DELETED";
  return want.type === e.type;
}

/** Evaluates the automation's condition; a failing expression counts as false and says why. */
export async function conditionHolds(a: StoredAutomation, scope: AutomationScope): Promise<{ holds: boolean; note?: string }> {
  const condition = a.trigger.condition;
  if (!condition) return { holds: true };
  const results: boolean[] = [];
  for (const expression of condition.expressions) {
    const r = await evaluateExpression(expression, scope);
    if (r.error) return { holds: false, note: `condition failed: ${r.error}` };
    results.push(Boolean(r.value));
  }
  const holds = condition.combinator === "or" ? results.some(Boolean) : results.every(Boolean);
  return holds ? { holds } : { holds, note: "condition false" };
}

/**
 * Starts one automation run for one event: the run row (source AUTOMATION), its delivery, its audit row
 * and the dispatch record land in one batch — so an event handed to the queue twice starts one run — then
 * the RunObject starts and the delivery is queued. Returns the run id, or null when it already ran.
 */
export async function startAutomationRun(
  db: Database,
  runtime: RunRuntime,
  a: StoredAutomation,
  e: PortalEvent,
  scope: AutomationScope,
  runEntity: string | null,
  runBlueprint: string | null,
): Promise<string | null> {
  const now = new Date();
  const at = now.toISOString();
  const id = newRunId(now);
  const actor = `automation:${a.identifier}`;
  const target = deliveryKindOf(a.invocationMethod);
  // Run events: the blueprint of the run they follow, so the new run is attributed (and visible) like it.
  const blueprint = a.trigger.event.blueprintIdentifier ?? e.blueprint ?? runBlueprint;
  const run: RunRecord = {
    id,
    action: a.identifier,
    actionTitle: a.title,
    blueprint: blueprint ?? null,
    entity: runEntity,
    operation: e.type,
    source: "AUTOMATION",
    status: "IN_PROGRESS",
    statusLabel: `Triggered by ${e.type}`,
    summary: null,
    links: [],
    externalRunId: null,
    inputs: {},
    context: {
      entity: scope.entity,
      inputEntities: {},
      trigger: { by: { userId: actor, email: actor, name: a.title }, origin: "AUTOMATION", at, operation: e.type },
      action: { identifier: a.identifier, title: a.title, blueprint: blueprint ?? null },
      invocation: a.invocationMethod,
      approvalNotification: null,
      event: scope.event,
      depth: scope.depth + 1,
    },
    approval: null,
    requestedBy: actor,
    requestedById: actor,
    logCount: 0,
    revision: 1,
    createdAt: at,
    updatedAt: at,
    endedAt: null,
  };
  const deliveryId = newDeliveryId(now);
  const statements: Statement[] = [
    dispatchedStatement(db, { eventId: e.id, target: `automation:${a.identifier}`, runId: id, deliveryId, at }),
    insertRunStatement(db, run),
    insertDeliveryStatement(db, { id: deliveryId, ...target, runId: id, at }),
    ...insertAuditStatements(db, [
      {
        at,
        actor,
        origin: "AUTOMATION",
        action: "CREATE",
        resourceType: "run",
        blueprint: run.blueprint,
        entity: run.entity,
        before: null,
        after: { id, action: a.identifier, event: `ev_${e.id}`, depth: scope.depth + 1 },
        requestId: `ev_${e.id}`,
        runId: id,
      },
    ]),
  ];
  await runtime.run(id).init({
    runId: id,
    blueprint: blueprint ?? null,
    entity: runEntity,
    requester: actor,
    state: runStateOf(run),
    timeoutMinutes: a.runTimeoutMinutes,
    approvalExpiresAt: null,
    onApproval: null,
  });
  try {
    await runBatch(db, statements);
  } catch (error) {
    if (isConstraintRace(error)) return null;
    throw error;
  }
  await runtime.enqueue([deliveryId]);
  return id;
}

/** Records that an event reached an automation without starting a run (condition false, loop cut). */
export async function recordSkip(db: Database, e: PortalEvent, a: StoredAutomation, note: string): Promise<void> {
  try {
    await runBatch(db, [
      dispatchedStatement(db, { eventId: e.id, target: `automation:${a.identifier}`, note, at: new Date().toISOString() }),
    ]);
  } catch (error) {
    if (!isConstraintRace(error)) throw error;
  }
}
