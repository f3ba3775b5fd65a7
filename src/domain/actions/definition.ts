import { z } from "zod";
import { invalid } from "../../lib/errors";
import { zodDetails } from "../../lib/zod-details";

/**
 * The action body as the API accepts it: Port's self-service action shape, plus a few guardrail fields
 * Port does not have (`runTimeoutMinutes`, `approvalTtlHours`, `category`). Checks that need the catalog
 * (blueprints exist, inputs referenced) are in action-checks.ts.
 */

/** A value computed from the form: Port's `{"jqQuery": "…"}` (our shared expression language). */
export const jqQuerySchema = z.strictObject({ jqQuery: z.string().min(1, "must not be empty").max(5000) });
export type JqQuery = z.infer<typeof jqQuerySchema>;

export const INPUT_TYPES = ["string", "number", "boolean", "array", "object"] as const;
export const INPUT_FORMATS = [
  "date-time",
  "url",
  "email",
  "ipv4",
  "ipv6",
  "yaml",
  "markdown",
  "multi-line",
  "user",
  "team",
  "entity",
] as const;

const datasetSchema = z.looseObject({
  combinator: z.enum(["and", "or"], { error: "must be and or or" }),
  rules: z.array(z.unknown()).max(25),
});

const itemsSchema = z.looseObject({
  type: z.enum(["string", "number", "boolean", "object"], { error: "must be one of string, number, boolean, object" }),
  format: z.enum(INPUT_FORMATS, { error: `must be one of ${INPUT_FORMATS.join(", ")}` }).optional(),
  blueprint: z.string().optional(),
  enum: z.array(z.unknown()).min(1).optional(),
  pattern: z.string().max(1000).optional(),
});

export const userInputSchema = z.looseObject({
  type: z.enum(INPUT_TYPES, { error: `must be one of ${INPUT_TYPES.join(", ")}` }),
  title: z.string().max(200).optional(),
  description: z.string().max(5000).optional(),
  icon: z.string().max(100).optional(),
  format: z.enum(INPUT_FORMATS, { error: `must be one of ${INPUT_FORMATS.join(", ")}` }).optional(),
  /** The blueprint an `entity` input picks from. */
  blueprint: z.string().optional(),
  /** Which entities the picker offers (a search query; rule values may be `{jqQuery}` over the form). */
  dataset: datasetSchema.optional(),
  enum: z.union([z.array(z.unknown()).min(1, "must list at least one value"), jqQuerySchema]).optional(),
  enumColors: z.record(z.string(), z.string()).optional(),
  default: z.unknown().optional(),
  minLength: z.number().int().nonnegative().optional(),
  maxLength: z.number().int().nonnegative().optional(),
  pattern: z.string().max(1000).optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  minItems: z.number().int().nonnegative().optional(),
  maxItems: z.number().int().nonnegative().optional(),
  items: itemsSchema.optional(),
  encryption: z.literal("aes256-gcm", { error: "must be aes256-gcm" }).optional(),
  visible: z.union([z.boolean(), jqQuerySchema], { error: "must be true, false or {jqQuery}" }).optional(),
  /** Required under a condition (ours; Port puts conditional requirements on userInputs.required). */
  required: z.union([z.boolean(), jqQuerySchema], { error: "must be true, false or {jqQuery}" }).optional(),
  dependsOn: z.array(z.string()).max(50).optional(),
});
export type UserInput = z.infer<typeof userInputSchema>;

export const userInputsSchema = z.strictObject({
  properties: z.record(z.string(), userInputSchema).default({}),
  required: z.union([z.array(z.string()), jqQuerySchema]).default([]),
  order: z.array(z.string()).optional(),
  steps: z
    .array(z.strictObject({ title: z.string().min(1).max(200), order: z.array(z.string()).min(1, "must list at least one input") }))
    .max(20)
    .optional(),
});
export type UserInputs = z.infer<typeof userInputsSchema>;

export const OPERATIONS = ["CREATE", "DAY-2", "DELETE"] as const;
export type Operation = (typeof OPERATIONS)[number];

const triggerSchema = z.strictObject({
  type: z.literal("self-service", { error: "must be self-service" }),
  operation: z.enum(OPERATIONS, { error: `must be one of ${OPERATIONS.join(", ")}` }),
  blueprintIdentifier: z.string({ error: "must name the blueprint the action belongs to" }),
  userInputs: userInputsSchema.default({ properties: {}, required: [] }),
  condition: z
    .looseObject({
      type: z.literal("SEARCH").optional(),
      combinator: z.enum(["and", "or"]).default("and"),
      rules: z.array(z.unknown()).max(25),
    })
    .optional(),
});

const headersSchema = z.record(z.string().regex(/^[A-Za-z0-9-]+$/, "is not a valid header name"), z.string().max(4000));

const webhookSchema = z.strictObject({
  type: z.literal("WEBHOOK"),
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  agent: z.boolean().optional(),
  synchronized: z.boolean().default(false),
  method: z.enum(["POST", "PUT", "PATCH", "DELETE"], { error: "must be POST, PUT, PATCH or DELETE" }).default("POST"),
  headers: headersSchema.default({}),
  body: z.unknown().optional(),
});

const mappingSchema = z.strictObject({
  identifier: z.unknown().optional(),
  title: z.unknown().optional(),
  icon: z.unknown().optional(),
  team: z.unknown().optional(),
  properties: z.record(z.string(), z.unknown()).default({}),
  relations: z.record(z.string(), z.unknown()).default({}),
});

