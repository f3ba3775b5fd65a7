import { defaultActionPermissions } from "../../../domain/actions/action-permissions";
import { actionBodySchema, OPERATIONS } from "../../../domain/actions/definition";
import {
  type ActionDraft,
  emptyInvocation,
  emptyQuery,
  type GrantDraft,
  type InputDraft,
  type InvocationDraft,
  type KeyValueDraft,
  type TemplateDraft,
} from "./action-draft";
import { inputDraftOf, jsonText, oneOf, readQuery } from "./action-draft-read-input";
import {
  isFiniteNumber,
  isJqQuery,
  isLineList,
  isNonEmptyString,
  isPlainObject,
  type JsonObject,
  Leftovers,
  leftoverText,
} from "./action-leftovers";
import { isBoolean, isString } from "./form-fields";

/**
 * An action definition (Port's JSON, as the API takes it) → the builder's draft. Nothing is lost: keys no
 * field can show stay in the "kept as JSON" boxes (per input, and one for the action). Values the API
 * fills in when left out (run timeout, approval expiry, permissions) are shown filled in.
 */

/** Fields the API accepts on write and ignores (Port exports carry them), and the store's own fields. */
const IGNORED = ["id", "createdAt", "createdBy", "updatedAt", "updatedBy", "version", "publish", "webhookDisabled"];

const isStringRecord = (value: unknown): value is Record<string, string> => isPlainObject(value) && Object.values(value).every(isString);
const isAny = (_value: unknown): _value is unknown => true;

function templateDraft(value: unknown): TemplateDraft {
  return typeof value === "string" ? { mode: "text", value } : { mode: "json", value: jsonText(value) };
}

function keyValues(record: JsonObject): KeyValueDraft[] {
  return Object.entries(record).map(([key, value]) => ({ key, ...templateDraft(value) }));
}

function readInvocation(read: Leftovers): InvocationDraft {
  const d = emptyInvocation();
  const type = (read.peek("invocationMethod") as { type?: unknown } | undefined)?.type;
  if (!oneOf(["WEBHOOK", "UPSERT_ENTITY", "DELETE_ENTITY"] as const)(type)) {
    d.type = "";
    return d;
  }
  const m = read.child("invocationMethod") as Leftovers;
  d.type = m.take("type", oneOf(["WEBHOOK", "UPSERT_ENTITY", "DELETE_ENTITY"] as const)) ?? type;
  if (d.type === "WEBHOOK") {
    d.url = m.take("url", isString) ?? "";
    d.method = m.take("method", oneOf(["POST", "PUT", "PATCH", "DELETE"] as const)) ?? "POST";
    d.synchronized = m.take("synchronized", isBoolean) ?? false;
    d.agent = m.take("agent", (v): v is true => v === true) ?? false;
    d.headers = keyValues(m.take("headers", isStringRecord) ?? {});
    if (m.has("body")) d.body = jsonText(m.take("body", isAny));
  } else if (d.type === "UPSERT_ENTITY") {
    d.blueprint = m.take("blueprintIdentifier", isString) ?? "";
    const mapping = m.child("mapping");
    for (const key of ["identifier", "title", "icon", "team"] as const) {
      const value = mapping?.take(key, (v): v is unknown => v !== "");
      if (value !== undefined) d[key] = templateDraft(value);
    }
    d.properties = keyValues(mapping?.take("properties", isPlainObject) ?? {});
    d.relations = keyValues(mapping?.take("relations", isPlainObject) ?? {});
  } else {
    d.blueprint = m.take("blueprintIdentifier", isNonEmptyString) ?? "";
    d.entityIdentifier = m.take("entityIdentifier", isNonEmptyString) ?? "";
    d.deleteDependents = m.take("deleteDependents", isBoolean) ?? false;
  }
  return d;
}

/** A grant's lists; a grant left out entirely gets the API's default (`fallback`), a list left out is empty. */
function readGrant(read: Leftovers | undefined, fallback: { roles: string[]; users: string[]; teams: string[] }): GrantDraft {
  const list = (key: "roles" | "users" | "teams") => (read ? (read.take(key, isLineList) ?? []) : fallback[key]);
  return {
    roles: list("roles").join("\n"),
    users: list("users").join("\n"),
    teams: list("teams").join("\n"),
    ownedByTeam: read?.take("ownedByTeam", isBoolean) ?? false,
  };
}

function readApproval(read: Leftovers, d: ActionDraft): void {
  const approval = read.take(
    "requiredApproval",
    (v): v is boolean | { type: "ANY" | "ALL" } =>
      isBoolean(v) || (isPlainObject(v) && Object.keys(v).length === 1 && oneOf(["ANY", "ALL"] as const)(v.type)),
  );
  if (approval === true) [d.approval, d.approvalAsBoolean] = ["ANY", true];
  else if (isPlainObject(approval)) d.approval = approval.type;
  const note = read.take("approvalNotification", (v): v is JsonObject => {
    if (!isPlainObject(v)) return false;
    if (v.type === "email") return Object.keys(v).length === 1;
    const keys = Object.keys(v).every((k) => ["type", "url", "format"].includes(k));
    return keys && v.type === "webhook" && isString(v.url) && (v.format === undefined || oneOf(["json", "slack"] as const)(v.format));
  });
  if (note?.type === "email") d.notification = "email";
  else if (note) {
    d.notification = "webhook";
    d.notificationUrl = note.url as string;
    d.notificationFormat = (note.format as "json" | "slack" | undefined) ?? "json";
  }
}

