// Temporary dev environments: a developer extends an environment's TTL from its entity page ("Extend TTL",
// a DAY-2 action that writes the new expiry to the catalog) and the expiry moves three days later.

import assert from "node:assert/strict";
import { before, test } from "node:test";
import { browserSuite, TEST_PASSWORD } from "./suite.mjs";

const suite = browserSuite();
const { portal, api } = suite;
const developer = { email: "env-owner@example.com", password: TEST_PASSWORD };
const DAY_MS = 86_400_000;
const entityPath = "/blueprints/environment/entities/feat-checkout";

before(async () => {
  await api.applyTemplate("dev-environments");
  await api.createUser(developer);
  // As the example backend leaves it after "Provision temporary DevEnv": running, expiring in two days.
  const expiresAt = new Date(Date.now() + 2 * DAY_MS).toISOString();
  const properties = {
    owner: developer.email,
    branch: "feat/checkout",
    url: "http://feat-checkout.dev.localhost",
    expiresAt,
    status: "running",
  };
  await api.call("POST", "/v1/blueprints/environment/entities", { identifier: "feat-checkout", title: "feat-checkout", properties }, 201);
});

/** The expiry the entity page shows (the countdown's machine-readable time). */
async function shownExpiry(page) {
  const datetime = await page.locator("main time.timer").first().getAttribute("datetime");
  return Date.parse(datetime ?? "");
}

test("a developer extends their environment's TTL from its entity page", async () => {
  const before = Date.parse((await api.call("GET", `/v1/blueprints/environment/entities/feat-checkout`)).entity.properties.expiresAt);
  const { page } = await suite.open(developer);
  await page.goto(`${portal.url}${entityPath}`);
  assert.equal(await shownExpiry(page), before);

  await page.locator(".action-panel a", { hasText: "Extend TTL" }).click();
  await page.locator("#action-form", { hasText: "This action has no inputs." }).waitFor();
  await page.getByRole("button", { name: "Run action", exact: true }).click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await page.locator("#run-status .badge", { hasText: "Success" }).waitFor({ timeout: 30_000 });

  await page.locator(`main a[href="${entityPath}"]`).first().click();
  await page.locator("main h1", { hasText: "feat-checkout" }).waitFor();
  assert.equal(await shownExpiry(page), before + 3 * DAY_MS, "Extend TTL adds three days");
  const after = Date.parse((await api.call("GET", `/v1/blueprints/environment/entities/feat-checkout`)).entity.properties.expiresAt);
  assert.equal(after, before + 3 * DAY_MS);
});
