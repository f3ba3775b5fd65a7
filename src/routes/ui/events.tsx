import { Hono } from "hono";
import { EventsPage } from "../../../views/pages/events-page";
import { database } from "../../db/client";
import { requireAdmin } from "../../domain/access/guards";
import { listEvents } from "../../domain/events/events-log";
import type { AppEnv } from "../../env";
import { principalOf } from "../api/common";
import { viewerOf } from "./viewer";

/** Events shown per page. */
const PAGE_SIZE = 50;

/** `/events`: recent events and what each set off (admins, like GET /v1/events). */
export const eventPages = new Hono<AppEnv>();

eventPages.get("/events", async (c) => {
  requireAdmin(principalOf(c), "read events");
  const blueprint = c.req.query("blueprint") || undefined;
  const result = await listEvents(database(c.env.DB), { limit: PAGE_SIZE, blueprint, cursor: c.req.query("cursor") || undefined });
  return c.html(<EventsPage viewer={viewerOf(c)} events={result.events} next={result.next} blueprint={blueprint} />);
});
