import { z } from "zod";
import { type ErrorDetail, invalid } from "../../lib/errors";
import { zodDetails } from "../../lib/zod-details";
import { expressionProblem } from "../expressions/expression";
import { type Mapping, parseMapping } from "./mapping";

/**
 * What an integration is, as the API and the form submit it: a type, its settings (`config`, secret fields
 * included), a mapping, a schedule and the deletion rules. Secret fields are split off here so the rest of
 * the domain never mixes them with what may be shown.
 */

export const INTEGRATION_TYPES = ["http-json", "aws-cloudcontrol", "backstage", "webhook"] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

/** What the API shows instead of a stored secret; sent back unchanged, it keeps the stored value. */
export const SECRET_MASK = "********";

const httpUrl = z
  .string({ error: "must be a URL" })
  .trim()
  .refine((v) => ["http:", "https:"].includes(URL.parse(v)?.protocol ?? ""), "must be an absolute http(s) URL");
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "must be an HTTP header name");
const headers = z.record(headerName, z.string({ error: "must be a string" }).max(8000), { error: "must be an object of header → value" });
const expression = z
  .string({ error: "must be an expression such as .items" })
  .trim()
  .min(1)
  .refine((v) => v === "." || expressionProblem(v) === null, { error: (issue) => expressionProblem(String(issue.input)) ?? "invalid" });

const pagination = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("none") }),
    z.strictObject({
      type: z.literal("cursor"),
      /** Query parameter that carries the cursor. */
      param: z.string().min(1).max(100),
      /** Where the response says the next cursor (null/empty: last page). */
      nextPath: expression,
      sizeParam: z.string().min(1).max(100).optional(),
      size: z.int().min(1).max(1000).optional(),
    }),
    z.strictObject({
      type: z.literal("page"),
      param: z.string().min(1).max(100).default("page"),
      start: z.int().min(0).default(1),
      sizeParam: z.string().min(1).max(100).optional(),
      size: z.int().min(1).max(1000).optional(),
    }),
    z.strictObject({ type: z.literal("next-url"), nextPath: expression }),
  ],
  { error: "must be {type: none | cursor | page | next-url, …}" },
);

const configSchemas = {
  "http-json": z.strictObject({
    url: httpUrl,
    method: z.enum(["GET", "POST"], { error: "must be GET or POST" }).default("GET"),
    headers: headers.default({}),
    /** Sent like `headers`, stored encrypted and never shown back (Authorization, API keys). */
    secretHeaders: headers.default({}),
    body: z.unknown().optional(),
    /** Where the list of items is in the response; `.` when the response is the list. */
    itemsPath: expression.default("."),
    /** The kind mapping resources select these items by. */
    kind: z.string().trim().min(1).max(200).default("item"),
    pagination: pagination.default({ type: "none" }),
  }),
  "aws-cloudcontrol": z.strictObject({
    regions: z
      .array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "must be an AWS region such as us-east-1"), {
        error: "must be a list of regions",
      })
      .min(1, "must name at least one region")
      .max(30),
    accessKeyId: z.string({ error: "must be a string" }).regex(/^[A-Z0-9]{16,128}$/, "must be an AWS access key id (AKIA…)"),
    secretAccessKey: z.string({ error: "is required" }).min(16, "must be an AWS secret access key").max(256),
    sessionToken: z.string().max(4000).optional(),
    /** Another Cloud Control endpoint (a VPC endpoint, a local stub); by default the regional AWS one. */
    endpoint: httpUrl.optional(),
  }),
  backstage: z
    .strictObject({
      /** A catalog-info.yaml (several documents allowed; Location targets are followed). */
      url: httpUrl.optional(),
      /** Or the YAML itself, pasted. */
      text: z.string().max(900_000).optional(),
      headers: headers.default({}),
    })
    .refine((c) => (c.url === undefined) !== (c.text === undefined || c.text.trim() === ""), {
      error: "give either url or text (pasted catalog-info.yaml), not both",
      path: ["url"],
    }),
  webhook: z
    .strictObject({
      signature: z
        .strictObject({
          header: headerName,
          algorithm: z.enum(["sha256", "sha1"], { error: "must be sha256 or sha1" }).default("sha256"),
          /** Text before the signature in the header, e.g. `sha256=` (GitHub). */
          prefix: z.string().max(50).default(""),
          encoding: z.enum(["hex", "base64"], { error: "must be hex or base64" }).default("hex"),
        })
        .nullable()
        .default(null),
      /** The HMAC key the sender signs with. */
      secret: z.string().min(8, "must be at least 8 characters").max(500).optional(),
    })
    .refine((c) => c.signature === null || c.secret !== undefined, { error: "is required when a signature is checked", path: ["secret"] }),
} as const;

