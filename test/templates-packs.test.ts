import { beforeAll, describe, expect, it } from "vitest";
import { catalogChange, PACK_ACTIONS } from "../examples/backend/pack-actions.mjs";
import { resolveForm } from "../src/domain/actions/form";
import { EXAMPLE_BACKEND_URL } from "../src/domain/templates/example-backend";
import { hook, receivedAtLeast } from "./actions-helpers";
import { ADMIN_EMAIL, callJson } from "./helpers";
import { actionOf, apply, emptyCatalog, entityOf, form, PACKS, type StoredAction, user } from "./templates-helpers";

/*
 * The action packs' actions: their forms resolve (conditions, computed enums and defaults from the entity),
 * their webhooks point at the example backend, a run carries its inputs, and the example backend has a
 * plan for each whose catalog change the portal accepts.
 */

describe("the pack actions", () => {
  beforeAll(async () => {
    await emptyCatalog();
    for (const pack of PACKS) await apply(pack.name);
  });

  it("all call the example backend and have forms whose conditions all evaluate", async () => {
    for (const pack of PACKS) {
      for (const body of pack.actions ?? []) {
        const action = await actionOf(String(body.identifier));
        expect(action.invocationMethod, action.identifier).toEqual(expect.objectContaining({ type: "WEBHOOK", url: EXAMPLE_BACKEND_URL }));
        // On the pack's first demo entity of the action's blueprint (or, failing that, any entity of it).
        const blueprint = action.trigger.blueprintIdentifier;
        let entity: Record<string, unknown> | null = null;
        if (action.trigger.operation !== "CREATE") {
          const found = await callJson<{ entities: Record<string, unknown>[] }>("GET", `/v1/blueprints/${blueprint}/entities?limit=1`);
          entity = found.body.entities[0] ?? null;
          expect(entity, `${action.identifier} has an entity to run on`).not.toBeNull();
        }
        const resolved = await resolveForm(action.trigger.userInputs, {}, { entity, user, operation: action.trigger.operation });
        const notRequired = resolved.problems.filter((p) => p.message !== "is required");
        expect(notRequired, action.identifier).toEqual([]);
        expect(resolved.order.length, `${action.identifier} has inputs`).toBeGreaterThan(0);
      }
    }
  });

  it("show, hide, require and fill inputs from the form and the entity", async () => {
    const go = await form("scaffold_microservice", { name: "billing-api", system: "Cart" });
    expect(go.allowed.get("framework")).toEqual(["gin", "chi", "stdlib"]);
    expect(go.values).toMatchObject({ language: "go", framework: "gin" });
    expect(go.visible.has("databaseEngine")).toBe(false);
    const py = await form("scaffold_microservice", { name: "billing-api", system: "Cart", language: "python", database: true });
    expect(py.values).toMatchObject({ framework: "fastapi", databaseEngine: "postgres" });
    expect(py.problems).toEqual([]);

    const cart = await entityOf("Component", "CartService");
    const blueGreen = await form("deploy_service", { version: "1.9.0", strategy: "blue-green", canaryPercent: 30 }, cart);
    expect(blueGreen.visible.has("canaryPercent")).toBe(false);
    expect(blueGreen.values).not.toHaveProperty("canaryPercent");
    const tooMuch = await form("deploy_service", { version: "1.9.0", canaryPercent: 80 }, cart);
    expect(tooMuch.problems.map((p) => p.path)).toEqual(["properties.canaryPercent"]);
    const badVersion = await form("deploy_service", { version: "latest" }, cart);
    expect(badVersion.problems.map((p) => p.path)).toEqual(["properties.version"]);

    const workload = await entityOf("Workload", "cart-service-prod");
    expect((await form("update_pod_count", { reason: "Black Friday traffic" }, workload)).values.replicas).toBe(3);

    const sev1 = await form(
      "run_incident_runbook",
      { incident: "INC-1042", severity: "SEV1" },
      await entityOf("Runbook", "cart-db-failover"),
    );
    expect(sev1.problems).toEqual([{ path: "properties.notifyChannel", message: "is required" }]);

    const orders = await entityOf("DataTable", "analytics.orders");
    expect((await form("remove_table_column", {}, orders)).allowed.get("column")).toEqual([
      "order_id",
      "customer_id",
      "total_cents",
      "currency",
      "created_at",
    ]);
    const notNull = await form("add_table_column", { column: "discount", nullable: false }, orders);
    expect(notNull.problems).toEqual([{ path: "properties.defaultValue", message: "is required" }]);

    const globex = await entityOf("Customer", "globex");
    const plan = await form("change_plan_tier", {}, globex);
    expect(plan.allowed.get("plan")).toEqual(["free", "business", "enterprise"]);
    expect((await form("change_plan_tier", { plan: "business" }, globex)).values.seats).toBe(25);
    expect((await form("change_plan_tier", { plan: "free" }, globex)).visible.has("seats")).toBe(false);
    const same = await form("change_plan_tier", { plan: "team" }, globex);
    expect(same.problems.map((p) => p.path)).toContain("properties.plan");
    const config = await form("change_customer_configuration", {}, globex);
    expect(config.values).toMatchObject({ ssoEnforced: false, apiRateLimit: 600, auditLogRetentionDays: 30 });
  });

  it("are offered only where their condition holds", async () => {
    const paused = await callJson("POST", "/v1/actions/run_airflow_dag/runs", { entity: "churn_features", properties: {} });
    expect(paused.status, JSON.stringify(paused.body)).toBe(422);
    const library = await callJson("POST", "/v1/actions/deploy_service/runs", {
      entity: "CoreKafkaLibrary",
      properties: { version: "1.0.0" },
    });
    expect(library.status, JSON.stringify(library.body)).toBe(422);
    // The A/B challenger picker offers other staging or production models, never the model itself.
    const self = await callJson<{ error: { details: { path: string }[] } }>("POST", "/v1/actions/route_ab_traffic/runs", {
      entity: "churn-predictor",
      properties: { challenger: "churn-predictor" },
    });
    expect(self.status).toBe(400);
    expect(self.body.error.details.map((d) => d.path)).toContain("properties.challenger");
  });

  it("deliver a run's inputs (secrets decrypted, picked entities whole) to the backend", async () => {
    for (const identifier of ["add_service_secret", "create_feature_flag"]) {
      const action = await actionOf(identifier);
      const { identifier: _id, version, ...rest } = action as StoredAction & Record<string, unknown>;
      const body = { ...rest, identifier, invocationMethod: { type: "WEBHOOK", url: hook(`center-${identifier}`) } };
      for (const key of ["createdAt", "createdBy", "updatedAt", "updatedBy", "webhookDisabled"])
        delete (body as Record<string, unknown>)[key];
      const put = await callJson("PUT", `/v1/actions/${identifier}`, body, { "if-match": `"${version}"` });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
    }
    const secret = await callJson<{ run: { id: string } }>("POST", "/v1/actions/add_service_secret/runs", {
      entity: "CartService",
      properties: { name: "STRIPE_API_KEY", value: "sk_live_very_secret", environment: "production" },
    });
    expect(secret.status, JSON.stringify(secret.body)).toBe(202);
    const flag = await callJson("POST", "/v1/actions/create_feature_flag/runs", {
      properties: { key: "express-shipping", component: "CartService", environment: "staging" },
    });
    expect(flag.status, JSON.stringify(flag.body)).toBe(202);

    const [secretArrival] = await receivedAtLeast("center-add_service_secret");
    const secretBody = JSON.parse(secretArrival?.body ?? "{}");
    expect(secretBody).toMatchObject({
      action: "add_service_secret",
      context: { entity: "CartService", blueprint: "Component", runId: secret.body.run.id },
      payload: { properties: { name: "STRIPE_API_KEY", value: "sk_live_very_secret", environment: "production" } },
    });
    const [flagArrival] = await receivedAtLeast("center-create_feature_flag");
    const flagBody = JSON.parse(flagArrival?.body ?? "{}");
    expect(flagBody.payload.properties).toMatchObject({ key: "express-shipping", environment: "staging" });
    expect(flagBody.payload.properties.component).toMatchObject({ identifier: "CartService", blueprint: "Component" });
    // The stored run never shows the secret.
    const run = await callJson<{ run: { properties: Record<string, unknown> } }>("GET", `/v1/actions/runs/${secret.body.run.id}`);
    expect(JSON.stringify(run.body)).not.toContain("sk_live_very_secret");
  });
});

