import type { Template } from "./template";

const arn = { title: "ARN", type: "string", pattern: "^arn:aws[a-z-]*:" } as const;
const consoleLink = { title: "AWS console", type: "string", format: "url" } as const;
const tags = { title: "Tags", type: "object" } as const;
const region = { title: "Region", target: "Region", required: false, many: false } as const;

/**
 * The serverless catalog the seed builds with Port's AWS exporter: regions, Lambda functions and what
 * triggers and feeds them (SQS, S3, API Gateway), plus ECS and App Runner services.
 */
export const cloudResourcesTemplate: Template = {
  name: "cloud-resources",
  title: "Cloud resources (AWS serverless)",
  description: "Region, Lambda, ECS, AppRunner, API Gateway, S3 and SQS blueprints with a small demo account.",
  blueprints: [
    {
      identifier: "Region",
      title: "Region",
      icon: "Globe",
      schema: {
        properties: {
          partition: { title: "Partition", type: "string", enum: ["aws", "aws-cn", "aws-us-gov"], default: "aws" },
          geography: { title: "Geography", type: "string" },
        },
        required: [],
      },
      relations: {},
    },
    {
      identifier: "SQS",
      title: "SQS Queue",
      icon: "SQS",
      schema: {
        properties: {
          arn,
          url: { title: "Queue URL", type: "string", format: "url" },
          fifo: { title: "FIFO", type: "boolean", default: false },
          visibilityTimeout: { title: "Visibility timeout (s)", type: "number", minimum: 0, maximum: 43200 },
          messageRetentionPeriod: { title: "Retention (s)", type: "number", minimum: 60, maximum: 1209600 },
          tags,
        },
        required: ["arn"],
      },
      relations: { region },
    },
    {
      identifier: "S3",
      title: "S3 Bucket",
      icon: "S3",
      schema: {
        properties: {
          arn,
          versioning: {
            title: "Versioning",
            type: "string",
            enum: ["Enabled", "Suspended", "Disabled"],
            enumColors: { Enabled: "green", Suspended: "orange", Disabled: "lightGray" },
          },
          encryption: { title: "Encryption", type: "string", enum: ["AES256", "aws:kms", "none"] },
          publicAccessBlocked: { title: "Public access blocked", type: "boolean" },
          link: consoleLink,
          tags,
        },
        required: ["arn"],
      },
      relations: { region },
    },
    {
      identifier: "Lambda",
      title: "Lambda Function",
      icon: "Lambda",
      schema: {
        properties: {
          arn,
          runtime: {
            title: "Runtime",
            type: "string",
            enum: ["nodejs20.x", "nodejs22.x", "python3.12", "python3.13", "java21", "dotnet8", "ruby3.3", "provided.al2023"],
            enumColors: { "nodejs20.x": "green", "nodejs22.x": "green", "python3.12": "blue", "python3.13": "blue", java21: "orange" },
          },
          handler: { title: "Handler", type: "string" },
          memorySize: { title: "Memory (MB)", type: "number", minimum: 128, maximum: 10240 },
          timeout: { title: "Timeout (s)", type: "number", minimum: 1, maximum: 900 },
          architecture: { title: "Architecture", type: "string", enum: ["x86_64", "arm64"] },
          layers: { title: "Layers", type: "array", items: { type: "string" } },
          environmentVariables: { title: "Environment variable names", type: "array", items: { type: "string" }, uniqueItems: true },
          lastModified: { title: "Last modified", type: "string", format: "date-time" },
          link: consoleLink,
          tags,
        },
        required: ["arn"],
      },
      relations: {
        region,
        triggeredBy: { title: "Triggered by", target: "SQS", required: false, many: true },
        usesBuckets: { title: "Uses buckets", target: "S3", required: false, many: true },
      },
    },
    {
      identifier: "APIGateway",
      title: "API Gateway",
      icon: "APIGateway",
      schema: {
        properties: {
          arn,
          url: { title: "Invoke URL", type: "string", format: "url" },
          endpointType: { title: "Endpoint type", type: "string", enum: ["EDGE", "REGIONAL", "PRIVATE"] },
          description: { title: "Description", type: "string", format: "markdown" },
          tags,
        },
        required: ["arn"],
      },
      relations: {
        region,
        lambdas: { title: "Integrations", target: "Lambda", required: false, many: true },
      },
    },
    {
      identifier: "ECS",
      title: "ECS Service",
      icon: "ECS",
      schema: {
        properties: {
          arn,
          cluster: { title: "Cluster", type: "string" },
          launchType: { title: "Launch type", type: "string", enum: ["FARGATE", "EC2", "EXTERNAL"] },
          desiredCount: { title: "Desired tasks", type: "number", minimum: 0 },
          runningCount: { title: "Running tasks", type: "number", minimum: 0 },
          taskDefinition: { title: "Task definition", type: "string" },
          link: consoleLink,
          tags,
        },
        required: ["arn"],
      },
      relations: { region },
    },
    {
      identifier: "AppRunner",
      title: "App Runner Service",
      icon: "AppRunner",
      schema: {
        properties: {
          arn,
          serviceUrl: { title: "Service URL", type: "string", format: "url" },
          status: {
            title: "Status",
            type: "string",
            enum: ["RUNNING", "PAUSED", "OPERATION_IN_PROGRESS", "CREATE_FAILED", "DELETED"],
            enumColors: { RUNNING: "green", PAUSED: "yellow", OPERATION_IN_PROGRESS: "blue", CREATE_FAILED: "red", DELETED: "lightGray" },
          },
          cpu: { title: "vCPU", type: "string", enum: ["0.25 vCPU", "0.5 vCPU", "1 vCPU", "2 vCPU", "4 vCPU"] },
          memory: { title: "Memory", type: "string", enum: ["0.5 GB", "1 GB", "2 GB", "3 GB", "4 GB", "8 GB", "12 GB"] },
          link: consoleLink,
          tags,
        },
        required: ["arn"],
      },
      relations: { region },
    },
  ],
  entities: [
    {
      blueprint: "Region",
      entity: { identifier: "us-east-1", title: "US East (N. Virginia)", properties: { partition: "aws", geography: "North America" } },
    },
    {
      blueprint: "Region",
      entity: { identifier: "eu-west-1", title: "Europe (Ireland)", properties: { partition: "aws", geography: "Europe" } },
    },
    {
      blueprint: "SQS",
      entity: {
        identifier: "orders-queue",
        title: "orders-queue",
        properties: {
          arn: "arn:aws:sqs:us-east-1:123456789012:orders-queue",
          url: "https://sqs.us-east-1.amazonaws.com/123456789012/orders-queue",
          fifo: false,
          visibilityTimeout: 30,
          messageRetentionPeriod: 345600,
          tags: { team: "orders" },
        },
        relations: { region: "us-east-1" },
      },
    },
    {
      blueprint: "SQS",
      entity: {
        identifier: "port-exporter-events",
        title: "port-exporter-events",
        properties: { arn: "arn:aws:sqs:us-east-1:123456789012:port-exporter-events", fifo: false, visibilityTimeout: 900 },
        relations: { region: "us-east-1" },
      },
    },
    {
      blueprint: "S3",
      entity: {
        identifier: "orders-archive",
        title: "orders-archive",
        properties: { arn: "arn:aws:s3:::orders-archive", versioning: "Enabled", encryption: "aws:kms", publicAccessBlocked: true },
        relations: { region: "us-east-1" },
      },
    },
    {
      blueprint: "S3",
      entity: {
        identifier: "port-exporter-config",
        title: "port-exporter-config",
        properties: { arn: "arn:aws:s3:::port-exporter-config", versioning: "Suspended", encryption: "AES256", publicAccessBlocked: true },
        relations: { region: "us-east-1" },
      },
    },
    {
      blueprint: "Lambda",
      entity: {
        identifier: "process-orders",
        title: "process-orders",
        properties: {
          arn: "arn:aws:lambda:us-east-1:123456789012:function:process-orders",
          runtime: "nodejs22.x",
          handler: "index.handler",
          memorySize: 512,
          timeout: 30,
          architecture: "arm64",
          environmentVariables: ["ORDERS_TABLE", "ARCHIVE_BUCKET"],
          lastModified: "2026-11-20T09:30:00Z",
          tags: { team: "orders", env: "production" },
        },
        relations: { region: "us-east-1", triggeredBy: ["orders-queue"], usesBuckets: ["orders-archive"] },
      },
    },
    {
      blueprint: "Lambda",
      entity: {
        identifier: "port-aws-exporter",
        title: "Port AWS exporter",
        properties: {
          arn: "arn:aws:lambda:us-east-1:123456789012:function:port-aws-exporter",
          runtime: "python3.12",
          handler: "app.lambda_handler",
          memorySize: 1024,
          timeout: 900,
          architecture: "x86_64",
          layers: ["arn:aws:lambda:us-east-1:123456789012:layer:cloudcontrol:3"],
          environmentVariables: ["CONFIG_BUCKET", "EVENTS_QUEUE_URL"],
          lastModified: "2026-11-01T12:00:00Z",
        },
        relations: { region: "us-east-1", triggeredBy: ["port-exporter-events"], usesBuckets: ["port-exporter-config"] },
      },
    },
    {
      blueprint: "APIGateway",
      entity: {
        identifier: "orders-api",
        title: "Orders API",
        properties: {
          arn: "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5",
          url: "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod",
          endpointType: "REGIONAL",
          description: "Accepts **orders** and hands them to `process-orders` through SQS.",
        },
        relations: { region: "us-east-1", lambdas: ["process-orders"] },
      },
    },
    {
      blueprint: "ECS",
      entity: {
        identifier: "cart-service",
        title: "cart-service",
        properties: {
          arn: "arn:aws:ecs:eu-west-1:123456789012:service/shop/cart-service",
          cluster: "shop",
          launchType: "FARGATE",
          desiredCount: 3,
          runningCount: 3,
          taskDefinition: "cart-service:42",
        },
        relations: { region: "eu-west-1" },
      },
    },
    {
      blueprint: "AppRunner",
      entity: {
        identifier: "products-frontend",
        title: "products-frontend",
        properties: {
          arn: "arn:aws:apprunner:eu-west-1:123456789012:service/products-frontend/0123456789abcdef",
          serviceUrl: "https://abcdefgh.eu-west-1.awsapprunner.com",
          status: "RUNNING",
          cpu: "1 vCPU",
          memory: "2 GB",
        },
        relations: { region: "eu-west-1" },
      },
    },
  ],
};