export type IntegrationConfig<T extends IntegrationType> = z.infer<(typeof configSchemas)[T]>;
export type HttpJsonConfig = IntegrationConfig<"http-json">;
export type AwsConfig = IntegrationConfig<"aws-cloudcontrol">;
export type BackstageConfig = IntegrationConfig<"backstage">;
export type WebhookConfig = IntegrationConfig<"webhook">;

/** The config fields of each type that are secrets: stored sealed, shown masked. */
export const SECRET_FIELDS: Record<IntegrationType, { strings: string[]; records: string[] }> = {
  "http-json": { strings: [], records: ["secretHeaders"] },
  "aws-cloudcontrol": { strings: ["secretAccessKey", "sessionToken"], records: [] },
  backstage: { strings: [], records: ["headers"] },
  webhook: { strings: ["secret"], records: [] },
};

const READ_ONLY_FIELDS = [
  "ingestKeyHint",
  "nextRunAt",
  "runningSyncId",
  "ownedEntities",
  "staleEntities",
  "lastSync",
  "version",
  "createdAt",
  "updatedAt",
  "createdBy",
  "updatedBy",
] as const;

const integrationSchema = z.strictObject({
  identifier: z
    .string({ error: "must be a string" })
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, "may contain only letters, digits, _ and - (at most 100)"),
  title: z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(200),
  type: z.enum(INTEGRATION_TYPES, { error: `must be one of ${INTEGRATION_TYPES.join(", ")}` }),
  config: z.record(z.string(), z.unknown(), { error: "must be an object" }).default({}),
  mapping: z.unknown(),
  schedule: z
    .strictObject({
      everyMinutes: z.int({ error: "must be a whole number" }).min(5, "must be at least 5").max(10080, "must be at most 10080"),
    })
    .nullable()
    .default(null),
  deletion: z
    .strictObject({
      onMissing: z.enum(["delete", "stale"], { error: "must be delete or stale" }).default("delete"),
      maxShare: z.number({ error: "must be a number" }).min(0).max(1, "must be between 0 and 1").default(0.5),
    })
    .default({ onMissing: "delete", maxShare: 0.5 }),
  pageSize: z.int({ error: "must be a whole number" }).min(1).max(1000, "must be at most 1000").default(500),
  enabled: z.boolean({ error: "must be true or false" }).default(true),
  // Fields the API returns: accepted so a read integration can be written back, then ignored.
  ...Object.fromEntries(READ_ONLY_FIELDS.map((k) => [k, z.unknown().optional()])),
});

/** A validated integration: settings and secrets apart. */
export interface IntegrationInput {
  identifier: string;
  title: string;
  type: IntegrationType;
  config: Record<string, unknown>;
  secrets: Record<string, unknown>;
  mapping: Mapping;
  intervalMinutes: number | null;
  onMissing: "delete" | "stale";
  maxDeleteShare: number;
  pageSize: number;
  enabled: boolean;
}

/** A stored integration's settings and opened secrets, which an update's masked fields fall back on. */
export interface StoredConfig {
  config: Record<string, unknown>;
  secrets: Record<string, unknown>;
}

/**
 * Where a type sends its secrets: the origin of its URL (AWS's own regional endpoints when no endpoint is
 * set; nowhere for a webhook or pasted Backstage text). Undefined when the URL does not parse (the schema
 * says so).
 */
function destination(type: IntegrationType, config: Record<string, unknown>): string | null | undefined {
  const url = type === "aws-cloudcontrol" ? config.endpoint : type === "webhook" ? undefined : config.url;
  if (url === undefined || url === null || url === "") return type === "aws-cloudcontrol" ? "AWS" : null;
  const origin = typeof url === "string" ? URL.parse(url.trim())?.origin : undefined;
  return origin === undefined || origin === "null" ? undefined : origin;
}

/**
 * Puts stored secrets back where the submitted config carries the mask (or leaves a field out), and names
 * the fields it kept (`config.secretHeaders.Authorization`).
 */
function restoreSecrets(type: IntegrationType, config: Record<string, unknown>, stored: Record<string, unknown>) {
  const out = { ...config };
  const kept: string[] = [];
  for (const key of SECRET_FIELDS[type].strings) {
    if ((out[key] === undefined || out[key] === SECRET_MASK) && typeof stored[key] === "string") {
      out[key] = stored[key];
      kept.push(`config.${key}`);
    }
    if (out[key] === "" || out[key] === null || out[key] === SECRET_MASK) delete out[key];
  }
  for (const key of SECRET_FIELDS[type].records) {
    const given = out[key];
    const stock = (stored[key] ?? {}) as Record<string, unknown>;
    if (given === undefined) {
      out[key] = stock;
      kept.push(...Object.keys(stock).map((name) => `config.${key}.${name}`));
    } else if (given !== null && typeof given === "object" && !Array.isArray(given)) {
      const entries = Object.entries(given).map(([name, value]) => {
        if (value !== SECRET_MASK) return [name, value];
        const known = Object.hasOwn(stock, name);
        if (known) kept.push(`config.${key}.${name}`);
        return [name, known ? stock[name] : undefined]; // a mask for nothing stored: "must be a string"
      });
      out[key] = Object.fromEntries(entries);
    }
  }
  return { config: out, kept };
}

