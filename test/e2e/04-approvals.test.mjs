// Approvals: a developer runs an action that needs approval; a second user, its approver, approves it from
// the Approvals page; the run proceeds (delivered to the example backend) and the developer's open run page
// follows along without a reload.

import assert from "node:assert/strict";
import { before, test } from "node:test";
import { browserSuite, TEST_PASSWORD } from "./suite.mjs";

const suite = browserSuite();
const { portal, api } = suite;
const developer = { email: "dev@example.com", password: TEST_PASSWORD };
const approver = { email: "lead@example.com", password: TEST_PASSWORD };

before(async () => {
  await api.applyTemplate("sdlc");
  await api.createUser(developer);
  await api.createUser(approver);
  await api.call(
    "POST",
    "/v1/actions",
    {
      identifier: "deploy_component",
      title: "Deploy to production",
      trigger: {
        type: "self-service",
        operation: "DAY-2",
        blueprintIdentifier: "Component",
        userInputs: { properties: { version: { type: "string", title: "Version" } }, required: ["version"] },
      },
      invocationMethod: { type: "WEBHOOK", url: "http://localhost:8788/" },
      requiredApproval: true,
      permissions: { execute: { roles: ["Member"] }, approve: { users: [approver.email] } },
    },
    201,
  );
});

const badge = (page, status) => page.locator("#run-status .badge", { hasText: status });

test("a second user approves a developer's run from the Approvals page and the run proceeds", async () => {
  const asDeveloper = (await suite.open(developer)).page;
  await asDeveloper.goto(`${portal.url}/blueprints/Component/entities/CartService`);
  await asDeveloper.locator(".action-panel a", { hasText: "Deploy to production" }).click();
  await asDeveloper.locator('#action-form [data-input="version"] input').fill("1.4.2");
  await asDeveloper.getByRole("button", { name: "Run action", exact: true }).click();
  await asDeveloper.waitForURL(/\/runs\/[^/]+$/);
  const runPath = new URL(asDeveloper.url()).pathname;
  await badge(asDeveloper, "Waiting for approval").waitFor();
  await asDeveloper.locator("#run-status", { hasText: approver.email }).waitFor();
  assert.equal(await asDeveloper.getByRole("button", { name: "Approve" }).count(), 0, "the requester cannot approve their own run");

  const asApprover = (await suite.open(approver)).page;
  await asApprover.goto(`${portal.url}/approvals`);
  await asApprover.locator(`main a[href="${runPath}"]`).click();
  await asApprover.waitForURL((url) => url.pathname === runPath);
  await asApprover.getByRole("button", { name: "Approve", exact: true }).click();
  await asApprover.locator("#run-status", { hasText: `Approved by ${approver.email}` }).waitFor();
  await badge(asApprover, "Success").waitFor({ timeout: 30_000 });

  // The developer's page was open all along: the approval, the backend's log and the end arrived live.
  await badge(asDeveloper, "Success").waitFor({ timeout: 30_000 });
  await asDeveloper.locator("#run-log .log-message", { hasText: "Done" }).waitFor();
  assert.equal(new URL(asDeveloper.url()).pathname, runPath);

  await asApprover.goto(`${portal.url}/approvals`);
  assert.equal(await asApprover.locator(`main a[href="${runPath}"]`).count(), 0, "nothing is left to approve");
  const { run } = await api.call("GET", `/v1/actions/runs/${runPath.split("/").at(-1)}`);
  assert.equal(run.status, "SUCCESS");
  assert.equal(run.createdBy, developer.email);
});
