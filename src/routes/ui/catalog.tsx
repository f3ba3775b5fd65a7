import { Hono } from "hono";
import { AuditPage } from "../../../views/pages/audit-page";
import { BlueprintPage } from "../../../views/pages/blueprint-page";
import { EntityPage } from "../../../views/pages/entity-page";
import { HomePage } from "../../../views/pages/home";
import { database } from "../../db/client";
import { searchAuditLog } from "../../domain/audit/audit-log";
import { listBlueprintsWithCounts } from "../../domain/catalog/blueprints";
import { countBlueprintEntities, getEntity, listBlueprintEntities } from "../../domain/catalog/entity-read";
import type { AppEnv } from "../../env";
import { viewerOf } from "./viewer";

const PAGE_SIZE = 50;

/** The catalog pages: home, a blueprint's entities, one entity, the audit log. */
export const catalogPages = new Hono<AppEnv>();

catalogPages.get("/", async (c) => {
  const rows = await listBlueprintsWithCounts(database(c.env.DB));
  return c.html(<HomePage viewer={viewerOf(c)} rows={rows} />);
});

catalogPages.get("/blueprints/:blueprint", async (c) => {
  const db = database(c.env.DB);
  const blueprint = c.req.param("blueprint");
  const cursor = c.req.query("cursor") || undefined;
  const page = await listBlueprintEntities(db, blueprint, { limit: PAGE_SIZE, cursor });
  const total = await countBlueprintEntities(db, blueprint);
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
  const result = await getEntity(database(c.env.DB), c.req.param("blueprint"), c.req.param("identifier"), { includeRelated: true });
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
  const result = await searchAuditLog(database(c.env.DB), { limit: 100, cursor: c.req.query("cursor") || undefined });
  return c.html(<AuditPage viewer={viewerOf(c)} entries={result.audits} next={result.next} />);
});