/**
 * Stored secrets go only where they were entered for: an update that points the integration elsewhere
 * and keeps them masked is refused, so a stolen admin session cannot redirect them to its own server.
 */
function redirectedSecrets(type: IntegrationType, config: Record<string, unknown>, stored: StoredConfig, kept: string[]): ErrorDetail[] {
  const before = destination(type, stored.config);
  const after = destination(type, config);
  // `after` null: pasted text, secrets sent nowhere (pointing it at a URL later is a change again).
  if (kept.length === 0 || after === undefined || after === null || before === after) return [];
  const message = `re-enter the secrets when the destination changes (${before ?? "none"} → ${after}): stored ones are not sent to a new destination`;
  return kept.map((path) => ({ path, message }));
}

/**
 * Validates an integration body. `stored` (updates) fills secret fields sent back masked or left out, as
 * long as the destination they are sent to stays the same. Throws one 400 listing every problem with its
 * path (`config.url`, `mapping.resources.0.kind`).
 */
export function parseIntegration(raw: unknown, stored: StoredConfig = { config: {}, secrets: {} }): IntegrationInput {
  const parsed = integrationSchema.safeParse(raw);
  const problems: ErrorDetail[] = parsed.success ? [] : zodDetails(parsed.error);
  // The config and mapping are checked even when other fields are wrong, so one answer names every problem.
  const given = (raw ?? {}) as { type?: unknown; config?: unknown; mapping?: unknown };
  const type = (INTEGRATION_TYPES as readonly unknown[]).includes(given.type) ? (given.type as IntegrationType) : null;
  const config = given.config !== null && typeof given.config === "object" ? (given.config as Record<string, unknown>) : {};
  const restored = type ? restoreSecrets(type, config, stored.secrets) : null;
  const configResult = type && restored ? configSchemas[type].safeParse(restored.config) : null;
  if (configResult && !configResult.success) problems.push(...zodDetails(configResult.error, "config"));
  if (type && restored) problems.push(...redirectedSecrets(type, config, stored, restored.kept));
  let mapping: Mapping | undefined;
  try {
    mapping = parseMapping(given.mapping, "mapping");
  } catch (error) {
    problems.push(...((error as { details?: ErrorDetail[] }).details ?? [{ path: "mapping", message: String(error) }]));
  }
  if (type === "webhook" && parsed.success && parsed.data.schedule !== null) {
    problems.push({ path: "schedule", message: "must be null: webhook integrations receive events, they have nothing to fetch" });
  }
  if (problems.length > 0 || !parsed.success || !configResult?.success || !mapping) throw invalid(problems);
  const body = parsed.data;
  const all = configResult.data as Record<string, unknown>;
  const secretKeys = new Set([...SECRET_FIELDS[body.type].strings, ...SECRET_FIELDS[body.type].records]);
  return {
    identifier: body.identifier,
    title: body.title,
    type: body.type,
    config: Object.fromEntries(Object.entries(all).filter(([k]) => !secretKeys.has(k))),
    secrets: Object.fromEntries(Object.entries(all).filter(([k]) => secretKeys.has(k))),
    mapping,
    intervalMinutes: body.schedule?.everyMinutes ?? null,
    onMissing: body.deletion.onMissing,
    maxDeleteShare: body.deletion.maxShare,
    pageSize: body.pageSize,
    enabled: body.enabled,
  };
}

/** The config as it may be shown: every secret replaced by the mask. */
export function maskedConfig(
  type: IntegrationType,
  config: Record<string, unknown>,
  secrets: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...config };
  for (const key of SECRET_FIELDS[type].strings) if (secrets[key] !== undefined) out[key] = SECRET_MASK;
  for (const key of SECRET_FIELDS[type].records) {
    out[key] = Object.fromEntries(Object.keys((secrets[key] ?? {}) as Record<string, unknown>).map((name) => [name, SECRET_MASK]));
  }
  return out;
}

/** The full config a source needs (settings and secrets together), typed for its type. */
export function sourceConfig<T extends IntegrationType>(_type: T, config: Record<string, unknown>, secrets: Record<string, unknown>) {
  return { ...config, ...secrets } as IntegrationConfig<T>;
}
