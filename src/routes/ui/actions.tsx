import { type Context, Hono } from "hono";
import { fieldId } from "../../../views/components/action-field";
import { ActionForm } from "../../../views/components/action-form";
import { ActionGroups, ActionHubPage, type HubGroup } from "../../../views/pages/action-hub-page";
import { ActionNeedsEntityPage, ActionRunPage, type ActionSummary } from "../../../views/pages/action-run-page";
import { database } from "../../db/client";
import { type CatalogAccess, ownersOfEntity, searchScopeFor } from "../../domain/access/authorized-catalog";
import { mayManage } from "../../domain/actions/action-permissions";
import { getAction, listActionViews } from "../../domain/actions/actions";
import { pickerQuery } from "../../domain/actions/entity-inputs";
import { inputOrder, resolveForm } from "../../domain/actions/form";
import { entityInputBlueprint } from "../../domain/actions/input-schema";
import { startRun } from "../../domain/actions/start-run";
import { search } from "../../domain/catalog/search/search";
import type { Entity } from "../../domain/catalog/types";
import type { AppEnv } from "../../env";
import { AppError, type ErrorDetail } from "../../lib/errors";
import { runtimeFor } from "../../platform/runtime";
import { accessOf } from "../api/common";
import {
  buildModel,
  firstStepWithProblem,
  type PostedActionForm,
  problemsOnStep,
  readActionForm,
  resolvePosted,
} from "./action-form-state";
import {
  type ActionView,
  decideRun,
  formContextFor,
  meetsCondition,
  pageStatus,
  redirectAfterPost,
  targetEntity,
  wantsFragment,
} from "./action-support";
import type { PostedForm } from "./form-values";
import { viewerOf } from "./viewer";

/** Self-service: the actions hub, each action's form (live conditions, wizard steps) and starting a run. */
export const actionPages = new Hono<AppEnv>();

const MAX_QUERY = 200;
const PICKER_LIMIT = 20;

actionPages.get("/self-service", async (c) => {
  const db = database(c.env.DB);
  const access = await accessOf(c);
  const p = access.principal;
  const q = (c.req.query("q") ?? "").trim().slice(0, MAX_QUERY);
  const needle = q.toLowerCase();
  const groups = new Map<string, HubGroup>();
  for (const a of await listActionViews(db, p)) {
    if (needle && !`${a.title}\n${a.description ?? ""}`.toLowerCase().includes(needle)) continue;
    const bp = a.trigger.blueprintIdentifier;
    const blueprintTitle = access.blueprints.get(bp)?.title ?? bp;
    const title = a.category ?? blueprintTitle;
    const group = groups.get(title) ?? { title, actions: [] };
    group.actions.push({
      identifier: a.identifier,
      title: a.title,
      description: a.description,
      operation: a.trigger.operation,
      blueprint: bp,
      blueprintTitle,
      mayRun: (await decideRun(db, p, a, null)).allowed,
      mayManage: mayManage(p, bp),
    });
    groups.set(title, group);
  }
  const sorted = [...groups.values()].sort((x, y) => x.title.localeCompare(y.title));
  c.header("Vary", "HX-Request, HX-Boosted, HX-History-Restore-Request");
  if (wantsFragment(c)) return c.html(<ActionGroups groups={sorted} q={q} />);
  const mayCreate = [...access.blueprints.keys()].some((bp) => mayManage(p, bp));
  return c.html(<ActionHubPage viewer={viewerOf(c)} groups={sorted} q={q} mayCreate={mayCreate} />);
});

/** The action, the entity it runs on, and whether the viewer may run it there (with why not). */
interface Target {
  access: CatalogAccess;
  action: ActionView;
  entity: Entity | null;
  refusal: string[];
}

