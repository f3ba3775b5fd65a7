import { beforeAll, describe, expect, it } from "vitest";
import { actionBody, as, createAction, hook, startRun } from "./actions-helpers";
import { call, callJson, createUserToken } from "./helpers";

// The entity page: the relations graph (SVG, links both ways, escaped, capped), properties by format, the
// runs that touched the entity, and its audit history with field diffs, shown only to its readers.

const COMP = "ecomp";
const EVIL = "<script>alert(1)</script>";
let alice = "";
let bob = "";

async function ok(method: string, path: string, body: unknown, status = 201): Promise<void> {
  const r = await callJson(method, path, body);
  expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBe(status);
}

async function page(path: string, token?: string): Promise<{ status: number; html: string }> {
  const res = await call("GET", path, undefined, as(token));
  return { status: res.status, html: await res.text() };
}

/** The relations graph's SVG markup. */
function graphOf(html: string): string {
  const m = /<svg class="graph-svg"[\s\S]*?<\/svg>/.exec(html);
  if (!m) throw new Error("no relations graph on the page");
  return m[0];
}

/** The History section's markup. */
function historyOf(html: string): string {
  const m = /<section id="history"[\s\S]*?<\/section>/.exec(html);
  if (!m) throw new Error("no history section on the page");
  return m[0];
}

beforeAll(async () => {
  await ok("POST", "/v1/teams", { name: "alpha" });
  await ok("POST", "/v1/teams", { name: "beta" });
  await ok("POST", "/v1/blueprints", { identifier: "esys", title: "System", schema: { properties: {}, required: [] } });
  await ok("POST", "/v1/blueprints", {
    identifier: COMP,
    title: "Component",
    schema: {
      properties: {
        lang: { type: "string", enum: ["go", "ts"], enumColors: { go: "blue" } },
        owner: { type: "string", format: "team" },
        seen: { type: "string", format: "date-time" },
        addr: { type: "string", format: "ipv4" },
        config: { type: "object" },
      },
      required: [],
    },
    relations: {
      system: { title: "Part of system", target: "esys", many: false, required: false },
      deps: { title: "Depends on", target: COMP, many: true, required: false },
    },
  });
  await ok("POST", "/v1/blueprints/esys/entities", { identifier: "shop", title: `${EVIL} Shop` });
  await ok("POST", `/v1/blueprints/${COMP}/entities`, { identifier: "db", title: "Database" });
  await ok("POST", `/v1/blueprints/${COMP}/entities`, {
    identifier: "api",
    title: "API",
    properties: { lang: "go", owner: "alpha", seen: "2026-01-02T03:04:05Z", addr: "10.0.0.1", config: { replicas: 2 } },
    relations: { system: "shop", deps: ["db"] },
  });
  await ok("POST", `/v1/blueprints/${COMP}/entities`, { identifier: "web", title: "Web", relations: { deps: ["api"] } });
  // Ten more dependants of db: more than one side of the graph shows.
  for (let i = 0; i < 10; i++) {
    await ok("POST", `/v1/blueprints/${COMP}/entities`, { identifier: `svc-${i}`, relations: { deps: ["db"] } });
  }
  await ok("PATCH", `/v1/blueprints/${COMP}/entities/api`, { properties: { lang: "ts", owner: "alpha", config: { replicas: 3 } } }, 200);

  // A blueprint only its owning team reads.
  await ok("POST", "/v1/blueprints", {
    identifier: "epriv",
    title: "Private",
    schema: { properties: { note: { type: "string" } }, required: [] },
  });
  await ok("PATCH", "/v1/blueprints/epriv/permissions", { entities: { read: { roles: ["Admin"], ownedByTeam: true } } }, 200);
  await ok("POST", "/v1/blueprints/epriv/entities", { identifier: "vault", team: ["alpha"], properties: { note: "first-note" } });
  await ok("PATCH", "/v1/blueprints/epriv/entities/vault", { properties: { note: "second-note" } }, 200);
  alice = await createUserToken("alice-entity@portal.test", { roles: ["Member"], teams: ["alpha"] });
  bob = await createUserToken("bob-entity@portal.test", { roles: ["Member"], teams: ["beta"] });
});

