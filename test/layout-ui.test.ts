import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD, call } from "./helpers";
import { type BrowserSession, invitedUser, signIn } from "./session";

let admin: BrowserSession;
let member: BrowserSession;

beforeAll(async () => {
  expect((await call("POST", "/v1/templates/sdlc/apply")).status).toBe(200);
  admin = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  member = await invitedUser("mia@portal.test");
});

describe("the page shell", () => {
  it("keeps a first load under 150 KB: the page, our stylesheet and script, and htmx (uncompressed)", async () => {
    const page = await admin.page("/catalog");
    expect(page.status).toBe(200);
    const assets = [...page.html.matchAll(/<(?:script src|link rel="stylesheet" href)="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(assets).toEqual(expect.arrayContaining(["/app.css", "/app.js", "/vendor/htmx.min.js"]));
    let bytes = new TextEncoder().encode(page.html).length;
    for (const asset of assets) {
      // Static files are served by the assets layer in front of the Worker, reached here through its binding.
      const res = await env.ASSETS.fetch(new Request(`http://portal.test${asset}`));
      expect(res.status, asset).toBe(200);
      bytes += (await res.arrayBuffer()).byteLength;
    }
    expect(bytes).toBeLessThan(150 * 1024);
  });

  it("offers a skip link, a labelled navigation and an announced notice area", async () => {
    const { html } = await admin.page("/catalog");
    expect(html).toContain('<a class="skip-link" href="#main">');
    expect(html).toContain('<nav aria-label="Main">');
    expect(html).toContain('<main id="main" tabindex="-1">');
    expect(html).toContain('<div id="flash" role="alert" aria-live="assertive"></div>');
  });
});

describe("error pages", () => {
  it("a missing page says so in plain words, with ways on", async () => {
    const res = await admin.page("/blueprints/no-such-blueprint");
    expect(res.status).toBe(404);
    expect(res.html).toContain("We couldn&#39;t find that");
    expect(res.html).toContain('<a href="/catalog">Browse the catalog</a>');
  });

  it("a refused page explains access instead of a bare 403", async () => {
    const res = await member.page("/audit");
    expect(res.status).toBe(403);
    expect(res.html).toContain("You don&#39;t have access to this");
    expect(res.html).toContain("Ask the owning team or a portal admin");
  });

  it("an htmx fragment request gets a short notice (status kept) instead of a whole page", async () => {
    const res = await member.page("/audit", { "HX-Request": "true" });
    expect(res.status).toBe(403);
    expect(res.html.startsWith('<div class="alert">')).toBe(true);
    expect(res.html).not.toContain("<html");
    const boosted = await member.page("/audit", { "HX-Request": "true", "HX-Boosted": "true" });
    expect(boosted.html).toContain("<html");
  });
});
