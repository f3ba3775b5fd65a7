/**
 * The action builder's form as data: every field the editor shows, as the strings and flags an HTML form
 * posts. The editor renders a draft; a post decodes back into one (action-draft-tree.ts);
 * action-draft-read.ts and action-draft-write.ts convert between a draft and the action definition.
 */

export const VALUE_MODES = ["text", "json", "expression", "none"] as const;
export const TEMPLATE_MODES = ["text", "json"] as const;
export const DRAFT_INPUT_TYPES = ["string", "number", "boolean", "object", "array"] as const;
export const ITEM_TYPES = ["", "string", "number", "boolean", "object"] as const;
export const INVOCATION_TYPES = ["WEBHOOK", "UPSERT_ENTITY", "DELETE_ENTITY", ""] as const;

/** One rule of a query: a property test, or (`kind: "json"`) any other rule kept as JSON in `value`. */
export interface RuleDraft {
  kind: "simple" | "json";
  property: string;
  operator: string;
  valueMode: (typeof VALUE_MODES)[number];
  value: string;
}

/** A search query (`{combinator, rules}`): a DAY-2 condition or an entity picker's dataset. */
export interface QueryDraft {
  enabled: boolean;
  combinator: "and" | "or";
  rules: RuleDraft[];
}

/** A template value: text as typed, or any JSON. */
export interface TemplateDraft {
  mode: (typeof TEMPLATE_MODES)[number];
  value: string;
}

export interface KeyValueDraft extends TemplateDraft {
  key: string;
}

export interface EnumRowDraft {
  value: string;
  color: string;
}

export interface InputDraft {
  key: string;
  title: string;
  description: string;
  icon: string;
  type: (typeof DRAFT_INPUT_TYPES)[number];
  format: string;
  secret: boolean;
  /** The wizard step's index ("" when the action has no steps). */
  step: string;
  required: "never" | "always" | "expression";
  requiredExpr: string;
  /** "Always" is written as the input's own `required: true` rather than a member of `userInputs.required`. */
  requiredOwn: boolean;
  visible: "always" | "never" | "expression";
  visibleExpr: string;
  defaultMode: "none" | "text" | "json" | "expression";
  defaultValue: string;
  enumMode: "none" | "list" | "expression";
  enumRows: EnumRowDraft[];
  enumExpr: string;
  blueprint: string;
  dataset: QueryDraft;
  minLength: string;
  maxLength: string;
  pattern: string;
  minimum: string;
  maximum: string;
  minItems: string;
  maxItems: string;
  itemType: (typeof ITEM_TYPES)[number];
  itemFormat: string;
  itemPattern: string;
  dependsOn: string;
  /** Settings the form has no field for, kept as JSON. */
  extra: string;
}

export interface GrantDraft {
  roles: string;
  users: string;
  teams: string;
  ownedByTeam: boolean;
}

export interface InvocationDraft {
  /** "" when the stored method is one the form does not know (it is then kept as JSON). */
  type: (typeof INVOCATION_TYPES)[number];
  url: string;
  method: string;
  synchronized: boolean;
  agent: boolean;
  headers: KeyValueDraft[];
  /** The body template as JSON ("" sends Port's default body). */
  body: string;
  blueprint: string;
  identifier: TemplateDraft;
  title: TemplateDraft;
  icon: TemplateDraft;
  team: TemplateDraft;
  properties: KeyValueDraft[];
  relations: KeyValueDraft[];
  entityIdentifier: string;
  deleteDependents: boolean;
}

export interface ActionDraft {
  identifier: string;
  title: string;
  icon: string;
  description: string;
  category: string;
  operation: string;
  blueprint: string;
  condition: QueryDraft;
  /** The condition carries Port's `"type": "SEARCH"`. */
  conditionSearchType: boolean;
  inputs: InputDraft[];
  steps: { title: string }[];
  /** `userInputs.required` as an expression returning input keys ("" = the inputs marked Always). */
  requiredExpr: string;
  /** The definition lists `userInputs.order` (written as the inputs' order here). */
  keepOrder: boolean;
  invocation: InvocationDraft;
  approval: "none" | "ANY" | "ALL";
  /** "One approver" is written as Port's `requiredApproval: true` rather than `{"type": "ANY"}`. */
  approvalAsBoolean: boolean;
  notification: "none" | "email" | "webhook";
  notificationUrl: string;
  notificationFormat: "json" | "slack";
  execute: GrantDraft;
  approve: GrantDraft;
  runTimeoutMinutes: string;
  approvalTtlHours: string;
  extra: string;
}

export function emptyQuery(): QueryDraft {
  return { enabled: false, combinator: "and", rules: [] };
}

export function emptyRule(kind: RuleDraft["kind"] = "simple"): RuleDraft {
  return { kind, property: "", operator: "=", valueMode: "text", value: kind === "json" ? "{}" : "" };
}

export function emptyTemplate(): TemplateDraft {
  return { mode: "text", value: "" };
}

export function emptyKeyValue(): KeyValueDraft {
  return { key: "", mode: "text", value: "" };
}

/** A new input as "Add input" makes it: a plain text field. */
export function blankInput(key: string, step: string): InputDraft {
  return {
    key,
    title: "",
    description: "",
    icon: "",
    type: "string",
    format: "",
    secret: false,
    step,
    required: "never",
    requiredExpr: "",
    requiredOwn: false,
    visible: "always",
    visibleExpr: "",
    defaultMode: "none",
    defaultValue: "",
    enumMode: "none",
    enumRows: [],
    enumExpr: "",
    blueprint: "",
    dataset: emptyQuery(),
    minLength: "",
    maxLength: "",
    pattern: "",
    minimum: "",
    maximum: "",
    minItems: "",
    maxItems: "",
    itemType: "",
    itemFormat: "",
    itemPattern: "",
    dependsOn: "",
    extra: "",
  };
}

export function emptyInvocation(): InvocationDraft {
  return {
    type: "WEBHOOK",
    url: "",
    method: "POST",
    synchronized: false,
    agent: false,
    headers: [],
    body: "",
    blueprint: "",
    identifier: emptyTemplate(),
    title: emptyTemplate(),
    icon: emptyTemplate(),
    team: emptyTemplate(),
    properties: [],
    relations: [],
    entityIdentifier: "",
    deleteDependents: false,
  };
}

/** The builder's own fields beside the draft's `action.*` ones (names no action input can take: they hold a dot). */
export const BUILDER_FIELD = {
  /** The JSON pane. */
  json: "builder.json",
  /** Hash of the definition the editor held when the panes were last in step (see chooseSaved). */
  base: "builder.base",
  /** Hash of the definition the JSON pane held then. */
  jsonBase: "builder.jsonBase",
  /** Which controls the editor shows; a post that changes it gets the editor re-rendered. */
  shape: "builder.shape",
  /** A button's op (action-ops.ts). */
  op: "builder.op",
  /** The preview's wizard step a step tab asks for. */
  step: "builder.step",
  /** The stored version being edited (optimistic concurrency on save). */
  version: "builder.version",
  /** The identifier of the action being edited ("" for a new one). */
  edit: "builder.edit",
} as const;

/** The prefix of the draft's field names (`action.inputs[2].key`). */
export const DRAFT_PREFIX = "action";
