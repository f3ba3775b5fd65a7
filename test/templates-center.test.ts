import { beforeAll, describe, expect, it } from "vitest";
import type { TemplatePlan } from "../src/domain/templates/preview-template";
import { TEMPLATES, withRequirements } from "../src/domain/templates/registry";
import { ADMIN_EMAIL, ADMIN_PASSWORD, call, callJson, createUserToken } from "./helpers";
import { type BrowserSession, bearerPage, htmx, postFields, signIn } from "./session";
import { apply, emptyCatalog, PACKS, PARTS, preview } from "./templates-helpers";

/*
 * The template center: every template and action pack applies on an empty catalog (pulling in what it
 * requires), idempotently, and its preview says beforehand exactly what apply then creates. The pages are
 * for admins, escape what they show, and refuse an apply without the CSRF token. (The pack actions
 * themselves: templates-packs.test.ts.)
 */

describe("every template on an empty catalog", () => {
  it("lists the packs with what they need", () => {
    expect(PACKS.map((t) => t.name)).toEqual([
      "microservice-sdlc",
      "cloud-resources-actions",
      "sre",
      "data-engineering",
      "back-office",
      "machine-learning",
    ]);
    expect(withRequirements("sre").map((t) => t.name)).toEqual(["sdlc", "cloud-resources", "sre"]);
  });

  for (const template of TEMPLATES) {
    it(`${template.name}: the preview is what apply creates, and a second apply creates nothing`, async () => {
      await emptyCatalog();
      const before = await preview(template.name);
      const chain = withRequirements(template.name).map((t) => t.name);
      expect(before.preview.map((p) => p.template)).toEqual(chain);
      expect(before.state).toBe("not-applied");
      for (const plan of before.preview) {
        for (const part of [...PARTS, "entities"] as const) expect(plan[part].existing, `${plan.template} ${part}`).toEqual([]);
      }

      const first = await apply(template.name);
      const results = [...first.requirements, first];
      expect(results.map((r) => r.template)).toEqual(chain);
      results.forEach((result, i) => {
        const plan = before.preview[i] as TemplatePlan;
        for (const part of PARTS) expect(result[part].created.sort(), `${plan.template} ${part}`).toEqual([...plan[part].create].sort());
        expect(result.entities).toEqual({ created: plan.entities.create.length, unchanged: 0 });
      });

      const second = await apply(template.name);
      for (const result of [...second.requirements, second]) {
        for (const part of PARTS) expect(result[part].created, `${result.template} ${part}`).toEqual([]);
        expect(result.entities.created).toBe(0);
      }
      const after = await preview(template.name);
      expect(after.state).toBe("applied");
      for (const plan of after.preview) {
        for (const part of [...PARTS, "entities"] as const) expect(plan[part].create, `${plan.template} ${part}`).toEqual([]);
      }
    });
  }

  it("calls a template partly applied when some of it was removed, and apply brings back only that", async () => {
    await emptyCatalog();
    await apply("back-office");
    expect((await callJson("DELETE", "/v1/actions/delete_customer")).status).toBe(200);
    const p = await preview("back-office");
    expect(p.state).toBe("partly-applied");
    expect(p.preview.at(-1)?.actions.create).toEqual(["delete_customer"]);
    const again = await apply("back-office");
    expect(again.actions.created).toEqual(["delete_customer"]);
    expect(again.entities).toEqual({ created: 0, unchanged: 3 });
  });

  it("answers an unknown template with 404 on preview and apply", async () => {
    expect((await callJson("GET", "/v1/templates/nope")).status).toBe(404);
    expect((await callJson("POST", "/v1/templates/nope/apply")).status).toBe(404);
  });
});

