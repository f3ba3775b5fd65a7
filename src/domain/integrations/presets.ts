import type { IntegrationType } from "./definition";

/**
 * Starting points for each integration type: the mapping the create form is filled with, and an example
 * config. aws-cloudcontrol fills the `cloud-resources` template's blueprints, backstage the `sdlc` ones.
 * Expressions are jq-style paths where that is enough, JSONata where it is not.
 */

type Mappings = Record<string, string>;

function resource(
  kind: string,
  blueprint: string,
  identifier: string,
  title: string,
  properties: Mappings,
  relations: Mappings = {},
  extra = {},
) {
  return {
    kind,
    selector: { query: "true", ...extra },
    port: { entity: { mappings: { identifier, title, blueprint: `"${blueprint}"`, properties, relations } } },
  };
}

const awsTags = "$merge(Properties.Tags.{Key: Value})";
const region = { region: ".__Region" };

/** AWS Cloud Control → cloud-resources (Region entities are created as the resources name them). */
const awsMapping = {
  createMissingRelatedEntities: true,
  deleteDependentEntities: false,
  resources: [
    resource(
      "AWS::Lambda::Function",
      "Lambda",
      ".Properties.FunctionName",
      ".Properties.FunctionName",
      {
        arn: ".Properties.Arn",
        runtime: ".Properties.Runtime",
        handler: ".Properties.Handler",
        memorySize: ".Properties.MemorySize",
        timeout: ".Properties.Timeout",
        architecture: "Properties.Architectures[0]",
        layers: ".Properties.Layers",
        environmentVariables: "[$keys(Properties.Environment.Variables)]",
        link: '"https://console.aws.amazon.com/lambda/home?region=" & __Region & "#/functions/" & Properties.FunctionName',
        tags: awsTags,
      },
      region,
    ),
    resource(
      "AWS::SQS::Queue",
      "SQS",
      ".Properties.QueueName",
      ".Properties.QueueName",
      {
        arn: ".Properties.Arn",
        url: ".Properties.QueueUrl",
        fifo: "Properties.FifoQueue = true",
        visibilityTimeout: ".Properties.VisibilityTimeout",
        messageRetentionPeriod: ".Properties.MessageRetentionPeriod",
        tags: awsTags,
      },
      region,
    ),
    resource(
      "AWS::S3::Bucket",
      "S3",
      ".Properties.BucketName",
      ".Properties.BucketName",
      {
        arn: ".Properties.Arn",
        versioning: 'Properties.VersioningConfiguration.Status ? Properties.VersioningConfiguration.Status : "Disabled"',
        encryption:
          '$exists(Properties.BucketEncryption) ? (Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm = "AES256" ? "AES256" : "aws:kms") : "none"',
        publicAccessBlocked:
          "Properties.PublicAccessBlockConfiguration.BlockPublicAcls = true and Properties.PublicAccessBlockConfiguration.BlockPublicPolicy = true",
        link: '"https://s3.console.aws.amazon.com/s3/buckets/" & Properties.BucketName',
        tags: awsTags,
      },
      region,
      // Cloud Control lists buckets by name only: each is read with GetResource.
      { useGetResourceAPI: true },
    ),
    resource(
      "AWS::ApiGateway::RestApi",
      "APIGateway",
      ".Properties.RestApiId",
      ".Properties.Name",
      {
        arn: '"arn:aws:apigateway:" & __Region & "::/restapis/" & Properties.RestApiId',
        url: '"https://" & Properties.RestApiId & ".execute-api." & __Region & ".amazonaws.com"',
        endpointType: "Properties.EndpointConfiguration.Types[0]",
        description: ".Properties.Description",
        tags: awsTags,
      },
      region,
    ),
    resource(
      "AWS::ECS::Service",
      "ECS",
      ".Properties.ServiceName",
      ".Properties.ServiceName",
      {
        arn: ".Properties.ServiceArn",
        cluster: ".Properties.Cluster",
        launchType: ".Properties.LaunchType",
        desiredCount: ".Properties.DesiredCount",
        taskDefinition: ".Properties.TaskDefinition",
        tags: awsTags,
      },
      region,
      // Cloud Control lists ECS services per cluster: name yours (one resource per cluster).
      { resourceModel: { Cluster: "default" } },
    ),
    resource(
      "AWS::AppRunner::Service",
      "AppRunner",
      ".Properties.ServiceName",
      ".Properties.ServiceName",
      {
        arn: ".Properties.ServiceArn",
        serviceUrl: 'Properties.ServiceUrl ? "https://" & Properties.ServiceUrl : null',
        status: ".Properties.Status",
        cpu: 'Properties.InstanceConfiguration.Cpu in ["0.25 vCPU", "0.5 vCPU", "1 vCPU", "2 vCPU", "4 vCPU"] ? Properties.InstanceConfiguration.Cpu : null',
        memory:
          'Properties.InstanceConfiguration.Memory in ["0.5 GB", "1 GB", "2 GB", "3 GB", "4 GB", "8 GB", "12 GB"] ? Properties.InstanceConfiguration.Memory : null',
        tags: awsTags,
      },
      region,
    ),
  ],
};

