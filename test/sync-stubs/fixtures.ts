/** Payloads as the real sources give them: Cloud Control resource properties and Backstage catalog files. */

export const AWS_KEY = { accessKeyId: "AKIATESTSYNC0000001", secretAccessKey: "test/secret/key/for/the/cloud/control/stub" };

const lambda = (name: string, region: string, extra: Record<string, unknown> = {}) => ({
  Identifier: name,
  Properties: {
    FunctionName: name,
    Arn: `arn:aws:lambda:${region}:123456789012:function:${name}`,
    Runtime: "nodejs22.x",
    Handler: "index.handler",
    MemorySize: 512,
    Timeout: 30,
    Architectures: ["arm64"],
    Environment: { Variables: { TABLE: "orders", BUCKET: "archive" } },
    Tags: [
      { Key: "team", Value: "orders" },
      { Key: "env", Value: "prod" },
    ],
    ...extra,
  },
});

/** Resources per region and type name, as Cloud Control's ListResources / GetResource describe them. */
export const AWS_RESOURCES = {
  "us-east-1": {
    "AWS::Lambda::Function": [lambda("process-orders", "us-east-1"), lambda("send-mail", "us-east-1", { Runtime: "python3.12", Tags: [] })],
    "AWS::SQS::Queue": [
      {
        Identifier: "https://sqs.us-east-1.amazonaws.com/123456789012/orders-queue",
        Properties: {
          QueueName: "orders-queue",
          QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/orders-queue",
          Arn: "arn:aws:sqs:us-east-1:123456789012:orders-queue",
          VisibilityTimeout: 30,
          MessageRetentionPeriod: 345600,
        },
      },
    ],
    "AWS::S3::Bucket": [
      {
        Identifier: "orders-archive",
        IdentifierProperty: "BucketName",
        Properties: {
          BucketName: "orders-archive",
          Arn: "arn:aws:s3:::orders-archive",
          VersioningConfiguration: { Status: "Enabled" },
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms" } }] },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
        },
      },
    ],
  },
  "eu-west-1": {
    "AWS::Lambda::Function": [lambda("eu-resizer", "eu-west-1", { MemorySize: 1024 })],
    "AWS::ApiGateway::RestApi": [
      { Identifier: "a1b2c3", Properties: { RestApiId: "a1b2c3", Name: "Shop API", EndpointConfiguration: { Types: ["REGIONAL"] } } },
    ],
    "AWS::AppRunner::Service": [
      {
        Identifier: "arn:aws:apprunner:eu-west-1:123456789012:service/web/abc",
        Properties: {
          ServiceName: "web",
          ServiceArn: "arn:aws:apprunner:eu-west-1:123456789012:service/web/abc",
          ServiceUrl: "abc.eu-west-1.awsapprunner.com",
          Status: "RUNNING",
          InstanceConfiguration: { Cpu: "1 vCPU", Memory: "2 GB" },
        },
      },
    ],
  },
};

export const BACKSTAGE_ROOT = `apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: root
spec:
  targets:
    - ./domains.yaml
    - ./services.yaml
`;

export const BACKSTAGE_DOMAINS = `apiVersion: backstage.io/v1alpha1
kind: Domain
metadata:
  name: orders
  title: Orders
spec:
  owner: group:default/orders-team
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: cart
spec:
  owner: orders-team
  domain: orders
`;

export const BACKSTAGE_SERVICES = `apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: cart-api
  description: The cart API
spec:
  type: openapi
  lifecycle: production
  owner: orders-team
  system: cart
  definition: "openapi: 3.0.0"
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: cart-service
  title: Cart Service
spec:
  type: service
  lifecycle: production
  owner: group:orders-team
  system: cart
  providesApis: [cart-api]
  dependsOn: [resource:cart-db, component:payment-lib]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payment-lib
spec:
  type: library
  lifecycle: production
  owner: orders-team
  system: system:default/cart
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout-web
spec:
  type: website
  lifecycle: experimental
  owner: web-team
  consumesApis: [api:cart-api]
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: cart-db
spec:
  type: postgress
  owner: orders-team
  system: cart
`;
