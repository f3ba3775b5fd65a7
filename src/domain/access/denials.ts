import { insertAuditStatements } from "../../db/audit-store";
import { type Database, runBatch } from "../../db/client";
import { auditOf } from "../audit/record";
import type { WriteContext } from "../catalog/types";

/** Audits a refused request: who tried what, and the permission that was missing. */
export async function auditDenial(
  db: Database,
  ctx: WriteContext,
  attempt: { method: string; path: string; reason: string },
): Promise<void> {
  await runBatch(
    db,
    insertAuditStatements(db, [
      auditOf(ctx, "DENIED", "permissions", { entity: `${attempt.method} ${attempt.path}`, after: { reason: attempt.reason } }),
    ]),
  );
}
