// What every browser test file shares: the running portal (from scripts/e2e.mjs), an admin API client for
// setup, one Chromium per file, and signed-in pages whose console errors and CSP violations fail the test
// that opened them.

import assert from "node:assert/strict";
import { after, afterEach, before } from "node:test";
import { launchBrowser, openPage, signIn } from "./browser.mjs";
import { adminApi, portalFromEnv } from "./portal-api.mjs";

/** A password long enough for the portal's rule (12 characters or more). */
export const TEST_PASSWORD = "e2e password that is long enough";

/**
 * Registers the file's hooks and returns what its tests use.
 *
 * @example
 *   const suite = browserSuite();
 *   test("…", async () => { const { page } = await suite.open(suite.portal.admin); … });
 */
export function browserSuite() {
  const portal = portalFromEnv();
  const api = adminApi(portal);
  let browser = null;
  let opened = [];

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });
  // Each test's pages must have logged no console error (a CSP violation is one) and thrown nothing.
  afterEach(async () => {
    const problems = opened.flatMap((o) => o.problems);
    await Promise.all(opened.map((o) => o.context.close()));
    opened = [];
    assert.deepEqual(problems, [], "the pages visited logged errors");
  });

  return {
    portal,
    api,
    /** A new page in its own browser context; signed in as `user` unless it is null. */
    async open(user, options) {
      if (!browser) throw new Error("the browser starts in the before() hook: call open() inside a test");
      const opening = await openPage(browser, options);
      opened.push(opening);
      if (user) await signIn(opening.page, portal.url, user);
      return opening;
    },
  };
}
