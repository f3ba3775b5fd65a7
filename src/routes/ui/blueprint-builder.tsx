import { type Context, Hono } from "hono";
import { BlueprintFormPane, type BlueprintPaneContext } from "../../../views/components/builder-blueprint-form";
import type { BuilderBanner } from "../../../views/components/builder-shell";
import { BlueprintBuilderPage } from "../../../views/pages/builder-blueprint-page";
import { database } from "../../db/client";
import type { CatalogAccess } from "../../domain/access/authorized-catalog";
import { requireAdmin, requireAdminOrModerator } from "../../domain/access/guards";
import type { Principal } from "../../domain/access/principal";
import { createBlueprint, getBlueprint, replaceBlueprint } from "../../domain/catalog/blueprints";
import type { AppEnv } from "../../env";
import { AppError } from "../../lib/errors";
import { accessOf, writeContext } from "../api/common";
import { pageStatus, redirectAfterPost, wantsFragment } from "./action-support";
import { blueprintFormFromJson } from "./builder/blueprint-convert";
import { type BlueprintForm, emptyBlueprintForm } from "./builder/blueprint-form";
import { blueprintKind } from "./builder/blueprint-kind";
import { problemsOf, readBuilderPost, SHOWN_ON_PAGE } from "./builder/builder-post";
import { type DraftState, draftOutcome, draftPage, formState, refusedState, saveInput } from "./builder/draft-flow";
import { draftFragments } from "./builder/draft-response";
import { viewerOf } from "./viewer";

/**
 * The blueprint builder: `/builder/blueprints/new` (admins, as the API allows) and
 * `/builder/blueprints/:id` (admins and the blueprint's moderators). Live edits post to
 * `/builder/blueprint-draft`; Save goes through the same domain calls as `POST/PUT /v1/blueprints`.
 */
export const blueprintBuilderPages = new Hono<AppEnv>();

const DRAFT_URL = "/builder/blueprint-draft";

/** The blueprint being edited, as the page names it, with the version the edit is based on. */
type Editing = { identifier: string; title: string; version: number } | undefined;

function guard(p: Principal, editing: string | undefined): void {
  if (editing) requireAdminOrModerator(p, editing, "change this blueprint");
  else requireAdmin(p, "create blueprints");
}

function paneContext(access: CatalogAccess, editing: string | undefined): BlueprintPaneContext {
  return { draftUrl: DRAFT_URL, editing: editing !== undefined, blueprints: access.blueprints };
}

function render(
  c: Context<AppEnv>,
  access: CatalogAccess,
  editing: Editing,
  state: DraftState<BlueprintForm>,
  status: 200 | 400 | 403 | 404 | 409 | 412 = 200,
) {
  return c.html(
    <BlueprintBuilderPage viewer={viewerOf(c)} editing={editing} state={state} context={paneContext(access, editing?.identifier)} />,
    pageStatus(c, status),
  );
}

/** The blueprint being edited (read fresh), shown with the version the user's edit started from. */
async function editingOf(c: Context<AppEnv>, id: string | undefined, version: number | undefined): Promise<Editing> {
  if (!id) return undefined;
  const current = await getBlueprint(database(c.env.DB), id);
  return { identifier: current.identifier, title: current.title, version: version ?? current.version };
}

blueprintBuilderPages.get("/builder/blueprints/new", async (c) => {
  const access = await accessOf(c);
  guard(access.principal, undefined);
  return render(c, access, undefined, formState(blueprintKind(access.blueprints), emptyBlueprintForm()));
});

blueprintBuilderPages.post(DRAFT_URL, async (c) => {
  const access = await accessOf(c);
  const post = await readBuilderPost(c);
  const editing = post.controls._editing || undefined;
  guard(access.principal, editing);
  const kind = blueprintKind(access.blueprints);
  // Without htmx (a button pressed with scripts off) the whole builder comes back.
  if (!wantsFragment(c)) return render(c, access, await editingOf(c, editing, post.version), draftPage(kind, post));
  const outcome = draftOutcome(kind, post);
  const context = paneContext(access, editing);
  return draftFragments(c, outcome, DRAFT_URL, (form) => <BlueprintFormPane form={form} problems={new Map()} context={context} />);
});

blueprintBuilderPages.get("/builder/blueprints/:id", async (c) => {
  const access = await accessOf(c);
  const id = c.req.param("id");
  guard(access.principal, id);
  const blueprint = await getBlueprint(database(c.env.DB), id);
  const form = blueprintFormFromJson(blueprint as unknown as Record<string, unknown>);
  return render(
    c,
    access,
    { identifier: id, title: blueprint.title, version: blueprint.version },
    formState(blueprintKind(access.blueprints), form),
  );
});

/**
 * Save: the definition comes from the half edited last. A JSON syntax error or a problem of the form stops
 * it before the domain; the domain's refusals come back next to their fields, a lost race as a conflict.
 */
async function save(c: Context<AppEnv>, id: string | undefined) {
  const access = await accessOf(c);
  guard(access.principal, id);
  const db = database(c.env.DB);
  const post = await readBuilderPost(c);
  const editing = await editingOf(c, id, post.version);
  const kind = blueprintKind(access.blueprints);
  const input = saveInput(kind, post);
  if (!input.ready) return render(c, access, editing, input.state, 400);
  try {
    const ctx = writeContext(c, "UI");
    const saved = editing
      ? await replaceBlueprint(db, editing.identifier, input.raw, ctx, post.version)
      : await createBlueprint(db, input.raw, ctx);
    return redirectAfterPost(c, `/blueprints/${encodeURIComponent(saved.identifier)}`);
  } catch (error) {
    if (!(error instanceof AppError) || !SHOWN_ON_PAGE.has(error.status)) throw error;
    if (error.status === 400) return render(c, access, editing, refusedState(kind, input.form, input.json, problemsOf(error), {}), 400);
    const banner: BuilderBanner =
      error.status === 412 && editing
        ? { conflictVersion: (await getBlueprint(db, editing.identifier)).version }
        : { error: `Not saved: ${error.message}` };
    const state = refusedState(kind, input.form, input.json, [], banner);
    return render(c, access, editing, state, error.status as 403 | 404 | 409 | 412);
  }
}

blueprintBuilderPages.post("/builder/blueprints/new", (c) => save(c, undefined));
blueprintBuilderPages.post("/builder/blueprints/:id", (c) => save(c, c.req.param("id")));
