import type { Template } from "./template";

/**
 * Scorecard templates on a `service` blueprint that carries what they measure: production readiness, ownership,
 * and DORA-style delivery performance. Demo services land at different levels so the pages have something to show.
 */

const rule = (identifier: string, title: string, level: string, conditions: unknown[], weight = 1) => ({
  identifier,
  title,
  level,
  weight,
  query: { combinator: "and", conditions },
});

const LEVELS = [
  { title: "Basic", color: "paleBlue" },
  { title: "Bronze", color: "bronze" },
  { title: "Silver", color: "silver" },
  { title: "Gold", color: "gold" },
];

export const serviceScorecardsTemplate: Template = {
  name: "service-scorecards",
  title: "Service scorecards",
  description: "A service blueprint with production-readiness, ownership and DORA scorecards, and demo services.",
  blueprints: [
    {
      identifier: "service",
      title: "Service",
      icon: "Service",
      schema: {
        properties: {
          onCall: { type: "string", format: "user", title: "On-call" },
          runbook: { type: "string", format: "url", title: "Runbook" },
          lifecycle: { type: "string", title: "Lifecycle", enum: ["experimental", "production", "deprecated"] },
          replicas: { type: "number", title: "Replicas" },
          minReplicas: { type: "number", title: "Minimum replicas" },
          deploysPerWeek: { type: "number", title: "Deploys per week" },
          leadTimeHours: { type: "number", title: "Lead time (hours)" },
          changeFailureRate: { type: "number", title: "Change failure rate (%)" },
          restoreHours: { type: "number", title: "Time to restore (hours)" },
        },
        required: [],
      },
      mirrorProperties: {},
      calculationProperties: {},
      aggregationProperties: {},
      relations: {},
    },
  ],
  entities: [
    {
      blueprint: "service",
      entity: {
        identifier: "checkout",
        title: "Checkout",
        properties: {
          runbook: "https://wiki.example.com/checkout",
          lifecycle: "production",
          replicas: 3,
          minReplicas: 2,
          deploysPerWeek: 12,
          leadTimeHours: 6,
          changeFailureRate: 4,
          restoreHours: 1,
        },
      },
    },
    {
      blueprint: "service",
      entity: {
        identifier: "search",
        title: "Search",
        properties: { lifecycle: "production", replicas: 1, minReplicas: 2, deploysPerWeek: 2, leadTimeHours: 72 },
      },
    },
    { blueprint: "service", entity: { identifier: "labs", title: "Labs", properties: { lifecycle: "experimental" } } },
  ],
  scorecards: [
    {
      blueprint: "service",
      scorecard: {
        identifier: "production_readiness",
        title: "Production readiness",
        filter: { combinator: "and", conditions: [{ property: "lifecycle", operator: "!=", value: "deprecated" }] },
        levels: LEVELS,
        rules: [
          rule("has_owner", "Has an owner team", "Bronze", [{ property: "$team", operator: "isNotEmpty" }]),
          rule("lifecycle_set", "Lifecycle is set", "Bronze", [{ property: "lifecycle", operator: "isNotEmpty" }]),
          rule("has_runbook", "Has a runbook", "Silver", [{ property: "runbook", operator: "isNotEmpty" }]),
          rule("has_on_call", "Has someone on call", "Silver", [{ property: "onCall", operator: "isNotEmpty" }]),
          rule("two_replicas", "Runs at least 2 replicas", "Gold", [{ property: "replicas", operator: ">=", value: 2 }], 2),
          rule("meets_minimum", "Runs at least its minimum replicas", "Gold", [
            { property: "replicas", operator: ">=", value: { property: "minReplicas" } },
          ]),
        ],
      },
    },
    {
      blueprint: "service",
      scorecard: {
        identifier: "ownership",
        title: "Ownership",
        levels: [
          { title: "Unowned", color: "red" },
          { title: "Owned", color: "green" },
        ],
        rules: [
          rule("team", "Has an owner team", "Owned", [{ property: "$team", operator: "isNotEmpty" }]),
          rule("on_call", "Has someone on call", "Owned", [{ property: "onCall", operator: "isNotEmpty" }]),
        ],
      },
    },
    {
      blueprint: "service",
      scorecard: {
        identifier: "dora",
        title: "DORA delivery performance",
        levels: [
          { title: "Low", color: "red" },
          { title: "Medium", color: "orange" },
          { title: "High", color: "yellow" },
          { title: "Elite", color: "green" },
        ],
        rules: [
          rule("weekly_deploys", "Deploys at least weekly", "Medium", [{ property: "deploysPerWeek", operator: ">=", value: 1 }]),
          rule("lead_time_week", "Lead time under a week", "Medium", [{ property: "leadTimeHours", operator: "<", value: 168 }]),
          rule("daily_deploys", "Deploys daily", "High", [{ property: "deploysPerWeek", operator: ">=", value: 5 }]),
          rule("lead_time_day", "Lead time under a day", "High", [{ property: "leadTimeHours", operator: "<", value: 24 }]),
          rule("low_failure", "Change failure rate under 15%", "Elite", [{ property: "changeFailureRate", operator: "<", value: 15 }]),
          rule("fast_restore", "Restores within an hour", "Elite", [{ property: "restoreHours", operator: "<=", value: 1 }]),
        ],
      },
    },
  ],
};
