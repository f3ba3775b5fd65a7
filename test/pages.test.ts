import { beforeAll, describe, expect, it } from "vitest";
import { call, callJson } from "./helpers";

async function page(path: string): Promise<{ status: number; html: string; type: string | null }> {
  const res = await call("GET", path);
  return { status: res.status, html: await res.text(), type: res.headers.get("content-type") };
}

beforeAll(async () => {
  expect((await call("POST", "/v1/templates/sdlc/apply")).status).toBe(200);
  const r = await callJson("POST", "/v1/blueprints", {
    identifier: "widget",
    title: "Widget",
    schema: {
      properties: {
        link: { type: "string", format: "url" },
        status: { type: "string", enum: ["ok", "bad"], enumColors: { ok: "green", bad: "red" } },
        notes: { type: "string", format: "markdown" },
        seen: { type: "string", format: "date-time" },
      },
      required: [],
    },
  });
  expect(r.status).toBe(201);
  const e = await callJson("POST", "/v1/blueprints/widget/entities", {
    identifier: "evil",
    title: "<script>alert(1)</script>",
    properties: {
      link: "https://example.com/a?b=<c>",
      status: "bad",
      notes: "**bold** <img src=x onerror=alert(1)> [click](javascript:alert(1))",
      seen: new Date(Date.now() - 3 * 86400_000).toISOString(),
    },
  });
  expect(e.status).toBe(201);
});

describe("portal pages", () => {
  it("the catalog lists blueprints with entity counts", async () => {
    const p = await page("/catalog");
    expect(p.status).toBe(200);
    expect(p.type).toContain("text/html");
    expect(p.html.startsWith("<!DOCTYPE html>")).toBe(true);
    const row = (id: string, count: number) =>
      `<a href="/blueprints/${id}">${id}</a><div class="muted small">${id}</div></td><td></td><td class="num">${count}</td>`;
    expect(p.html).toContain(row("Component", 4));
    expect(p.html).toContain(row("System", 2));
    expect(p.html).toContain(row("API", 1));
    expect(p.html).toContain('<script src="/vendor/htmx.min.js"');
  });

  it("blueprint page renders the demo entities with enum badges and relation links", async () => {
    const p = await page("/blueprints/Component");
    expect(p.status).toBe(200);
    expect(p.html).toContain(">Cart Service</a>");
    expect(p.html).toContain('<span class="badge badge-blue">service</span>');
    expect(p.html).toContain('<span class="badge badge-green">library</span>');
    expect(p.html).toContain('href="/blueprints/System/entities/Cart"');
  });

  it("entity page shows properties and relations in both directions", async () => {
    const p = await page("/blueprints/Component/entities/CartService");
    expect(p.status).toBe(200);
    expect(p.html).toContain("<h1>Cart Service</h1>");
    expect(p.html).toContain('href="/blueprints/Resource/entities/cart-sql-sb"');
    // CartAPI points at CartService through `provider`: listed under "Referenced by".
    expect(p.html).toMatch(/Referenced by[\s\S]*provider[\s\S]*href="\/blueprints\/API\/entities\/CartAPI"/);
  });

  it("escapes a <script> title and unsafe markdown, renders formats", async () => {
    const list = await page("/blueprints/widget");
    expect(list.html).not.toContain("<script>alert(1)</script>");
    expect(list.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(list.html).toContain('<span class="badge badge-red">bad</span>');
    expect(list.html).toContain("3 days ago");

    const one = await page("/blueprints/widget/entities/evil");
    expect(one.html).not.toContain("<script>alert(1)</script>");
    expect(one.html).toContain("<strong>bold</strong>");
    expect(one.html).not.toContain("<img");
    expect(one.html).not.toContain('href="javascript:');
    expect(one.html).toContain('href="https://example.com/a?b=&lt;c&gt;"');
  });

  it("answers missing pages with an HTML 404", async () => {
    const p = await page("/blueprints/nope");
    expect(p.status).toBe(404);
    expect(p.type).toContain("text/html");
    expect(p.html).toContain("Blueprint &#39;nope&#39; does not exist");
  });

  it("serves the audit page and the API reference page with local assets only", async () => {
    const audit = await page("/audit");
    expect(audit.status).toBe(200);
    expect(audit.html).toContain("CREATE");
    const docs = await page("/docs/api");
    expect(docs.status).toBe(200);
    expect(docs.html).toContain('src="/vendor/swagger-ui/swagger-ui-bundle.js"');
    expect(docs.html).not.toMatch(/https?:\/\/(cdn|unpkg)/);
  });

  it("sends a restrictive Content-Security-Policy", async () => {
    const res = await call("GET", "/");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
  });
});

describe("OpenAPI", () => {
  it("serves a 3.1 document covering the catalog API", async () => {
    const r = await callJson<{ openapi: string; paths: Record<string, Record<string, unknown>> }>("GET", "/v1/openapi.json");
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
    const paths = Object.keys(r.body.paths);
    for (const p of [
      "/blueprints",
      "/blueprints/{identifier}",
      "/blueprints/{blueprint}/entities",
      "/blueprints/{blueprint}/entities/bulk",
      "/blueprints/{blueprint}/entities/{identifier}",
      "/audit-log",
      "/templates/{name}/apply",
    ]) {
      expect(paths, p).toContain(p);
    }
    expect(Object.keys(r.body.paths["/blueprints/{blueprint}/entities/{identifier}"] ?? {}).sort()).toEqual([
      "delete",
      "get",
      "patch",
      "put",
    ]);
  });
});
