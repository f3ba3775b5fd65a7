import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MAPPINGS } from "../src/domain/integrations/presets";
import { callJson } from "./helpers";
import { AWS_KEY, AWS_RESOURCES, BACKSTAGE_DOMAINS, BACKSTAGE_ROOT, BACKSTAGE_SERVICES } from "./sync-stubs/fixtures";
import { createIntegration, identifiersOf, type Json, scenario, stub, stubLog, syncThroughQueue } from "./sync-stubs/helpers";

// The aws-cloudcontrol and backstage sources against stubs speaking their protocols (the Cloud Control
// stub checks every SigV4 signature), mapped with the presets onto the cloud-resources and sdlc templates.

type EntityBody = { entity: { title: string | null; team: string[]; properties: Json; relations: Json } };

async function entity(blueprint: string, identifier: string): Promise<EntityBody["entity"]> {
  const res = await callJson<EntityBody>("GET", `/v1/blueprints/${blueprint}/entities/${encodeURIComponent(identifier)}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.entity;
}

function aws(identifier: string, config: Json = {}): Json {
  return {
    identifier,
    title: identifier,
    type: "aws-cloudcontrol",
    config: { regions: ["us-east-1", "eu-west-1"], ...AWS_KEY, endpoint: `${stub}/aws/${identifier}/`, ...config },
    mapping: DEFAULT_MAPPINGS["aws-cloudcontrol"],
  };
}

beforeAll(async () => {
  for (const t of ["cloud-resources", "sdlc"]) expect((await callJson("POST", `/v1/templates/${t}/apply`)).status).toBe(200);
});

describe("aws-cloudcontrol", () => {
  it("lists every type in every region with signed requests and fills the cloud-resources blueprints", async () => {
    await scenario("aws1", { aws: { ...AWS_KEY, resources: AWS_RESOURCES, identifiersOnly: ["AWS::S3::Bucket"] } });
    await createIntegration(aws("aws1"));
    const sync = await syncThroughQueue("aws1");
    expect(sync.status, JSON.stringify(sync)).toBe("SUCCEEDED");
    expect(sync.counts).toMatchObject({ fetched: 7, failed: 0 });
    expect(sync.errors).toEqual([]);

    const lambda = await entity("Lambda", "process-orders");
    expect(lambda.properties).toMatchObject({
      arn: "arn:aws:lambda:us-east-1:123456789012:function:process-orders",
      runtime: "nodejs22.x",
      memorySize: 512,
      architecture: "arm64",
      environmentVariables: ["TABLE", "BUCKET"],
      tags: { team: "orders", env: "prod" },
      link: "https://console.aws.amazon.com/lambda/home?region=us-east-1#/functions/process-orders",
    });
    expect(lambda.relations.region).toBe("us-east-1");
    expect((await entity("Lambda", "eu-resizer")).relations.region).toBe("eu-west-1");
    // S3 lists names only: the properties come from GetResource.
    expect((await entity("S3", "orders-archive")).properties).toMatchObject({
      versioning: "Enabled",
      encryption: "aws:kms",
      publicAccessBlocked: true,
    });
    expect((await entity("SQS", "orders-queue")).properties).toMatchObject({ fifo: false, visibilityTimeout: 30 });
    expect((await entity("APIGateway", "a1b2c3")).properties).toMatchObject({
      endpointType: "REGIONAL",
      url: "https://a1b2c3.execute-api.eu-west-1.amazonaws.com",
    });
    expect((await entity("AppRunner", "web")).properties).toMatchObject({
      status: "RUNNING",
      cpu: "1 vCPU",
      serviceUrl: "https://abc.eu-west-1.awsapprunner.com",
    });

    const log = await stubLog("aws1");
    const targets = log.map((r) => r.headers["x-amz-target"]);
    expect(targets.filter((t) => t === "CloudApiService.ListResources")).toHaveLength(12); // 6 types × 2 regions
    expect(targets.filter((t) => t === "CloudApiService.GetResource")).toHaveLength(1);
    expect(log.every((r) => r.headers.authorization?.startsWith(`AWS4-HMAC-SHA256 Credential=${AWS_KEY.accessKeyId}/`))).toBe(true);
    expect(log.find((r) => r.body.includes("AWS::ECS::Service"))?.body).toContain('"ResourceModel":"{\\"Cluster\\":\\"default\\"}"');
  });

  it("pages ListResources with NextToken", async () => {
    const many = Array.from({ length: 130 }, (_, i) => ({
      Identifier: `q-${i}`,
      Properties: { QueueName: `q-${i}`, Arn: `arn:aws:sqs:us-east-1:1:q-${i}`, QueueUrl: `https://sqs.example.com/q-${i}` },
    }));
    await scenario("aws2", { aws: { ...AWS_KEY, resources: { "us-east-1": { "AWS::SQS::Queue": many } } } });
    const preset = DEFAULT_MAPPINGS["aws-cloudcontrol"] as { resources: Json[] };
    const mapping = { ...preset, resources: [preset.resources[1]] };
    await createIntegration({ ...aws("aws2", { regions: ["us-east-1"] }), mapping });
    const sync = await syncThroughQueue("aws2");
    expect(sync.counts).toMatchObject({ fetched: 130, created: 130 });
    expect((await stubLog("aws2")).map((r) => JSON.parse(r.body).NextToken ?? null)).toEqual([null, "100"]);
  });

  it("treats a refused signature or a denied type as a partial fetch: what could be read is synced, nothing is deleted", async () => {
    await scenario("aws3", { aws: { ...AWS_KEY, resources: AWS_RESOURCES, deny: ["eu-west-1 AWS::Lambda::Function"] } });
    await createIntegration(aws("aws3"));
    const sync = await syncThroughQueue("aws3");
    expect(sync.status).toBe("PARTIAL");
    expect(sync.fetchComplete).toBe(false);
    expect(sync.errors).toEqual([
      {
        path: "config.regions.1",
        message: "AWS::Lambda::Function in eu-west-1 could not be listed: AccessDeniedException not allowed to list AWS::Lambda::Function",
      },
    ]);
    expect(sync.counts.fetched).toBe(6);

    await scenario("aws4", { aws: { ...AWS_KEY, resources: AWS_RESOURCES } });
    await createIntegration(aws("aws4", { secretAccessKey: "a/wrong/secret/key/000000000000" }));
    const refused = await syncThroughQueue("aws4");
    expect(refused.status).toBe("PARTIAL");
    expect(refused.counts.fetched).toBe(0);
    expect(refused.errors[0]?.message).toMatch(/InvalidSignatureException signature does not match/);
  });
});

