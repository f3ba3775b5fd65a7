import { type Context, Hono } from "hono";
import type { TableResult } from "../../../views/components/entity-table";
import { FilterOperands } from "../../../views/components/filter-bar";
import type { EntityScorecardResult } from "../../../views/components/scorecard-summary";
import { explainProblems, fieldsOf, parseTableState, tableHref, toSearchRequest } from "../../../views/components/table-state";
import { AuditPage } from "../../../views/pages/audit-page";
import { BlueprintPage, BlueprintTableFragment } from "../../../views/pages/blueprint-page";
import { CatalogPage } from "../../../views/pages/catalog-page";
import { EntityPage } from "../../../views/pages/entity-page";
import { HomePage } from "../../../views/pages/home";
import { database } from "../../db/client";
import { blueprintsWithVisibleCounts, getVisibleEntity, readableBlueprint, searchScopeFor } from "../../domain/access/authorized-catalog";
import { requireAdmin } from "../../domain/access/guards";
import { mayManage } from "../../domain/actions/action-permissions";
import { searchAuditLog } from "../../domain/audit/audit-log";
import { search } from "../../domain/catalog/search/search";
import type { Entity } from "../../domain/catalog/types";
import { entityActivity } from "../../domain/home/entity-activity";
import { homeOverview } from "../../domain/home/home";
import { entityScorecards } from "../../domain/scorecards/results";
import { listScorecards } from "../../domain/scorecards/scorecards";
import type { AppEnv } from "../../env";
import { AppError } from "../../lib/errors";
import { accessOf, principalOf } from "../api/common";
import { actionsForEntity, createActionsOf } from "./action-support";
import { viewerOf } from "./viewer";

/** The catalog pages: home, the blueprint list, a blueprint's entities, one entity, the audit log. */
export const catalogPages = new Hono<AppEnv>();

/** Home: the signed-in user's entities, runs, approvals and failing rules (anonymous users were sent to /login). */
catalogPages.get("/", async (c) => {
  const overview = await homeOverview(database(c.env.DB), await accessOf(c));
  return c.html(<HomePage viewer={viewerOf(c)} overview={overview} />);
});

catalogPages.get("/catalog", async (c) => {
  const db = database(c.env.DB);
  const rows = await blueprintsWithVisibleCounts(db, await accessOf(c));
  return c.html(<CatalogPage viewer={viewerOf(c)} rows={rows} />);
});

/**
 * htmx asking for the table alone: an HX-Request that is neither a boosted navigation nor a history
 * restore (both of which need the whole page).
 */
function wantsTableFragment(c: Context<AppEnv>): boolean {
  return c.req.header("HX-Request") === "true" && !c.req.header("HX-Boosted") && !c.req.header("HX-History-Restore-Request");
}

/**
 * A blueprint's entities: filters, free text, sort, columns and keyset page all from the query string
 * (format: views/components/table-state.tsx), run through the search domain. Bad input (unknown property,
 * wrong value type, stale cursor) is shown above the table: a 400 page, or for htmx a 200 fragment (htmx
 * does not swap 4xx responses).
 */
catalogPages.get("/blueprints/:blueprint", async (c) => {
  const db = database(c.env.DB);
  const access = await accessOf(c);
  const blueprint = readableBlueprint(access, c.req.param("blueprint"));
  const { state, problems } = parseTableState(new URL(c.req.url).searchParams, blueprint);
  const result: TableResult = { entities: [], next: null, total: 0, errors: explainProblems(problems, state) };
  if (problems.length === 0) {
    try {
      const request = toSearchRequest(state, fieldsOf(blueprint));
      const page = await search(db, searchScopeFor(access, new Date()), request, blueprint.identifier);
      Object.assign(result, { ...page, entities: page.entities as unknown as Entity[] });
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 400) throw error;
      result.errors = explainProblems(error.details.length > 0 ? error.details : [{ path: "", message: error.message }], state);
    }
  }
  c.header("Vary", "HX-Request, HX-Boosted, HX-History-Restore-Request");
  if (wantsTableFragment(c)) {
    c.header("HX-Push-Url", tableHref(blueprint.identifier, state, { from: state.from }));
    return c.html(<BlueprintTableFragment blueprint={blueprint} state={state} result={result} />);
  }
  const [createActions, scorecards] = await Promise.all([
    createActionsOf(db, access, blueprint.identifier),
    listScorecards(db, blueprint.identifier),
  ]);
  return c.html(
    <BlueprintPage
      viewer={viewerOf(c)}
      mayEdit={mayManage(access.principal, blueprint.identifier)}
      blueprint={blueprint}
      state={state}
      result={result}
      createActions={createActions}
      scorecards={scorecards}
    />,
    result.errors.length > 0 ? 400 : 200,
  );
});

/** The operator and value inputs that suit a property, for the filter bar's row when its property changes. */
catalogPages.get("/blueprints/:blueprint/filter-operands", async (c) => {
  const _db = database(c.env.DB);
  const blueprint = readableBlueprint(await accessOf(c), c.req.param("blueprint"));
  const property = c.req.query("fp") ?? "";
  return c.html(<FilterOperands field={fieldsOf(blueprint).find((f) => f.key === property)} />);
});

/** One entity: properties, relations graph, scorecards, runs and its audit history (`?history=` pages older entries). */
catalogPages.get("/blueprints/:blueprint/entities/:identifier", async (c) => {
  const db = database(c.env.DB);
  const access = await accessOf(c);
  const result = await getVisibleEntity(db, access, c.req.param("blueprint"), c.req.param("identifier"), true);
  const historyCursor = c.req.query("history") || undefined;
  const [actions, scores, scorecards, activity] = await Promise.all([
    actionsForEntity(db, access, result.blueprint.identifier, result.entity.identifier),
    entityScorecards(db, result.blueprint.identifier, result.entity.identifier),
    listScorecards(db, result.blueprint.identifier),
    entityActivity(db, access, result, historyCursor),
  ]);
  return c.html(
    <EntityPage
      viewer={viewerOf(c)}
      blueprint={result.blueprint}
      entity={result.entity}
      activity={activity}
      historyCursor={historyCursor}
      actions={actions}
      scorecards={scores as Record<string, EntityScorecardResult>}
      scorecardDefinitions={scorecards}
    />,
  );
});

catalogPages.get("/audit", async (c) => {
  requireAdmin(principalOf(c), "read the audit log");
  const result = await searchAuditLog(database(c.env.DB), { limit: 100, cursor: c.req.query("cursor") || undefined });
  return c.html(<AuditPage viewer={viewerOf(c)} entries={result.audits} next={result.next} />);
});