async function loadTarget(c: Context<AppEnv>, entityId: string | undefined): Promise<Target> {
  const db = database(c.env.DB);
  const access = await accessOf(c);
  const action = await getAction(db, access.principal, c.req.param("id") ?? "");
  const entity = await targetEntity(db, access, action, entityId);
  const refusal: string[] = [];
  if (entity) {
    const decision = await decideRun(db, access.principal, action, await ownersOfEntity(db, access, entity.blueprint, entity.identifier));
    if (!decision.allowed) refusal.push(`You may not run this action: ${decision.reason}`);
    else if (!(await meetsCondition(db, access, action, entity.identifier)))
      refusal.push(`'${action.title}' is not offered on '${entity.identifier}': the entity does not meet the action's condition`);
  } else {
    const decision = await decideRun(db, access.principal, action, null);
    if (!decision.allowed) refusal.push(`You may not run this action: ${decision.reason}`);
  }
  return { access, action, entity, refusal };
}

/** A posted run form: its action and entity (`_entity`), and its values read by input type. */
async function loadPostedForm(c: Context<AppEnv>): Promise<{ target: Target; posted: PostedActionForm }> {
  const body = (await c.req.parseBody({ all: true })) as PostedForm;
  const entity = [body._entity].flat().at(-1);
  const target = await loadTarget(c, typeof entity === "string" && entity !== "" ? entity : undefined);
  return { target, posted: readActionForm(target.action.trigger.userInputs, body) };
}

function summaryOf(target: Target): ActionSummary {
  const { action } = target;
  const bp = action.trigger.blueprintIdentifier;
  return {
    identifier: action.identifier,
    title: action.title,
    description: action.description,
    operation: action.trigger.operation,
    blueprint: bp,
    blueprintTitle: target.access.blueprints.get(bp)?.title ?? bp,
  };
}

/** Renders the form: the fragment for htmx, else the whole page. */
async function renderForm(
  c: Context<AppEnv>,
  target: Target,
  posted: PostedActionForm,
  opts: { problems: (resolved: Awaited<ReturnType<typeof resolvePosted>>) => { step: number; problems: ErrorDetail[] }; banner?: string[] },
  status: 200 | 400 | 403 | 409 | 412 | 422 = 200,
) {
  const { action, entity } = target;
  const ui = action.trigger.userInputs;
  const result = await resolvePosted(ui, posted.converted, formContextFor(target.access.principal, action.trigger.operation, entity));
  const { step, problems } = opts.problems(result);
  const model = buildModel({
    actionId: action.identifier,
    ui,
    resolved: result.resolved,
    converted: posted.converted,
    step,
    problems,
    banner: [...target.refusal, ...(opts.banner ?? [])],
    entity: entity?.identifier ?? null,
    csrfToken: viewerOf(c)?.csrfToken ?? "",
    canSubmit: target.refusal.length === 0,
  });
  if (wantsFragment(c)) {
    return c.html(<ActionForm model={model} />, pageStatus(c, status));
  }
  const shownEntity = entity ? { identifier: entity.identifier, title: entity.title } : null;
  return c.html(
    <ActionRunPage viewer={viewerOf(c)} action={summaryOf(target)} entity={shownEntity} model={model} />,
    pageStatus(c, status),
  );
}

actionPages.get("/actions/:id/run", async (c) => {
  const entityId = c.req.query("entity") || undefined;
  const target = await loadTarget(c, entityId);
  if (target.action.trigger.operation !== "CREATE" && !target.entity)
    return c.html(<ActionNeedsEntityPage viewer={viewerOf(c)} action={summaryOf(target)} />);
  const posted: PostedActionForm = { converted: { values: {}, texts: {}, problems: [] }, step: 0, nav: null, entity: entityId };
  return renderForm(c, target, posted, { problems: () => ({ step: 0, problems: [] }) });
});

/**
 * A change, or a wizard's Next / Back: re-render with conditions recomputed. Next moves on only when the
 * current step's inputs are fine; a plain change shows only what could not be read (bad JSON).
 */
actionPages.post("/actions/:id/form", async (c) => {
  const { target, posted } = await loadPostedForm(c);
  const ui = target.action.trigger.userInputs;
  return renderForm(c, target, posted, {
    problems: ({ resolved, problems }) => {
      if (posted.nav === "back") return { step: posted.step - 1, problems: [] };
      if (posted.nav !== "next") return { step: posted.step, problems: posted.converted.problems };
      const here = problemsOnStep(ui, resolved, posted.step, problems);
      return here.length > 0 ? { step: posted.step, problems: here } : { step: posted.step + 1, problems: [] };
    },
  });
});