describe("the template center pages", () => {
  let admin: BrowserSession;
  let csrf = "";
  let member = "";
  const page = (path: string) => admin.page(path);
  /** A post as the signed-in admin, with exactly these fields (no CSRF token unless given). */
  const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    postFields(admin, path, Object.entries(fields), headers);

  beforeAll(async () => {
    await emptyCatalog();
    await apply("sdlc");
    admin = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    csrf = admin.csrf;
    member = await createUserToken("member@portal.test");
  });

  it("lists every template with what it creates and whether it is applied", async () => {
    const { status, html } = await page("/templates");
    expect(status).toBe(200);
    for (const t of TEMPLATES) expect(html).toContain(`href="/templates/${t.name}"`);
    expect(html).toContain("Action packs");
    const card = (name: string) => {
      const start = html.indexOf(`id="template-${name}"`);
      return html.slice(start, html.indexOf("</article>", start));
    };
    expect(card("sdlc")).toContain("Applied");
    expect(card("sdlc")).toContain("9 demo entities");
    expect(card("microservice-sdlc")).toContain("Not applied");
    expect(card("microservice-sdlc")).toContain("Scaffold a microservice");
    expect(card("microservice-sdlc")).toContain('href="/templates/sdlc"');
    expect(card("dev-environments")).toContain("Tear down expired environments");
  });

  it("previews a pack: what it creates, what its requirements already have", async () => {
    const { status, html } = await page("/templates/sre");
    expect(status).toBe(200);
    expect(html).toContain("Not applied");
    expect(html).toMatch(/<button type="submit"[^>]*>Apply template<\/button>/);
    expect(html).toContain(`name="_csrf" value="${csrf}"`);
    expect(html).toContain('hx-indicator="#apply-progress"');
    // sdlc is applied: its part lists existing things (linked); cloud-resources and sre are to create.
    const sdlc = html.slice(html.indexOf('id="plan-sdlc"'), html.indexOf('id="plan-cloud-resources"'));
    expect(sdlc).toContain("Nothing to create");
    expect(sdlc).toContain('href="/blueprints/Component/entities/CartService"');
    const sre = html.slice(html.indexOf('id="plan-sre"'));
    expect(sre).toContain("Execute incident runbook");
    expect(sre).toContain("Workload / cart-service-prod");
  });

  it("refuses an apply without the CSRF token, and applies with it, showing what it created", async () => {
    const refused = await post("/templates/data-engineering", {});
    expect(refused.status).toBe(403);
    expect((await preview("data-engineering")).state).toBe("not-applied");

    const applied = await post("/templates/data-engineering", { _csrf: csrf });
    expect(applied.status).toBe(200);
    expect(applied.html).toContain('id="apply-result"');
    expect(applied.html).toContain('<a href="/blueprints/AirflowDag">Airflow DAG</a>');
    expect(applied.html).toContain('<a href="/actions/run_airflow_dag/run">Run Airflow DAG</a>');
    expect(applied.html).toContain("4 entities");
    expect((await preview("data-engineering")).state).toBe("applied");

    // Through htmx (the CSRF token in the header, as the page's body sends it): nothing more to create.
    const again = await post("/templates/data-engineering", {}, { ...htmx, "x-csrf-token": csrf });
    expect(again.status).toBe(200);
    expect(again.html).toContain('id="apply-result"');
    expect(again.html).not.toContain("4 entities");
    expect(again.html).toContain("4 left as they were");
  });

  it("escapes what it shows, and answers an unknown template with the 404 page", async () => {
    const { status, html } = await page(`/templates/${encodeURIComponent("<img src=x onerror=alert(1)>")}`);
    expect(status).toBe(404);
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("is for admins only", async () => {
    const headers = { authorization: `Bearer ${member}` };
    expect((await bearerPage(member, "/templates")).status).toBe(403);
    expect((await bearerPage(member, "/templates/sdlc")).status).toBe(403);
    const posted = await call("POST", "/templates/back-office", "", { ...headers, "content-type": "application/x-www-form-urlencoded" });
    expect(posted.status).toBe(403);
    expect((await callJson("GET", "/v1/templates/sdlc", undefined, headers)).status).toBe(403);
    expect((await preview("back-office")).state).toBe("not-applied");
  });
});
