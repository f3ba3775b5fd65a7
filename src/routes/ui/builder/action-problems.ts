import type { ErrorDetail } from "../../../lib/errors";
import { ownEntry } from "../../../lib/own";
import type { ActionDraft, InputDraft } from "./action-draft";

/**
 * Where the builder shows a problem. The API names problems by definition path
 * (`trigger.userInputs.properties.size.maximum`); the editor shows them beside the field that wrote that
 * part (slot `inputs.3.maximum`). Problems no field owns are listed above the editor with their path.
 */

export interface PlacedProblems {
  /** Messages by slot. */
  bySlot: Record<string, string[]>;
  /** Problems no field owns, as "path: message". */
  general: string[];
}

const TOP = ["identifier", "title", "icon", "description", "category", "runTimeoutMinutes", "approvalTtlHours"];

const INVOCATION: Record<string, string> = {
  type: "invocation.type",
  url: "invocation.url",
  method: "invocation.method",
  synchronized: "invocation.synchronized",
  agent: "invocation.agent",
  headers: "invocation.headers",
  body: "invocation.body",
  blueprintIdentifier: "invocation.blueprint",
  entityIdentifier: "invocation.entityIdentifier",
  deleteDependents: "invocation.deleteDependents",
};

/** An input's own key → the card field that writes it. */
function inputField(input: InputDraft, rest: string[]): string {
  const [key = "", next = ""] = rest;
  switch (key) {
    case "":
      return "key";
    case "visible":
      return input.visible === "expression" ? "visibleExpr" : "visible";
    case "required":
      return input.required === "expression" ? "requiredExpr" : "required";
    case "default":
      return "defaultValue";
    case "enum":
    case "enumColors":
      return input.enumMode === "expression" ? "enumExpr" : "enumMode";
    case "encryption":
      return "secret";
    case "items":
      return ownEntry(ITEM_FIELDS, next) ?? "itemType";
    default:
      return INPUT_FIELDS.has(key) ? key : "extra";
  }
}

const ITEM_FIELDS: Record<string, string> = { enum: "enumMode", blueprint: "blueprint", pattern: "itemPattern", format: "itemFormat" };
const INPUT_FIELDS = new Set(["type", "title", "description", "icon", "format", "blueprint", "dataset"]);
for (const key of ["minLength", "maxLength", "pattern", "minimum", "maximum", "minItems", "maxItems", "dependsOn"]) INPUT_FIELDS.add(key);

/** The input a path under `properties.` is about (keys may hold dots in invalid definitions: longest first). */
function inputAt(draft: ActionDraft, rest: string): { index: number; tail: string[] } | null {
  const byLength = draft.inputs.map((input, index) => ({ key: input.key.trim(), index })).sort((a, b) => b.key.length - a.key.length);
  const hit = byLength.find(({ key }) => rest === key || rest.startsWith(`${key}.`));
  if (!hit) return null;
  const tail = rest.slice(hit.key.length + 1);
  return { index: hit.index, tail: tail === "" ? [] : tail.split(".") };
}

/** A slot, and whether the field there is exactly what the path names (else the message keeps its path). */
type Placed = [slot: string, exact: boolean];

function userInputsSlot(draft: ActionDraft, parts: string[]): Placed {
  const [area, ...rest] = parts;
  if (area === "properties") {
    const at = inputAt(draft, rest.join("."));
    if (!at) return ["inputs", false];
    const exact = at.tail.length <= 1 || at.tail[1] === "jqQuery" || (at.tail[0] === "items" && at.tail.length === 2);
    return [`inputs.${at.index}.${inputField(draft.inputs[at.index] as InputDraft, at.tail)}`, exact];
  }
  if (area === "steps") return [rest.length > 0 ? `steps.${rest[0]}` : "steps", rest.length === 0];
  if (area === "required") return [draft.requiredExpr ? "requiredExpr" : "inputs", false];
  return ["inputs", false];
}

function placeOf(draft: ActionDraft, path: string): Placed | null {
  const parts = path.split(".");
  const [head = "", second = "", ...rest] = parts;
  const only = parts.length === 1;
  if (TOP.includes(head)) return [head, only];
  if (head === "trigger") {
    if (second === "operation" || second === "blueprintIdentifier")
      return [second === "operation" ? "operation" : "blueprint", rest.length === 0];
    if (second === "condition") return ["condition", false];
    if (second === "userInputs") return userInputsSlot(draft, rest);
    return null;
  }
  if (head === "invocationMethod") {
    if (second === "mapping") {
      const [key = ""] = rest;
      const known = ["identifier", "title", "icon", "team", "properties", "relations"].includes(key);
      return known ? [`invocation.${key}`, rest.length === 1] : ["invocation.type", false];
    }
    const slot = ownEntry(INVOCATION, second);
    return slot ? [slot, rest.length === 0] : ["invocation.type", false];
  }
  if (head === "requiredApproval") return ["approval", only];
  if (head === "approvalNotification") return second === "url" ? ["notificationUrl", true] : ["notification", false];
  if (head === "permissions") return [second === "approve" ? "approve" : "execute", false];
  return null;
}

/** Sorts problems (the API's, by path; the fields', by slot already) into the fields that show them and the rest. */
export function placeProblems(draft: ActionDraft, apiProblems: ErrorDetail[], fieldProblems: ErrorDetail[] = []): PlacedProblems {
  const bySlot: Record<string, string[]> = {};
  const general: string[] = [];
  const put = (slot: string, message: string) => {
    bySlot[slot] = [...(bySlot[slot] ?? []), message];
  };
  for (const p of fieldProblems) put(p.path, p.message);
  for (const p of apiProblems) {
    const placed = p.path ? placeOf(draft, p.path) : null;
    if (placed) put(placed[0], placed[1] ? p.message : `${p.path}: ${p.message}`);
    else general.push(p.path ? `${p.path}: ${p.message}` : p.message);
  }
  return { bySlot, general };
}