/** Submit: start the run and go to its page; a 400 shows each problem beside its field, others as a banner. */
actionPages.post("/actions/:id/runs", async (c) => {
  const { target, posted } = await loadPostedForm(c);
  const ui = target.action.trigger.userInputs;
  // Show the problems (all of them, or the domain's) on the first wizard step that has one.
  const jumpTo =
    (given?: ErrorDetail[]) =>
    ({ resolved, problems }: Awaited<ReturnType<typeof resolvePosted>>) => {
      const shown = given ?? problems;
      return { step: firstStepWithProblem(ui, resolved, shown, posted.step), problems: shown };
    };
  // Unreadable fields (bad JSON) never reach the domain: shown with every other problem of the form.
  if (posted.converted.problems.length > 0) return renderForm(c, target, posted, { problems: jumpTo() }, 400);
  try {
    const run = await startRun(
      database(c.env.DB),
      runtimeFor(c.env),
      target.access,
      target.action.identifier,
      { properties: posted.converted.values, entity: target.entity?.identifier ?? posted.entity },
      { source: "UI", requestId: c.get("requestId"), now: new Date() },
    );
    return redirectAfterPost(c, `/runs/${encodeURIComponent(run.id)}`);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.status === 400) return renderForm(c, target, posted, { problems: jumpTo(error.details) }, 400);
    if (error.status === 403 || error.status === 409 || error.status === 412 || error.status === 422) {
      // The page already explains a refusal it foresaw; repeat the domain's words only for a new one.
      const banner = target.refusal.length > 0 && error.status !== 409 ? [] : [error.message];
      return renderForm(c, target, posted, { problems: () => ({ step: posted.step, problems: [] }), banner }, error.status);
    }
    throw error;
  }
});

/**
 * An entity input's suggestions, as its datalist (swapped whole): entities of its blueprint matching its dataset (which may
 * read the form, so the form's values come along) and the typed text.
 */
actionPages.get("/actions/:id/inputs/:name/options", async (c) => {
  const db = database(c.env.DB);
  const access = await accessOf(c);
  const action = await getAction(db, access.principal, c.req.param("id"));
  const name = c.req.param("name");
  const ui = action.trigger.userInputs;
  const input = ui.properties[name];
  const blueprint = input ? entityInputBlueprint(input) : null;
  if (!input || !blueprint) throw new AppError(404, "not_found", `Action '${action.identifier}' has no entity input '${name}'`);
  const query = new URL(c.req.url).searchParams;
  const posted: PostedForm = {};
  for (const key of new Set(query.keys())) posted[key] = query.getAll(key);
  const form = readActionForm(ui, posted);
  const entity = await targetEntity(db, access, action, form.entity).catch(() => null);
  const ctx = formContextFor(access.principal, action.trigger.operation, entity);
  const values = (await resolveForm(ui, form.converted.values, ctx)).values;
  const text = (query.get("q") ?? query.getAll(name).at(-1) ?? "").trim().slice(0, MAX_QUERY);
  const picker = await pickerQuery(input, values, ctx, text ? { text } : {});
  let found: Record<string, unknown>[] = [];
  try {
    found = (await search(db, searchScopeFor(access, new Date()), { query: picker, limit: PICKER_LIMIT }, blueprint)).entities;
  } catch (error) {
    // A dataset that does not resolve yet (it reads an input still empty) simply offers nothing.
    if (!(error instanceof AppError) || error.status !== 400) throw error;
  }
  return c.html(
    <datalist id={`${fieldId(name, inputOrder(ui).indexOf(name))}-options`}>
      {found.map((e) => (
        <option value={String(e.identifier)}>{typeof e.title === "string" && e.title ? e.title : String(e.identifier)}</option>
      ))}
    </datalist>,
  );
});
