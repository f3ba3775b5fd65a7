import type { PreviewState } from "../../../../views/components/action-builder-panes";
import type { CatalogAccess } from "../../../domain/access/authorized-catalog";
import { checkAction } from "../../../domain/actions/action-checks";
import { defaultActionPermissions } from "../../../domain/actions/action-permissions";
import { parseActionBody } from "../../../domain/actions/definition";
import { resolveForm } from "../../../domain/actions/form";
import { sha256Hex } from "../../../lib/crypto";
import { AppError, type ErrorDetail, invalid } from "../../../lib/errors";
import { decodeFormPaths, FormPathError } from "../../../lib/form-paths";
import { parseJsonBody } from "../../../lib/json-parse";
import { buildModel, readActionForm } from "../action-form-state";
import { formContextFor } from "../action-support";
import type { PostedForm } from "../form-values";
import { type ActionDraft, BUILDER_FIELD, DRAFT_PREFIX, type QueryDraft } from "./action-draft";
import { draftFromTree } from "./action-draft-tree";
import { definitionFromDraft } from "./action-draft-write";
import { isPlainObject } from "./action-leftovers";

/**
 * What one post to the builder holds (the editor's draft, the JSON pane, the bookkeeping fields, the
 * preview's values), and the decisions made from it: which pane a save takes, whether the editor must be
 * re-rendered, and the preview of the run form.
 */

/** The hashes of the definitions the editor and the JSON pane hold ("" for one that does not read). */
export interface PaneHashes {
  editor: string;
  json: string;
}

export interface PostedBuilder {
  posted: PostedForm;
  draft: ActionDraft;
  /** Whether the post held editor fields at all (a JSON-only post has none). */
  hasEditor: boolean;
  jsonText: string;
  /** What each pane held when they were last in step (hashes; see chooseSaved). */
  base: PaneHashes;
  shape: string;
  op: string;
  /** The preview step a step tab asked for. */
  step: number | undefined;
  /** The stored action being edited ("" for a new one) and the version it was read at. */
  edit: string;
  version: number | undefined;
}

function field(posted: PostedForm, name: string): string {
  const v = [posted[name] ?? []].flat().at(-1);
  return typeof v === "string" ? v : "";
}

