import { describe, expect, it } from "vitest";
import { callJson } from "./helpers";

describe("templates", () => {
  it("applies sdlc: the seed's blueprints and entities load and validate", async () => {
    const r = await callJson<{
      ok: boolean;
      blueprints: { created: string[] };
      entities: { created: number };
      actions: { created: string[] };
    }>("POST", "/v1/templates/sdlc/apply");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.blueprints.created.sort()).toEqual(["API", "Component", "Domain", "Resource", "System"]);
    expect(r.body.entities.created).toBe(9);
    expect(r.body.actions.created.sort()).toEqual(["change_component_type", "retire_component", "scaffold_component"]);

    const cart = await callJson<{ entity: Record<string, unknown> }>("GET", "/v1/blueprints/Component/entities/CartService");
    expect(cart.status).toBe(200);
    expect(cart.body.entity).toMatchObject({
      identifier: "CartService",
      title: "Cart Service",
      blueprint: "Component",
      icon: "Cloud",
      properties: { type: "service" },
      relations: {
        system: "Cart",
        resources: ["cart-sql-sb"],
        consumesApi: [],
        components: ["CorePaymentLibrary", "CoreKafkaLibrary"],
        providesApi: null,
      },
      version: 1,
    });
  });

  it("is idempotent: a second apply creates nothing", async () => {
    const r = await callJson<{ blueprints: { created: string[]; unchanged: string[] }; entities: { created: number; unchanged: number } }>(
      "POST",
      "/v1/templates/sdlc/apply",
    );
    expect(r.status).toBe(200);
    expect(r.body.blueprints.created).toEqual([]);
    expect(r.body.entities).toEqual({ created: 0, unchanged: 9 });
    expect((r.body as unknown as { actions: { created: string[] } }).actions.created).toEqual([]);
  });

  it("applies cloud-resources with relations between its blueprints", async () => {
    const r = await callJson<{ entities: { created: number } }>("POST", "/v1/templates/cloud-resources/apply");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const lambda = await callJson<{ entity: { relations: Record<string, unknown> }; related: { incoming: unknown[] } }>(
      "GET",
      "/v1/blueprints/Lambda/entities/process-orders?include_related=true",
    );
    expect(lambda.body.entity.relations).toEqual({ region: "us-east-1", triggeredBy: ["orders-queue"], usesBuckets: ["orders-archive"] });
    expect(lambda.body.related.incoming).toEqual([
      { relation: "lambdas", blueprint: "APIGateway", identifier: "orders-api", title: "Orders API" },
    ]);
  });

  it("answers an unknown template with 404", async () => {
    const r = await callJson<{ ok: boolean; error: { code: string } }>("POST", "/v1/templates/nope/apply");
    expect(r.status).toBe(404);
    expect(r.body.ok).toBe(false);
  });
});

describe("service-scorecards template", () => {
  it("creates the service blueprint, three scorecards, and scores the demo services at once", async () => {
    const r = await callJson<{ scorecards: { created: string[] } }>("POST", "/v1/templates/service-scorecards/apply");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.scorecards.created.sort()).toEqual(["service/dora", "service/ownership", "service/production_readiness"]);
    const checkout = await callJson<{ entity: { scorecards: Record<string, { level: string }> } }>(
      "GET",
      "/v1/blueprints/service/entities/checkout",
    );
    expect(checkout.body.entity.scorecards.dora?.level).toBe("Elite");
    // No owner team: stays at the first level although its Silver and Gold rules pass.
    expect(checkout.body.entity.scorecards.production_readiness?.level).toBe("Basic");
    const again = await callJson<{ scorecards: { created: string[]; unchanged: string[] } }>(
      "POST",
      "/v1/templates/service-scorecards/apply",
    );
    expect(again.body.scorecards.created).toEqual([]);
  });
});
