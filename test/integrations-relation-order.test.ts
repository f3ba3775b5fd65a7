import { beforeAll, describe, expect, it } from "vitest";
import { createBlueprint } from "./actions-helpers";
import { callJson } from "./helpers";
import { createIntegration, identifiersOf, type Json, scenario, stub, syncThroughQueue } from "./sync-stubs/helpers";

// Entities whose relation targets come later in the page are written again after the page's first pass,
// round after round while a round creates something; what still cannot be written is counted as failed.

const COMPONENT = "ro_component";
const API = "ro_api";

/** Items `{kind, id, consumes?, provider?}`: Components first in the mapping, then APIs (Backstage's order). */
const mapping: Json = {
  resources: [
    {
      kind: "item",
      selector: { query: '.kind == "Component"' },
      port: {
        entity: { mappings: { identifier: ".id", title: ".id", blueprint: `"${COMPONENT}"`, relations: { consumesApi: ".consumes" } } },
      },
    },
    {
      kind: "item",
      selector: { query: '.kind == "API"' },
      port: { entity: { mappings: { identifier: ".id", title: ".id", blueprint: `"${API}"`, relations: { provider: ".provider" } } } },
    },
  ],
};

async function syncPage(identifier: string, items: Json[]) {
  await scenario(identifier, { items });
  await createIntegration({
    identifier,
    title: identifier,
    type: "http-json",
    config: { url: `${stub}/json/${identifier}/plain` },
    mapping,
  });
  return syncThroughQueue(identifier);
}

beforeAll(async () => {
  // Each points at the other: a Component consumes APIs, an API is provided by a Component.
  await createBlueprint(COMPONENT);
  await createBlueprint(API, {}, { relations: { provider: { target: COMPONENT, many: false, required: false } } });
  const patched = await callJson("PATCH", `/v1/blueprints/${COMPONENT}`, {
    relations: { consumesApi: { target: API, many: true, required: false } },
  });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
});

describe("relation targets later in the page", () => {
  it("writes an entity deferred by the last blueprint of the first pass (Component → API → Component)", async () => {
    // `web` waits for API `orders`; API `web-api` waits for `web`, in the first pass's last group.
    const sync = await syncPage("order1", [
      { kind: "Component", id: "web", consumes: ["orders"] },
      { kind: "API", id: "orders" },
      { kind: "API", id: "web-api", provider: "web" },
    ]);
    expect(sync.counts, JSON.stringify(sync.errors)).toMatchObject({ fetched: 3, created: 3, failed: 0 });
    expect(sync.status).toBe("SUCCEEDED");
    expect((await identifiersOf(API)).filter((id) => ["orders", "web-api"].includes(id))).toEqual(["orders", "web-api"]);
    const api = await callJson<{ entity: { relations: Json } }>("GET", `/v1/blueprints/${API}/entities/web-api`);
    expect(api.body.entity.relations).toEqual({ provider: "web" });
  });

  it("follows a chain that needs several rounds", async () => {
    // First pass: a1 created, the rest waits. Second: c1 (a1 now exists), then a2 (c1 now exists);
    // c2 and a3 still wait. Third: c2 (a2 exists), then a3.
    const sync = await syncPage("order2", [
      { kind: "Component", id: "c1", consumes: ["a1"] },
      { kind: "Component", id: "c2", consumes: ["a2"] },
      { kind: "API", id: "a1" },
      { kind: "API", id: "a2", provider: "c1" },
      { kind: "API", id: "a3", provider: "c2" },
    ]);
    expect(sync.counts, JSON.stringify(sync.errors)).toMatchObject({ fetched: 5, created: 5, failed: 0 });
    expect(sync.status).toBe("SUCCEEDED");
  });

  it("counts what no round can write as failed, with its reason", async () => {
    // `lonely` consumes an API that is nowhere; `caller` waits for `lonely-api`, which waits for `lonely`.
    const sync = await syncPage("order3", [
      { kind: "Component", id: "lonely", consumes: ["missing-api"] },
      { kind: "Component", id: "caller", consumes: ["lonely-api"] },
      { kind: "API", id: "lonely-api", provider: "lonely" },
      { kind: "API", id: "fine-api" },
    ]);
    expect(sync.counts).toMatchObject({ fetched: 4, created: 1, failed: 3 });
    expect(sync.status).toBe("PARTIAL");
    expect(sync.errors.map((e) => e.path).sort()).toEqual([`${API}/lonely-api`, `${COMPONENT}/caller`, `${COMPONENT}/lonely`]);
    expect(sync.errors.find((e) => e.path === `${COMPONENT}/lonely`)?.message).toMatch(/missing-api/);
    expect((await identifiersOf(API)).filter((id) => ["lonely-api", "fine-api"].includes(id))).toEqual(["fine-api"]);
    expect((await identifiersOf(COMPONENT)).filter((id) => ["lonely", "caller"].includes(id))).toEqual([]);
  });
});
