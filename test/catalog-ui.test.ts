import { beforeAll, describe, expect, it } from "vitest";
import { call, callJson } from "./helpers";

/** GET a page as the admin; `hx` sends it as htmx would (HX-Request), for the table fragment. */
async function get(path: string, hx = false): Promise<{ status: number; html: string; headers: Headers }> {
  const res = await call("GET", path, undefined, hx ? { "HX-Request": "true", "HX-Target": "entity-table" } : {});
  return { status: res.status, html: await res.text(), headers: res.headers };
}

/** The query string of a blueprint table: `f` filters as property:operator:value, the rest as given. */
function table(blueprint: string, params: [string, string][]): string {
  return `/blueprints/${blueprint}?${new URLSearchParams(params)}`;
}

/** The table body only, so that filter-bar options and headers do not count as rows. */
function rows(html: string): string {
  return html.slice(html.indexOf("<tbody>"), html.indexOf("</tbody>"));
}

const SCRIPT_TITLE = "<script>alert(1)</script> scripted";

beforeAll(async () => {
  expect((await call("POST", "/v1/templates/sdlc/apply")).status).toBe(200);
  const bp = await callJson("POST", "/v1/blueprints", {
    identifier: "Gadget",
    title: "Gadget",
    schema: {
      properties: {
        size: { type: "number", title: "Size" },
        status: { type: "string", enum: ["ok", "bad"], enumColors: { ok: "green", bad: "red" } },
      },
      required: [],
    },
  });
  expect(bp.status).toBe(201);
  const gadgets = [
    { identifier: "g1", title: "Gadget one", properties: { size: 1, status: "ok" } },
    { identifier: "g2", title: "Gadget two", properties: { size: 2, status: "bad" } },
    { identifier: "g3", title: "Gadget three", properties: { size: 3, status: "ok" } },
    { identifier: "g4", title: "Gadget four", properties: { size: 4, status: "ok" } },
    { identifier: "g5", title: SCRIPT_TITLE, properties: { size: 5, status: "bad" } },
  ];
  for (const g of gadgets) expect((await callJson("POST", "/v1/blueprints/Gadget/entities", g)).status).toBe(201);
});

