import { listAudit, type StoredAudit } from "../../db/audit-store";
import type { Database } from "../../db/client";
import { invalid } from "../../lib/errors";

export const AUDIT_ACTIONS = ["CREATE", "UPDATE", "DELETE", "DENIED", "APPROVE", "DECLINE", "ATTEMPT", "EXPIRED"] as const;
export const AUDIT_RESOURCE_TYPES = [
  "blueprint",
  "entity",
  "user",
  "team",
  "credential",
  "permissions",
  "session",
  "action",
  "run",
  "delivery",
  "automation",
  "subscription",
  "scorecard",
] as const;

export interface AuditQuery {
  blueprint?: string | undefined;
  entity?: string | undefined;
  action?: (typeof AUDIT_ACTIONS)[number] | undefined;
  resourceType?: (typeof AUDIT_RESOURCE_TYPES)[number] | undefined;
  runId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** An audit entry in Port's audit-log shape. */
export interface AuditEntry {
  identifier: string;
  action: string;
  resourceType: string;
  /** FAILURE for refused requests (action DENIED). */
  status: "SUCCESS" | "FAILURE";
  trigger: { by: { userId: string }; origin: string; at: string };
  context: { blueprint: string | null; entity: string | null; runId: string | null };
  diff: { before: unknown; after: unknown };
  requestId: string;
}

function toEntry(row: StoredAudit): AuditEntry {
  return {
    identifier: `audit_${row.id}`,
    action: row.action,
    resourceType: row.resourceType,
    status: row.action === "DENIED" ? "FAILURE" : "SUCCESS",
    trigger: { by: { userId: row.actor }, origin: row.origin, at: row.at },
    context: { blueprint: row.blueprint, entity: row.entity, runId: row.runId ?? null },
    diff: { before: row.before, after: row.after },
    requestId: row.requestId,
  };
}

function isoOrFail(value: string | undefined, path: string): string | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw invalid([{ path, message: "must be an ISO 8601 date or date-time" }]);
  return new Date(t).toISOString();
}

/** Audit entries, newest first, filtered and paged by an opaque cursor. */
export async function searchAuditLog(db: Database, q: AuditQuery): Promise<{ audits: AuditEntry[]; next: string | null }> {
  let before: number | undefined;
  if (q.cursor !== undefined) {
    before = Number(q.cursor);
    if (!Number.isInteger(before) || before < 1) throw invalid([{ path: "query.cursor", message: "is not a cursor this API returned" }]);
  }
  const rows = await listAudit(db, {
    blueprint: q.blueprint,
    entity: q.entity,
    action: q.action,
    resourceType: q.resourceType,
    runId: q.runId,
    from: isoOrFail(q.from, "query.from"),
    to: isoOrFail(q.to, "query.to"),
    before,
    limit: q.limit + 1,
  });
  const more = rows.length > q.limit;
  const shown = more ? rows.slice(0, q.limit) : rows;
  const last = shown.at(-1);
  return { audits: shown.map(toEntry), next: more && last ? String(last.id) : null };
}
