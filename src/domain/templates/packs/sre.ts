import type { Template } from "../template";
import { actionsIn, reasonInput, selfService, where } from "./pack-parts";

/**
 * The seed's SRE actions: update a Kubernetes workload's pod count, update an auto-scaling group, and run
 * an incident runbook. Workloads and auto-scaling groups run the `sdlc` template's components (and groups
 * live in a `cloud-resources` Region); runbooks belong to a component.
 */

const action = actionsIn("SRE");
const component = { title: "Component", target: "Component", required: false, many: false };
const INSTANCE_TYPES = ["t3.medium", "t3.large", "m6i.large", "m6i.xlarge", "c6i.xlarge"];

export const srePack: Template = {
  name: "sre",
  title: "SRE actions",
  description:
    "Kubernetes workloads, auto-scaling groups and runbooks, with actions to change pod counts, resize groups and run a runbook.",
  kind: "action-pack",
  requires: ["sdlc", "cloud-resources"],
  blueprints: [
    {
      identifier: "Workload",
      title: "K8s workload",
      icon: "Cluster",
      description: "A Kubernetes Deployment running a component.",
      schema: {
        properties: {
          cluster: { title: "Cluster", type: "string" },
          namespace: { title: "Namespace", type: "string" },
          image: { title: "Image", type: "string" },
          replicas: { title: "Replicas", type: "number", minimum: 0 },
          health: {
            title: "Health",
            type: "string",
            enum: ["Healthy", "Degraded", "Down"],
            enumColors: { Healthy: "green", Degraded: "orange", Down: "red" },
          },
        },
        required: [],
      },
      relations: { component },
    },
    {
      identifier: "AutoScalingGroup",
      title: "Auto-scaling group",
      icon: "AWS",
      description: "An EC2 auto-scaling group, with the bounds it scales within.",
      schema: {
        properties: {
          minSize: { title: "Minimum size", type: "number", minimum: 0 },
          maxSize: { title: "Maximum size", type: "number", minimum: 0 },
          desiredCapacity: { title: "Desired capacity", type: "number", minimum: 0 },
          instanceType: { title: "Instance type", type: "string", enum: INSTANCE_TYPES },
        },
        required: [],
      },
      relations: { component, region: { title: "Region", target: "Region", required: false, many: false } },
    },
    {
      identifier: "Runbook",
      title: "Runbook",
      icon: "Book",
      description: "What to do when an incident hits a component; automated runbooks can be run from the portal.",
      schema: {
        properties: {
          automated: { title: "Automated", type: "boolean", default: false },
          link: { title: "Document", type: "string", format: "url" },
          steps: { title: "Steps", type: "string", format: "markdown" },
        },
        required: [],
      },
      relations: { component },
    },
  ],
  entities: [
    {
      blueprint: "Workload",
      entity: {
        identifier: "cart-service-prod",
        title: "cart-service (production)",
        properties: {
          cluster: "prod-eu",
          namespace: "cart",
          image: "registry.example.com/cart-service:1.8.2",
          replicas: 3,
          health: "Healthy",
        },
        relations: { component: "CartService" },
      },
    },
    {
      blueprint: "Workload",
      entity: {
        identifier: "products-service-prod",
        title: "products-service (production)",
        properties: {
          cluster: "prod-eu",
          namespace: "products",
          image: "registry.example.com/products-service:2.3.0",
          replicas: 2,
          health: "Degraded",
        },
        relations: { component: "ProductsService" },
      },
    },
    {
      blueprint: "AutoScalingGroup",
      entity: {
        identifier: "cart-workers",
        title: "cart-workers",
        properties: { minSize: 2, maxSize: 10, desiredCapacity: 4, instanceType: "m6i.large" },
        relations: { component: "CartService", region: "us-east-1" },
      },
    },
    {
      blueprint: "Runbook",
      entity: {
        identifier: "cart-db-failover",
        title: "Cart database failover",
        properties: {
          automated: true,
          link: "https://wiki.example.com/runbooks/cart-db-failover",
          steps: "1. Promote the replica\n2. Repoint `cart-service`\n3. Rebuild the old primary as a replica",
        },
        relations: { component: "CartService" },
      },
    },
    {
      blueprint: "Runbook",
      entity: {
        identifier: "products-cache-flush",
        title: "Products cache flush",
        properties: { automated: false, link: "https://wiki.example.com/runbooks/products-cache-flush" },
        relations: { component: "ProductsService" },
      },
    },
  ],
  actions: [
    action({
      identifier: "update_pod_count",
      title: "Update pod count",
      icon: "Cluster",
      description: "Scales the workload to a number of pods (0 stops it).",
      trigger: selfService("DAY-2", "Workload", {
        properties: {
          replicas: { type: "number", title: "Pods", minimum: 0, maximum: 50, default: { jqQuery: ".entity.properties.replicas" } },
          reason: reasonInput,
        },
        required: ["replicas", "reason"],
      }),
    }),
    action({
      identifier: "update_auto_scaling_group",
      title: "Update auto-scaling group",
      icon: "AWS",
      description: "Changes the group's bounds, desired capacity and instance type; the form starts from the current values.",
      trigger: selfService("DAY-2", "AutoScalingGroup", {
        properties: {
          minSize: {
            type: "number",
            title: "Minimum size",
            minimum: 0,
            maximum: 100,
            default: { jqQuery: ".entity.properties.minSize" },
          },
          maxSize: {
            type: "number",
            title: "Maximum size",
            minimum: 1,
            maximum: 200,
            default: { jqQuery: ".entity.properties.maxSize" },
          },
          desiredCapacity: {
            type: "number",
            title: "Desired capacity",
            description: "Between the minimum and the maximum size",
            minimum: 0,
            maximum: 200,
            default: { jqQuery: ".entity.properties.desiredCapacity" },
          },
          instanceType: {
            type: "string",
            title: "Instance type",
            enum: INSTANCE_TYPES,
            default: { jqQuery: ".entity.properties.instanceType" },
          },
          reason: reasonInput,
        },
        required: ["minSize", "maxSize", "desiredCapacity", "instanceType", "reason"],
        steps: [
          { title: "Capacity", order: ["minSize", "maxSize", "desiredCapacity"] },
          { title: "Instances", order: ["instanceType", "reason"] },
        ],
      }),
    }),
    action({
      identifier: "run_incident_runbook",
      title: "Execute incident runbook",
      icon: "Alert",
      description: "Runs the runbook's automation against a live incident, or rehearses it (dry run).",
      trigger: selfService(
        "DAY-2",
        "Runbook",
        {
          properties: {
            incident: { type: "string", title: "Incident", description: "The incident's id, e.g. INC-1042", pattern: "^INC-[0-9]{3,8}$" },
            severity: { type: "string", title: "Severity", enum: ["SEV1", "SEV2", "SEV3", "SEV4"], default: "SEV3" },
            dryRun: { type: "boolean", title: "Dry run (log the steps, change nothing)", default: true },
            notifyChannel: {
              type: "string",
              title: "Slack channel to update",
              description: "Required for SEV1 and SEV2",
              pattern: "^#[a-z0-9_-]{1,79}$",
              required: { jqQuery: '.form.severity == "SEV1" or .form.severity == "SEV2"' },
              dependsOn: ["severity"],
            },
          },
          required: ["incident", "severity"],
        },
        where("automated", "=", true),
      ),
    }),
  ],
};
