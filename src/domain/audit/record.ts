import type { AuditRecord } from "../../db/audit-store";
import type { WriteContext } from "../catalog/types";

/**
 * An audit record for a change made under `ctx`.
 *
 * @example auditOf(ctx, "CREATE", "team", { entity: "payments", after: team })
 */
export function auditOf(
  ctx: WriteContext,
  action: AuditRecord["action"],
  resourceType: AuditRecord["resourceType"],
  what: { blueprint?: string | null; entity?: string | null; before?: unknown; after?: unknown },
): AuditRecord {
  return {
    at: ctx.now,
    actor: ctx.actor,
    origin: ctx.origin,
    action,
    resourceType,
    blueprint: what.blueprint ?? null,
    entity: what.entity ?? null,
    before: what.before ?? null,
    after: what.after ?? null,
    requestId: ctx.requestId,
  };
}
