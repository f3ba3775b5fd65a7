// Chromium for the browser tests and screenshots: Debian's /usr/bin/chromium driven by playwright-core
// (Playwright's own browser download is not used). Every page records console errors and uncaught
// exceptions, so a test can assert that the pages it visited broke no Content-Security-Policy rule and
// threw nothing.

import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

const CHROMIUM = process.env.E2E_CHROMIUM ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
export const VIEWPORT = { width: 1280, height: 800 };

/** Starts headless Chromium; the error says how to install it when it is missing. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install it (apt-get install -y --no-install-recommends chromium) or set E2E_CHROMIUM`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * A fresh browser context (its own cookies: one per signed-in user) and a page in it. `problems` collects
 * console errors (CSP violations are reported there) and page errors; `allow` lists patterns of console
 * errors a test expects, such as the browser's note about a 403 document it opened on purpose.
 */
export async function openPage(browser, { colorScheme = "light" } = {}) {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const problems = [];
  const allowed = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = `console error on ${page.url()}: ${message.text()}`;
    if (!allowed.some((pattern) => pattern.test(message.text()))) problems.push(text);
  });
  page.on("pageerror", (error) => problems.push(`uncaught exception on ${page.url()}: ${error.message}`));
  return {
    context,
    page,
    problems,
    /** Expect console errors matching `pattern` from now on (they are not counted as problems). */
    allow: (pattern) => allowed.push(pattern),
  };
}

/** Signs in through the /login form and waits for the signed-in header. */
export async function signIn(page, baseUrl, user) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("header .who", { hasText: user.email }).waitFor();
}

/**
 * Polls `read` until `accept(value)` holds; fails with the last value seen. For states the page reaches
 * without a navigation to wait for (an htmx swap, a server-sent event, a backend's report).
 */
export async function eventually(what, read, accept, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await read();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeoutMs / 1000} s`);
}
