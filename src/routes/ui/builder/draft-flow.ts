import type { ProblemIndex } from "../../../../views/components/builder-fields";
import type { JsonCheck } from "../../../../views/components/builder-panes";
import type { BuilderBanner } from "../../../../views/components/builder-shell";
import type { ErrorDetail } from "../../../lib/errors";
import { type BuilderPost, definitionText, parseJsonDraft } from "./builder-post";
import { type DraftProblem, indexProblems, placed, type Tree } from "./form-fields";

/**
 * The flow both builders share, apart from what they render: a live edit from either half, and the
 * definition Save sends to the domain. A builder supplies how its form converts and how its drafts are
 * checked.
 *
 * Both halves post everything, with `_synced`: the JSON text of the last moment they were in step. So the
 * server can tell which half holds edits the other has not seen yet — the JSON when its text differs from
 * `_synced`, the form when the JSON it makes differs from the one `_synced` makes — and Save never drops
 * an edit still waiting for its live update.
 */
export interface FormKind<F> {
  fromTree(tree: Tree): F;
  fromJson(raw: Record<string, unknown>): F;
  toJson(form: F): { definition: Record<string, unknown>; problems: DraftProblem[] };
  applyOp(form: F, op: string): F;
  /** The domain's live check of a definition (the same validation Save runs, minus stored-data checks). */
  check(raw: Record<string, unknown>): ErrorDetail[];
  /** The form field a problem belongs to. */
  fieldOf(form: F, problem: DraftProblem): string;
}

/** A builder page's state. */
export interface DraftState<F> {
  form: F;
  json: string;
  /** The JSON text of the last moment form and JSON were in step. */
  synced: string;
  /** The definition the JSON pane holds, when it parses (for extra previews). */
  definition: Record<string, unknown> | null;
  check: JsonCheck;
  /** Problems next to their fields (after a refused Save). */
  problems: ProblemIndex;
  banner: BuilderBanner;
}

/** The state of a form as it stands: its JSON, and every problem (the form's own first; the domain's once there are none). */
export function formState<F>(kind: FormKind<F>, form: F): DraftState<F> {
  const { definition, problems } = kind.toJson(form);
  const json = definitionText(definition);
  return {
    form,
    json,
    synced: json,
    definition,
    check: { problems: problems.length > 0 ? problems : kind.check(definition) },
    problems: new Map(),
    banner: {},
  };
}

/** The halves as posted, not in step (a JSON that does not parse, or both edited at once). */
function asPosted<F>(kind: FormKind<F>, post: BuilderPost, check: JsonCheck, banner: BuilderBanner = {}): DraftState<F> {
  const form = kind.fromTree(post.tree);
  return { ...formState(kind, form), json: post.json, synced: post.synced, definition: null, check, banner };
}

/**
 * What a live edit changed: the JSON half (an edit in the form, or a button), the form half (an edit in
 * the JSON), nothing but the problems (a JSON that does not parse), or nothing at all (a form edit that
 * arrives while the JSON holds newer edits: those win when their own update comes).
 */
export type DraftOutcome<F> =
  | { changed: "json"; state: DraftState<F>; op: boolean }
  | { changed: "form"; state: DraftState<F> }
  | { changed: "problems"; state: DraftState<F> }
  | { changed: "nothing" };

export function draftOutcome<F>(kind: FormKind<F>, post: BuilderPost): DraftOutcome<F> {
  if (post.from === "json" && post.op === "") {
    const parsed = parseJsonDraft(post.json);
    if ("syntax" in parsed) return { changed: "problems", state: asPosted(kind, post, { syntax: parsed.syntax, problems: [] }) };
    const state = { ...formState(kind, kind.fromJson(parsed.value)), json: post.json, synced: post.json, definition: parsed.value };
    return { changed: "form", state: { ...state, check: { problems: kind.check(parsed.value) } } };
  }
  const jsonEdited = post.json !== post.synced;
  if (post.op === "")
    return jsonEdited ? { changed: "nothing" } : { changed: "json", state: formState(kind, kind.fromTree(post.tree)), op: false };
  // A button pressed while the JSON holds newer edits works on those.
  const parsed = jsonEdited ? parseJsonDraft(post.json) : null;
  const base = parsed && "value" in parsed ? kind.fromJson(parsed.value) : kind.fromTree(post.tree);
  return { changed: "json", state: formState(kind, kind.applyOp(base, post.op)), op: true };
}

/** The whole builder after a live edit posted without htmx (a button pressed with scripts off). */
export function draftPage<F>(kind: FormKind<F>, post: BuilderPost): DraftState<F> {
  const outcome = draftOutcome(kind, post);
  return outcome.changed === "nothing" ? asPosted(kind, post, { problems: [] }) : outcome.state;
}

/** The definition text `json` makes once it has been through the form (what the form would make of it). */
function throughForm<F>(kind: FormKind<F>, json: string): string | null {
  const parsed = parseJsonDraft(json);
  return "syntax" in parsed ? null : definitionText(kind.toJson(kind.fromJson(parsed.value)).definition);
}

/** What Save sends to the domain, or the page to show when the draft itself stops it. */
export type SaveInput<F> = { ready: true; form: F; raw: Record<string, unknown>; json: string } | { ready: false; state: DraftState<F> };

/**
 * The definition to save, from the half holding the newest edits. Both halves edited since they were last
 * in step, a JSON syntax error, or a problem of the form stops it here.
 */
export function saveInput<F>(kind: FormKind<F>, post: BuilderPost): SaveInput<F> {
  const form = kind.fromTree(post.tree);
  const built = kind.toJson(form);
  const jsonEdited = post.json !== post.synced;
  const formEdited = definitionText(built.definition) !== throughForm(kind, post.synced);
  if (jsonEdited && formEdited) {
    const banner = {
      error: "Not saved: both the form and the JSON changed since they were last in step. Keep the one you want, then save.",
    };
    return { ready: false, state: asPosted(kind, post, { problems: [] }, banner) };
  }
  if (jsonEdited) {
    const parsed = parseJsonDraft(post.json);
    if ("syntax" in parsed) {
      const check = { syntax: parsed.syntax, problems: [] };
      return { ready: false, state: asPosted(kind, post, check, { error: "Not saved: the JSON does not parse." }) };
    }
    return { ready: true, form: kind.fromJson(parsed.value), raw: parsed.value, json: post.json };
  }
  const json = definitionText(built.definition);
  if (built.problems.length > 0) return { ready: false, state: refusedState(kind, form, json, built.problems, {}) };
  return { ready: true, form, raw: built.definition, json };
}

/** The page after a refused Save: the user's edits as they were (form and JSON in step), problems next to their fields. */
export function refusedState<F>(kind: FormKind<F>, form: F, json: string, problems: ErrorDetail[], banner: BuilderBanner): DraftState<F> {
  return {
    form,
    json,
    synced: json,
    definition: null,
    check: { problems },
    problems: indexProblems(problems.map((p) => placed(kind.fieldOf(form, p), p))),
    banner: problems.length > 0 ? { error: "Not saved: fix the problems shown next to the fields.", ...banner } : banner,
  };
}
