import type { Hook } from "@hono/zod-openapi";
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { database } from "../../db/client";
import { accessFor, type CatalogAccess } from "../../domain/access/authorized-catalog";
import type { Principal } from "../../domain/access/principal";
import type { WriteContext } from "../../domain/catalog/types";
import type { AppEnv } from "../../env";
import { AppError, invalid } from "../../lib/errors";
import { zodDetails } from "../../lib/zod-details";

/** The error body every 4xx/5xx of the JSON API carries. */
export const ErrorBody = z
  .object({
    ok: z.literal(false),
    error: z.object({
      code: z.string().openapi({ example: "invalid_input" }),
      message: z.string().openapi({ example: "properties.type: must be one of service, library" }),
      details: z.array(z.object({ path: z.string(), message: z.string() })),
      requestId: z.string().optional(),
    }),
  })
  .openapi("Error");

/** Standard error responses, spread into a route's `responses`. */
export const errorResponses = {
  400: { description: "Invalid input (the details name each field)", content: { "application/json": { schema: ErrorBody } } },
  404: { description: "Not found", content: { "application/json": { schema: ErrorBody } } },
  409: { description: "Conflict with the current state", content: { "application/json": { schema: ErrorBody } } },
} as const;

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { required: true, content: { "application/json": { schema } }, ...(description ? { description } : {}) };
}

/**
 * Validation failures of params, query and body become our 400 shape with located details.
 * Body paths are given as they are; query and path params are prefixed with where they came from.
 */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (!result.success) {
    const prefix = result.target === "json" ? "" : result.target;
    throw invalid(zodDetails(result.error, prefix));
  }
};

/** A boolean query flag as Port writes them: `true`/`false` (also `1`/`0`). */
export const queryFlag = z
  .enum(["true", "false", "1", "0"], { error: "must be true or false" })
  .optional()
  .transform((v) => v === "true" || v === "1");

/**
 * The version a write is conditioned on: `If-Match: "3"` (or `W/"3"`, or bare `3`), else `?version=3`.
 * Returns undefined when the caller set no condition.
 */
export function expectedVersion(c: Context<AppEnv>, queryVersion?: string): number | undefined {
  const header = c.req.header("if-match");
  const raw = header !== undefined ? header.trim().replace(/^W\//, "").replaceAll('"', "") : queryVersion;
  if (raw === undefined || raw === "" || raw === "*") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new AppError(400, "invalid_input", 'If-Match must be a version number such as "3"', [
      { path: header !== undefined ? "If-Match" : "query.version", message: "must be a positive integer version" },
    ]);
  }
  return n;
}

/** Sets the ETag of a versioned resource so clients can send it back in If-Match. */
export function setVersionTag(c: Context<AppEnv>, version: number): void {
  c.header("ETag", `"${version}"`);
}

/** The signed-in principal; routes behind `requireSignedIn` always have one. */
export function principalOf(c: Context<AppEnv>): Principal {
  const principal = c.get("principal");
  if (!principal) throw new AppError(401, "unauthenticated", "Sign in, or send a bearer token");
  return principal;
}

/** Who, from where, under which request: attached to every write for the audit log. */
export function writeContext(c: Context<AppEnv>, origin?: WriteContext["origin"]): WriteContext {
  const principal = principalOf(c);
  return {
    actor: principal.email,
    origin: origin ?? (principal.via === "session" || principal.via === "cloudflare-access" ? "UI" : "API"),
    requestId: c.get("requestId"),
    now: new Date().toISOString(),
    // Port's `?run_id=`: the write belongs to that run (checked by the run-link middleware first).
    runId: c.req.query("run_id") || undefined,
  };
}

/** The catalog as the caller may use it, reusing what authentication already read. */
export async function accessOf(c: Context<AppEnv>): Promise<CatalogAccess> {
  return accessFor(database(c.env.DB), principalOf(c), c.get("accessSnapshot"));
}
