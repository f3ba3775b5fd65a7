import { Hono } from "hono";
import { InitiativeListPage } from "../../../views/pages/initiative-list-page";
import { InitiativePage } from "../../../views/pages/initiative-page";
import { database } from "../../db/client";
import { initiativeProgress, listInitiativesFor } from "../../domain/scorecards/initiatives";
import type { AppEnv } from "../../env";
import { accessOf } from "../api/common";
import { viewerOf } from "./viewer";

/** `/initiatives` and `/initiatives/:id`: scorecard initiatives and their progress (readable entities only). */
export const initiativePages = new Hono<AppEnv>();

initiativePages.get("/initiatives", async (c) => {
  const db = database(c.env.DB);
  const access = await accessOf(c);
  const initiatives = await listInitiativesFor(db, access);
  const rows = await Promise.all(
    initiatives.map(async (i) => {
      const p = await initiativeProgress(db, access, i.identifier);
      return { initiative: p.initiative, percent: p.percent, done: p.done, total: p.total, daysLeft: p.daysLeft };
    }),
  );
  return c.html(<InitiativeListPage viewer={viewerOf(c)} rows={rows} />);
});

initiativePages.get("/initiatives/:identifier", async (c) => {
  const access = await accessOf(c);
  const progress = await initiativeProgress(database(c.env.DB), access, c.req.param("identifier"));
  const team = c.req.query("team")?.trim() || undefined;
  return c.html(<InitiativePage viewer={viewerOf(c)} progress={progress} team={team} />);
});