describe("blueprint table: filters, free text, sort, columns", () => {
  it("filters by an enum property, from the canonical f= and from the form's fp/fo/fv rows", async () => {
    const all = await get("/blueprints/Component");
    expect(all.status).toBe(200);
    expect(rows(all.html)).toContain("Core Kafka Library");
    for (const path of [
      table("Component", [["f", "type:=:service"]]),
      table("Component", [
        ["fp", "type"],
        ["fo", "="],
        ["fv", "service"],
        ["fp", ""],
        ["fo", "="],
        ["fv", ""],
      ]),
    ]) {
      const p = await get(path);
      expect(p.status).toBe(200);
      expect(rows(p.html)).toContain(">Cart Service</a>");
      expect(rows(p.html)).toContain(">Products Service</a>");
      expect(rows(p.html)).not.toContain("Core Kafka Library");
      expect(p.html).toContain("2 entities match");
      // The applied filter shows as an editable row with a link that removes it.
      expect(p.html).toContain('<option value="type" selected="">');
      expect(p.html).toContain('title="Remove this filter"');
    }
  });

  it("combines filters with and, and free text matches identifier or title", async () => {
    const p = await get(
      table("Gadget", [
        ["f", "status:=:ok"],
        ["f", "size:>=:3"],
      ]),
    );
    expect(p.status).toBe(200);
    expect(rows(p.html)).toContain(">Gadget three</a>");
    expect(rows(p.html)).toContain(">Gadget four</a>");
    expect(rows(p.html)).not.toContain(">Gadget one</a>");
    const text = await get(table("Component", [["q", "payment"]]));
    expect(rows(text.html)).toContain("Core Payment Library");
    expect(rows(text.html)).not.toContain("Cart Service");
    const byId = await get(table("Component", [["q", "ProductsSer"]]));
    expect(rows(byId.html)).toContain("Products Service");
    expect(byId.html).toContain("1 entity match");
  });

  it("reads lists (a,b) and values holding colons (date-times)", async () => {
    const list = await get(table("Gadget", [["f", "size:in:1,5"]]));
    expect(rows(list.html)).toContain(">Gadget one</a>");
    expect(list.html).toContain("2 entities match");
    const before = await get(table("Gadget", [["f", "$createdAt:<:2000-01-01T00:00:00Z"]]));
    expect(before.status).toBe(200);
    expect(before.html).toContain("0 entities match");
    const after = await get(table("Gadget", [["f", "$createdAt:>:2000-01-01T00:00:00Z"]]));
    expect(after.html).toContain("5 entities match");
  });

  it("sorts by a column both ways, and the header link flips the order", async () => {
    const order = (html: string) =>
      ["Cart Service", "Core Kafka Library", "Core Payment Library", "Products Service"].map((t) => rows(html).indexOf(`>${t}</a>`));
    const asc = await get(
      table("Component", [
        ["sort", "$title"],
        ["order", "asc"],
      ]),
    );
    const desc = await get(
      table("Component", [
        ["sort", "$title"],
        ["order", "desc"],
      ]),
    );
    const [a, d] = [order(asc.html), order(desc.html)];
    expect(a.every((i) => i > 0)).toBe(true);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect([...d].sort((x, y) => y - x)).toEqual(d);
    expect(asc.html).toContain('aria-sort="ascending"');
    expect(asc.html).toContain('href="/blueprints/Component?sort=%24title&amp;order=desc"');
    // By a number property.
    const bySize = await get(
      table("Gadget", [
        ["sort", "size"],
        ["order", "desc"],
      ]),
    );
    expect(rows(bySize.html).indexOf(">Gadget four</a>")).toBeLessThan(rows(bySize.html).indexOf(">Gadget one</a>"));
  });

  it("the column chooser hides columns (cols=a,b), and cols= hides them all", async () => {
    const full = await get("/blueprints/Component");
    expect(full.html).toContain("<th>system</th>");
    expect(full.html).toContain('<span class="badge badge-blue">service</span>');
    expect(full.html).toContain('<input type="checkbox" name="cols" value="system" checked=""');
    const onlyType = await get(table("Component", [["cols", "type"]]));
    expect(onlyType.html).not.toContain("<th>system</th>");
    expect(onlyType.html).toContain('<span class="badge badge-blue">service</span>');
    expect(onlyType.html).toContain('<input type="checkbox" name="cols" value="system"/>');
    // The form sends an empty cols plus one per checked box.
    const none = await get(table("Component", [["cols", ""]]));
    expect(none.html).not.toContain("<th>system</th>");
    expect(rows(none.html)).not.toContain("badge-blue");
  });
});

