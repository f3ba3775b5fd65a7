import { type Context, Hono } from "hono";
import { EditorFields } from "../../../views/components/action-builder-editor";
import {
  BaseFields,
  BUILDER_URLS,
  JsonStatus,
  JsonTextarea,
  PreviewPane,
  type PreviewState,
  ProblemsRegion,
} from "../../../views/components/action-builder-panes";
import { ActionBuilderPage } from "../../../views/pages/action-builder-page";
import { database } from "../../db/client";
import type { CatalogAccess } from "../../domain/access/authorized-catalog";
import { forbidden } from "../../domain/access/guards";
import { mayManage } from "../../domain/actions/action-permissions";
import { createAction, getAction, replaceAction } from "../../domain/actions/actions";
import type { AppEnv } from "../../env";
import { AppError, type ErrorDetail } from "../../lib/errors";
import { accessOf, writeContext } from "../api/common";
import { type ActionView, pageStatus, redirectAfterPost, wantsFragment } from "./action-support";
import {
  chooseSaved,
  type PostedBuilder,
  paneHashes,
  parseJsonPane,
  previewOf,
  readBuilderPost,
  shapeOf,
} from "./builder/action-builder-state";
import type { ActionDraft } from "./builder/action-draft";
import { draftFromDefinition } from "./builder/action-draft-read";
import { definitionFromDraft } from "./builder/action-draft-write";
import { isPlainObject, type JsonObject } from "./builder/action-leftovers";
import { applyOp } from "./builder/action-ops";
import { placeProblems } from "./builder/action-problems";
import type { PostedForm } from "./form-values";
import { viewerOf } from "./viewer";

/**
 * The low-code action builder for managers (Admins, blueprint moderators): a form editor, the live preview
 * of the run form and the definition as JSON, kept in step through the /actions/builder/* posts. Saving
 * goes through the same domain call as `POST /v1/actions`.
 */
export const actionBuilderPages = new Hono<AppEnv>();

/** Who is building, and the blueprints the editor offers. */
interface Situation {
  access: CatalogAccess;
  /** Blueprints the viewer may define actions on. */
  managed: string[];
  /** Blueprints the viewer can read (entity pickers). */
  blueprints: string[];
}

async function situationOf(c: Context<AppEnv>): Promise<Situation> {
  const access = await accessOf(c);
  const blueprints = [...access.blueprints.keys()].sort();
  const managed = blueprints.filter((bp) => mayManage(access.principal, bp));
  if (managed.length === 0) throw forbidden("You need the Admin role or a blueprint's moderator role to define actions");
  return { access, managed, blueprints };
}

/** Fields the store adds to an action; the editor leaves them out (the version travels in its own field). */
const STORED_ONLY = new Set(["version", "createdAt", "updatedAt", "createdBy", "updatedBy", "webhookDisabled"]);

function editableDefinition(action: ActionView): JsonObject {
  return Object.fromEntries(Object.entries(action).filter(([k]) => !STORED_ONLY.has(k)));
}

function newTemplate(blueprint: string): JsonObject {
  return {
    identifier: "my_action",
    title: "My action",
    description: "What this action does",
    trigger: {
      type: "self-service",
      operation: "CREATE",
      blueprintIdentifier: blueprint,
      userInputs: { properties: { name: { type: "string", title: "Name" } }, required: ["name"] },
    },
    invocationMethod: { type: "WEBHOOK", url: "https://example.com/hooks/my-action" },
  };
}

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** The builder's state to answer with. Pieces left undefined are unchanged (htmx) or taken from the post (page). */
interface Answer {
  draft: ActionDraft;
  /** htmx: re-render the editor (it re-renders only when its structure changed, never while typing). */
  editor: boolean;
  fieldProblems: ErrorDetail[];
  apiProblems?: ErrorDetail[];
  jsonText?: string;
  jsonError?: string;
  preview?: PreviewState;
  banner?: string | undefined;
  notice?: string | undefined;
  /** The stored action being edited (else the post says, through its hidden fields). */
  editing?: { identifier: string; version: number };
  status?: 200 | 400 | 403 | 409 | 412;
}

/**
 * Answers a builder post: for htmx, the changed panes swapped in out of band; otherwise the whole page
 * (what the buttons do without JavaScript).
 */