/** The inputs in display order (the wizard's steps, else `order`, else as defined), with their step. */
function readInputs(ui: Leftovers | undefined, d: ActionDraft): InputDraft[] {
  const properties = ui?.child("properties");
  if (!ui || !properties) return [];
  const steps = ui.take(
    "steps",
    (v): v is { title: string; order: string[] }[] =>
      Array.isArray(v) &&
      v.every((s) => isPlainObject(s) && Object.keys(s).length === 2 && isNonEmptyString(s.title) && isLineList(s.order)),
  );
  d.steps = (steps ?? []).map((s) => ({ title: s.title }));
  const required = ui.take("required", (v): v is string[] | { jqQuery: string } => isJqQuery(v) || (Array.isArray(v) && v.every(isString)));
  if (isJqQuery(required)) d.requiredExpr = required.jqQuery;
  const names = properties.keys();
  const order = ui.take(
    "order",
    (v): v is string[] => !steps && isLineList(v) && v.length === names.length && names.every((n) => v.includes(n)),
  );
  d.keepOrder = order !== undefined;
  const listed = steps ? steps.flatMap((s) => s.order) : (order ?? []);
  const shown = [...new Set([...listed.filter((n) => names.includes(n)), ...names])];
  const inputs: InputDraft[] = [];
  for (const name of shown) {
    const raw = properties.take(name, isPlainObject);
    if (!raw) continue; // not an input object: it stays a leftover, for the API to name the problem
    const at = steps ? steps.findIndex((s) => s.order.includes(name)) : -1;
    const step = at >= 0 ? String(at) : "";
    inputs.push(inputDraftOf(name, raw, Array.isArray(required) ? required.includes(name) : required ? null : false, step));
  }
  return inputs;
}

/** Port's permissions, or the API's defaults for the parts left out. */
function readPermissions(read: Leftovers, d: ActionDraft): void {
  const defaults = defaultActionPermissions(d.blueprint);
  const permissions = read.child("permissions");
  d.execute = readGrant(permissions?.child("execute"), defaults.execute);
  d.approve = readGrant(permissions?.child("approve"), defaults.approve);
}

/**
 * The draft of a definition. `raw` need not be valid: whatever the form cannot show is kept as JSON, so
 * the API still names the problem when it is saved.
 *
 * @example const draft = draftFromDefinition(JSON.parse(text));
 */
export function draftFromDefinition(raw: JsonObject): ActionDraft {
  const read = new Leftovers(raw);
  for (const key of IGNORED) read.take(key, isAny);
  const trigger = read.child("trigger");
  trigger?.take("type", (v): v is "self-service" => v === "self-service");
  const d: ActionDraft = {
    identifier: read.take("identifier", isString) ?? "",
    title: read.take("title", isString) ?? "",
    icon: read.take("icon", isNonEmptyString) ?? "",
    description: read.take("description", isNonEmptyString) ?? "",
    category: read.take("category", isNonEmptyString) ?? "",
    operation: trigger?.take("operation", oneOf(OPERATIONS)) ?? "CREATE",
    blueprint: trigger?.take("blueprintIdentifier", isString) ?? "",
    condition: emptyQuery(),
    conditionSearchType: false,
    inputs: [],
    steps: [],
    requiredExpr: "",
    keepOrder: false,
    invocation: emptyInvocation(),
    approval: "none",
    approvalAsBoolean: false,
    notification: "none",
    notificationUrl: "",
    notificationFormat: "json",
    execute: { roles: "", users: "", teams: "", ownedByTeam: false },
    approve: { roles: "", users: "", teams: "", ownedByTeam: false },
    runTimeoutMinutes: String(read.take("runTimeoutMinutes", isFiniteNumber) ?? actionBodySchema.shape.runTimeoutMinutes.parse(undefined)),
    approvalTtlHours: String(read.take("approvalTtlHours", isFiniteNumber) ?? actionBodySchema.shape.approvalTtlHours.parse(undefined)),
    extra: "",
  };
  const condition = trigger ? readQuery(trigger, "condition", true) : undefined;
  if (condition) {
    d.condition = { enabled: true, combinator: condition.combinator, rules: condition.rules };
    d.conditionSearchType = condition.searchType;
  }
  d.inputs = readInputs(trigger?.child("userInputs"), d);
  d.invocation = readInvocation(read);
  readApproval(read, d);
  readPermissions(read, d);
  d.extra = leftoverText(read.remaining());
  return d;
}
