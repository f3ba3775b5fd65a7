import { beforeAll, describe, expect, it } from "vitest";
import { call, callJson } from "./helpers";

type EntityBody = { entity: { properties: Record<string, unknown>; derivationErrors?: Record<string, string> } };

async function props(bp: string, id: string) {
  const r = await callJson<EntityBody>("GET", `/v1/blueprints/${bp}/entities/${id}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.entity;
}

beforeAll(async () => {
  const bps = [
    { identifier: "domain", title: "Domain", schema: { properties: { owner: { type: "string" } } } },
    {
      identifier: "system",
      title: "System",
      schema: { properties: {} },
      relations: { domain: { target: "domain", required: false, many: false } },
    },
    {
      identifier: "service",
      title: "Service",
      schema: { properties: { repo: { type: "string" }, replicas: { type: "number" } } },
      relations: { system: { target: "system", required: false, many: false } },
      mirrorProperties: {
        systemTitle: { title: "System", path: "system.$title" },
        domainOwner: { title: "Domain owner", path: "system.domain.owner" },
      },
      calculationProperties: {
        repoUrl: { title: "Repo", calculation: '"https://git.example.com/" & properties.repo', type: "string" },
        jqStyle: { title: "From jq", calculation: '.properties.repo + "/tree/main"', type: "string" },
        broken: { title: "Broken", calculation: "$nosuchfunction(properties.repo)", type: "string" },
        wrongType: { title: "Wrong type", calculation: "properties.repo", type: "number" },
      },
    },
    {
      identifier: "deployment",
      title: "Deployment",
      schema: { properties: { status: { type: "string", enum: ["ok", "failed"] }, minutes: { type: "number" } } },
      relations: { service: { target: "service", required: false, many: false } },
    },
  ];
  for (const bp of bps) expect((await callJson("POST", "/v1/blueprints", bp)).status).toBe(201);
  const agg = await callJson("PATCH", "/v1/blueprints/service", {
    aggregationProperties: {
      deployments: {
        title: "Deployments",
        type: "number",
        target: "deployment",
        calculationSpec: { func: "count", calculationBy: "entities" },
      },
      failed: {
        title: "Failed deployments",
        type: "number",
        target: "deployment",
        calculationSpec: { func: "count" },
        query: { combinator: "and", rules: [{ property: "status", operator: "=", value: "failed" }] },
        pathFilter: [{ path: ["service"], fromBlueprint: "deployment" }],
      },
      medianMinutes: {
        title: "Median minutes",
        type: "number",
        target: "deployment",
        calculationSpec: { func: "median", property: "minutes" },
      },
    },
  });
  expect(agg.status, JSON.stringify(agg.body)).toBe(200);
  await callJson("POST", "/v1/blueprints/domain/entities", { identifier: "payments", properties: { owner: "ana@example.com" } });
  await callJson("POST", "/v1/blueprints/system/entities", { identifier: "billing", title: "Billing", relations: { domain: "payments" } });
  await callJson("POST", "/v1/blueprints/service/entities", {
    identifier: "invoices",
    properties: { repo: "invoices", replicas: 2 },
    relations: { system: "billing" },
  });
  await callJson("POST", "/v1/blueprints/deployment/entities/bulk", {
    entities: [
      { identifier: "d1", properties: { status: "ok", minutes: 3 }, relations: { service: "invoices" } },
      { identifier: "d2", properties: { status: "failed", minutes: 10 }, relations: { service: "invoices" } },
      { identifier: "d3", properties: { status: "ok", minutes: 5 }, relations: { service: "invoices" } },
    ],
  });
});

describe("derived properties", () => {
  it("mirrors a property one and two relations away", async () => {
    const e = await props("service", "invoices");
    expect(e.properties.systemTitle).toBe("Billing");
    expect(e.properties.domainOwner).toBe("ana@example.com");
  });

  it("mirrors change on the next read when a related entity changes", async () => {
    await callJson("PATCH", "/v1/blueprints/domain/entities/payments", { properties: { owner: "bo@example.com" } });
    await callJson("PATCH", "/v1/blueprints/system/entities/billing", { title: "Billing v2" });
    const e = await props("service", "invoices");
    expect(e.properties.domainOwner).toBe("bo@example.com");
    expect(e.properties.systemTitle).toBe("Billing v2");
  });

  it("aggregates related entities exactly, with a query and a path filter, and follows changes", async () => {
    let e = await props("service", "invoices");
    expect(e.properties).toMatchObject({ deployments: 3, failed: 1, medianMinutes: 5 });
    await callJson("POST", "/v1/blueprints/deployment/entities", {
      identifier: "d4",
      properties: { status: "failed", minutes: 7 },
      relations: { service: "invoices" },
    });
    await callJson("DELETE", "/v1/blueprints/deployment/entities/d1");
    e = await props("service", "invoices");
    expect(e.properties).toMatchObject({ deployments: 3, failed: 2, medianMinutes: 7 });
  });

  it("calculates over the entity's fields, translating common jq forms", async () => {
    const e = await props("service", "invoices");
    expect(e.properties.repoUrl).toBe("https://git.example.com/invoices");
    expect(e.properties.jqStyle).toBe("invoices/tree/main");
  });

  it("a failing calculation gives null and the reason, not an error", async () => {
    const e = await props("service", "invoices");
    expect(e.properties.broken).toBeNull();
    expect(e.properties.wrongType).toBeNull();
    expect(e.derivationErrors?.broken).toBeTruthy();
    expect(e.derivationErrors?.wrongType).toMatch(/not a number/);
  });

  it("derived values appear in lists and search results, and writing them back is harmless", async () => {
    const list = await callJson<{ entities: { identifier: string; properties: Record<string, unknown> }[] }>(
      "GET",
      "/v1/blueprints/service/entities",
    );
    expect(list.body.entities[0]?.properties.systemTitle).toBe("Billing v2");
    const found = await callJson<{ entities: { properties: Record<string, unknown> }[] }>(
      "POST",
      "/v1/blueprints/service/entities/search",
      {},
    );
    expect(found.body.entities[0]?.properties.deployments).toBe(3);
    const read = await props("service", "invoices");
    const back = await callJson("PUT", "/v1/blueprints/service/entities/invoices", {
      properties: read.properties,
      relations: { system: "billing" },
    });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
  });

  it("filters search results on mirror properties, one and two hops away", async () => {
    await callJson("POST", "/v1/blueprints/service/entities", { identifier: "orphan", properties: { repo: "orphan" } });
    const find = async (rules: unknown[]) => {
      const r = await callJson<{ entities: { identifier: string }[] }>("POST", "/v1/blueprints/service/entities/search", {
        query: { combinator: "and", rules },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.entities.map((e) => e.identifier);
    };
    expect(await find([{ property: "domainOwner", operator: "=", value: "bo@example.com" }])).toEqual(["invoices"]);
    expect(await find([{ property: "domainOwner", operator: "=", value: "nobody@example.com" }])).toEqual([]);
    expect(await find([{ property: "systemTitle", operator: "beginsWith", value: "Billing" }])).toEqual(["invoices"]);
    expect(await find([{ property: "systemTitle", operator: "!=", value: "Billing v2" }])).toEqual(["orphan"]);
  });

  it("sorts search results on a mirror property, entities without it last", async () => {
    await callJson("POST", "/v1/blueprints/system/entities", { identifier: "alpha-sys", title: "Alpha" });
    await callJson("POST", "/v1/blueprints/service/entities", {
      identifier: "zeta",
      properties: { repo: "zeta" },
      relations: { system: "alpha-sys" },
    });
    const order = async (dir: "asc" | "desc") => {
      const r = await callJson<{ entities: { identifier: string }[] }>("POST", "/v1/blueprints/service/entities/search", {
        sort: { property: "systemTitle", order: dir },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.entities.map((e) => e.identifier);
    };
    expect(await order("asc")).toEqual(["zeta", "invoices", "orphan"]);
    expect(await order("desc")).toEqual(["invoices", "zeta", "orphan"]);
  });

  it("filters and sorts on aggregation properties computed in the query", async () => {
    const find = async (body: unknown) => {
      const r = await callJson<{ entities: { identifier: string }[] }>("POST", "/v1/blueprints/service/entities/search", body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.entities.map((e) => e.identifier);
    };
    const rule = (property: string, operator: string, value: unknown) => ({
      query: { combinator: "and", rules: [{ property, operator, value }] },
    });
    expect(await find(rule("deployments", ">=", 3))).toEqual(["invoices"]);
    expect(await find(rule("deployments", "=", 0))).toEqual(["orphan", "zeta"]);
    expect(await find(rule("failed", "=", 2))).toEqual(["invoices"]);
    expect(await find(rule("failed", "<", 1))).toEqual(["orphan", "zeta"]);
    expect((await find({ sort: { property: "deployments", order: "desc" } }))[0]).toBe("invoices");
    const median = await callJson<{ error: { details: { path: string; message: string }[] } }>(
      "POST",
      "/v1/blueprints/service/entities/search",
      rule("medianMinutes", ">", 1),
    );
    expect(median.status).toBe(400);
    expect(median.body.error.details[0]?.message).toMatch(/can be read but not used/);
  });

  it("filters and sorts on calculations that read stored fields, and re-indexes them when they change", async () => {
    const find = async (body: unknown) => {
      const r = await callJson<{ entities: { identifier: string }[]; error?: { details: { message: string }[] } }>(
        "POST",
        "/v1/blueprints/service/entities/search",
        body,
      );
      return { status: r.status, ids: r.body.entities?.map((e) => e.identifier), error: r.body.error };
    };
    const rule = (property: string, operator: string, value: unknown) => ({
      query: { combinator: "and", rules: [{ property, operator, value }] },
    });
    expect((await find(rule("repoUrl", "=", "https://git.example.com/invoices"))).ids).toEqual(["invoices"]);
    expect((await find(rule("repoUrl", "endsWith", "/zeta"))).ids).toEqual(["zeta"]);
    expect((await find({ sort: { property: "jqStyle", order: "desc" } })).ids?.[0]).toBe("zeta");
    const patched = await callJson("PATCH", "/v1/blueprints/service", {
      calculationProperties: { repoUrl: { title: "Repo", calculation: '"https://code.example.org/" & properties.repo', type: "string" } },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect((await find(rule("repoUrl", "=", "https://code.example.org/invoices"))).ids).toEqual(["invoices"]);
    expect((await find(rule("repoUrl", "=", "https://git.example.com/invoices"))).ids).toEqual([]);
    const mirrorCalc = await callJson("PATCH", "/v1/blueprints/service", {
      calculationProperties: { ownerLabel: { title: "Owner label", calculation: '"owned by " & properties.domainOwner', type: "string" } },
    });
    expect(mirrorCalc.status).toBe(200);
    const refused = await find(rule("ownerLabel", "=", "owned by bo@example.com"));
    expect(refused.status).toBe(400);
    expect(refused.error?.details[0]?.message).toMatch(/reads other derived properties/);
    const e = await props("service", "invoices");
    expect(e.properties.ownerLabel).toBe("owned by bo@example.com");
  });

  it("refuses a mirror path through an unknown relation and an aggregation without a target", async () => {
    const bad = await callJson<{ error: { details: { path: string }[] } }>("PATCH", "/v1/blueprints/service", {
      mirrorProperties: { nope: { path: "nothing.$title" } },
      aggregationProperties: { lost: { calculationSpec: { func: "count" } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d) => d.path).sort()).toEqual(["aggregationProperties.lost.target", "mirrorProperties.nope.path"]);
  });
});

describe("entity page", () => {
  it("shows derived values and why one is missing", async () => {
    const res = await call("GET", "/blueprints/service/entities/invoices");
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain("<h2>Derived</h2>");
    expect(html).toContain("https://code.example.org/invoices");
    expect(html).toMatch(/Wrong type<\/dt><dd>.*the result is not a number/s);
  });
});

describe("blueprint table", () => {
  it("shows derived columns and filters and sorts on them", async () => {
    const all = await (await call("GET", "/blueprints/service")).text();
    expect(all).toContain("Deployments");
    expect(all).toContain("Domain owner");
    const filtered = await call("GET", `/blueprints/service?f=${encodeURIComponent("deployments:>=:3")}`);
    const html = await filtered.text();
    expect(filtered.status).toBe(200);
    expect(html).toContain('href="/blueprints/service/entities/invoices"');
    expect(html).not.toContain('href="/blueprints/service/entities/orphan"');
    const sorted = await (await call("GET", "/blueprints/service?sort=systemTitle&order=asc")).text();
    expect(sorted.indexOf("entities/zeta")).toBeLessThan(sorted.indexOf("entities/invoices"));
  });
});
