import type { Template } from "../template";
import { actionsIn, reasonInput, selfService } from "./pack-parts";

/**
 * The seed's "Cloud resources" actions on the `cloud-resources` catalog: provision a bucket or a queue,
 * modify a Lambda function or a bucket, and get time-boxed access to a bucket (approved by an admin).
 *
 * A pack of its own rather than part of `cloud-resources`: that template is the catalog an exporter or a
 * sync fills and `npm run dev` applies at start, while actions are opt-in (the template center applies them
 * on request), so teams that only want the inventory do not get self-service they did not ask for.
 */

const action = actionsIn("Cloud resources");
const region = { type: "string", title: "Region", format: "entity", blueprint: "Region", default: "us-east-1" };

export const cloudResourcesActionsPack: Template = {
  name: "cloud-resources-actions",
  title: "Cloud resource actions",
  description: "Provision an S3 bucket or an SQS queue, modify a Lambda function or a bucket, and request time-boxed access to a bucket.",
  kind: "action-pack",
  requires: ["cloud-resources"],
  blueprints: [],
  entities: [],
  actions: [
    action({
      identifier: "provision_s3_bucket",
      title: "Provision an S3 bucket",
      icon: "S3",
      description:
        "Creates a bucket with the company's defaults (encrypted, public access blocked) through the platform's Terraform pipeline.",
      trigger: selfService("CREATE", "S3", {
        properties: {
          name: {
            type: "string",
            title: "Bucket name",
            description: "3 to 63 lowercase letters, digits, dots and dashes; unique across AWS",
            pattern: "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
          },
          region,
          versioning: { type: "string", title: "Versioning", enum: ["Enabled", "Suspended"], default: "Enabled" },
          encryption: { type: "string", title: "Encryption", enum: ["aws:kms", "AES256"], default: "aws:kms" },
          kmsKeyArn: {
            type: "string",
            title: "KMS key ARN",
            description: "Leave empty for the account's default key",
            pattern: "^arn:aws:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]{36}$",
            visible: { jqQuery: '.form.encryption == "aws:kms"' },
            dependsOn: ["encryption"],
          },
          blockPublicAccess: { type: "boolean", title: "Block public access", default: true },
        },
        required: ["name", "region", "versioning", "encryption"],
        steps: [
          { title: "Bucket", order: ["name", "region"] },
          { title: "Protection", order: ["versioning", "encryption", "kmsKeyArn", "blockPublicAccess"] },
        ],
      }),
    }),
    action({
      identifier: "provision_sqs_queue",
      title: "Provision an SQS queue",
      icon: "SQS",
      description: "Creates a queue, optionally FIFO, with its retention and visibility timeout.",
      trigger: selfService("CREATE", "SQS", {
        properties: {
          name: {
            type: "string",
            title: "Queue name",
            description: "Letters, digits, dashes and underscores; a FIFO queue's name gets the .fifo suffix",
            pattern: "^[A-Za-z0-9_-]{1,75}$",
          },
          region,
          fifo: { type: "boolean", title: "FIFO (ordered, exactly once)", default: false },
          contentDeduplication: {
            type: "boolean",
            title: "Content-based deduplication",
            default: true,
            visible: { jqQuery: ".form.fifo == true" },
            dependsOn: ["fifo"],
          },
          visibilityTimeout: { type: "number", title: "Visibility timeout (s)", default: 30, minimum: 0, maximum: 43200 },
          retentionDays: { type: "number", title: "Retention (days)", default: 4, minimum: 1, maximum: 14 },
        },
        required: ["name", "region", "visibilityTimeout", "retentionDays"],
      }),
    }),
    action({
      identifier: "modify_lambda_function",
      title: "Modify a Lambda function",
      icon: "Lambda",
      description: "Changes the function's memory, timeout or architecture; the form starts from its current settings.",
      trigger: selfService("DAY-2", "Lambda", {
        properties: {
          memorySize: {
            type: "number",
            title: "Memory (MB)",
            minimum: 128,
            maximum: 10240,
            default: { jqQuery: ".entity.properties.memorySize" },
          },
          timeout: { type: "number", title: "Timeout (s)", minimum: 1, maximum: 900, default: { jqQuery: ".entity.properties.timeout" } },
          architecture: {
            type: "string",
            title: "Architecture",
            enum: ["x86_64", "arm64"],
            default: { jqQuery: ".entity.properties.architecture" },
          },
          reason: reasonInput,
        },
        required: ["memorySize", "timeout", "architecture", "reason"],
      }),
    }),
    action({
      identifier: "modify_s3_bucket",
      title: "Modify an S3 bucket",
      icon: "S3",
      description: "Changes the bucket's versioning and public-access block.",
      trigger: selfService("DAY-2", "S3", {
        properties: {
          versioning: {
            type: "string",
            title: "Versioning",
            enum: ["Enabled", "Suspended"],
            default: { jqQuery: ".entity.properties.versioning" },
          },
          blockPublicAccess: {
            type: "boolean",
            title: "Block public access",
            default: { jqQuery: ".entity.properties.publicAccessBlocked" },
          },
          reason: reasonInput,
        },
        required: ["versioning", "reason"],
      }),
    }),
    action({
      identifier: "request_bucket_access",
      title: "Get access to a bucket",
      icon: "Lock",
      description: "Grants you read or write access to the bucket for a few hours. An admin approves first.",
      trigger: selfService("DAY-2", "S3", {
        properties: {
          access: { type: "string", title: "Access", enum: ["read", "write"], default: "read" },
          hours: { type: "number", title: "For how long (hours)", default: 4, minimum: 1, maximum: 72 },
          justification: { ...reasonInput, title: "Justification" },
        },
        required: ["access", "hours", "justification"],
      }),
      requiredApproval: true,
    }),
  ],
};
