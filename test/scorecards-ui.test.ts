import { beforeAll, describe, expect, it } from "vitest";
import { call, callJson, createUserToken } from "./helpers";

// The scorecard page (SVG charts, entities × rules, team filter, read scope), the entity page's Scorecards
// section and the blueprint page's links.

const BP = "svcui";
const SC = `/v1/blueprints/${BP}/scorecards`;
const PAGE = `/blueprints/${BP}/scorecards/readiness`;
const INJECTED = "<img src=x onerror=alert(1)>";
const SCRIPT = "<script>alert(1)</script>";
let alice = "";

async function page(path: string, headers: Record<string, string> = {}): Promise<{ status: number; html: string }> {
  const res = await call("GET", path, undefined, headers);
  return { status: res.status, html: await res.text() };
}

async function ok(method: string, path: string, body: unknown, status = 201): Promise<void> {
  const r = await callJson(method, path, body);
  expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(status);
}

const cond = (...conditions: unknown[]) => ({ combinator: "and", conditions });

/** The `<tbody>` rows' entity ids of the entities × rules table. */
function rowIds(html: string): string[] {
  return [...html.matchAll(/<tr id="entity-([^"]+)"/g)].map((m) => m[1] as string).sort();
}

beforeAll(async () => {
  await ok("POST", "/v1/teams", { name: "alpha" });
  await ok("POST", "/v1/teams", { name: "beta" });
  await ok("POST", "/v1/blueprints", {
    identifier: BP,
    title: "Service UI",
    schema: { properties: { lang: { type: "string" }, runbook: { type: "string" } }, required: [] },
  });
  const entities = [
    { identifier: "a-gold", title: "Alpha Gold", team: ["alpha"], properties: { lang: "go", runbook: "r" } },
    { identifier: "a-basic", team: ["alpha"], properties: { lang: "py" } },
    { identifier: "b-silver", team: ["beta"], properties: { lang: "go", runbook: "r" } },
    { identifier: "b-bronze", team: ["beta"], properties: { lang: "go" } },
  ];
  for (const e of entities) await ok("POST", `/v1/blueprints/${BP}/entities`, e);
  await ok("POST", SC, {
    identifier: "readiness",
    title: "Readiness",
    levels: [
      { title: "Basic", color: "paleBlue" },
      { title: "Bronze", color: "bronze" },
      { title: "Silver", color: "silver" },
    ],
    rules: [
      { identifier: "go", title: "Written in Go", level: "Bronze", query: cond({ property: "lang", operator: "=", value: "go" }) },
      { identifier: "runbook", title: "Has a runbook", level: "Silver", query: cond({ property: "runbook", operator: "isNotEmpty" }) },
    ],
  });
  await ok("POST", SC, {
    identifier: "evil",
    title: SCRIPT,
    levels: [{ title: "Basic", color: '"><script>x</script>' }, { title: "Top" }],
    rules: [{ identifier: "r", title: INJECTED, level: "Top", query: cond({ property: "lang", operator: "=", value: "go" }) }],
  });
  await ok("POST", `${SC}/readiness/exemptions`, { rule: "runbook", entity: "b-bronze", reason: "later" });
  await ok(
    "PATCH",
    `/v1/blueprints/${BP}/permissions`,
    {
      entities: {
        read: { roles: ["Admin"], users: [], teams: [], ownedByTeam: true },
        register: { roles: ["Admin"], users: [], teams: [], ownedByTeam: false },
        update: { roles: ["Admin"], users: [], teams: [], ownedByTeam: false },
        unregister: { roles: ["Admin"], users: [], teams: [], ownedByTeam: false },
      },
    },
    200,
  );
  alice = await createUserToken("alice-ui@portal.test", { roles: ["Member"], teams: ["alpha"] });
});

