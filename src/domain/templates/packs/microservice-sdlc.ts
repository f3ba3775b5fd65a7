import type { Template } from "../template";
import { actionsIn, reasonInput, selfService, where } from "./pack-parts";

/**
 * The seed's "Microservices SDLC" actions on the `sdlc` template's Component: scaffold a service, deploy it
 * (canary or blue-green), feature flags, revert, lock deployments, secrets, environment variables and
 * package upgrades. Feature flags get a small blueprint of their own, related to the component they gate.
 */

const action = actionsIn("Microservice SDLC");
const ENVIRONMENTS = ["staging", "production"];
const onServices = where("type", "=", "service");
const environment = { type: "string", title: "Environment", enum: ENVIRONMENTS, default: "staging" };
/** A version or image tag: 1.4.2, v1.4.2, 1.4.2-rc.1. */
const VERSION = "^v?[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$";
/** Environment variable and secret names, as the platform's deploy tooling accepts them. */
const VARIABLE_NAME = "^[A-Z][A-Z0-9_]{1,63}$";
const FRAMEWORKS =
  '{"go": ["gin", "chi", "stdlib"], "typescript": ["hono", "express", "nestjs"], "python": ["fastapi", "flask", "django"]}';

export const microserviceSdlcPack: Template = {
  name: "microservice-sdlc",
  title: "Microservice SDLC actions",
  description:
    "Scaffold a service, deploy canary or blue-green, feature flags, revert, lock deployments, add a secret or an environment variable, upgrade a package.",
  kind: "action-pack",
  requires: ["sdlc"],
  blueprints: [
    {
      identifier: "FeatureFlag",
      title: "Feature flag",
      icon: "Toggle",
      description: "A flag that gates a feature of one component, per environment.",
      schema: {
        properties: {
          key: { title: "Key", type: "string", pattern: "^[a-z][a-z0-9-]{1,60}$" },
          environment: { title: "Environment", type: "string", enum: ENVIRONMENTS },
          enabled: { title: "Enabled", type: "boolean", default: false },
          rollout: { title: "Rollout (%)", type: "number", minimum: 0, maximum: 100 },
          description: { title: "Description", type: "string", format: "markdown" },
        },
        required: ["key"],
      },
      relations: { component: { title: "Component", target: "Component", required: false, many: false } },
    },
  ],
  entities: [
    {
      blueprint: "FeatureFlag",
      entity: {
        identifier: "cart-one-click-checkout",
        title: "One-click checkout",
        properties: { key: "one-click-checkout", environment: "production", enabled: true, rollout: 25 },
        relations: { component: "CartService" },
      },
    },
    {
      blueprint: "FeatureFlag",
      entity: {
        identifier: "products-recommendations",
        title: "Product recommendations",
        properties: { key: "recommendations", environment: "staging", enabled: false, rollout: 0 },
        relations: { component: "ProductsService" },
      },
    },
  ],
  actions: [
    action({
      identifier: "scaffold_microservice",
      title: "Scaffold a microservice",
      icon: "Microservice",
      description: "Creates a repository from the golden path for the chosen language and framework, with CI, and registers the service.",
      trigger: selfService("CREATE", "Component", {
        properties: {
          name: {
            type: "string",
            title: "Service name",
            description: "Lowercase letters, digits and dashes; the repository and the component get this name",
            pattern: "^[a-z][a-z0-9-]{2,40}$",
          },
          language: { type: "string", title: "Language", enum: ["go", "typescript", "python"], default: "go" },
          framework: {
            type: "string",
            title: "Framework",
            enum: { jqQuery: `$lookup(${FRAMEWORKS}, form.language)` },
            default: { jqQuery: `$lookup(${FRAMEWORKS}, form.language)[0]` },
            dependsOn: ["language"],
          },
          system: { type: "string", title: "System", format: "entity", blueprint: "System" },
          owner: { type: "string", title: "Owning team", format: "team" },
          database: { type: "boolean", title: "Needs a database", default: false },
          databaseEngine: {
            type: "string",
            title: "Database engine",
            enum: ["postgres", "mysql", "dynamodb"],
            default: "postgres",
            visible: { jqQuery: ".form.database == true" },
            dependsOn: ["database"],
          },
        },
        required: ["name", "language", "framework", "system"],
        steps: [
          { title: "Service", order: ["name", "language", "framework"] },
          { title: "Ownership", order: ["system", "owner"] },
          { title: "Resources", order: ["database", "databaseEngine"] },
        ],
      }),
    }),
    action({
      identifier: "deploy_service",
      title: "Deploy",
      icon: "Deployment",
      description: "Deploys a version with a canary (a slice of traffic first) or blue-green (a full switch) rollout.",
      trigger: selfService(
        "DAY-2",
        "Component",
        {
          properties: {
            version: { type: "string", title: "Version or image tag", pattern: VERSION },
            environment,
            strategy: { type: "string", title: "Strategy", enum: ["canary", "blue-green"], default: "canary" },
            canaryPercent: {
              type: "number",
              title: "Canary traffic (%)",
              description: "The slice of traffic the new version gets before it is promoted",
              default: 10,
              minimum: 1,
              maximum: 50,
              visible: { jqQuery: '.form.strategy == "canary"' },
              dependsOn: ["strategy"],
            },
            autoPromote: {
              type: "boolean",
              title: "Promote automatically when healthy",
              default: true,
              visible: { jqQuery: '.form.strategy == "canary"' },
              dependsOn: ["strategy"],
            },
          },
          required: ["version", "environment", "strategy"],
          order: ["version", "environment", "strategy", "canaryPercent", "autoPromote"],
        },
        onServices,
      ),
    }),
    action({
      identifier: "revert_deployment",
      title: "Revert",
      icon: "Rollback",
      description: "Rolls the service back to an earlier version. An admin approves first.",
      trigger: selfService(
        "DAY-2",
        "Component",
        {
          properties: {
            environment: { ...environment, default: "production" },
            toVersion: { type: "string", title: "Revert to version", pattern: VERSION },
            reason: reasonInput,
          },
          required: ["environment", "toVersion", "reason"],
        },
        onServices,
      ),
      requiredApproval: true,
    }),
    action({
      identifier: "lock_deployments",
      title: "Lock deployments",
      icon: "Lock",
      description:
        "Stops every deployment of the service to the chosen environments until a time (a freeze during an incident or a release).",
      trigger: selfService(
        "DAY-2",
        "Component",
        {
          properties: {
            environments: {
              type: "array",
              title: "Environments",
              items: { type: "string", enum: ENVIRONMENTS },
              minItems: 1,
              default: ["production"],
            },
            until: { type: "string", title: "Locked until", format: "date-time" },
            reason: reasonInput,
          },
          required: ["environments", "until", "reason"],
        },
        onServices,
      ),
      requiredApproval: true,
    }),
    action({
      identifier: "add_service_secret",
      title: "Add secret",
      icon: "Key",
      description: "Stores a secret in the service's vault path; the portal keeps the value encrypted and never shows it.",
      trigger: selfService(
        "DAY-2",
        "Component",
        {
          properties: {
            name: { type: "string", title: "Name", pattern: VARIABLE_NAME, description: "Upper case, e.g. STRIPE_API_KEY" },
            value: { type: "string", title: "Value", encryption: "aes256-gcm", minLength: 1, maxLength: 4096 },
            environment,
          },
          required: ["name", "value", "environment"],
        },
        onServices,
      ),
    }),
    action({
      identifier: "add_environment_variable",
      title: "Add environment variable",
      icon: "Variable",
      description: "Adds (or replaces) a plain environment variable of the service and optionally restarts it.",
      trigger: selfService(
        "DAY-2",
        "Component",
        {
          properties: {
            name: { type: "string", title: "Name", pattern: VARIABLE_NAME },
            value: { type: "string", title: "Value", maxLength: 4096 },
            environment: { type: "string", title: "Environment", enum: ["all", ...ENVIRONMENTS], default: "all" },
            restart: { type: "boolean", title: "Restart the service afterwards", default: false },
          },
          required: ["name", "value", "environment"],
        },
        onServices,
      ),
    }),
    action({
      identifier: "upgrade_package_version",
      title: "Upgrade package version",
      icon: "Package",
      description: "Opens a pull request that bumps one dependency of the component (services and libraries).",
      trigger: selfService("DAY-2", "Component", {
        properties: {
          ecosystem: { type: "string", title: "Ecosystem", enum: ["npm", "go", "pip"], default: "npm" },
          package: { type: "string", title: "Package", pattern: "^[@A-Za-z0-9][A-Za-z0-9._/@-]{0,213}$" },
          version: { type: "string", title: "Target version", pattern: VERSION },
          autoMerge: { type: "boolean", title: "Merge automatically when checks pass", default: false },
        },
        required: ["ecosystem", "package", "version"],
      }),
    }),
    action({
      identifier: "create_feature_flag",
      title: "Create feature flag",
      icon: "Toggle",
      description: "Creates a flag for a service, off by default.",
      trigger: selfService("CREATE", "FeatureFlag", {
        properties: {
          key: { type: "string", title: "Key", pattern: "^[a-z][a-z0-9-]{1,60}$" },
          component: {
            type: "string",
            title: "Service",
            format: "entity",
            blueprint: "Component",
            dataset: { combinator: "and", rules: [{ property: "type", operator: "=", value: "service" }] },
          },
          environment,
          description: { type: "string", title: "What it gates", format: "markdown" },
        },
        required: ["key", "component", "environment"],
      }),
    }),
    action({
      identifier: "toggle_feature_flag",
      title: "Change feature flag",
      icon: "Toggle",
      description: "Turns the flag on or off and sets how much traffic sees it.",
      trigger: selfService("DAY-2", "FeatureFlag", {
        properties: {
          enabled: { type: "boolean", title: "Enabled", default: { jqQuery: ".entity.properties.enabled" } },
          rollout: {
            type: "number",
            title: "Rollout (%)",
            minimum: 1,
            maximum: 100,
            default: { jqQuery: "entity.properties.rollout > 0 ? entity.properties.rollout : 100" },
            visible: { jqQuery: ".form.enabled == true" },
            dependsOn: ["enabled"],
          },
        },
        required: ["enabled"],
      }),
    }),
  ],
};
