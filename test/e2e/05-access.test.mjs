// Access: a member of another team opens what belongs to the payments team (an entity only its owners may
// read, an action only that team may run) and gets the portal's friendly refusal, not the data.

import assert from "node:assert/strict";
import { before, test } from "node:test";
import { browserSuite, TEST_PASSWORD } from "./suite.mjs";

const suite = browserSuite();
const { portal, api } = suite;
const outsider = { email: "outsider@example.com", password: TEST_PASSWORD };

before(async () => {
  await api.ensureTeam("payments");
  await api.ensureTeam("growth");
  await api.createUser({ ...outsider, teams: ["growth"] });
  await api.call("POST", "/v1/blueprints", { identifier: "ledger", title: "Ledger", schema: { properties: {}, required: [] } }, 201);
  // Members read only what their team owns; admins read everything.
  await api.call("PATCH", "/v1/blueprints/ledger/permissions", { entities: { read: { roles: ["Admin"], ownedByTeam: true } } });
  await api.call(
    "POST",
    "/v1/blueprints/ledger/entities",
    { identifier: "payments-ledger", title: "Payments ledger", team: "payments" },
    201,
  );
  await api.call(
    "POST",
    "/v1/actions",
    {
      identifier: "rotate_ledger_keys",
      title: "Rotate ledger keys",
      trigger: { type: "self-service", operation: "CREATE", blueprintIdentifier: "ledger", userInputs: { properties: {}, required: [] } },
      invocationMethod: { type: "WEBHOOK", url: "http://localhost:8788/" },
      permissions: { execute: { roles: [], teams: ["payments"] } },
    },
    201,
  );
});

test("a member of another team gets the 403 page for an entity they may not read, and it is not listed", async () => {
  const { page, allow } = await suite.open(outsider);
  allow(/status of 403/); // the browser notes the refused document itself
  const response = await page.goto(`${portal.url}/blueprints/ledger/entities/payments-ledger`);
  assert.equal(response?.status(), 403);
  await page.getByRole("heading", { name: "You don't have access to this" }).waitFor();
  const text = await page.locator("main").textContent();
  assert.match(text, /You may not read entities of 'ledger'/);
  assert.doesNotMatch(text, /Payments ledger/, "the refusal does not reveal the entity");
  await page.locator('main a[href="/catalog"]').first().waitFor(); // a way back

  await page.goto(`${portal.url}/blueprints/ledger`);
  await page.locator("#entity-table").waitFor();
  assert.equal(await page.locator('#entity-table a[href="/blueprints/ledger/entities/payments-ledger"]').count(), 0);
});

test("a member of another team sees why they may not run the payments team's action, and cannot submit it", async () => {
  const { page } = await suite.open(outsider);
  await page.goto(`${portal.url}/actions/rotate_ledger_keys/run`);
  await page.getByRole("alert").filter({ hasText: "You may not run this action" }).waitFor();
  assert.match(await page.getByRole("alert").textContent(), /needs teams payments/);
  assert.ok(await page.getByRole("button", { name: "Run action", exact: true }).isDisabled());
  const { runs } = await api.call("GET", "/v1/actions/runs?action=rotate_ledger_keys");
  assert.equal(runs.length, 0);
});
