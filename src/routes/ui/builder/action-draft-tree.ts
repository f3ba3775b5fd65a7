import type { FormTree } from "../../../lib/form-paths";
import {
  type ActionDraft,
  DRAFT_INPUT_TYPES,
  type GrantDraft,
  INVOCATION_TYPES,
  type InputDraft,
  type InvocationDraft,
  ITEM_TYPES,
  type KeyValueDraft,
  type QueryDraft,
  type RuleDraft,
  TEMPLATE_MODES,
  type TemplateDraft,
  VALUE_MODES,
} from "./action-draft";

/**
 * A posted editor → its draft. The editor's fields are named by draft path (`action.inputs[2].key`), so the
 * decoded form (lib/form-paths) has the draft's shape; this reads it field by field.
 */

// Reading a decoded form (lib/form-paths). Every field is optional: a missing one reads as empty, and a
// field posted twice (a checkbox after its hidden "false") reads as its last value.

type Tree = FormTree | undefined;

function group(tree: Tree, key: string): Tree {
  return tree !== undefined && typeof tree === "object" && !Array.isArray(tree) ? tree[key] : undefined;
}

function text(tree: Tree, key: string): string {
  const v = group(tree, key);
  const last = Array.isArray(v) ? v.at(-1) : v;
  return typeof last === "string" ? last : "";
}

function flag(tree: Tree, key: string): boolean {
  return text(tree, key) === "true";
}

function choice<T extends string>(tree: Tree, key: string, values: readonly T[], fallback: T): T {
  const v = text(tree, key);
  return (values as readonly string[]).includes(v) ? (v as T) : fallback;
}

function rows<T>(tree: Tree, key: string, read: (row: Tree) => T): T[] {
  const v = group(tree, key);
  return Array.isArray(v) ? v.map((row) => read(row)) : [];
}

function ruleFrom(t: Tree): RuleDraft {
  return {
    kind: choice(t, "kind", ["simple", "json"] as const, "simple"),
    property: text(t, "property"),
    operator: text(t, "operator"),
    valueMode: choice(t, "valueMode", VALUE_MODES, "text"),
    value: text(t, "value"),
  };
}

function queryFrom(t: Tree): QueryDraft {
  return {
    enabled: flag(t, "enabled"),
    combinator: choice(t, "combinator", ["and", "or"] as const, "and"),
    rules: rows(t, "rules", ruleFrom),
  };
}

function templateFrom(t: Tree): TemplateDraft {
  return { mode: choice(t, "mode", TEMPLATE_MODES, "text"), value: text(t, "value") };
}

function keyValueFrom(t: Tree): KeyValueDraft {
  return { key: text(t, "key"), ...templateFrom(t) };
}

function inputFrom(t: Tree): InputDraft {
  const s = (key: string) => text(t, key);
  return {
    key: s("key"),
    title: s("title"),
    description: s("description"),
    icon: s("icon"),
    type: choice(t, "type", DRAFT_INPUT_TYPES, "string"),
    format: s("format"),
    secret: flag(t, "secret"),
    step: s("step"),
    required: choice(t, "required", ["never", "always", "expression"] as const, "never"),
    requiredExpr: s("requiredExpr"),
    requiredOwn: flag(t, "requiredOwn"),
    visible: choice(t, "visible", ["always", "never", "expression"] as const, "always"),
    visibleExpr: s("visibleExpr"),
    defaultMode: choice(t, "defaultMode", ["none", "text", "json", "expression"] as const, "none"),
    defaultValue: s("defaultValue"),
    enumMode: choice(t, "enumMode", ["none", "list", "expression"] as const, "none"),
    enumRows: rows(t, "enumRows", (r) => ({ value: text(r, "value"), color: text(r, "color") })),
    enumExpr: s("enumExpr"),
    blueprint: s("blueprint"),
    dataset: queryFrom(group(t, "dataset")),
    minLength: s("minLength"),
    maxLength: s("maxLength"),
    pattern: s("pattern"),
    minimum: s("minimum"),
    maximum: s("maximum"),
    minItems: s("minItems"),
    maxItems: s("maxItems"),
    itemType: choice(t, "itemType", ITEM_TYPES, ""),
    itemFormat: s("itemFormat"),
    itemPattern: s("itemPattern"),
    dependsOn: s("dependsOn"),
    extra: s("extra"),
  };
}

function grantFrom(t: Tree): GrantDraft {
  return { roles: text(t, "roles"), users: text(t, "users"), teams: text(t, "teams"), ownedByTeam: flag(t, "ownedByTeam") };
}

function invocationFrom(t: Tree): InvocationDraft {
  return {
    type: choice(t, "type", INVOCATION_TYPES, "WEBHOOK"),
    url: text(t, "url"),
    method: text(t, "method") || "POST",
    synchronized: flag(t, "synchronized"),
    agent: flag(t, "agent"),
    headers: rows(t, "headers", keyValueFrom),
    body: text(t, "body"),
    blueprint: text(t, "blueprint"),
    identifier: templateFrom(group(t, "identifier")),
    title: templateFrom(group(t, "title")),
    icon: templateFrom(group(t, "icon")),
    team: templateFrom(group(t, "team")),
    properties: rows(t, "properties", keyValueFrom),
    relations: rows(t, "relations", keyValueFrom),
    entityIdentifier: text(t, "entityIdentifier"),
    deleteDependents: flag(t, "deleteDependents"),
  };
}

/** The draft a posted editor holds (the `action` group of its decoded fields). */
export function draftFromTree(t: Tree): ActionDraft {
  const s = (key: string) => text(t, key);
  return {
    identifier: s("identifier"),
    title: s("title"),
    icon: s("icon"),
    description: s("description"),
    category: s("category"),
    operation: s("operation") || "CREATE",
    blueprint: s("blueprint"),
    condition: queryFrom(group(t, "condition")),
    conditionSearchType: flag(t, "conditionSearchType"),
    inputs: rows(t, "inputs", inputFrom),
    steps: rows(t, "steps", (r) => ({ title: text(r, "title") })),
    requiredExpr: s("requiredExpr"),
    keepOrder: flag(t, "keepOrder"),
    invocation: invocationFrom(group(t, "invocation")),
    approval: choice(t, "approval", ["none", "ANY", "ALL"] as const, "none"),
    approvalAsBoolean: flag(t, "approvalAsBoolean"),
    notification: choice(t, "notification", ["none", "email", "webhook"] as const, "none"),
    notificationUrl: s("notificationUrl"),
    notificationFormat: choice(t, "notificationFormat", ["json", "slack"] as const, "json"),
    execute: grantFrom(group(t, "execute")),
    approve: grantFrom(group(t, "approve")),
    runTimeoutMinutes: s("runTimeoutMinutes"),
    approvalTtlHours: s("approvalTtlHours"),
    extra: s("extra"),
  };
}