async function answer(c: Context<AppEnv>, s: Situation, p: PostedBuilder | null, a: Answer): Promise<Response> {
  const placed = placeProblems(a.draft, a.apiProblems ?? [], a.fieldProblems);
  const editing = a.editing ?? (p?.edit ? { identifier: p.edit, version: p.version } : undefined);
  const ctx = { errors: placed.bySlot, managed: s.managed, blueprints: s.blueprints, editing: editing !== undefined };
  // What the panes hold once this answer is in place (the JSON pane keeps its text unless replaced).
  const jsonText = a.jsonText ?? p?.jsonText ?? "";
  const base = await paneHashes(a.draft, jsonText);
  if (wantsFragment(c) && p !== null) {
    return c.html(
      <>
        {a.editor ? <EditorFields ctx={ctx} draft={a.draft} shape={shapeOf(a.draft)} oob /> : null}
        <ProblemsRegion general={placed.general} fields={a.fieldProblems} oob />
        {a.jsonText !== undefined ? <JsonTextarea text={a.jsonText} oob /> : null}
        {a.jsonText !== undefined || a.jsonError !== undefined ? <JsonStatus error={a.jsonError} oob /> : null}
        <BaseFields base={base} oob />
        {a.preview ? <PreviewPane preview={a.preview} oob /> : null}
      </>,
    );
  }
  const preview = a.preview ?? (await previewOf(s.access, definitionFromDraft(a.draft).definition, p));
  return c.html(
    <ActionBuilderPage
      viewer={viewerOf(c)}
      editing={editing}
      draft={a.draft}
      shape={shapeOf(a.draft)}
      jsonText={jsonText}
      jsonError={a.jsonError}
      base={base}
      preview={preview}
      errors={placed.bySlot}
      general={placed.general}
      fieldProblems={a.fieldProblems}
      banner={a.banner}
      notice={a.notice}
      managed={s.managed}
      blueprints={s.blueprints}
    />,
    pageStatus(c, a.status ?? 200),
  );
}

/** The answer for a draft whose JSON (if it converts) replaces the JSON pane. */
async function fromDraft(s: Situation, p: PostedBuilder, draft: ActionDraft, editor: boolean): Promise<Answer> {
  const { definition, problems } = definitionFromDraft(draft);
  if (problems.length > 0) return { draft, editor, fieldProblems: problems, status: 400 };
  return {
    draft,
    editor,
    fieldProblems: [],
    jsonText: pretty(definition),
    preview: await previewOf(s.access, definition, p),
  };
}

/** The page for a stored or a new definition: both panes show it, the preview resolves it empty. */
async function startAnswer(s: Situation, definition: JsonObject, stored: boolean): Promise<Answer> {
  const draft = draftFromDefinition(definition);
  // A stored definition is shown as stored; a template as the editor writes it (defaults filled in).
  const shown = stored ? definition : definitionFromDraft(draft).definition;
  return {
    draft,
    editor: true,
    fieldProblems: [],
    jsonText: pretty(shown),
    preview: await previewOf(s.access, shown, null),
  };
}

actionBuilderPages.get("/actions/new", async (c) => {
  const s = await situationOf(c);
  // The builder page links "New action" per blueprint (?blueprint=); otherwise the first one managed.
  const asked = c.req.query("blueprint");
  const blueprint = asked !== undefined && s.managed.includes(asked) ? asked : (s.managed[0] ?? "");
  return answer(c, s, null, await startAnswer(s, newTemplate(blueprint), false));
});

async function managedAction(c: Context<AppEnv>, access: CatalogAccess): Promise<ActionView> {
  const action = await getAction(database(c.env.DB), access.principal, c.req.param("id") ?? "");
  if (!mayManage(access.principal, action.trigger.blueprintIdentifier)) {
    throw forbidden(`You need the Admin or ${action.trigger.blueprintIdentifier}-moderator role to edit this action`);
  }
  return action;
}

actionBuilderPages.get("/actions/:id/edit", async (c) => {
  const s = await situationOf(c);
  const action = await managedAction(c, s.access);
  const disabled = "webhookDisabled" in action && action.webhookDisabled;
  return answer(c, s, null, {
    ...(await startAnswer(s, editableDefinition(action), true)),
    editing: { identifier: action.identifier, version: action.version },
    banner: disabled ? `The webhook is disabled: ${action.webhookDisabled}. Saving re-enables it.` : undefined,
    notice: c.req.query("saved") ? "Saved." : undefined,
  });
});