const owner = { team: '[relations[type="ownedBy"].target.name]' };
const bsTitle = "metadata.title ? metadata.title : metadata.name";

function backstageResource(kind: string, properties: Mappings, relations: Mappings) {
  const r = resource(kind, kind, ".metadata.name", bsTitle, properties, relations);
  return { ...r, port: { entity: { mappings: { ...r.port.entity.mappings, ...owner } } } };
}

/** Backstage catalog-info.yaml → sdlc, in dependency order (a Domain before its Systems, a Component before its APIs). */
const backstageMapping = {
  createMissingRelatedEntities: false,
  deleteDependentEntities: false,
  resources: [
    backstageResource("Domain", {}, {}),
    backstageResource("System", {}, { domain: 'relations[type="partOf" and target.kind="domain"][0].target.name' }),
    backstageResource(
      "Resource",
      { type: 'spec.type in ["postgress", "kafka-topic", "rabbit-queue", "s3-bucket"] ? spec.type : null' },
      {},
    ),
    backstageResource(
      "Component",
      { type: 'spec.type in ["service", "library"] ? spec.type : null' },
      {
        system: 'relations[type="partOf" and target.kind="system"][0].target.name',
        resources: '[relations[type="dependsOn" and target.kind="resource"].target.name]',
        components: '[relations[type="dependsOn" and target.kind="component"].target.name]',
        consumesApi: '[relations[type="consumesApi"].target.name]',
      },
    ),
    backstageResource(
      "API",
      { type: 'spec.type = "openapi" ? "Open API" : (spec.type = "grpc" ? "grpc" : null)' },
      { provider: 'relations[type="apiProvidedBy"][0].target.name' },
    ),
  ],
};

const httpJsonMapping = {
  createMissingRelatedEntities: false,
  deleteDependentEntities: false,
  resources: [resource("item", "service", ".id", ".name", { language: ".language" })],
};

const webhookMapping = {
  createMissingRelatedEntities: false,
  deleteDependentEntities: false,
  resources: [
    {
      kind: "event",
      selector: { query: '.type = "service.created" or .type = "service.deleted"' },
      port: {
        entity: { mappings: { identifier: ".service.id", title: ".service.name", blueprint: '"service"', properties: {}, relations: {} } },
      },
      deleteWhen: '.type = "service.deleted"',
    },
  ],
};

/** The mapping a new integration of each type starts from. */
export const DEFAULT_MAPPINGS: Record<IntegrationType, unknown> = {
  "http-json": httpJsonMapping,
  "aws-cloudcontrol": awsMapping,
  backstage: backstageMapping,
  webhook: webhookMapping,
};
