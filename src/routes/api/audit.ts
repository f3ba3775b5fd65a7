import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { requireAdmin } from "../../domain/access/guards";
import { AUDIT_ACTIONS, AUDIT_RESOURCE_TYPES, searchAuditLog } from "../../domain/audit/audit-log";
import type { AppEnv } from "../../env";
import { errorResponses, jsonResponse, principalOf, validationHook } from "./common";

/** `/v1/audit-log`: every mutation, newest first. */
export const auditApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

auditApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Audit"],
    summary: "Search the audit log",
    request: {
      query: z.object({
        blueprint: z.string().optional(),
        entity: z.string().optional(),
        action: z.enum(AUDIT_ACTIONS, { error: `must be one of ${AUDIT_ACTIONS.join(", ")}` }).optional(),
        resource_type: z.enum(AUDIT_RESOURCE_TYPES, { error: `must be one of ${AUDIT_RESOURCE_TYPES.join(", ")}` }).optional(),
        run_id: z.string().optional().openapi({ description: "Entries about one action run" }),
        from: z.string().optional().openapi({ description: "ISO date-time, inclusive" }),
        to: z.string().optional().openapi({ description: "ISO date-time, inclusive" }),
        limit: z.coerce.number({ error: "must be a number" }).int().min(1).max(1000).default(100),
        cursor: z.string().optional(),
      }),
    },
    responses: {
      200: jsonResponse(z.object({ ok: z.literal(true), audits: z.array(z.looseObject({})), next: z.string().nullable() }), "Entries"),
      400: errorResponses[400],
    },
  }),
  async (c) => {
    requireAdmin(principalOf(c), "read the audit log");
    const q = c.req.valid("query");
    const result = await searchAuditLog(database(c.env.DB), { ...q, resourceType: q.resource_type, runId: q.run_id });
    return c.json({ ok: true as const, ...result }, 200);
  },
);