const upsertSchema = z.strictObject({
  type: z.literal("UPSERT_ENTITY"),
  blueprintIdentifier: z.string({ error: "must name the blueprint to write" }),
  mapping: mappingSchema,
});

/** Deletes an entity (the triggering one unless `entityIdentifier`, a template, names another). */
const deleteSchema = z.strictObject({
  type: z.literal("DELETE_ENTITY"),
  blueprintIdentifier: z.string().optional(),
  entityIdentifier: z.string().max(1000).optional(),
  deleteDependents: z.boolean().default(false),
});

const UNSUPPORTED_METHODS = ["GITHUB", "GITLAB", "AZURE_DEVOPS", "KAFKA", "JENKINS"];

export const invocationSchema = z.unknown().transform((raw, ctx) => {
  const type = (raw as { type?: unknown } | null)?.type;
  if (typeof type === "string" && UNSUPPORTED_METHODS.includes(type)) {
    ctx.addIssue({
      code: "custom",
      path: ["type"],
      message: `${type} is not supported here; use WEBHOOK (your CI can receive it) or UPSERT_ENTITY`,
    });
    return z.NEVER;
  }
  const schema =
    type === "UPSERT_ENTITY" ? upsertSchema : type === "WEBHOOK" ? webhookSchema : type === "DELETE_ENTITY" ? deleteSchema : null;
  if (!schema) {
    ctx.addIssue({ code: "custom", path: ["type"], message: "must be WEBHOOK, UPSERT_ENTITY or DELETE_ENTITY" });
    return z.NEVER;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: "custom", message: issue.message } as never);
    return z.NEVER;
  }
  return parsed.data;
});
export type WebhookInvocation = z.infer<typeof webhookSchema>;
export type UpsertInvocation = z.infer<typeof upsertSchema>;
export type DeleteInvocation = z.infer<typeof deleteSchema>;
export type Invocation = WebhookInvocation | UpsertInvocation | DeleteInvocation;

const grantSchema = z.strictObject({
  roles: z.array(z.string().max(200)).max(100).default([]),
  users: z.array(z.string().max(254)).max(1000).default([]),
  teams: z.array(z.string().max(200)).max(1000).default([]),
  ownedByTeam: z.boolean().default(false),
});
export type ActionGrant = z.infer<typeof grantSchema>;

export const actionPermissionsSchema = z.strictObject({
  execute: grantSchema.optional(),
  approve: grantSchema.omit({ ownedByTeam: true }).optional(),
});

const approvalNotificationSchema = z.union(
  [
    z.strictObject({ type: z.literal("email") }),
    z.strictObject({
      type: z.literal("webhook"),
      url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
      format: z.enum(["json", "slack"]).default("json"),
    }),
  ],
  { error: 'must be {type: "email"} or {type: "webhook", url, format?: "json"|"slack"}' },
);

/** Fields Port returns on actions: accepted on write (so an export can be re-imported), then ignored. */
const readOnlyFields = {
  id: z.unknown().optional(),
  createdAt: z.unknown().optional(),
  createdBy: z.unknown().optional(),
  updatedAt: z.unknown().optional(),
  updatedBy: z.unknown().optional(),
  version: z.unknown().optional(),
  publish: z.unknown().optional(),
};

export const actionBodySchema = z.strictObject({
  identifier: z
    .string({ error: "is required" })
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_-]+$/, "may contain only letters, digits, _ and -")
    .refine((id) => id !== "runs", "'runs' is reserved (/v1/actions/runs lists runs)"),
  title: z.string({ error: "is required" }).min(1, "must not be empty").max(200),
  icon: z.string().max(100).optional(),
  description: z.string().max(10_000).optional(),
  category: z.string().max(100).optional(),
  trigger: triggerSchema,
  invocationMethod: invocationSchema,
  requiredApproval: z
    .union([z.boolean(), z.strictObject({ type: z.enum(["ANY", "ALL"]) })], { error: 'must be true, false or {type: "ANY"|"ALL"}' })
    .default(false),
  approvalNotification: approvalNotificationSchema.optional(),
  permissions: actionPermissionsSchema.optional(),
  /** A run that hears nothing from its backend for this long fails (RunObject alarm). */
  runTimeoutMinutes: z.number().int().min(1).max(10_080).default(60),
  /** A run waiting this long for approval is declined. */
  approvalTtlHours: z.number().int().min(1).max(720).default(72),
  ...readOnlyFields,
});

/** A validated action as stored (read-only fields dropped, defaults filled). */
export type ActionDefinition = Omit<z.infer<typeof actionBodySchema>, keyof typeof readOnlyFields | "permissions" | "invocationMethod"> & {
  invocationMethod: Invocation;
  permissions: { execute: ActionGrant; approve: Omit<ActionGrant, "ownedByTeam"> };
};

/** Parses an action body; throws a 400 naming each problem. Permissions default per `defaultActionPermissions`. */
export function parseActionBody(raw: unknown, defaults: ActionDefinition["permissions"]): ActionDefinition {
  const parsed = actionBodySchema.safeParse(raw);
  if (!parsed.success) throw invalid(zodDetails(parsed.error));
  const { id: _i, createdAt: _ca, createdBy: _cb, updatedAt: _ua, updatedBy: _ub, version: _v, publish: _p, ...body } = parsed.data;
  const permissions = {
    execute: body.permissions?.execute ?? defaults.execute,
    approve: body.permissions?.approve ?? defaults.approve,
  };
  return { ...body, invocationMethod: body.invocationMethod as Invocation, permissions };
}
