import { EXAMPLE_BACKEND_URL, exampleWebhook, membersMayExecute } from "./example-backend";
import type { Template } from "./template";

/**
 * Temporary developer environments with a TTL (Port's "TTL for consumed actions" guardrail): a developer
 * provisions an environment for a few days, may extend it up to the platform team's maximum, and it is torn
 * down when its `expiresAt` timer expires. The webhooks point at the example backend (examples/backend,
 * `npm run example:backend` on :8788), which creates the entity on provision and reports teardowns; an
 * automation then deletes the entity once a teardown run succeeded, so the whole loop runs locally.
 *
 * Expressions that start with a function (`$fromMillis(…)`) are written in plain JSONata paths
 * (`inputs.ttl`, not `.inputs.ttl`): the jq rewrite is applied only to expressions that start with `.` or
 * use `==` / `then`, so `.inputs.ttl` inside `$fromMillis(…)` would not compile.
 */

const DAY_MS = 86_400_000;
/** The longest an environment may live from now: the cap "Extend TTL" enforces (and `ttl`'s maximum). */
const MAX_TTL_DAYS = 14;
/** What one "Extend TTL" adds. */
const EXTEND_DAYS = 3;
const category = "Developer environments";

/** The body the backend gets for a teardown, from the "Tear down now" action or the expiry automation. */
function teardownBody(action: string, reason: string): Record<string, unknown> {
  return { action, run: { id: "{{ .run.id }}" }, blueprint: "environment", environment: "{{ .entity.identifier }}", reason };
}

/** Deletes the environment of a teardown run once that run succeeded (for runs of `actionIdentifier`). */
function deleteAfterTeardown(identifier: string, actionIdentifier: string, title: string): Record<string, unknown> {
  return {
    identifier,
    title,
    description: "When a teardown run ends in SUCCESS, deletes the environment it tore down.",
    trigger: {
      type: "automation",
      event: { type: "RUN_UPDATED", actionIdentifier },
      condition: { type: "JQ", expressions: ['.diff.after.status == "SUCCESS"'], combinator: "and" },
    },
    // Run events carry no blueprint: name it; the entity is the teardown run's entity.
    invocationMethod: { type: "DELETE_ENTITY", blueprintIdentifier: "environment" },
    publish: true,
  };
}

