import { z } from "zod";
import { invalid } from "../../lib/errors";
import { zodDetails } from "../../lib/zod-details";
import { type Invocation, invocationSchema } from "../actions/definition";

/**
 * An automation: Port's action with `trigger.type: "automation"`. It runs its invocation (a signed WEBHOOK,
 * UPSERT_ENTITY or DELETE_ENTITY) when an event matches and its condition holds; each execution is a run
 * with source AUTOMATION.
 */

export const AUTOMATION_EVENTS = [
  "ENTITY_CREATED",
  "ENTITY_UPDATED",
  "ENTITY_DELETED",
  "ANY_ENTITY_CHANGE",
  "TIMER_PROPERTY_EXPIRED",
  "RUN_CREATED",
  "RUN_UPDATED",
  "ANY_RUN_CHANGE",
] as const;
export type AutomationEvent = (typeof AUTOMATION_EVENTS)[number];

export const RUN_TRIGGERS: ReadonlySet<AutomationEvent> = new Set(["RUN_CREATED", "RUN_UPDATED", "ANY_RUN_CHANGE"]);

const triggerSchema = z.strictObject({
  type: z.literal("automation", { error: "must be automation" }),
  event: z.strictObject({
    type: z.enum(AUTOMATION_EVENTS, { error: `must be one of ${AUTOMATION_EVENTS.join(", ")}` }),
    /** Entity and timer events: which blueprint. */
    blueprintIdentifier: z.string().optional(),
    /** Run events: which action's runs. */
    actionIdentifier: z.string().optional(),
    /** TIMER_PROPERTY_EXPIRED: only this timer property (any when left out). */
    propertyIdentifier: z.string().optional(),
  }),
  condition: z
    .strictObject({
      type: z.literal("JQ").optional(),
      expressions: z.array(z.string().min(1).max(5000)).min(1, "must list at least one expression").max(20),
      combinator: z.enum(["and", "or"], { error: "must be and or or" }).default("and"),
    })
    .optional(),
});

export const automationBodySchema = z.strictObject({
  identifier: z
    .string({ error: "is required" })
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_-]+$/, "may contain only letters, digits, _ and -")
    .refine((id) => id !== "runs", "'runs' is reserved"),
  title: z.string({ error: "is required" }).min(1, "must not be empty").max(200),
  icon: z.string().max(100).optional(),
  description: z.string().max(10_000).optional(),
  trigger: triggerSchema,
  invocationMethod: invocationSchema,
  /** Port's switch: an unpublished automation is kept but does not run. */
  publish: z.boolean().default(true),
  runTimeoutMinutes: z.number().int().min(1).max(10_080).default(60),
  // Fields Port returns: accepted on write (so an export can be re-imported), then ignored.
  id: z.unknown().optional(),
  createdAt: z.unknown().optional(),
  createdBy: z.unknown().optional(),
  updatedAt: z.unknown().optional(),
  updatedBy: z.unknown().optional(),
  version: z.unknown().optional(),
});

export type AutomationDefinition = Omit<
  z.infer<typeof automationBodySchema>,
  "invocationMethod" | "id" | "createdAt" | "createdBy" | "updatedAt" | "updatedBy" | "version"
> & { invocationMethod: Invocation };

/** Parses an automation body; throws a 400 naming each problem. */
export function parseAutomationBody(raw: unknown): AutomationDefinition {
  const parsed = automationBodySchema.safeParse(raw);
  if (!parsed.success) throw invalid(zodDetails(parsed.error));
  const { id: _i, createdAt: _ca, createdBy: _cb, updatedAt: _ua, updatedBy: _ub, version: _v, ...body } = parsed.data;
  const event = body.trigger.event;
  const problems = [];
  if (RUN_TRIGGERS.has(event.type) && !event.actionIdentifier) {
    problems.push({ path: "trigger.event.actionIdentifier", message: `${event.type} needs the action whose runs it follows` });
  }
  if (!RUN_TRIGGERS.has(event.type) && !event.blueprintIdentifier) {
    problems.push({ path: "trigger.event.blueprintIdentifier", message: `${event.type} needs the blueprint whose entities it follows` });
  }
  if (problems.length > 0) throw invalid(problems);
  return { ...body, invocationMethod: body.invocationMethod as Invocation };
}
