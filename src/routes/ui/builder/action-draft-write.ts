import type { ErrorDetail } from "../../../lib/errors";
import type { ActionDraft, GrantDraft, InvocationDraft, KeyValueDraft, TemplateDraft } from "./action-draft";
import { FieldProblems, linesOf, listedAsRequired, queryOf, userInputOf } from "./action-draft-write-input";
import type { JsonObject } from "./action-leftovers";

/**
 * The builder's draft → the action definition, exactly as the API takes it (and as it stores it: values
 * the API would fill in are written out, so the JSON pane shows what `GET /v1/actions/{id}` will).
 * Fields whose text cannot be read are returned as problems by slot; the definition then leaves them out.
 */

export interface DraftConversion {
  definition: JsonObject;
  /** Fields that could not be read, located by slot (`inputs.2.defaultValue`). */
  problems: ErrorDetail[];
}

function templateOf(t: TemplateDraft, slot: string, problems: FieldProblems): unknown {
  return t.mode === "json" ? problems.json(t.value, `${slot}.value`) : t.value;
}

/** Rows of key and value → an object; blank rows are skipped, a value without a key is a problem. */
function recordOf(rows: KeyValueDraft[], slot: string, problems: FieldProblems, asText = false): JsonObject {
  const out: JsonObject = {};
  rows.forEach((row, j) => {
    const key = row.key.trim();
    if (key === "" && row.value.trim() === "") return;
    if (key === "") problems.add(`${slot}.${j}.key`, "needs a name");
    else if (Object.hasOwn(out, key)) problems.add(`${slot}.${j}.key`, `'${key}' is listed twice`);
    else out[key] = asText ? row.value : templateOf(row, `${slot}.${j}`, problems);
  });
  return out;
}

function invocationOf(m: InvocationDraft, problems: FieldProblems): JsonObject | undefined {
  if (m.type === "WEBHOOK") {
    const out: JsonObject = { type: m.type, url: m.url, method: m.method, synchronized: m.synchronized };
    if (m.agent) out.agent = true;
    out.headers = recordOf(m.headers, "invocation.headers", problems, true);
    if (m.body.trim() !== "") out.body = problems.json(m.body, "invocation.body");
    return out;
  }
  if (m.type === "UPSERT_ENTITY") {
    const mapping: JsonObject = {};
    for (const key of ["identifier", "title", "icon", "team"] as const) {
      const t = m[key];
      if (t.mode === "json" || t.value !== "") mapping[key] = templateOf(t, `invocation.${key}`, problems);
    }
    mapping.properties = recordOf(m.properties, "invocation.properties", problems);
    mapping.relations = recordOf(m.relations, "invocation.relations", problems);
    return { type: m.type, blueprintIdentifier: m.blueprint, mapping };
  }
  if (m.type === "DELETE_ENTITY") {
    const out: JsonObject = { type: m.type };
    if (m.blueprint) out.blueprintIdentifier = m.blueprint;
    if (m.entityIdentifier) out.entityIdentifier = m.entityIdentifier;
    out.deleteDependents = m.deleteDependents;
    return out;
  }
  return undefined; // a method the form does not know: it is in the "kept as JSON" box
}

function grantOf(g: GrantDraft, withOwner: boolean): JsonObject {
  const out: JsonObject = { roles: linesOf(g.roles), users: linesOf(g.users), teams: linesOf(g.teams) };
  if (withOwner) out.ownedByTeam = g.ownedByTeam;
  return out;
}

function userInputsOf(d: ActionDraft, problems: FieldProblems): JsonObject {
  const listExpression = d.requiredExpr.trim() !== "";
  const properties: JsonObject = {};
  d.inputs.forEach((input, i) => {
    const key = input.key.trim();
    if (key === "") problems.add(`inputs.${i}.key`, "every input needs a key");
    else if (Object.hasOwn(properties, key)) problems.add(`inputs.${i}.key`, `another input already uses the key '${key}'`);
    else properties[key] = userInputOf(input, listExpression, `inputs.${i}`, problems);
  });
  const out: JsonObject = {
    properties,
    required: listExpression
      ? { jqQuery: d.requiredExpr }
      : d.inputs.filter((input) => listedAsRequired(input, false)).map((input) => input.key.trim()),
  };
  if (d.keepOrder) out.order = d.inputs.map((input) => input.key.trim());
  if (d.steps.length > 0) {
    out.steps = d.steps.map((step, s) => ({
      title: step.title,
      order: d.inputs.filter((input) => input.step === String(s)).map((input) => input.key.trim()),
    }));
  }
  return out;
}

function approvalOf(d: ActionDraft): JsonObject {
  const out: JsonObject = {
    requiredApproval: d.approval === "none" ? false : d.approval === "ANY" && d.approvalAsBoolean ? true : { type: d.approval },
  };
  if (d.notification === "email") out.approvalNotification = { type: "email" };
  if (d.notification === "webhook") {
    out.approvalNotification = { type: "webhook", url: d.notificationUrl, format: d.notificationFormat };
  }
  return out;
}

/**
 * The definition a draft describes.
 *
 * @example const { definition, problems } = definitionFromDraft(draftFromTree(tree));
 */
export function definitionFromDraft(d: ActionDraft): DraftConversion {
  const problems = new FieldProblems();
  const trigger: JsonObject = { type: "self-service", operation: d.operation, blueprintIdentifier: d.blueprint };
  trigger.userInputs = userInputsOf(d, problems);
  if (d.condition.enabled) {
    trigger.condition = { ...(d.conditionSearchType ? { type: "SEARCH" } : {}), ...queryOf(d.condition, "condition", problems) };
  }
  const action: JsonObject = { identifier: d.identifier, title: d.title };
  if (d.icon) action.icon = d.icon;
  if (d.description) action.description = d.description;
  if (d.category) action.category = d.category;
  action.trigger = trigger;
  const invocation = invocationOf(d.invocation, problems);
  if (invocation) action.invocationMethod = invocation;
  Object.assign(action, approvalOf(d));
  action.permissions = { execute: grantOf(d.execute, true), approve: grantOf(d.approve, false) };
  for (const key of ["runTimeoutMinutes", "approvalTtlHours"] as const) {
    const n = problems.number(d[key], key);
    if (n !== undefined) action[key] = n;
  }
  return { definition: problems.merge(action, d.extra, "extra"), problems: problems.list };
}
