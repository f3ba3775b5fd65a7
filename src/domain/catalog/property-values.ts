import { z } from "zod";
import type { ItemsDefinition, PropertyDefinition } from "./types";

/**
 * Compiles one blueprint property definition into a zod schema for its values. Messages are written for
 * people ("must be one of service, library"), because they reach API callers and form users verbatim.
 */
export function propertyValueSchema(def: PropertyDefinition | ItemsDefinition): z.ZodType {
  if (def.type === "array") return arraySchema(def as PropertyDefinition);
  const base = scalarSchema(def);
  if (Array.isArray(def.enum) && def.enum.length > 0) {
    const allowed = def.enum;
    return base.refine((v) => allowed.some((a) => a === v), {
      message: `must be one of ${allowed.map((a) => String(a)).join(", ")}`,
    });
  }
  return base;
}

function scalarSchema(def: PropertyDefinition | ItemsDefinition): z.ZodType {
  switch (def.type) {
    case "string":
      return stringSchema(def);
    case "number": {
      let s = z.number({ error: "must be a number" }).refine(Number.isFinite, "must be a finite number");
      if (typeof def.minimum === "number") {
        const min = def.minimum;
        s = s.refine((v) => v >= min, `must be at least ${min}`);
      }
      if (typeof def.maximum === "number") {
        const max = def.maximum;
        s = s.refine((v) => v <= max, `must be at most ${max}`);
      }
      return s;
    }
    case "boolean":
      return z.boolean({ error: "must be true or false" });
    case "object":
      return def.format === "labeled-url" ? labeledUrl : plainObject;
    default:
      return z.never({ error: `unsupported type ${String(def.type)}` });
  }
}

const plainObject = z.custom<Record<string, unknown>>((v) => typeof v === "object" && v !== null && !Array.isArray(v), "must be an object");

function stringSchema(def: PropertyDefinition | ItemsDefinition): z.ZodType {
  let s: z.ZodType<string> = z.string({ error: "must be a string" });
  if (typeof def.minLength === "number") {
    const min = def.minLength;
    s = s.refine((v) => v.length >= min, `must be at least ${min} characters`);
  }
  if (typeof def.maxLength === "number") {
    const max = def.maxLength;
    s = s.refine((v) => v.length <= max, `must be at most ${max} characters`);
  }
  if (typeof def.pattern === "string") {
    const re = new RegExp(def.pattern, "u");
    const pattern = def.pattern;
    s = s.refine((v) => re.test(v), `must match the pattern ${pattern}`);
  }
  const format = def.format ? STRING_FORMAT_CHECKS[def.format] : undefined;
  return format ? s.refine(format.test, format.message) : s;
}

function arraySchema(def: PropertyDefinition): z.ZodType {
  const items = def.items ? propertyValueSchema(def.items) : z.unknown();
  let s: z.ZodType<unknown[]> = z.array(items, { error: "must be an array" });
  if (typeof def.minItems === "number") {
    const min = def.minItems;
    s = s.refine((v) => v.length >= min, `must have at least ${min} items`);
  }
  if (typeof def.maxItems === "number") {
    const max = def.maxItems;
    s = s.refine((v) => v.length <= max, `must have at most ${max} items`);
  }
  if (def.uniqueItems === true) {
    s = s.refine((v) => new Set(v.map((x) => JSON.stringify(x))).size === v.length, "must not repeat items");
  }
  return s;
}

/** Absolute URL whose scheme cannot run script when rendered as a link. */
function isSafeUrl(v: string): boolean {
  const url = URL.parse(v);
  return url !== null && !["javascript:", "data:", "vbscript:", "file:"].includes(url.protocol);
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
function isDateTime(v: string): boolean {
  return ISO_DATE_TIME.test(v) && !Number.isNaN(Date.parse(v));
}

const emailSchema = z.email();
const ipv4Schema = z.ipv4();
const ipv6Schema = z.ipv6();

const STRING_FORMAT_CHECKS: Record<string, { test: (v: string) => boolean; message: string }> = {
  "date-time": { test: isDateTime, message: "must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z" },
  timer: { test: isDateTime, message: "must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z" },
  url: { test: isSafeUrl, message: "must be an absolute URL (http, https, …; not javascript: or data:)" },
  email: { test: (v) => emailSchema.safeParse(v).success, message: "must be an email address" },
  user: { test: (v) => emailSchema.safeParse(v).success, message: "must be a user's email address" },
  ipv4: { test: (v) => ipv4Schema.safeParse(v).success, message: "must be an IPv4 address" },
  ipv6: { test: (v) => ipv6Schema.safeParse(v).success, message: "must be an IPv6 address" },
};

const labeledUrl = z
  .object(
    {
      url: z.string({ error: "must be a string" }).refine(isSafeUrl, "must be an absolute URL"),
      displayText: z.string({ error: "must be a string" }).optional(),
    },
    { error: "must be an object {url, displayText}" },
  )
  .strict();
