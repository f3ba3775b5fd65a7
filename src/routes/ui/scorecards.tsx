import { Hono } from "hono";
import { ScorecardPage } from "../../../views/pages/scorecard-page";
import { database } from "../../db/client";
import { readableBlueprint } from "../../domain/access/authorized-catalog";
import { mayManage } from "../../domain/actions/action-permissions";
import { exemptionsOf, scorecardHistory, scorecardOverview } from "../../domain/scorecards/results";
import type { AppEnv } from "../../env";
import { accessOf } from "../api/common";
import { viewerOf } from "./viewer";

/** Entities shown in the entities × rules table. */
const ROW_LIMIT = 200;
/** Days of level history charted. */
const HISTORY_DAYS = 30;

/** `/blueprints/:bp/scorecards/:id`: a scorecard's distribution, history and entities × rules (readable entities only). */
export const scorecardPages = new Hono<AppEnv>();

scorecardPages.get("/blueprints/:blueprint/scorecards/:identifier", async (c) => {
  const db = database(c.env.DB);
  const access = await accessOf(c);
  const blueprint = readableBlueprint(access, c.req.param("blueprint"));
  const id = c.req.param("identifier");
  const team = c.req.query("team")?.trim() || undefined;
  const [overview, history, exemptions] = await Promise.all([
    scorecardOverview(db, access, blueprint.identifier, id, { team, limit: ROW_LIMIT }),
    scorecardHistory(db, access, blueprint.identifier, id, HISTORY_DAYS),
    exemptionsOf(db, access, blueprint.identifier, id),
  ]);
  return c.html(
    <ScorecardPage
      viewer={viewerOf(c)}
      blueprint={blueprint}
      scorecard={overview.scorecard}
      levels={overview.levels}
      entities={overview.entities}
      history={history.days}
      historyDays={HISTORY_DAYS}
      exemptions={exemptions}
      team={team}
      limit={ROW_LIMIT}
      mayEdit={mayManage(access.principal, blueprint.identifier)}
    />,
  );
});
