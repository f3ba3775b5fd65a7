import { z } from "zod";
import type { UserInput } from "./definition";

/**
 * The zod schema of one user input's value, built from its definition: the same schema checks a run
 * whether it comes from the form or the API. `allowed` is the input's enum after its condition (if any).
 */

function safeRegExp(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern, "u");
  } catch {
    return null;
  }
}

type ItemDefinition = NonNullable<UserInput["items"]>;

function stringSchema(def: { format?: string | undefined; pattern?: string | undefined; minLength?: number; maxLength?: number }) {
  let s: z.ZodType<string>;
  switch (def.format) {
    case "date-time":
      s = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: "must be an ISO date-time such as 2026-11-25T09:00:00Z" });
      break;
    case "url":
      s = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
      break;
    case "email":
    case "user":
      s = z.email({ error: "must be an email address" });
      break;
    case "ipv4":
      s = z.ipv4({ error: "must be an IPv4 address" });
      break;
    case "ipv6":
      s = z.ipv6({ error: "must be an IPv6 address" });
      break;
    default: {
      let plain = z.string({ error: "must be a string" }).max(100_000, "must be at most 100000 characters");
      if (def.format === "entity" || def.format === "team") plain = plain.min(1, "must not be empty");
      if (def.minLength !== undefined) plain = plain.min(def.minLength, `must be at least ${def.minLength} characters`);
      if (def.maxLength !== undefined) plain = plain.max(def.maxLength, `must be at most ${def.maxLength} characters`);
      if (def.pattern !== undefined) {
        const re = safeRegExp(def.pattern);
        // A pattern the definition check would refuse today (stored earlier) fails the input, never the request.
        plain = re
          ? plain.regex(re, `must match ${def.pattern}`)
          : plain.refine(() => false, "the action's pattern for this input is invalid");
      }
      s = plain;
    }
  }
  return s;
}

function itemSchema(item: ItemDefinition): z.ZodType {
  switch (item.type) {
    case "string":
      return stringSchema(item);
    case "number":
      return z.number({ error: "must be a number" }).refine(Number.isFinite, "must be a finite number");
    case "boolean":
      return z.boolean({ error: "must be true or false" });
    default:
      return z.record(z.string(), z.unknown(), { error: "must be an object" });
  }
}

function withEnum(schema: z.ZodType, allowed: unknown[] | undefined): z.ZodType {
  if (!allowed) return schema;
  const shown = allowed.map((v) => JSON.stringify(v)).join(", ");
  return schema.refine((v) => allowed.some((a) => JSON.stringify(a) === JSON.stringify(v)), `must be one of ${shown}`);
}

/** The schema of one input's value (never undefined: the caller handles missing values). */
export function inputValueSchema(input: UserInput, allowed: unknown[] | undefined): z.ZodType {
  switch (input.type) {
    case "string":
      return withEnum(stringSchema(input), allowed);
    case "number": {
      let n = z.number({ error: "must be a number" }).refine(Number.isFinite, "must be a finite number");
      if (input.minimum !== undefined) n = n.refine((v) => v >= (input.minimum as number), `must be at least ${input.minimum}`);
      if (input.maximum !== undefined) n = n.refine((v) => v <= (input.maximum as number), `must be at most ${input.maximum}`);
      return withEnum(n, allowed);
    }
    case "boolean":
      return z.boolean({ error: "must be true or false" });
    case "object":
      return z.record(z.string(), z.unknown(), { error: "must be an object" });
    case "array": {
      const items = input.items ? withEnum(itemSchema(input.items), allowed ?? input.items.enum) : z.unknown();
      let a = z.array(items, { error: "must be an array" }).max(1000, "must have at most 1000 items");
      if (input.minItems !== undefined) a = a.min(input.minItems, `must have at least ${input.minItems} items`);
      if (input.maxItems !== undefined) a = a.max(input.maxItems, `must have at most ${input.maxItems} items`);
      return a;
    }
  }
}

/** An `entity` input value may be an identifier or Port's entity object; both become the identifier. */
export function entityIdentifierOf(value: unknown): unknown {
  if (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    typeof (value as { identifier?: unknown }).identifier === "string"
  ) {
    return (value as { identifier: string }).identifier;
  }
  return value;
}

/** The blueprint an input picks entities from, when it is an entity input (or an array of them). */
export function entityInputBlueprint(input: UserInput): string | null {
  if (input.type === "string" && input.format === "entity") return input.blueprint ?? null;
  if (input.type === "array" && input.items?.format === "entity") return input.items.blueprint ?? input.blueprint ?? null;
  return null;
}
