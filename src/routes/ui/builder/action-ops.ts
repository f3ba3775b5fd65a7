import { invalid } from "../../../lib/errors";
import { type ActionDraft, blankInput, emptyKeyValue, emptyRule, type QueryDraft } from "./action-draft";

/**
 * The builder's buttons ("Add input", "Remove", "Move up", "Add step", …): each posts the whole editor with
 * an op such as `input.up:2`, and the server answers with the editor re-rendered from the changed draft.
 * Ops are pure: draft in, new draft out.
 */

function indexArg(raw: string | undefined, length: number): number {
  const i = Number(raw);
  if (!Number.isInteger(i) || i < 0 || i >= length) throw invalid([{ path: "builder.op", message: "names a row that does not exist" }]);
  return i;
}

function unknownOp(op: string) {
  return invalid([{ path: "builder.op", message: `'${op}' is not an op` }]);
}

function swap<T>(list: T[], a: number, b: number): void {
  if (b < 0 || b >= list.length) return;
  [list[a], list[b]] = [list[b] as T, list[a] as T];
}

function unusedKey(d: ActionDraft): string {
  const taken = new Set(d.inputs.map((i) => i.key));
  let n = d.inputs.length + 1;
  while (taken.has(`input_${n}`)) n++;
  return `input_${n}`;
}

/** The rule editor an op names: `condition`, or `dataset.<input>`. */
function queryOf(d: ActionDraft, name: string | undefined, arg: string | undefined): QueryDraft {
  if (name === "condition") return d.condition;
  if (name === "dataset") return (d.inputs[indexArg(arg, d.inputs.length)] as ActionDraft["inputs"][number]).dataset;
  throw invalid([{ path: "builder.op", message: "names no rule list" }]);
}

/** Renumbers the inputs' steps after step `from` moved to `to` (or was removed, `to` = null). */
function moveStepOfInputs(d: ActionDraft, from: number, to: number | null): void {
  for (const input of d.inputs) {
    if (input.step === "") continue;
    const s = Number(input.step);
    if (to === null) input.step = s === from ? String(Math.max(from - 1, 0)) : s > from ? String(s - 1) : input.step;
    else if (s === from) input.step = String(to);
    else if (s === to) input.step = String(from);
  }
  if (d.steps.length === 0) for (const input of d.inputs) input.step = "";
}

function stepOp(d: ActionDraft, verb: string, arg: string | undefined): void {
  if (verb === "add") {
    d.steps.push({ title: `Step ${d.steps.length + 1}` });
    // The first step holds every input; later ones start empty.
    if (d.steps.length === 1) for (const input of d.inputs) input.step = "0";
    return;
  }
  const s = indexArg(arg, d.steps.length);
  if (verb === "remove") {
    d.steps.splice(s, 1);
    moveStepOfInputs(d, s, null);
  } else if (verb === "up" || verb === "down") {
    const to = verb === "up" ? s - 1 : s + 1;
    if (to < 0 || to >= d.steps.length) return;
    swap(d.steps, s, to);
    moveStepOfInputs(d, s, to);
  } else throw unknownOp(`step.${verb}`);
}

function rowsOp<T>(rows: T[], verb: string, arg: string | undefined, make: () => T): void {
  if (verb === "add") rows.push(make());
  else if (verb === "remove") rows.splice(indexArg(arg, rows.length), 1);
  else throw unknownOp(verb);
}

/**
 * The draft after one op. Ops: `input.add`, `input.remove:i`, `input.up:i`, `input.down:i`, `enum.add:i`,
 * `enum.remove:i:j`, `rule.add:condition`, `rule.addJson:dataset:i`, `rule.remove:condition:r` (or
 * `:dataset:i:r`), `step.add`, `step.remove:s`, `step.up:s`, `step.down:s`, `header.add`,
 * `header.remove:j` (likewise `property.*`, `relation.*`), and `refresh` (no change).
 */
export function applyOp(draft: ActionDraft, op: string): ActionDraft {
  const d = structuredClone(draft);
  const [target, rest] = op.split(".", 2) as [string, string | undefined];
  const [verb = "", ...args] = (rest ?? "").split(":");
  switch (target) {
    case "refresh":
      return d;
    case "input": {
      if (verb === "add") {
        d.inputs.push(blankInput(unusedKey(d), d.steps.length > 0 ? String(d.steps.length - 1) : ""));
        return d;
      }
      const i = indexArg(args[0], d.inputs.length);
      if (verb === "remove") d.inputs.splice(i, 1);
      else if (verb === "up" || verb === "down") swap(d.inputs, i, verb === "up" ? i - 1 : i + 1);
      else throw unknownOp(op);
      return d;
    }
    case "enum": {
      const input = d.inputs[indexArg(args[0], d.inputs.length)] as ActionDraft["inputs"][number];
      rowsOp(input.enumRows, verb, args[1], () => ({ value: "", color: "" }));
      return d;
    }
    case "rule": {
      const [name, ...more] = args;
      const query = queryOf(d, name, more[0]);
      const at = name === "dataset" ? more[1] : more[0];
      if (verb === "addJson") query.rules.push(emptyRule("json"));
      else rowsOp(query.rules, verb, at, () => emptyRule());
      query.enabled = true;
      return d;
    }
    case "step":
      stepOp(d, verb, args[0]);
      return d;
    case "header":
      rowsOp(d.invocation.headers, verb, args[0], emptyKeyValue);
      return d;
    case "property":
      rowsOp(d.invocation.properties, verb, args[0], emptyKeyValue);
      return d;
    case "relation":
      rowsOp(d.invocation.relations, verb, args[0], emptyKeyValue);
      return d;
    default:
      throw unknownOp(op);
  }
}
