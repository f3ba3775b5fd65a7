import { type Context, Hono } from "hono";
import { TemplateCenterPage } from "../../../views/pages/template-center-page";
import { TemplatePage } from "../../../views/pages/template-page";
import { database } from "../../db/client";
import { requireAdmin } from "../../domain/access/guards";
import { type AppliedTemplate, applyTemplate } from "../../domain/templates/apply-template";
import { previewTemplate, templateStates } from "../../domain/templates/preview-template";
import { findTemplate, templateContents } from "../../domain/templates/registry";
import type { AppEnv } from "../../env";
import { runtimeFor } from "../../platform/runtime";
import { principalOf, writeContext } from "../api/common";
import { viewerOf } from "./viewer";

/** `/templates`: the template center, a template's preview, and applying it (admins, like the API). */
export const templatePages = new Hono<AppEnv>();

templatePages.get("/templates", async (c) => {
  requireAdmin(principalOf(c), "use the template center");
  const cards = await templateStates(database(c.env.DB));
  return c.html(<TemplateCenterPage viewer={viewerOf(c)} cards={cards} />);
});

/** The template's page: its preview as the catalog is now, after `result` when it was just applied. */
async function renderTemplatePage(c: Context<AppEnv>, name: string, result: AppliedTemplate | null) {
  const template = templateContents(findTemplate(name));
  const { state, plans } = await previewTemplate(database(c.env.DB), name);
  const sections = plans.map((plan) => ({ plan, contents: templateContents(findTemplate(plan.template)) }));
  return c.html(<TemplatePage viewer={viewerOf(c)} template={template} state={state} sections={sections} result={result} />);
}

templatePages.get("/templates/:name", (c) => {
  requireAdmin(principalOf(c), "preview templates");
  return renderTemplatePage(c, c.req.param("name"), null);
});

templatePages.post("/templates/:name", async (c) => {
  requireAdmin(principalOf(c), "apply templates");
  const name = c.req.param("name");
  const result = await applyTemplate(database(c.env.DB), runtimeFor(c.env), name, writeContext(c, "TEMPLATE"));
  return renderTemplatePage(c, name, result);
});
