import { type Context, Hono } from "hono";
import { RulePassingOutput, ScorecardFormPane } from "../../../views/components/builder-scorecard-form";
import type { BuilderBanner } from "../../../views/components/builder-shell";
import { ScorecardBuilderPage } from "../../../views/pages/builder-scorecard-page";
import { database } from "../../db/client";
import type { CatalogAccess } from "../../domain/access/authorized-catalog";
import { requireAdminOrModerator } from "../../domain/access/guards";
import type { Blueprint } from "../../domain/catalog/types";
import { getScorecard, saveScorecard } from "../../domain/scorecards/scorecards";
import type { AppEnv } from "../../env";
import { AppError, notFound } from "../../lib/errors";
import { runtimeFor } from "../../platform/runtime";
import { accessOf, writeContext } from "../api/common";
import { pageStatus, redirectAfterPost, wantsFragment } from "./action-support";
import { problemsOf, readBuilderPost, SHOWN_ON_PAGE } from "./builder/builder-post";
import { type ConditionField, conditionFields } from "./builder/condition-fields";
import { type DraftState, draftOutcome, draftPage, type FormKind, formState, refusedState, saveInput } from "./builder/draft-flow";
import { draftFragments } from "./builder/draft-response";
import { emptyScorecardForm, type ScorecardForm } from "./builder/scorecard-form";
import { scorecardKind } from "./builder/scorecard-kind";
import { rulesPassing } from "./builder/scorecard-preview";
import { viewerOf } from "./viewer";

/**
 * The scorecard builder: `/builder/blueprints/:bp/scorecards/new` and `…/scorecards/:id`, for admins and
 * the blueprint's moderators. Live edits post to `/builder/scorecard-draft` and show, per rule, how many
 * entities the viewer can see would pass it; Save goes through the same domain call as the scorecard API.
 */
export const scorecardBuilderPages = new Hono<AppEnv>();

const DRAFT_URL = "/builder/scorecard-draft";

/** The scorecard being edited, as the page names it, with the version the edit is based on. */
type Editing = { identifier: string; title: string; version: number } | undefined;

/** The blueprint a scorecard builder works on, the viewer's right to manage it checked, and what it needs. */
function setupFor(access: CatalogAccess, blueprintId: string) {
  requireAdminOrModerator(access.principal, blueprintId, "manage scorecards");
  const blueprint = access.blueprints.get(blueprintId);
  if (!blueprint) throw notFound(`Blueprint '${blueprintId}'`);
  const fields = conditionFields(blueprint, access.blueprints);
  const kind = scorecardKind(blueprint, [...access.blueprints.values()], fields);
  return { blueprint, fields, kind };
}

async function render(
  c: Context<AppEnv>,
  access: CatalogAccess,
  setup: { blueprint: Blueprint; fields: ConditionField[] },
  editing: Editing,
  state: DraftState<ScorecardForm>,
  status: 200 | 400 | 403 | 404 | 409 | 412 = 200,
) {
  const passing = state.definition ? await rulesPassing(database(c.env.DB), access, setup.blueprint.identifier, state.definition) : [];
  return c.html(
    <ScorecardBuilderPage
      viewer={viewerOf(c)}
      blueprint={setup.blueprint}
      editing={editing}
      state={state}
      passing={passing}
      fields={setup.fields}
      draftUrl={DRAFT_URL}
    />,
    pageStatus(c, status),
  );
}

/** The scorecard being edited (read fresh), shown with the version the user's edit started from. */
async function editingOf(c: Context<AppEnv>, blueprint: string, id: string | undefined, version: number | undefined): Promise<Editing> {
  if (!id) return undefined;
  const current = await getScorecard(database(c.env.DB), blueprint, id);
  return { identifier: current.identifier, title: current.title, version: version ?? current.version };
}

