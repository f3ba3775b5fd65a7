// Browsing the catalog: from the catalog to the Component table to CartService, and filtering the table
// (htmx swaps only the table and keeps the filters in the URL).

import assert from "node:assert/strict";
import { before, test } from "node:test";
import { eventually } from "./browser.mjs";
import { browserSuite } from "./suite.mjs";

const suite = browserSuite();
const { portal, api } = suite;

before(() => api.applyTemplate("sdlc"));

/** The identifiers the Component table shows, in order. */
async function tableRows(page) {
  const links = page.locator("#entity-table tbody tr td:first-child a");
  return (await links.evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""))).map((href) =>
    decodeURIComponent(href.split("/").at(-1) ?? ""),
  );
}

test("browses from the catalog to the Component table to CartService", async () => {
  const { page } = await suite.open(portal.admin);
  await page.goto(`${portal.url}/catalog`);
  await page.locator('main a[href="/blueprints/Component"]').first().click();
  await page.waitForURL(/\/blueprints\/Component$/);
  await page.locator('#entity-table a[href="/blueprints/Component/entities/CartService"]').click();
  // Boosted navigation: wait for the new page's content, then check where the browser says it is.
  await page.locator("main h1", { hasText: "Cart Service" }).waitFor();
  assert.equal(new URL(page.url()).pathname, "/blueprints/Component/entities/CartService");
  // Its relations link on: the system it belongs to and the libraries it uses.
  await page.locator('main a[href="/blueprints/System/entities/Cart"]').first().waitFor();
  await page.locator('main a[href="/blueprints/Component/entities/CorePaymentLibrary"]').first().waitFor();
});

test("filters the Component table by type and by text without reloading the page", async () => {
  const { page } = await suite.open(portal.admin);
  await page.goto(`${portal.url}/blueprints/Component`);
  assert.deepEqual((await tableRows(page)).sort(), ["CartService", "CoreKafkaLibrary", "CorePaymentLibrary", "ProductsService"]);
  // Outside the table: still the same element after a table swap, replaced by any full or boosted navigation.
  const header = await page.locator("header.topbar").elementHandle();
  const stillSamePage = () => header.evaluate((el) => el.isConnected);

  const property = page.locator(".filter-row select[name=fp]").last();
  const operands = page.waitForResponse((r) => r.url().includes("/filter-operands"));
  await property.selectOption("type");
  await operands;
  await page.locator(".filter-row select[name=fv]").last().selectOption("library");
  await page.getByRole("button", { name: "Apply" }).click();
  const libraries = await eventually(
    "rows after filtering on type",
    () => tableRows(page),
    (rows) => rows.length === 2,
  );
  assert.deepEqual(libraries.sort(), ["CoreKafkaLibrary", "CorePaymentLibrary"]);
  await eventually(
    "the filter in the URL",
    () => decodeURIComponent(new URL(page.url()).search),
    (search) => search.includes("library"),
  );

  await page.locator("#table-q").fill("kafka");
  await eventually(
    "rows after typing 'kafka'",
    () => tableRows(page),
    (rows) => rows.length === 1 && rows[0] === "CoreKafkaLibrary",
  );
  assert.ok(await stillSamePage(), "filtering swapped the table, not the page");

  // The URL is the whole view: opening it again shows the same rows.
  await page.reload();
  assert.deepEqual(await tableRows(page), ["CoreKafkaLibrary"]);
});
