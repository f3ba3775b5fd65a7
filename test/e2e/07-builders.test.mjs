// The blueprint and scorecard builders in a real browser: the form and the JSON follow each other live
// (htmx posts after typing), the focus stays where the user types, buttons re-render the form, a JSON
// syntax error leaves the form alone, and Save right after a JSON edit saves that edit.

import assert from "node:assert/strict";
import { test } from "node:test";
import { eventually } from "./browser.mjs";
import { browserSuite } from "./suite.mjs";

const suite = browserSuite();
const { portal, api } = suite;

/**
 * Waits until htmx has no request in flight and has finished swapping: new content gets its htmx
 * behaviour in the settle step, a moment after it appears (a browser user never acts that fast).
 */
async function settled(page) {
  await page.waitForFunction(() => !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"));
}

/** The JSON pane's current content, parsed. */
async function shownJson(page) {
  return JSON.parse(await page.locator("#b-json").inputValue());
}

test("builds a blueprint with the form and the JSON side by side, then saves it", async () => {
  const { page } = await suite.open(portal.admin);
  await page.goto(`${portal.url}/builder`);
  await page.getByRole("link", { name: "New blueprint" }).click();
  await page.locator("main h1", { hasText: "New blueprint" }).waitFor();

  // Typing in the form updates the JSON; the focus stays in the field being typed in.
  await page.getByLabel("Identifier").first().fill("e2e_service");
  const title = page.locator("#b-title");
  await title.click();
  await title.pressSequentially("E2E service", { delay: 20 });
  await eventually(
    "the JSON shows the title",
    () => shownJson(page),
    (json) => json.title === "E2E service",
  );
  assert.equal(await page.evaluate(() => document.activeElement?.id), "b-title");

  // A button re-renders the form pane (and the JSON out of band).
  await page.getByRole("button", { name: "Add property" }).click();
  await page.locator("#b-properties-0-key").waitFor();
  await settled(page);
  await eventually(
    "the JSON has the new property",
    () => shownJson(page),
    (json) => "property_1" in json.schema.properties,
  );

  // Changing the type re-renders the row: a number property has no format, and its default is a number.
  const type = page.locator("#b-properties-0-type");
  await type.focus();
  await type.selectOption("number");
  await settled(page);
  await eventually(
    "the format select is gone",
    () => page.locator("#b-properties-0-format").count(),
    (n) => n === 0,
  );
  assert.equal(await page.evaluate(() => document.activeElement?.id), "b-properties-0-type");
  await page.locator("#b-properties-0-default").fill("3");
  await eventually(
    "the JSON has a number default",
    () => shownJson(page),
    (json) => json.schema.properties.property_1.type === "number" && json.schema.properties.property_1.default === 3,
  );

  // Editing the JSON rebuilds the form.
  const json = await shownJson(page);
  json.title = "From the JSON";
  await page.locator("#b-json").fill(JSON.stringify(json, null, 2));
  await eventually(
    "the form shows the JSON's title",
    () => page.locator("#b-title").inputValue(),
    (v) => v === "From the JSON",
  );

  // A syntax error says where, and the form stays as it was.
  await page.locator("#b-json").fill('{"identifier": "e2e_service",');
  await page.locator("#b-json-problems", { hasText: "JSON syntax error" }).waitFor();
  assert.equal(await page.locator("#b-title").inputValue(), "From the JSON");

  // Save right after a JSON edit: the edit (not the older form) is what is saved.
  json.title = "Saved from the JSON";
  await page.locator("#b-json").fill(JSON.stringify(json, null, 2));
  await page.getByRole("button", { name: "Create blueprint" }).click();
  await page.waitForURL(/\/blueprints\/e2e_service$/);
  await page.locator("main h1", { hasText: "Saved from the JSON" }).waitFor();
  const stored = await api.call("GET", "/v1/blueprints/e2e_service");
  assert.equal(stored.blueprint.schema.properties.property_1.default, 3);
  await page.getByRole("link", { name: "Edit in builder" }).click();
  await page.locator("main h1", { hasText: "Edit blueprint Saved from the JSON" }).waitFor();
});

test("builds a scorecard rule and shows how many entities would pass it", async () => {
  await api.call(
    "POST",
    "/v1/blueprints",
    { identifier: "e2e_app", title: "E2E app", schema: { properties: { lang: { type: "string" } } } },
    201,
  );
  for (const [identifier, lang] of [
    ["one", "go"],
    ["two", "rust"],
  ]) {
    await api.call("POST", "/v1/blueprints/e2e_app/entities", { identifier, properties: { lang } }, 201);
  }
  const { page } = await suite.open(portal.admin);
  await page.goto(`${portal.url}/builder/blueprints/e2e_app/scorecards/new`);
  await page.locator("#b-identifier").fill("e2e_card");
  await page.locator("#b-title").fill("E2E card");
  await page.getByRole("button", { name: "Add rule" }).click();
  await settled(page);
  await page.getByRole("button", { name: "Add condition to rule rule_1" }).click();
  await settled(page);
  await page.locator("#b-rules-0-query-conditions-0-operator").selectOption("=");
  await settled(page);
  await page.locator("#b-rules-0-query-conditions-0-value").fill("go");
  await page.locator("#b-rules-0-title").fill("Written in Go");
  await page.locator("#b-rule-0-passing", { hasText: "Would pass: 1 of 2" }).waitFor();
  await page.getByRole("button", { name: "Create scorecard" }).click();
  await page.waitForURL(/\/blueprints\/e2e_app\/scorecards\/e2e_card$/);
  const stored = await api.call("GET", "/v1/blueprints/e2e_app/scorecards/e2e_card");
  assert.deepEqual(stored.scorecard.rules[0].query, { combinator: "and", conditions: [{ property: "lang", operator: "=", value: "go" }] });
});
