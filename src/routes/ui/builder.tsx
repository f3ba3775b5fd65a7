import { Hono } from "hono";
import { BuilderHomePage } from "../../../views/pages/builder-home-page";
import { database } from "../../db/client";
import { isAdmin } from "../../domain/access/principal";
import { mayManage } from "../../domain/actions/action-permissions";
import { listActionViews } from "../../domain/actions/actions";
import { listScorecards } from "../../domain/scorecards/scorecards";
import type { AppEnv } from "../../env";
import { accessOf } from "../api/common";
import { viewerOf } from "./viewer";

/** `/builder`: the builders' landing page — what the viewer may build (nothing, with an explanation, for most members). */
export const builderPages = new Hono<AppEnv>();

builderPages.get("/builder", async (c) => {
  const db = database(c.env.DB);
  const access = await accessOf(c);
  const p = access.principal;
  const blueprints = [...access.blueprints.values()].filter((b) => mayManage(p, b.identifier));
  const managed = new Set(blueprints.map((b) => b.identifier));
  const [actions, scorecards] = managed.size === 0 ? [[], []] : await Promise.all([listActionViews(db, p), listScorecards(db)]);
  return c.html(
    <BuilderHomePage
      viewer={viewerOf(c)}
      mayCreateBlueprints={isAdmin(p)}
      blueprints={blueprints}
      actions={actions
        .filter((a) => managed.has(a.trigger.blueprintIdentifier))
        .map((a) => ({ identifier: a.identifier, title: a.title, blueprint: a.trigger.blueprintIdentifier }))}
      scorecards={scorecards.filter((s) => managed.has(s.blueprint))}
    />,
  );
});
