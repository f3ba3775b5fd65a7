import { adminsMayExecute } from "../example-backend";
import type { Template } from "../template";
import { actionsIn, reasonInput, selfService } from "./pack-parts";

/**
 * The seed's back-office actions on a Customer blueprint: create and delete customers, change a customer's
 * configuration, update the software version they run, and upgrade or downgrade their plan. Plan changes
 * and deletes touch billing, so an admin approves them (and only admins may delete).
 */

const action = actionsIn("Back office");
const PLANS = ["free", "team", "business", "enterprise"];
const VERSIONS = ["2026.09", "2026.10", "2026.11"];

export const backOfficePack: Template = {
  name: "back-office",
  title: "Back-office actions",
  description: "Customers with their plan, seats and configuration, and actions to create, configure, upgrade, change plan or delete them.",
  kind: "action-pack",
  blueprints: [
    {
      identifier: "Customer",
      title: "Customer",
      icon: "Customer",
      description: "A customer account of the product.",
      schema: {
        properties: {
          plan: {
            title: "Plan",
            type: "string",
            enum: PLANS,
            enumColors: { free: "lightGray", team: "blue", business: "purple", enterprise: "gold" },
          },
          seats: { title: "Seats", type: "number", minimum: 1 },
          region: { title: "Data region", type: "string", enum: ["us", "eu", "apac"] },
          softwareVersion: { title: "Software version", type: "string" },
          accountManager: { title: "Account manager", type: "string", format: "email" },
          configuration: { title: "Configuration", type: "object" },
        },
        required: [],
      },
      relations: {},
    },
  ],
  entities: [
    {
      blueprint: "Customer",
      entity: {
        identifier: "acme",
        title: "Acme Corp",
        properties: {
          plan: "enterprise",
          seats: 450,
          region: "us",
          softwareVersion: "2026.11",
          accountManager: "dana@example.com",
          configuration: { ssoEnforced: true, apiRateLimit: 5000, auditLogRetentionDays: 365 },
        },
        relations: {},
      },
    },
    {
      blueprint: "Customer",
      entity: {
        identifier: "globex",
        title: "Globex",
        properties: {
          plan: "team",
          seats: 25,
          region: "eu",
          softwareVersion: "2026.09",
          accountManager: "lee@example.com",
          configuration: { ssoEnforced: false, apiRateLimit: 600, auditLogRetentionDays: 30 },
        },
        relations: {},
      },
    },
    {
      blueprint: "Customer",
      entity: {
        identifier: "initech",
        title: "Initech",
        properties: { plan: "free", seats: 3, region: "us", softwareVersion: "2026.10", configuration: {} },
        relations: {},
      },
    },
  ],
  actions: [
    action({
      identifier: "create_customer",
      title: "Create customer",
      icon: "Customer",
      description: "Opens an account: tenant, billing record and the customer entity.",
      trigger: selfService("CREATE", "Customer", {
        properties: {
          identifier: { type: "string", title: "Account id", description: "Lowercase, used in URLs", pattern: "^[a-z][a-z0-9-]{1,40}$" },
          name: { type: "string", title: "Company name", minLength: 2, maxLength: 120 },
          plan: { type: "string", title: "Plan", enum: PLANS, default: "team" },
          seats: {
            type: "number",
            title: "Seats",
            minimum: 1,
            maximum: 100_000,
            default: 10,
            visible: { jqQuery: '.form.plan != "free"' },
            dependsOn: ["plan"],
          },
          region: { type: "string", title: "Data region", enum: ["us", "eu", "apac"], default: "us" },
          accountManager: { type: "string", title: "Account manager", format: "email" },
        },
        required: ["identifier", "name", "plan", "region"],
      }),
    }),
    action({
      identifier: "change_customer_configuration",
      title: "Change customer configuration",
      icon: "Settings",
      description: "Changes the customer's SSO enforcement, API rate limit and audit-log retention.",
      trigger: selfService("DAY-2", "Customer", {
        properties: {
          ssoEnforced: {
            type: "boolean",
            title: "Enforce SSO",
            default: { jqQuery: "entity.properties.configuration.ssoEnforced = true" },
          },
          apiRateLimit: {
            type: "number",
            title: "API rate limit (requests per minute)",
            minimum: 60,
            maximum: 100_000,
            default: {
              jqQuery: "$exists(entity.properties.configuration.apiRateLimit) ? entity.properties.configuration.apiRateLimit : 600",
            },
          },
          auditLogRetentionDays: {
            type: "number",
            title: "Audit-log retention (days)",
            enum: [30, 90, 365],
            default: {
              jqQuery:
                "$exists(entity.properties.configuration.auditLogRetentionDays) ? entity.properties.configuration.auditLogRetentionDays : 30",
            },
          },
          reason: reasonInput,
        },
        required: ["ssoEnforced", "apiRateLimit", "auditLogRetentionDays", "reason"],
      }),
    }),
    action({
      identifier: "update_customer_software_version",
      title: "Update customer software version",
      icon: "Update",
      description: "Moves the customer's tenant to another release in a maintenance window.",
      trigger: selfService("DAY-2", "Customer", {
        properties: {
          version: { type: "string", title: "Release", enum: VERSIONS, default: VERSIONS.at(-1) },
          window: { type: "string", title: "Maintenance window", enum: ["now", "tonight", "weekend"], default: "tonight" },
        },
        required: ["version", "window"],
      }),
    }),
    action({
      identifier: "change_plan_tier",
      title: "Upgrade or downgrade plan",
      icon: "Billing",
      description: "Moves the customer to another plan from a date; billing changes with it, so an admin approves first.",
      trigger: selfService("DAY-2", "Customer", {
        properties: {
          plan: {
            type: "string",
            title: "New plan",
            description: "Any plan but the current one",
            enum: { jqQuery: `${JSON.stringify(PLANS)}[$ != $$.entity.properties.plan or $not($exists($$.entity.properties.plan))]` },
          },
          seats: {
            type: "number",
            title: "Seats",
            minimum: 1,
            maximum: 100_000,
            default: { jqQuery: "entity.properties.seats" },
            visible: { jqQuery: '.form.plan != "free"' },
            dependsOn: ["plan"],
          },
          effectiveFrom: { type: "string", title: "Effective from", format: "date-time" },
          reason: reasonInput,
        },
        required: ["plan", "effectiveFrom", "reason"],
      }),
      requiredApproval: true,
    }),
    action({
      identifier: "delete_customer",
      title: "Delete customer",
      icon: "Delete",
      description:
        "Closes the account, optionally exporting its data first, and removes the customer. Admins only, approved by a second admin.",
      trigger: selfService("DELETE", "Customer", {
        properties: {
          exportData: { type: "boolean", title: "Export the customer's data first", default: true },
          reason: reasonInput,
        },
        required: ["reason"],
      }),
      requiredApproval: true,
      permissions: adminsMayExecute(),
    }),
  ],
};