async function readPost(c: Context<AppEnv>): Promise<PostedBuilder> {
  return readBuilderPost((await c.req.parseBody({ all: true })) as PostedForm);
}

/** Save (create, or replace `current`): the pane edited last goes through the same domain call as the API. */
async function save(c: Context<AppEnv>, s: Situation, current: ActionView | null): Promise<Response> {
  const p = await readPost(c);
  if (current) [p.edit, p.version] = [current.identifier, p.version ?? current.version];
  const source = await chooseSaved(p);
  if (!source.ok) {
    if (source.reason === "fields") return answer(c, s, p, { draft: p.draft, editor: true, fieldProblems: source.problems, status: 400 });
    if (source.reason === "json")
      return answer(c, s, p, { draft: p.draft, editor: true, fieldProblems: [], jsonError: source.message, status: 400 });
    const banner =
      "Both the form and the JSON changed since they were last in step, so nothing was saved. Apply the JSON to the form, or rewrite the JSON from the form, then save.";
    return answer(c, s, p, { draft: p.draft, editor: true, fieldProblems: [], banner, status: 409 });
  }
  const db = database(c.env.DB);
  try {
    const saved = current
      ? await replaceAction(
          db,
          s.access.principal,
          current.identifier,
          source.definition,
          s.access.blueprints,
          writeContext(c, "UI"),
          p.version,
        )
      : await createAction(db, s.access.principal, source.definition, s.access.blueprints, writeContext(c, "UI"));
    return redirectAfterPost(c, `/actions/${encodeURIComponent(saved.identifier)}/edit?saved=1`);
  } catch (error) {
    if (!(error instanceof AppError) || ![400, 403, 409, 412].includes(error.status)) throw error;
    const fromJson = source.from === "json";
    const draft = fromJson && isPlainObject(source.definition) ? draftFromDefinition(source.definition) : p.draft;
    return answer(c, s, p, {
      draft,
      editor: true,
      fieldProblems: [],
      apiProblems: error.status === 400 ? (error.details.length > 0 ? error.details : [{ path: "", message: error.message }]) : [],
      jsonText: fromJson ? p.jsonText : pretty(source.definition),
      banner: error.status === 400 ? undefined : error.message,
      status: error.status as 400 | 403 | 409 | 412,
    });
  }
}

actionBuilderPages.post("/actions/new", async (c) => save(c, await situationOf(c), null));

actionBuilderPages.post("/actions/:id/edit", async (c) => {
  const s = await situationOf(c);
  return save(c, s, await managedAction(c, s.access));
});

/** A field of the editor changed: the JSON pane and the preview follow (the editor only if its structure changed). */
actionBuilderPages.post(BUILDER_URLS.sync, async (c) => {
  const s = await situationOf(c);
  const p = await readPost(c);
  return answer(c, s, p, await fromDraft(s, p, p.draft, shapeOf(p.draft) !== p.shape));
});

/** The JSON pane changed: the editor and the preview follow; a syntax error leaves the editor as it was. */
actionBuilderPages.post(BUILDER_URLS.json, async (c) => {
  const s = await situationOf(c);
  const p = await readPost(c);
  const parsed = parseJsonPane(p.jsonText);
  const error = parsed.error ?? (isPlainObject(parsed.value) ? undefined : "the definition must be a JSON object");
  if (error !== undefined) return answer(c, s, p, { draft: p.draft, editor: false, fieldProblems: [], jsonError: error, status: 400 });
  const definition = parsed.value as JsonObject;
  return answer(c, s, p, {
    draft: draftFromDefinition(definition),
    editor: true,
    fieldProblems: [],
    jsonError: "",
    preview: await previewOf(s.access, definition, p),
  });
});

/** A button (add, remove, move): the editor re-rendered from the changed draft, and the other panes. */
actionBuilderPages.post(BUILDER_URLS.op, async (c) => {
  const s = await situationOf(c);
  const p = await readPost(c);
  return answer(c, s, p, await fromDraft(s, p, applyOp(p.draft, p.op || "refresh"), true));
});

/** The preview's values or step changed: the preview resolved again. */
actionBuilderPages.post(BUILDER_URLS.preview, async (c) => {
  const s = await situationOf(c);
  const p = await readPost(c);
  const preview = await previewOf(s.access, definitionFromDraft(p.draft).definition, p);
  return answer(c, s, p, { draft: p.draft, editor: false, fieldProblems: [], preview });
});
