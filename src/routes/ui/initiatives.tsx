import { Hono } from "hono";
import type { TeamShare } from "../../../views/components/initiative-team-share";
import { InitiativeListPage } from "../../../views/pages/initiative-list-page";
import { InitiativePage } from "../../../views/pages/initiative-page";
import { TeamPage } from "../../../views/pages/team-page";
import { database } from "../../db/client";
import { initiativeProgress, listInitiativesFor } from "../../domain/scorecards/initiatives";
import type { AppEnv } from "../../env";
import { accessOf } from "../api/common";
import { viewerOf } from "./viewer";

/** `/initiatives`, `/initiatives/:id` and `/teams/:team`: initiatives and their progress (readable entities only). */
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

/** A team's page: its share of every initiative (a team sees what it owns and still has to fix). */
initiativePages.get("/teams/:team", async (c) => {
  const db = database(c.env.DB);
  const access = await accessOf(c);
  const team = c.req.param("team");
  const shares: TeamShare[] = [];
  for (const i of await listInitiativesFor(db, access)) {
    const p = await initiativeProgress(db, access, i.identifier);
    const mine = p.teams.find((t) => t.team === team);
    if (mine) shares.push({ initiative: p.initiative, daysLeft: p.daysLeft, total: mine.total, done: mine.done, failing: mine.failing });
  }
  return c.html(<TeamPage viewer={viewerOf(c)} team={team} shares={shares} />);
});
