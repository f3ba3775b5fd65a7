import { sql } from "drizzle-orm";
import { type Database, jsonChunks, type Statement, statement } from "./client";

/** One audited mutation. `before`/`after` are the resource's JSON as the API shows it. */
export interface AuditRecord {
  at: string;
  actor: string;
  origin: string;
  action: "CREATE" | "UPDATE" | "DELETE" | "DENIED" | "APPROVE" | "DECLINE" | "ATTEMPT" | "EXPIRED";
  resourceType:
    | "blueprint"
    | "entity"
    | "user"
    | "team"
    | "credential"
    | "permissions"
    | "session"
    | "action"
    | "run"
    | "delivery"
    | "automation"
    | "subscription"
    | "scorecard"
    | "integration";
  blueprint: string | null;
  entity: string | null;
  before: unknown;
  after: unknown;
  requestId: string;
  /** The action run this change belongs to, if any. */
  runId?: string | null | undefined;
  /** Makes the row exactly-once: a second row with the same key is silently not written. */
  dedupeKey?: string | null | undefined;
}

export interface StoredAudit extends AuditRecord {
  id: number;
}

/**
 * Statements appending audit rows; they belong in the same batch as the change they describe. With
 * `onlyIfChanged`, the rows are written only if the statement just before them changed a row (a
 * version-guarded UPDATE that lost a race then leaves no audit row behind).
 */
export function insertAuditStatements(db: Database, records: AuditRecord[], opts: { onlyIfChanged?: boolean } = {}): Statement[] {
  const rows = records.map((r) => ({
    at: r.at,
    ac: r.actor,
    o: r.origin,
    a: r.action,
    rt: r.resourceType,
    b: r.blueprint,
    e: r.entity,
    bf: r.before === null || r.before === undefined ? null : JSON.stringify(r.before),
    af: r.after === null || r.after === undefined ? null : JSON.stringify(r.after),
    rq: r.requestId,
    ru: r.runId ?? null,
    dk: r.dedupeKey ?? null,
  }));
  return jsonChunks(rows).map((chunk) =>
    statement(
      db,
      sql`
      INSERT INTO audit_log (at, actor, origin, action, resource_type, blueprint, entity, before, after, request_id, run_id, dedupe_key)
      SELECT j.value->>'at', j.value->>'ac', j.value->>'o', j.value->>'a', j.value->>'rt', j.value->>'b', j.value->>'e',
             j.value->>'bf', j.value->>'af', j.value->>'rq', j.value->>'ru', j.value->>'dk'
      FROM json_each(${chunk}) j ${opts.onlyIfChanged ? sql`WHERE changes() > 0` : sql`WHERE true`}
      ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING`,
    ),
  );
}

/** Audit rows for deleting every entity of a blueprint, written from the rows themselves (no read needed). */
export function auditDeleteAllEntitiesStatement(
  db: Database,
  blueprint: string,
  meta: { at: string; actor: string; origin: string; requestId: string },
): Statement {
  return statement(
    db,
    sql`
    INSERT INTO audit_log (at, actor, origin, action, resource_type, blueprint, entity, before, after, request_id)
    SELECT ${meta.at}, ${meta.actor}, ${meta.origin}, 'DELETE', 'entity', blueprint, identifier,
           json_object('identifier', identifier, 'blueprint', blueprint, 'title', title, 'team', json(team),
                       'properties', json(properties), 'version', version),
           NULL, ${meta.requestId}
    FROM entities WHERE blueprint = ${blueprint}`,
  );
}

export interface AuditFilter {
  blueprint?: string | undefined;
  entity?: string | undefined;
  action?: string | undefined;
  resourceType?: string | undefined;
  runId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Rows with id below this (newest first paging). */
  before?: number | undefined;
  limit: number;
}

/** Audit rows matching the filter, newest first. */
export async function listAudit(db: Database, f: AuditFilter): Promise<StoredAudit[]> {
  const conditions = [sql`1 = 1`];
  if (f.blueprint !== undefined) conditions.push(sql`blueprint = ${f.blueprint}`);
  if (f.entity !== undefined) conditions.push(sql`entity = ${f.entity}`);
  if (f.action !== undefined) conditions.push(sql`action = ${f.action}`);
  if (f.resourceType !== undefined) conditions.push(sql`resource_type = ${f.resourceType}`);
  if (f.runId !== undefined) conditions.push(sql`run_id = ${f.runId}`);
  if (f.from !== undefined) conditions.push(sql`at >= ${f.from}`);
  if (f.to !== undefined) conditions.push(sql`at <= ${f.to}`);
  if (f.before !== undefined) conditions.push(sql`id < ${f.before}`);
  const rows = await db.all<{
    id: number;
    at: string;
    actor: string;
    origin: string;
    action: AuditRecord["action"];
    resource_type: AuditRecord["resourceType"];
    blueprint: string | null;
    entity: string | null;
    before: string | null;
    after: string | null;
    request_id: string;
    run_id: string | null;
  }>(sql`SELECT * FROM audit_log WHERE ${sql.join(conditions, sql` AND `)} ORDER BY id DESC LIMIT ${f.limit}`);
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    origin: r.origin,
    action: r.action,
    resourceType: r.resource_type,
    blueprint: r.blueprint,
    entity: r.entity,
    before: r.before === null ? null : JSON.parse(r.before),
    after: r.after === null ? null : JSON.parse(r.after),
    requestId: r.request_id,
    runId: r.run_id,
  }));
}