describe("scorecard page", () => {
  it("renders the distribution as SVG with level titles and counts, and the history chart", async () => {
    const { status, html } = await page(PAGE);
    expect(status).toBe(200);
    expect(html).toContain("<h1>Readiness</h1>");
    expect(html).toContain("<svg");
    expect(html).toContain('aria-label="Entities per level: Basic: 1, Bronze: 0, Silver: 3"');
    expect(html).toMatch(/class="chart-label">Silver<\/text>/);
    expect(html).toMatch(/<rect[^>]*fill="#adb5bd"/);
    expect(html).toMatch(/class="chart-count">3<\/text>/);
    expect(html).toContain("<polyline");
    expect(html).toContain("<caption");
  });

  it("shows entities × rules: rule titles in the header, ✓/✗/exempt, level badge, score, links", async () => {
    const { html } = await page(PAGE);
    expect(rowIds(html)).toEqual(["a-basic", "a-gold", "b-bronze", "b-silver"]);
    expect(html).toContain("Written in Go");
    expect(html).toContain("Has a runbook");
    const row = (id: string) => {
      const at = html.indexOf(`<tr id="entity-${id}"`);
      return html.slice(at, html.indexOf("</tr>", at));
    };
    expect(row("a-gold")).toContain('href="/blueprints/svcui/entities/a-gold"');
    expect(row("a-gold")).toContain(">Alpha Gold</a>");
    expect(row("a-gold")).toContain('class="badge level-badge badge-silver">Silver</span>');
    expect(row("a-gold")).toContain("<td>100</td>");
    expect(row("a-basic")).toContain("✗");
    expect(row("a-basic")).not.toContain("✓");
    expect(row("b-bronze")).toContain(">exempt</span>");
    expect(row("b-bronze")).toContain("✓");
  });

  it("narrows rows and counts by team", async () => {
    const { html } = await page(`${PAGE}?team=beta`);
    expect(rowIds(html)).toEqual(["b-bronze", "b-silver"]);
    expect(html).toContain('aria-label="Entities per level: Basic: 0, Bronze: 0, Silver: 2"');
    expect(html).toContain('value="beta"');
  });

  it("escapes stored titles and never emits an unlisted color", async () => {
    const { status, html } = await page(`/blueprints/${BP}/scorecards/evil`);
    expect(status).toBe(200);
    expect(html).not.toContain(SCRIPT);
    expect(html).not.toContain(INJECTED);
    expect(html).not.toContain("<script>x</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    const reflected = await page(`${PAGE}?team=${encodeURIComponent(`">${SCRIPT}`)}`);
    expect(reflected.html).not.toContain(SCRIPT);
  });

  it("shows a team-scoped Member only the entities they may read", async () => {
    const { status, html } = await page(PAGE, { authorization: `Bearer ${alice}` });
    expect(status).toBe(200);
    expect(rowIds(html)).toEqual(["a-basic", "a-gold"]);
    expect(html).toContain('aria-label="Entities per level: Basic: 1, Bronze: 0, Silver: 1"');
    expect(html).not.toContain("b-silver");
    expect(html).not.toContain("b-bronze");
    expect(rowIds((await page(`${PAGE}?team=beta`, { authorization: `Bearer ${alice}` })).html)).toEqual([]);
  });

  it("404s for an unknown scorecard", async () => {
    expect((await page(`/blueprints/${BP}/scorecards/nope`)).status).toBe(404);
  });
});

describe("entity and blueprint pages", () => {
  it("the entity page shows each scorecard's badge and score, failing rules with a fix hint, exempt rules", async () => {
    const basic = await page(`/blueprints/${BP}/entities/a-basic`);
    expect(basic.status).toBe(200);
    expect(basic.html).toContain("<h2>Scorecards</h2>");
    expect(basic.html).toContain(`href="${PAGE}"`);
    expect(basic.html).toContain('class="badge level-badge badge-paleBlue">Basic</span>');
    expect(basic.html).toContain("fix: Written in Go");
    expect(basic.html).toContain("fix: Has a runbook");
    const bronze = await page(`/blueprints/${BP}/entities/b-bronze`);
    expect(bronze.html).toMatch(/>exempt<\/span> Has a runbook/);
    expect(bronze.html).not.toContain("fix: Has a runbook");
    expect(bronze.html).not.toContain(INJECTED);
  });

  it("the blueprint page links its scorecards", async () => {
    const { html } = await page(`/blueprints/${BP}`);
    expect(html).toContain(`href="${PAGE}"`);
    expect(html).toContain(`href="/blueprints/${BP}/scorecards/evil"`);
  });
});