/** A valid run of every pack action (on a demo entity for DAY-2 and DELETE), in an order that keeps them valid. */
const SAMPLES: [string, string | null, Record<string, unknown>][] = [
  ["scaffold_microservice", null, { name: "billing-api", language: "go", framework: "chi", system: "Cart", database: true }],
  ["deploy_service", "CartService", { version: "1.9.0", environment: "production", strategy: "canary", canaryPercent: 20 }],
  ["revert_deployment", "CartService", { toVersion: "1.8.2", reason: "Checkout errors after 1.9.0" }],
  ["lock_deployments", "CartService", { until: "2026-12-24T00:00:00Z", reason: "Holiday code freeze" }],
  ["add_service_secret", "CartService", { name: "STRIPE_API_KEY", value: "sk_test_hidden", environment: "staging" }],
  ["add_environment_variable", "CartService", { name: "LOG_LEVEL", value: "debug", restart: true }],
  ["upgrade_package_version", "CoreKafkaLibrary", { package: "kafkajs", version: "2.2.4" }],
  ["create_feature_flag", null, { key: "gift-cards", component: "CartService", environment: "staging" }],
  ["toggle_feature_flag", "products-recommendations", { enabled: true, rollout: 20 }],
  ["provision_s3_bucket", null, { name: "invoices-archive", region: "eu-west-1", encryption: "AES256" }],
  ["provision_sqs_queue", null, { name: "invoices", fifo: true }],
  ["modify_lambda_function", "process-orders", { memorySize: 1024, reason: "Timeouts under load" }],
  ["modify_s3_bucket", "orders-archive", { versioning: "Suspended", reason: "Cost reduction for old data" }],
  ["request_bucket_access", "orders-archive", { hours: 2, justification: "Investigating a missing order" }],
  ["update_pod_count", "cart-service-prod", { replicas: 6, reason: "Black Friday traffic" }],
  ["update_auto_scaling_group", "cart-workers", { maxSize: 20, desiredCapacity: 8, reason: "Black Friday traffic" }],
  ["run_incident_runbook", "cart-db-failover", { incident: "INC-1042", severity: "SEV2", notifyChannel: "#inc-1042" }],
  ["run_airflow_dag", "orders_daily_etl", { conf: { full_refresh: true } }],
  ["add_table_column", "analytics.orders", { column: "discount_cents", dataType: "INT64", nullable: false, defaultValue: "0" }],
  ["remove_table_column", "analytics.orders", { column: "currency", reason: "Every order is in EUR now" }],
  ["duplicate_table", null, { source: "analytics.customers", name: "customers_copy", withData: true, rowLimit: 500 }],
  ["create_customer", null, { identifier: "umbrella", name: "Umbrella Corp", plan: "business", seats: 120, region: "eu" }],
  ["change_customer_configuration", "acme", { apiRateLimit: 8000, reason: "Contract amendment of November" }],
  ["update_customer_software_version", "globex", { version: "2026.11", window: "now" }],
  ["change_plan_tier", "globex", { plan: "business", seats: 40, effectiveFrom: "2026-12-01T00:00:00Z", reason: "Upgrade signed" }],
  ["delete_customer", "initech", { reason: "Account closed on request" }],
  ["train_model", null, { name: "fraud-detector-v2", dataset: "s3://ml-data/fraud/2026-11/", epochs: 40, gpu: "A10G" }],
  ["deploy_model", "fraud-detector", { environment: "staging" }],
  ["route_ab_traffic", "churn-predictor", { challenger: "churn-predictor-v2", percent: 15 }],
  ["revert_model", "churn-predictor", { toVersion: "1.3.0", reason: "v1.4.0 drifts on new data" }],
  ["spin_up_notebook", null, { name: "ana-churn", image: "pytorch", gpu: "T4", hours: 4 }],
];