describe("relations graph", () => {
  it("links the entities it points at and those pointing at it, with relation titles on the edges", async () => {
    const svg = graphOf((await page(`/blueprints/${COMP}/entities/api`)).html);
    expect(svg).toContain('<a href="/blueprints/esys/entities/shop"');
    expect(svg).toContain('<a href="/blueprints/ecomp/entities/db"');
    expect(svg).toContain('<a href="/blueprints/ecomp/entities/web"');
    expect(svg).toContain(">Part of system</text>");
    expect(svg).toContain(">Depends on</text>");
    expect(svg).toContain("<title>Depends on: Web (ecomp)</title>");
    // Incoming nodes are on the left (x=0), outgoing on the right.
    expect(svg).toMatch(/href="\/blueprints\/ecomp\/entities\/web"[^>]*>[\s\S]*?<rect class="graph-node" x="0"/);
    expect(svg).toMatch(/href="\/blueprints\/ecomp\/entities\/db"[^>]*>[\s\S]*?<rect class="graph-node" x="710"/);
    expect(svg).not.toContain("style=");
    expect(svg).not.toMatch(/fill="#|stroke="#/);
  });

  it("escapes hostile titles", async () => {
    const html = (await page(`/blueprints/${COMP}/entities/api`)).html;
    expect(html).not.toContain(EVIL);
    expect(graphOf(html)).toContain("&lt;script&gt;alert(1)&lt;/script&gt; Shop");
  });

  it("caps each side and links the rest to the list", async () => {
    const html = (await page(`/blueprints/${COMP}/entities/db`)).html;
    const svg = graphOf(html);
    // api and svc-0..9 point at db: 8 nodes and "+3 more".
    expect(svg.match(/<rect class="graph-node" x="0"/g)?.length).toBe(8);
    expect(svg).toContain('<a href="#relations-in"');
    expect(svg).toContain(">+3 more</text>");
    expect(html).toContain('id="relations-in"');
    expect(html).toContain('href="/blueprints/ecomp/entities/svc-9"');
  });

  it("is left out when the entity has no relations", async () => {
    await ok("POST", "/v1/blueprints/esys/entities", { identifier: "lonely" });
    const html = (await page("/blueprints/esys/entities/lonely")).html;
    expect(html).not.toContain("graph-svg");
    expect(html).toContain("This entity points at nothing.");
  });
});

describe("properties by format", () => {
  it("renders teams as links, ip addresses as code, date-times relative and exact, objects as JSON", async () => {
    const html = (await page(`/blueprints/${COMP}/entities/api`)).html;
    expect(html).toContain('<a href="/teams/alpha">alpha</a>');
    expect(html).toContain("<code>10.0.0.1</code>");
    expect(html).toContain('<time datetime="2026-01-02T03:04:05Z" title="2026-01-02T03:04:05Z">');
    expect(html).toContain("(2026-01-02 03:04 UTC)");
    expect(html).toMatch(/<pre class="json">\{\s*&quot;replicas&quot;: 3\s*\}<\/pre>/);
    expect(html).toContain('<span class="badge badge-default">ts</span>');
  });
});

describe("history", () => {
  it("shows who changed what, with old → new per property", async () => {
    const history = historyOf((await page(`/blueprints/${COMP}/entities/api`)).html);
    expect(history).toContain("UPDATE");
    expect(history).toContain("CREATE");
    expect(history).toMatch(
      /<span class="diff-path">properties\.lang<\/span> <code class="diff-old">go<\/code> <span aria-hidden="true">→<\/span>\s*<span class="visually-hidden">changed to<\/span> <code class="diff-new">ts<\/code>/,
    );
    expect(history).toMatch(
      /properties\.config\.replicas<\/span> <code class="diff-old">2<\/code>[\s\S]*?<code class="diff-new">3<\/code>/,
    );
    expect(history).toContain("admin@portal.test");
    // Unchanged fields and bookkeeping are not listed.
    expect(history).not.toContain("properties.owner");
    expect(history).not.toContain("updatedAt");
    expect(history).not.toContain("version");
  });

  it("starts at the entity's creation: an earlier, deleted entity's history under the same identifier is not shown", async () => {
    await ok("POST", `/v1/blueprints/${COMP}/entities`, { identifier: "reborn", properties: { lang: "go" } });
    await ok("PATCH", `/v1/blueprints/${COMP}/entities/reborn`, { properties: { lang: "ts" } }, 200);
    expect((await call("DELETE", `/v1/blueprints/${COMP}/entities/reborn`)).status).toBe(200);
    await ok("POST", `/v1/blueprints/${COMP}/entities`, { identifier: "reborn", properties: { lang: "go" } });
    const history = historyOf((await page(`/blueprints/${COMP}/entities/reborn`)).html);
    expect(history).toContain("CREATE");
    expect(history).not.toContain("UPDATE");
    expect(history).not.toContain("DELETE");
  });

  it("shows what a removed value was", async () => {
    await ok("PATCH", `/v1/blueprints/${COMP}/entities/api`, { properties: { addr: null } }, 200);
    const history = historyOf((await page(`/blueprints/${COMP}/entities/api`)).html);
    expect(history).toMatch(/properties\.addr<\/span> <span class="diff-kind">removed<\/span> <code class="diff-old">10\.0\.0\.1<\/code>/);
  });

  it("shows a first team as added", async () => {
    await ok("PATCH", `/v1/blueprints/${COMP}/entities/web`, { team: ["alpha"] }, 200);
    const history = historyOf((await page(`/blueprints/${COMP}/entities/web`)).html);
    expect(history).toContain(
      '<span class="diff-path">team</span> <span class="diff-kind">added</span> <code class="diff-new">[&quot;alpha&quot;]</code>',
    );
  });

  it("pages older entries with ?history=", async () => {
    for (let i = 0; i < 20; i++) await ok("PATCH", "/v1/blueprints/esys/entities/shop", { properties: {}, title: `Shop ${i}` }, 200);
    const first = historyOf((await page("/blueprints/esys/entities/shop")).html);
    expect(first).not.toContain("CREATE");
    const older = /href="(\/blueprints\/esys\/entities\/shop\?history=[^"#]+#history)"/.exec(first)?.[1];
    expect(older).toBeTruthy();
    const second = historyOf((await page((older ?? "").replace("#history", ""))).html);
    expect(second).toContain("CREATE");
    expect(second).toContain('href="/blueprints/esys/entities/shop#history"');
  });

  it("answers a bad history cursor with a 400 page", async () => {
    const res = await page(`/blueprints/${COMP}/entities/api?history=nope`);
    expect(res.status).toBe(400);
  });
});

describe("runs", () => {
  it("lists runs that acted on the entity or wrote it, with status and links", async () => {
    await createAction(actionBody("e_restart", COMP, hook("entity-restart"), { title: "Restart" }, { operation: "DAY-2" }));
    await createAction(actionBody("e_make", COMP, hook("entity-make"), { title: "Make" }));
    const day2 = await startRun("e_restart", { entity: "api", properties: {} });
    const maker = await startRun("e_make");
    await ok("PATCH", `/v1/blueprints/${COMP}/entities/db?run_id=${maker.id}`, { properties: { lang: "go" } }, 200);

    const api = (await page(`/blueprints/${COMP}/entities/api`)).html;
    expect(api).toContain(`href="/runs/${day2.id}"`);
    expect(api).not.toContain(maker.id);
    const db = (await page(`/blueprints/${COMP}/entities/db`)).html;
    expect(db).toContain(`href="/runs/${maker.id}"`);
    expect(db).not.toContain(day2.id);
    expect(db).toMatch(/<span class="badge badge-(blue|green|red)">/);
  });

  it("shows a reader only runs they may see", async () => {
    const res = await page(`/blueprints/${COMP}/entities/api`, bob);
    expect(res.status).toBe(200);
    expect(res.html).not.toContain('href="/runs/r_');
    expect(res.html).toContain("No run you may see acted on this entity or changed it.");
  });
});

describe("who sees the history", () => {
  it("the owning team reads the entity and its history", async () => {
    const res = await page("/blueprints/epriv/entities/vault", alice);
    expect(res.status).toBe(200);
    expect(historyOf(res.html)).toMatch(/first-note<\/code>[\s\S]*second-note/);
  });

  it("another team's member gets 403 and none of its audit", async () => {
    const res = await page("/blueprints/epriv/entities/vault", bob);
    expect(res.status).toBe(403);
    expect(res.html).not.toContain("first-note");
    expect(res.html).not.toContain("second-note");
    expect(res.html).not.toContain('id="history"');
  });
});
