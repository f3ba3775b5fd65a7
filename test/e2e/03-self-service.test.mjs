// Self-service: the sdlc template's "Scaffold a component" (a CREATE action with two wizard steps, Basics
// and Details, and `language` shown only when type is service), delivered to the example backend, which
// streams log lines to the run and creates the component.

import assert from "node:assert/strict";
import { before, test } from "node:test";
import { eventually } from "./browser.mjs";
import { browserSuite } from "./suite.mjs";

const suite = browserSuite();
const { portal, api } = suite;

before(() => api.applyTemplate("sdlc"));

const field = (page, name) => page.locator(`#action-form [data-input="${name}"]`);

/**
 * Changes an input some condition reads, and waits until htmx swapped in the form the server re-rendered
 * for it (the old form leaves the page). Acting before that would make htmx abort the re-render.
 */
async function changeLive(page, name, value) {
  const previous = await page.locator("#action-form").elementHandle();
  await field(page, name).locator("select").selectOption(value);
  await page.waitForFunction((form) => !form?.isConnected, previous);
  await settled(page);
}

/**
 * Waits until htmx has settled the last swap: it wires up swapped-in content (listeners included) only when
 * settling ends (~20 ms later), so a change made before that would go unnoticed, as the form's new select
 * would not be listening yet.
 */
function settled(page) {
  return page.waitForFunction(() => !document.querySelector(".htmx-settling, .htmx-swapping, .htmx-request, .htmx-added"));
}

/** Presses a wizard button and waits until the step indicator shows `step`. */
async function goToStep(page, button, step) {
  await page.getByRole("button", { name: button, exact: true }).click();
  await page.locator('.wizard-steps [aria-current="step"]', { hasText: step }).waitFor();
  await settled(page);
}

/** On Details: the language, the system, then "Run action"; resolves with the run's id, on its page. */
async function finishDetails(page, language) {
  await field(page, "language").locator("select").selectOption(language);
  await field(page, "system").locator("input").fill("Cart");
  await page.getByRole("button", { name: "Run action", exact: true }).click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await page.locator("#run-status").waitFor();
  return decodeURIComponent(new URL(page.url()).pathname.split("/").at(-1) ?? "");
}

/** Fills the whole wizard for a Go service in the Cart system and submits it. */
async function scaffoldService(page, name) {
  await page.goto(`${portal.url}/actions/scaffold_component/run`);
  await field(page, "name").locator("input").fill(name);
  await changeLive(page, "type", "service");
  await goToStep(page, "Next", "Details");
  return finishDetails(page, "go");
}

test("a CREATE action's wizard: a required field blocks Next, the condition hides and shows Language, the run creates the entity", async () => {
  const { page } = await suite.open(portal.admin);
  await page.goto(`${portal.url}/actions/scaffold_component/run`);
  await page.locator('.wizard-steps [aria-current="step"]', { hasText: "Basics" }).waitFor();
  assert.equal(await field(page, "language").count(), 0, "Language belongs to the Details step");

  // Next with no name: the problem is shown beside the field and the wizard stays on Basics.
  await page.getByRole("button", { name: "Next", exact: true }).click();
  await field(page, "name").locator(".field-errors").waitFor();
  assert.equal(await page.locator('.wizard-steps [aria-current="step"]').textContent(), "Basics");

  // A library has no language: Details shows System but no Language.
  await field(page, "name").locator("input").fill("e2e-ledger-lib");
  await changeLive(page, "type", "library");
  await goToStep(page, "Next", "Details");
  await field(page, "system").waitFor();
  assert.equal(await field(page, "language").count(), 0, "Language is hidden for a library");

  // Back to Basics (the name is kept), a service this time: Details now asks for the language.
  await goToStep(page, "Back", "Basics");
  assert.equal(await field(page, "name").locator("input").inputValue(), "e2e-ledger-lib");
  await changeLive(page, "type", "service");
  await goToStep(page, "Next", "Details");
  const runId = await finishDetails(page, "typescript");

  // The example backend creates the component; the catalog lists it.
  await page.locator("#run-status .badge", { hasText: "Success" }).waitFor({ timeout: 30_000 });
  await page.goto(`${portal.url}/blueprints/Component?q=e2e-ledger`);
  await page.locator('#entity-table a[href="/blueprints/Component/entities/e2e-ledger-lib"]').waitFor();
  // What each step collected reached the run together.
  const { run } = await api.call("GET", `/v1/actions/runs/${encodeURIComponent(runId)}`);
  assert.deepEqual(run.properties, { name: "e2e-ledger-lib", type: "service", language: "typescript", system: "Cart" });
});

test("a run's log lines and its end arrive on the open run page without reloading it", async () => {
  const { page } = await suite.open(portal.admin);
  const runId = await scaffoldService(page, "e2e-live-logs");
  // The page subscribed to the run's events because the run had not ended when it was rendered.
  assert.ok(await page.locator("[sse-connect]").count(), "the run page is live (subscribed over SSE)");
  const linesAtFirst = await page.locator("#run-log .log-line").count();
  const header = await page.locator("header.topbar").elementHandle();

  const messages = () => page.locator("#run-log .log-message").allInnerTexts();
  const lines = await eventually("the backend's log lines", messages, (m) => m.includes("Done"), 30_000);
  assert.ok(lines.length > linesAtFirst, `log lines arrived after the page loaded (${linesAtFirst} → ${lines.length})`);
  assert.ok(lines.some((m) => m.startsWith("Picked up by the example backend")));
  assert.ok(lines.includes("Created Component 'e2e-live-logs' (linked to this run)"));
  await page.locator("#run-status .badge", { hasText: "Success" }).waitFor({ timeout: 30_000 });
  await page.locator("#run-entities", { hasText: "e2e-live-logs" }).waitFor();
  assert.ok(await header.evaluate((el) => el.isConnected), "the page was never reloaded");

  const { run } = await api.call("GET", `/v1/actions/runs/${encodeURIComponent(runId)}`);
  assert.equal(run.status, "SUCCESS");
});