export const devEnvironmentsTemplate: Template = {
  name: "dev-environments",
  title: "Temporary developer environments",
  description:
    "An environment blueprint with a TTL timer: provision, extend (capped at 14 days), invite, tear down — and automatic teardown on expiry.",
  blueprints: [
    {
      identifier: "environment",
      title: "Environment",
      icon: "Environment",
      description: "A temporary developer environment. It is torn down when `expiresAt` passes.",
      schema: {
        properties: {
          owner: { title: "Owner", type: "string", format: "user" },
          branch: { title: "Branch", type: "string" },
          url: { title: "URL", type: "string", format: "url" },
          expiresAt: { title: "Expires", type: "string", format: "timer" },
          status: {
            title: "Status",
            type: "string",
            enum: ["provisioning", "running", "tearing-down"],
            enumColors: { provisioning: "blue", running: "green", "tearing-down": "orange" },
          },
        },
        required: [],
      },
      mirrorProperties: {},
      calculationProperties: {},
      relations: {},
    },
  ],
  // Shared, long-lived environments: no expiresAt (a template is static, so it cannot say "in 3 days").
  entities: [
    {
      blueprint: "environment",
      entity: {
        identifier: "shared-qa",
        title: "Shared QA",
        properties: { owner: "platform@example.com", branch: "main", url: "http://shared-qa.dev.localhost", status: "running" },
        relations: {},
      },
    },
    {
      blueprint: "environment",
      entity: {
        identifier: "release-candidate",
        title: "Release candidate",
        properties: {
          owner: "platform@example.com",
          branch: "release/next",
          url: "http://release-candidate.dev.localhost",
          status: "running",
        },
        relations: {},
      },
    },
  ],
  actions: [
    {
      identifier: "provision_devenv",
      title: "Provision temporary DevEnv",
      icon: "Environment",
      description: `Creates an environment from a branch for a number of days (at most ${MAX_TTL_DAYS}); it is torn down when it expires.`,
      category,
      trigger: {
        type: "self-service",
        operation: "CREATE",
        blueprintIdentifier: "environment",
        userInputs: {
          properties: {
            name: {
              type: "string",
              title: "Name",
              description: "Lowercase letters, digits and dashes; the environment's identifier and host name",
              pattern: "^[a-z][a-z0-9-]{1,30}$",
            },
            branch: { type: "string", title: "Branch", default: "main", minLength: 1, maxLength: 200 },
            ttl: {
              type: "number",
              title: "Time to live (days)",
              description: `Extend it later, up to ${MAX_TTL_DAYS} days from then`,
              default: 5,
              minimum: 1,
              maximum: MAX_TTL_DAYS,
            },
          },
          required: ["name", "branch", "ttl"],
          order: ["name", "branch", "ttl"],
        },
      },
      invocationMethod: {
        type: "WEBHOOK",
        url: EXAMPLE_BACKEND_URL,
        // From the run's start (not the delivery's time), so a retried delivery carries the same expiry.
        body: {
          action: "provision_devenv",
          run: { id: "{{ .run.id }}" },
          blueprint: "environment",
          environment: "{{ .inputs.name }}",
          owner: "{{ .trigger.by.email }}",
          expiresAt: `{{ $fromMillis($toMillis(trigger.at) + inputs.ttl * ${DAY_MS}) }}`,
          inputs: "{{ .inputs }}",
        },
      },
      permissions: membersMayExecute(),
    },
    {
      identifier: "extend_devenv_ttl",
      title: "Extend TTL",
      icon: "Clock",
      description: `Adds ${EXTEND_DAYS} days to the environment's expiry, but never beyond ${MAX_TTL_DAYS} days from now.`,
      category,
      trigger: {
        type: "self-service",
        operation: "DAY-2",
        blueprintIdentifier: "environment",
        userInputs: { properties: {}, required: [] },
        condition: { type: "SEARCH", combinator: "and", rules: [{ property: "expiresAt", operator: "isNotEmpty" }] },
      },
      invocationMethod: {
        type: "UPSERT_ENTITY",
        blueprintIdentifier: "environment",
        mapping: {
          properties: {
            expiresAt: `{{ $fromMillis($min([$toMillis(entity.properties.expiresAt) + ${EXTEND_DAYS * DAY_MS}, $millis() + ${MAX_TTL_DAYS * DAY_MS}])) }}`,
          },
        },
      },
      permissions: membersMayExecute(),
    },
    {
      identifier: "invite_devenv_developer",
      title: "Invite developer",
      icon: "User",
      description: "Gives another developer access to the environment.",
      category,
      trigger: {
        type: "self-service",
        operation: "DAY-2",
        blueprintIdentifier: "environment",
        userInputs: {
          properties: { developer: { type: "string", title: "Developer", format: "user" } },
          required: ["developer"],
        },
      },
      invocationMethod: exampleWebhook(),
      permissions: membersMayExecute(),
    },
    {
      identifier: "teardown_devenv",
      title: "Tear down now",
      icon: "Delete",
      description: "Tears the environment down before it expires; the entity is deleted once the backend reports success.",
      category,
      trigger: {
        type: "self-service",
        operation: "DELETE",
        blueprintIdentifier: "environment",
        userInputs: { properties: {}, required: [] },
      },
      invocationMethod: {
        type: "WEBHOOK",
        url: EXAMPLE_BACKEND_URL,
        body: teardownBody("teardown_devenv", "requested by {{ .trigger.by.email }}"),
      },
      permissions: membersMayExecute(),
    },
  ],
  automations: [
    {
      identifier: "devenv_expired_teardown",
      title: "Tear down expired environments",
      description: "When an environment's expiresAt passes, asks the backend to tear it down.",
      trigger: {
        type: "automation",
        event: { type: "TIMER_PROPERTY_EXPIRED", blueprintIdentifier: "environment", propertyIdentifier: "expiresAt" },
      },
      invocationMethod: {
        type: "WEBHOOK",
        url: EXAMPLE_BACKEND_URL,
        body: { ...teardownBody("devenv_expired_teardown", "expired"), expiredAt: "{{ .entity.properties.expiresAt }}" },
      },
      publish: true,
    },
    deleteAfterTeardown("devenv_delete_after_teardown", "devenv_expired_teardown", "Delete environments after their expiry teardown"),
    deleteAfterTeardown("devenv_delete_after_manual_teardown", "teardown_devenv", "Delete environments after “Tear down now”"),
  ],
};