describe("htmx, paging and errors", () => {
  it("answers an htmx request with the table fragment alone, Vary and a canonical HX-Push-Url", async () => {
    const path = table("Component", [
      ["fp", "type"],
      ["fo", "="],
      ["fv", "library"],
      ["cols", ""],
      ["cols", "type"],
    ]);
    const frag = await get(path, true);
    expect(frag.status).toBe(200);
    expect(frag.html).not.toContain("<html");
    expect(frag.html).not.toContain("<form");
    expect(frag.html.startsWith('<div id="entity-table"')).toBe(true);
    expect(frag.html).toContain("Core Kafka Library");
    expect(frag.html).not.toContain("Cart Service");
    expect(frag.html).toContain('<div id="filter-rows" class="filter-rows" hx-swap-oob="true">');
    expect(frag.headers.get("vary")).toContain("HX-Request");
    expect(frag.headers.get("hx-push-url")).toBe("/blueprints/Component?f=type%3A%3D%3Alibrary&cols=type");
    // A boosted navigation or a history restore needs the whole page.
    const boosted = await call("GET", path, undefined, { "HX-Request": "true", "HX-Boosted": "true" });
    expect(await boosted.text()).toContain("<html");
    const page = await get(path);
    expect(page.html).toContain("<html");
    expect(page.html).toContain('hx-target="#entity-table"');
  });

  it("pages by keyset cursor: the next link carries from=, the second page has the remaining rows", async () => {
    const first = await get(
      table("Gadget", [
        ["sort", "size"],
        ["limit", "3"],
      ]),
    );
    expect(first.html).toContain("5 entities");
    const ids = (html: string) => [...rows(html).matchAll(/entities\/(g\d)"/g)].map((m) => m[1]);
    expect(ids(first.html)).toEqual(["g1", "g2", "g3"]);
    const next = /<a rel="next" href="([^"]+)"/.exec(first.html)?.[1]?.replaceAll("&amp;", "&");
    expect(next).toMatch(/[?&]from=[A-Za-z0-9_-]+/);
    expect(next).not.toMatch(/offset|page=/);
    const second = await get(next as string, true);
    expect(ids(second.html)).toEqual(["g4", "g5"]);
    expect(second.html).not.toContain('rel="next"');
    expect(second.html).toContain("First page");
  });

  it("shows a bad filter's problem above the table with status 400, never a 500", async () => {
    const wrongType = await get(table("Gadget", [["f", "size:=:abc"]]));
    expect(wrongType.status).toBe(400);
    expect(wrongType.html).toContain("<html");
    expect(wrongType.html).toContain("400 Bad Request");
    expect(wrongType.html).toContain("Filter “size is abc”: value must be a number");
    const unknown = await get(table("Gadget", [["f", "nope:=:x"]]));
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain("&#39;nope&#39; is not a property of blueprint &#39;Gadget&#39;");
    const malformed = await get(table("Gadget", [["f", "size"]]));
    expect(malformed.status).toBe(400);
    expect(malformed.html).toContain("is not property:operator:value");
    const badSort = await get(table("Gadget", [["sort", "nope"]]));
    expect(badSort.status).toBe(400);
    expect(badSort.html).toContain("Sort: ");
    const badCursor = await get(table("Gadget", [["from", "bogus"]]));
    expect(badCursor.status).toBe(400);
    // htmx does not swap 4xx answers: the fragment carries the error with a 200.
    const frag = await get(table("Gadget", [["f", "size:>:abc"]]), true);
    expect(frag.status).toBe(200);
    expect(frag.html).toContain("must be a number");
  });

  it("offers the operators that suit a property's type", async () => {
    const num = await get("/blueprints/Gadget/filter-operands?fp=size");
    expect(num.html).toContain('<option value="&gt;=">');
    expect(num.html).not.toContain('value="contains"');
    const en = await get("/blueprints/Gadget/filter-operands?fp=status");
    expect(en.html).toContain('<select name="fv" aria-label="Value"><option value="ok">ok</option>');
  });

  it("escapes titles in the table", async () => {
    const p = await get("/blueprints/Gadget");
    expect(p.html).not.toContain("<script>alert(1)</script>");
    expect(p.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; scripted");
  });
});

describe("global search", () => {
  it("shows the search box in the header of signed-in pages", async () => {
    const p = await get("/");
    expect(p.html).toContain('hx-get="/search/suggest"');
    expect(p.html).toContain('hx-trigger="input changed delay:200ms, search"');
  });

  it("suggests hits grouped by blueprint, each linking to its entity, and escapes titles", async () => {
    const s = await get("/search/suggest?q=cart");
    expect(s.status).toBe(200);
    expect(s.html).not.toContain("<html");
    const groups = [...s.html.matchAll(/<section class="search-group" data-blueprint="([^"]+)">([\s\S]*?)<\/section>/g)];
    const byBlueprint = new Map(groups.map((m) => [m[1], m[2] ?? ""]));
    expect([...byBlueprint.keys()].sort()).toEqual(["API", "Component", "Resource", "System"]);
    expect(byBlueprint.get("Component")).toContain('href="/blueprints/Component/entities/CartService"');
    expect(byBlueprint.get("API")).toContain('href="/blueprints/API/entities/CartAPI"');
    expect(byBlueprint.get("Component")).not.toContain("CartAPI");
    expect(s.html).toContain('href="/search?q=cart"');

    const evil = await get("/search/suggest?q=scripted");
    expect(evil.html).toContain('href="/blueprints/Gadget/entities/g5"');
    expect(evil.html).not.toContain("<script>");
    expect(evil.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; scripted");
    expect((await get("/search/suggest?q=")).html).toBe("");
  });

  it("renders the full results page, grouped, for GET /search?q=", async () => {
    const p = await get("/search?q=cart");
    expect(p.status).toBe(200);
    expect(p.html).toContain("<html");
    expect(p.html).toContain('href="/blueprints/System/entities/Cart"');
    expect(p.html).toContain('href="/blueprints/Component?q=cart"');
    expect((await get("/search?q=%3Cscript%3E")).html).not.toContain("<script>");
  });
});
