// `npm run screenshots`: PNGs of the main pages for the README, in docs/screenshots/ (1280×800, one in dark
// mode). Starts a throwaway portal with the demo data `npm run dev` applies (test/e2e/harness.mjs), adds a
// finished run with its log and a run waiting for approval, then visits each page. Re-runnable: each file is
// overwritten. A page that is missing or fails is skipped and named at the end (exit code 1), the rest are
// still saved. `npm run screenshots -- entity run` takes only the shots whose file name contains a word.

import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchBrowser, openPage, signIn } from "../test/e2e/browser.mjs";
import { startPortal } from "../test/e2e/harness.mjs";
import { adminApi } from "../test/e2e/portal-api.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "docs", "screenshots");
/** What scripts/dev.mjs applies, so the pictures show what a developer sees after `npm run dev`. */
const DEMO_TEMPLATES = ["sdlc", "cloud-resources", "dev-environments", "service-scorecards"];
const approver = { email: "lead@example.com", password: "screenshots approver password" };

/** The pages, in README order. `as: "approver"` signs in as the second admin, who has a run to decide. */
const SHOTS = [
  { file: "home.png", path: () => "/" },
  { file: "catalog.png", path: () => "/catalog" },
  { file: "component-table.png", path: () => "/blueprints/Component" },
  { file: "entity.png", path: () => "/blueprints/Component/entities/CartService" },
  { file: "action-form.png", path: () => "/actions/scaffold_component/run" },
  { file: "run.png", path: (demo) => `/runs/${encodeURIComponent(demo.finishedRun)}` },
  { file: "approvals.png", path: () => "/approvals", as: "approver" },
  { file: "scorecard.png", path: () => "/blueprints/service/scorecards/production_readiness" },
  { file: "template-center.png", path: () => "/templates" },
  { file: "builder.png", path: () => "/builder" },
  { file: "entity-dark.png", path: () => "/blueprints/Component/entities/CartService", colorScheme: "dark" },
];

/** Demo runs: one the example backend finished (log lines, affected entity), one waiting for approval. */
async function prepareDemo(api) {
  for (const name of DEMO_TEMPLATES) {
    await api.applyTemplate(name).catch((error) => console.warn(`template ${name} not applied: ${error.message}`));
  }
  await api.createUser({ ...approver, roles: ["Admin"] });
  const started = await api.call(
    "POST",
    "/v1/actions/scaffold_component/runs",
    { properties: { name: "checkout-api", type: "service", language: "go", system: "Cart", notes: "Golden path, Go 1.24" } },
    202,
  );
  const finishedRun = started.run.id;
  const deadline = Date.now() + 30_000;
  while ((await api.call("GET", `/v1/actions/runs/${finishedRun}`)).run.status !== "SUCCESS") {
    if (Date.now() > deadline) throw new Error(`run ${finishedRun} did not succeed within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  // Admins approve retire_component; the bootstrap admin asks, so the second admin is the approver.
  const retire = { entity: "ProductsService", properties: { reason: "Merged into the cart service" } };
  await api.call("POST", "/v1/actions/retire_component/runs", retire, 202);
  return { finishedRun };
}

/** Visits `path` and waits for htmx-loaded parts to settle; throws on an error status. */
async function capture(page, url, file) {
  const response = await page.goto(url);
  if (!response || response.status() >= 400) throw new Error(`${url} answered ${response?.status()}`);
  await page.waitForLoadState("networkidle", { timeout: 5000 }).catch(() => {});
  await page.screenshot({ path: join(outDir, file) });
}

const words = process.argv.slice(2);
const shots = SHOTS.filter((s) => words.length === 0 || words.some((w) => s.file.includes(w)));
const portal = await startPortal();
const failed = [];
try {
  const api = adminApi(portal);
  const demo = await prepareDemo(api);
  mkdirSync(outDir, { recursive: true });
  const browser = await launchBrowser();
  try {
    for (const shot of shots) {
      const { context, page, problems } = await openPage(browser, { colorScheme: shot.colorScheme ?? "light" });
      try {
        await signIn(page, portal.url, shot.as === "approver" ? approver : portal.admin);
        await capture(page, `${portal.url}${shot.path(demo)}`, shot.file);
        console.log(`docs/screenshots/${shot.file}${problems.length > 0 ? `  (page errors: ${problems.join("; ")})` : ""}`);
      } catch (error) {
        failed.push(`${shot.file}: ${error.message.split("\n")[0]}`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
} finally {
  await portal.stop();
}
if (failed.length > 0) {
  console.error(`Skipped ${failed.length} of ${shots.length}:\n  ${failed.join("\n  ")}`);
  process.exit(1);
}