function optionalInt(text: string): number | undefined {
  const n = Number(text);
  return text !== "" && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** Reads a post (`parseBody({all: true})`); field names that are not paths are a 400. */
export function readBuilderPost(posted: PostedForm): PostedBuilder {
  const prefix = `${DRAFT_PREFIX}.`;
  const entries = Object.entries(posted).filter(([name]) => name.startsWith(prefix));
  let tree: ReturnType<typeof decodeFormPaths>;
  try {
    tree = decodeFormPaths(entries);
  } catch (error) {
    if (error instanceof FormPathError) throw invalid([{ path: "", message: error.message }]);
    throw error;
  }
  return {
    posted,
    draft: draftFromTree(tree[DRAFT_PREFIX]),
    hasEditor: entries.length > 0,
    jsonText: field(posted, BUILDER_FIELD.json),
    base: { editor: field(posted, BUILDER_FIELD.base), json: field(posted, BUILDER_FIELD.jsonBase) },
    shape: field(posted, BUILDER_FIELD.shape),
    op: field(posted, BUILDER_FIELD.op),
    step: optionalInt(field(posted, BUILDER_FIELD.step)),
    edit: field(posted, BUILDER_FIELD.edit),
    version: optionalInt(field(posted, BUILDER_FIELD.version)),
  };
}

/** JSON with keys sorted at every level, so equal definitions compare equal whatever their key order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, canonical(value[k])]),
  );
}

function definitionHash(definition: unknown): Promise<string> {
  return sha256Hex(JSON.stringify(canonical(definition)));
}

/** The JSON pane's value, or where its syntax breaks. */
export function parseJsonPane(text: string): { value: unknown; error?: undefined } | { value?: undefined; error: string } {
  try {
    return { value: parseJsonBody(text) };
  } catch (error) {
    if (error instanceof AppError) return { error: error.details[0]?.message ?? error.message };
    throw error;
  }
}

/** The hashes of what the panes hold: the editor's draft (as the definition it writes) and the JSON pane's text. */
export async function paneHashes(draft: ActionDraft, jsonText: string): Promise<PaneHashes> {
  const editor = definitionFromDraft(draft);
  const json = parseJsonPane(jsonText);
  return {
    editor: editor.problems.length > 0 ? "" : await definitionHash(editor.definition),
    json: json.error !== undefined ? "" : await definitionHash(json.value),
  };
}

function rulesShape(q: QueryDraft): unknown {
  return [q.enabled, q.rules.map((r) => [r.kind, r.valueMode])];
}

/**
 * Which controls the editor shows for a draft (types, modes, row counts). A post whose draft has another
 * shape than the one rendered (a select changed a type or a mode) gets the editor re-rendered; typing in a
 * text field never changes it, so the field being typed in is never replaced.
 */
export function shapeOf(d: ActionDraft): string {
  const m = d.invocation;
  return JSON.stringify([
    d.operation,
    rulesShape(d.condition),
    d.steps.length,
    d.inputs.map((i) => [
      i.type,
      i.format,
      i.itemType,
      i.itemFormat,
      i.required,
      i.visible,
      i.defaultMode,
      i.enumMode,
      i.enumRows.length,
      rulesShape(i.dataset),
    ]),
    [m.type, m.headers.length, m.properties.map((p) => p.mode), m.relations.map((r) => r.mode)],
    [m.identifier.mode, m.title.mode, m.icon.mode, m.team.mode],
    [d.approval, d.notification],
  ]);
}

export type SaveSource =
  | { ok: true; definition: unknown; from: "editor" | "json" }
  | { ok: false; reason: "fields"; problems: ErrorDetail[] }
  | { ok: false; reason: "json"; message: string }
  | { ok: false; reason: "both" };

/**
 * Which pane a save takes. The post carries, for each pane, the hash of what it held when the two were
 * last in step; the pane that moved away from its hash was edited last (a quick save can beat the live
 * sync, and without JavaScript nothing syncs at all). When both moved, the save is refused, not guessed.
 */
export async function chooseSaved(p: PostedBuilder): Promise<SaveSource> {
  const json = parseJsonPane(p.jsonText);
  const fromJson = (): SaveSource =>
    json.error === undefined ? { ok: true, definition: json.value, from: "json" } : { ok: false, reason: "json", message: json.error };
  if (!p.hasEditor) return fromJson();
  const editor = definitionFromDraft(p.draft);
  const now = await paneHashes(p.draft, p.jsonText);
  const editorMoved = now.editor === "" || now.editor !== p.base.editor;
  const jsonMoved = now.json === "" || now.json !== p.base.json;
  if (editorMoved && jsonMoved) return { ok: false, reason: "both" };
  if (jsonMoved) return fromJson();
  return editor.problems.length > 0
    ? { ok: false, reason: "fields", problems: editor.problems }
    : { ok: true, definition: editor.definition, from: "editor" };
}

/**
 * The preview pane: the definition checked as save would check it, and its run form resolved against the
 * values typed into the preview (conditions, defaults, wizard steps), inert.
 */
export async function previewOf(access: CatalogAccess, raw: unknown, p: PostedBuilder | null): Promise<PreviewState> {
  try {
    const bp = (raw as { trigger?: { blueprintIdentifier?: unknown } } | null)?.trigger?.blueprintIdentifier;
    const action = parseActionBody(raw, defaultActionPermissions(typeof bp === "string" ? bp : ""));
    checkAction(action, access.blueprints);
    const ui = action.trigger.userInputs;
    const typed = readActionForm(ui, p?.posted ?? {});
    const resolved = await resolveForm(ui, typed.converted.values, formContextFor(access.principal, action.trigger.operation, null));
    const model = buildModel({
      actionId: action.identifier,
      ui,
      resolved,
      converted: typed.converted,
      step: p?.step ?? typed.step,
      problems: typed.converted.problems,
      banner: [],
      entity: null,
      csrfToken: "",
      canSubmit: false,
      preview: true,
    });
    return { model, problems: [], steps: (ui.steps ?? []).map((s) => s.title) };
  } catch (error) {
    if (!(error instanceof AppError) || error.status !== 400) throw error;
    return { model: null, problems: error.details.length > 0 ? error.details : [{ path: "", message: error.message }], steps: [] };
  }
}
