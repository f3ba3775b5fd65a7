// Signing in through /login, and applying the sdlc template from the template center (the page, never the
// API: this file runs first, so the template is new here and every later file may rely on it).

import assert from "node:assert/strict";
import { test } from "node:test";
import { browserSuite } from "./suite.mjs";

const suite = browserSuite();
const { portal, api } = suite;

test("a signed-out visitor is sent to /login and, once signed in, lands where they were going", async () => {
  const { page, allow } = await suite.open(null);
  await page.goto(`${portal.url}/audit`);
  assert.equal(new URL(page.url()).pathname, "/login");
  assert.equal(new URL(page.url()).searchParams.get("next"), "/audit");

  allow(/status of 401/); // the refused attempt below answers 401 on purpose
  await page.getByLabel("Email").fill(portal.admin.email);
  await page.getByLabel("Password").fill("not the password at all");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").waitFor();
  assert.equal(await page.locator("header .who").count(), 0, "a wrong password must not sign in");

  await page.getByLabel("Password").fill(portal.admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("header .who", { hasText: portal.admin.email }).waitFor();
  assert.equal(new URL(page.url()).pathname, "/audit");
});

test("the admin applies the sdlc template from the template center", async () => {
  await api.call("GET", "/v1/blueprints/Component", undefined, 404);
  const { page } = await suite.open(portal.admin);
  await page.goto(`${portal.url}/templates`);
  await page.locator('main a[href="/templates/sdlc"]').first().click();
  await page.waitForURL(/\/templates\/sdlc$/);
  const applied = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/templates/sdlc");
  await page.getByRole("button", { name: "Apply template", exact: true }).click();
  assert.ok((await applied).status() < 400, "applying answered without an error");
  // The result names what the template brought, among it the Component blueprint.
  await page.locator("main [role=status]", { hasText: "Component" }).first().waitFor();

  const { blueprints } = await api.call("GET", "/v1/blueprints");
  const ids = blueprints.map((b) => b.identifier);
  for (const id of ["Domain", "System", "Component", "API", "Resource"]) assert.ok(ids.includes(id), `blueprint ${id} after applying`);
  const { entity } = await api.call("GET", "/v1/blueprints/Component/entities/CartService");
  assert.equal(entity.title, "Cart Service");
});