describe("the example backend's handling of pack actions", () => {
  beforeAll(async () => {
    await emptyCatalog();
    for (const pack of PACKS) await apply(pack.name);
  });

  it("has a plan for every pack action, and no plan for anything else", () => {
    const identifiers = PACKS.flatMap((p) => (p.actions ?? []).map((a) => String(a.identifier))).sort();
    expect(Object.keys(PACK_ACTIONS).sort()).toEqual(identifiers);
    expect(SAMPLES.map(([identifier]) => identifier).sort()).toEqual(identifiers);
  });

  it("logs what each run does and makes a catalog change the portal accepts", async () => {
    for (const [identifier, entityId, values] of SAMPLES) {
      const action = await actionOf(identifier);
      const blueprint = action.trigger.blueprintIdentifier;
      const entity = entityId ? await entityOf(blueprint, entityId) : null;
      const resolved = await resolveForm(action.trigger.userInputs, values, { entity, user, operation: action.trigger.operation });
      expect(resolved.problems, identifier).toEqual([]);
      // As in Port's default body: picked entities arrive whole.
      const inputs: Record<string, unknown> = { ...resolved.values };
      for (const [name, input] of Object.entries(action.trigger.userInputs.properties)) {
        if (input.format === "entity" && typeof inputs[name] === "string")
          inputs[name] = await entityOf(String(input.blueprint), String(inputs[name]));
      }
      const plan = PACK_ACTIONS[identifier]?.({
        inputs,
        entity: entityId,
        properties: (entity?.properties ?? {}) as Record<string, unknown>,
        by: ADMIN_EMAIL,
      });
      if (!plan) throw new Error(`no plan for ${identifier}`);
      expect(plan.refuse ?? null, identifier).toBeNull();
      expect(plan.steps.filter(Boolean).length, identifier).toBeGreaterThan(0);
      expect(plan.summary, identifier).not.toBe("");
      const change = catalogChange(plan, { blueprint, entity: entityId, runId: "r_none" });
      if (!change) continue;
      // The same call without ?run_id= (there is no run here to link the write to).
      const path = change.path.replace(/[?&]run_id=[^&]*$/, "");
      const res = await callJson(change.method, path, change.body);
      expect(res.status, `${identifier}: ${change.method} ${path} ${JSON.stringify(res.body)}`).toBeLessThan(300);
    }
    expect(
      JSON.stringify(
        PACK_ACTIONS.add_service_secret?.({ inputs: { name: "K", value: "sk_test_hidden" }, entity: "x", properties: {}, by: "" }),
      ),
    ).not.toContain("sk_test_hidden");
    expect((await entityOf("Workload", "cart-service-prod")).properties).toMatchObject({ replicas: 6 });
    expect((await entityOf("DataTable", "analytics.orders")).properties).toMatchObject({
      columns: ["order_id", "customer_id", "total_cents", "created_at", "discount_cents"],
    });
    expect((await entityOf("DataTable", "sandbox.customers_copy")).properties).toMatchObject({ rowCount: 500, containsPii: true });
    expect((await entityOf("Customer", "globex")).properties).toMatchObject({ plan: "business", seats: 40, softwareVersion: "2026.11" });
    expect((await callJson("GET", "/v1/blueprints/Customer/entities/initech")).status).toBe(404);
    expect((await entityOf("Model", "churn-predictor")).relations).toMatchObject({ challenger: null });
    expect((await entityOf("SQS", "invoices.fifo")).properties).toMatchObject({ fifo: true, messageRetentionPeriod: 4 * 86_400 });
  });

  it("refuses what a real backend would refuse", () => {
    const asg = PACK_ACTIONS.update_auto_scaling_group?.({
      inputs: { minSize: 5, maxSize: 3, desiredCapacity: 4, instanceType: "m6i.large" },
      entity: "cart-workers",
      properties: {},
      by: ADMIN_EMAIL,
    });
    expect(asg?.refuse).toBe("The minimum size (5) is above the maximum (3)");
    const column = PACK_ACTIONS.add_table_column?.({
      inputs: { column: "order_id", dataType: "STRING", nullable: true },
      entity: "analytics.orders",
      properties: { columns: ["order_id"] },
      by: ADMIN_EMAIL,
    });
    expect(column?.refuse).toBe("analytics.orders already has a column order_id");
  });
});
