import { Hono } from "hono";
import { AuditPage } from "../../../views/pages/audit-page";
import { BlueprintPage } from "../../../views/pages/blueprint-page";
import { EntityPage } from "../../../views/pages/entity-page";
import { HomePage } from "../../../views/pages/home";
import { database } from "../../db/client";
import {
  accessFor,
  blueprintsWithVisibleCounts,
  countVisibleEntities,
  getVisibleEntity,
  listVisibleEntities,
} from "../../domain/access/authorized-catalog";
import { requireAdmin } from "../../domain/access/guards";
import { searchAuditLog } from "../../domain/audit/audit-log";
import type { AppEnv } from "../../env";
import { principalOf } from "../api/common";
import { viewerOf } from "./viewer";

const PAGE_SIZE = 50;

/** The catalog pages: home, a blueprint's entities, one entity, the audit log. */
export const catalogPages = new Hono<AppEnv>();

catalogPages.get("/", async (c) => {
  const db = database(c.env.DB);
  const rows = await blueprintsWithVisibleCounts(db, await accessFor(db, principalOf(c)));
  return c.html(<HomePage viewer={viewerOf(c)} rows={rows} />);
});

catalogPages.get("/blueprints/:blueprint", async (c) => {
  const db = database(c.env.DB);
  const blueprint = c.req.param("blueprint");
  const cursor = c.req.query("cursor") || undefined;
  const access = await accessFor(db, principalOf(c));
  const page = await listVisibleEntities(db, access, blueprint, { limit: PAGE_SIZE, cursor });
  const total = await countVisibleEntities(db, access, blueprint);
  return c.html(
    <BlueprintPage
      viewer={viewerOf(c)}
      blueprint={page.blueprint}
      entities={page.entities}
      total={total}
      next={page.next}
      cursor={cursor}
    />,
  );
});

catalogPages.get("/blueprints/:blueprint/entities/:identifier", async (c) => {
  const db = database(c.env.DB);
  const access = await accessFor(db, principalOf(c));
  const result = await getVisibleEntity(db, access, c.req.param("blueprint"), c.req.param("identifier"), true);
  return c.html(
    <EntityPage
      viewer={viewerOf(c)}
      blueprint={result.blueprint}
      entity={result.entity}
      outgoing={result.related?.outgoing ?? []}
      incoming={result.related?.incoming ?? []}
    />,
  );
});

catalogPages.get("/audit", async (c) => {
  requireAdmin(principalOf(c), "read the audit log");
  const result = await searchAuditLog(database(c.env.DB), { limit: 100, cursor: c.req.query("cursor") || undefined });
  return c.html(<AuditPage viewer={viewerOf(c)} entries={result.audits} next={result.next} />);
});