describe("backstage", () => {
  it("reads catalog-info.yaml through Location targets and maps kinds and relations onto the sdlc blueprints", async () => {
    await scenario("bs1", {
      files: { "catalog-info.yaml": BACKSTAGE_ROOT, "domains.yaml": BACKSTAGE_DOMAINS, "services.yaml": BACKSTAGE_SERVICES },
    });
    await createIntegration({
      identifier: "bs1",
      title: "Backstage",
      type: "backstage",
      config: { url: `${stub}/files/bs1/catalog-info.yaml` },
      mapping: DEFAULT_MAPPINGS.backstage,
    });
    const sync = await syncThroughQueue("bs1");
    expect(sync.status, JSON.stringify(sync)).toBe("SUCCEEDED");
    expect(sync.counts).toMatchObject({ fetched: 7, created: 7, failed: 0 });
    expect((await entity("Domain", "orders")).title).toBe("Orders");
    expect((await entity("System", "cart")).relations).toEqual({ domain: "orders" });
    const cart = await entity("Component", "cart-service");
    expect(cart).toMatchObject({ title: "Cart Service", team: ["orders-team"], properties: { type: "service" } });
    expect(cart.relations).toMatchObject({ system: "cart", resources: ["cart-db"], components: ["payment-lib"], consumesApi: [] });
    expect((await entity("Component", "payment-lib")).relations).toMatchObject({ system: "cart" });
    // checkout-web consumes an API whose provider is written after it: tried again at the end of the page.
    expect((await entity("Component", "checkout-web")).relations).toMatchObject({ consumesApi: ["cart-api"] });
    const api = await entity("API", "cart-api");
    expect(api).toMatchObject({ properties: { type: "Open API" }, relations: { provider: "cart-service" } });
    expect((await entity("Resource", "cart-db")).properties).toEqual({ type: "postgress" });
    expect((await stubLog("bs1")).map((r) => r.path)).toEqual([
      "/files/bs1/catalog-info.yaml",
      "/files/bs1/domains.yaml",
      "/files/bs1/services.yaml",
    ]);
  });

  it("takes pasted YAML, and reports a broken document as a partial fetch", async () => {
    const text = `${BACKSTAGE_DOMAINS}---\nkind: Domain\nmetadata: [not, a, map\n`;
    await createIntegration({
      identifier: "bs2",
      title: "Pasted",
      type: "backstage",
      config: { text },
      mapping: DEFAULT_MAPPINGS.backstage,
    });
    const sync = await syncThroughQueue("bs2");
    expect(sync.status).toBe("PARTIAL");
    expect(sync.fetchComplete).toBe(false);
    expect(sync.errors[0]?.message).toMatch(/^pasted text, document 3:/);
    expect(await identifiersOf("Domain")).toContain("orders");
  });
});