scorecardBuilderPages.get("/builder/blueprints/:bp/scorecards/new", async (c) => {
  const access = await accessOf(c);
  const setup = setupFor(access, c.req.param("bp"));
  return render(c, access, setup, undefined, formState(setup.kind, emptyScorecardForm()));
});

scorecardBuilderPages.get("/builder/blueprints/:bp/scorecards/:id", async (c) => {
  const access = await accessOf(c);
  const setup = setupFor(access, c.req.param("bp"));
  const stored = await getScorecard(database(c.env.DB), setup.blueprint.identifier, c.req.param("id"));
  const form = setup.kind.fromJson(stored as unknown as Record<string, unknown>);
  return render(
    c,
    access,
    setup,
    { identifier: stored.identifier, title: stored.title, version: stored.version },
    formState(setup.kind, form),
  );
});

scorecardBuilderPages.post(DRAFT_URL, async (c) => {
  const access = await accessOf(c);
  const post = await readBuilderPost(c);
  const setup = setupFor(access, post.controls._blueprint ?? "");
  const editing = post.controls._editing || undefined;
  // Without htmx (a button pressed with scripts off) the whole builder comes back.
  if (!wantsFragment(c)) {
    return render(c, access, setup, await editingOf(c, setup.blueprint.identifier, editing, post.version), draftPage(setup.kind, post));
  }
  const outcome = draftOutcome(setup.kind, post);
  const definition = outcome.changed === "nothing" ? null : outcome.state.definition;
  const passing = definition ? await rulesPassing(database(c.env.DB), access, setup.blueprint.identifier, definition) : [];
  const pane = (form: ScorecardForm) => (
    <ScorecardFormPane
      form={form}
      problems={new Map()}
      draftUrl={DRAFT_URL}
      editing={editing !== undefined}
      fields={setup.fields}
      passing={passing}
    />
  );
  const outputs = passing.map((result, i) => <RulePassingOutput index={i} result={result} oob />);
  return draftFragments(c, outcome, DRAFT_URL, pane, outputs);
});

/**
 * Save: the definition comes from the half edited last; the domain rescored the blueprint's entities when
 * it answers. Its refusals come back next to their fields, a lost race as a conflict.
 */
async function save(c: Context<AppEnv>, id: string | undefined) {
  const access = await accessOf(c);
  const setup = setupFor(access, c.req.param("bp") ?? "");
  const bp = setup.blueprint.identifier;
  const db = database(c.env.DB);
  const post = await readBuilderPost(c);
  const editing = await editingOf(c, bp, id, post.version);
  const kind: FormKind<ScorecardForm> = setup.kind;
  const input = saveInput(kind, post);
  if (!input.ready) return render(c, access, setup, editing, input.state, 400);
  try {
    const mode = editing ? { create: false as const, identifier: editing.identifier, expected: post.version } : { create: true as const };
    const saved = await saveScorecard(db, runtimeFor(c.env), access.principal, bp, input.raw, writeContext(c, "UI"), mode);
    return redirectAfterPost(c, `/blueprints/${encodeURIComponent(bp)}/scorecards/${encodeURIComponent(saved.identifier)}`);
  } catch (error) {
    if (!(error instanceof AppError) || !SHOWN_ON_PAGE.has(error.status)) throw error;
    if (error.status === 400)
      return render(c, access, setup, editing, refusedState(kind, input.form, input.json, problemsOf(error), {}), 400);
    const banner: BuilderBanner =
      error.status === 412 && editing
        ? { conflictVersion: (await getScorecard(db, bp, editing.identifier)).version }
        : { error: `Not saved: ${error.message}` };
    return render(c, access, setup, editing, refusedState(kind, input.form, input.json, [], banner), error.status as 403 | 404 | 409 | 412);
  }
}

scorecardBuilderPages.post("/builder/blueprints/:bp/scorecards/new", (c) => save(c, undefined));
scorecardBuilderPages.post("/builder/blueprints/:bp/scorecards/:id", (c) => save(c, c.req.param("id")));
