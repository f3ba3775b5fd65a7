import { findBlueprint } from "../../db/blueprint-store";
import type { Database } from "../../db/client";
import { findEntities } from "../../db/entity-store";
import { listOwned } from "../../db/integration-entity-store";
import { findIntegration } from "../../db/integration-store";
import { AppError, type ErrorDetail, notFound } from "../../lib/errors";
import { requireAdmin } from "../access/guards";
import type { Principal } from "../access/principal";
import { parseEntityInput } from "../catalog/entity-input";
import { shapeRelations } from "../catalog/entity-shape";
import { entityValidator } from "../catalog/entity-validation";
import { changedFields } from "./entity-diff";
import { openIntegration } from "./integrations";
import { type MappedEntity, mapItems } from "./map-items";
import { parseMapping } from "./mapping";
import type { SyncRuntime } from "./runtime";
import { SourceError, type SourcePage } from "./sources/source";
import { sourceFor } from "./sources/source-for";

/**
 * A dry run: what a sync would do, with nothing written. Reads at most DRY_RUN_PAGES pages (it runs inside
 * one request), maps them — with the stored mapping or one being tried out — and compares with the
 * catalog: to create, to update (which fields), unchanged, failing (validation), and, when the whole source
 * was read, what reconciliation would delete and whether the deletion share would be refused.
 */

export const DRY_RUN_PAGES = 5;
/** Rows listed per section (the counts are exact). */
const LISTED = 200;
/** Owned entities compared for deletion (larger sources: sync, do not dry-run). */
const OWNED_LIMIT = 20_000;

type Ref = { blueprint: string; identifier: string; title?: string | null };

export interface DryRunResult {
  fetched: number;
  pages: number;
  /** False when the source has more than DRY_RUN_PAGES pages: deletions are then not computed. */
  readAll: boolean;
  counts: { create: number; update: number; unchanged: number; delete: number; failed: number };
  create: Ref[];
  update: (Ref & { fields: string[] })[];
  delete: Ref[];
  failed: ErrorDetail[];
  /** Problems reading or mapping the source. */
  problems: ErrorDetail[];
  /** What reconciliation would decide. */
  deletion: string;
}

async function compare(db: Database, blueprintId: string, bodies: MappedEntity["body"][], out: DryRunResult): Promise<void> {
  const blueprint = await findBlueprint(db, blueprintId);
  if (!blueprint) {
    out.counts.failed += bodies.length;
    out.failed.push({ path: blueprintId, message: `blueprint '${blueprintId}' does not exist (${bodies.length} entities)` });
    return;
  }
  const existing = new Map(
    (
      await findEntities(
        db,
        blueprintId,
        bodies.map((b) => b.identifier),
      )
    ).map((e) => [e.identifier, e]),
  );
  const validator = entityValidator(blueprint);
  for (const body of bodies) {
    const stored = existing.get(body.identifier);
    const fields = stored ? changedFields(blueprint, stored, body) : null;
    if (fields?.length === 0) {
      out.counts.unchanged += 1;
      continue;
    }
    const problems: ErrorDetail[] = [];
    try {
      const input = parseEntityInput(body, blueprintId);
      const merged = { ...(stored ? stored.properties : validator.defaults), ...input.properties };
      problems.push(...validator.properties(merged, "properties").problems);
      const relations = { ...(stored ? shapeRelations(blueprint, stored.relations) : {}), ...input.relations };
      problems.push(...validator.relations(relations, "relations"));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      problems.push(...(error.details.length > 0 ? error.details : [{ path: "", message: error.message }]));
    }
    const ref = { blueprint: blueprintId, identifier: body.identifier, title: body.title ?? stored?.title ?? null };
    if (problems.length > 0) {
      out.counts.failed += 1;
      if (out.failed.length < LISTED)
        out.failed.push({ path: `${blueprintId}/${body.identifier}`, message: problems.map((p) => `${p.path}: ${p.message}`).join("; ") });
    } else if (!fields) {
      out.counts.create += 1;
      if (out.create.length < LISTED) out.create.push(ref);
    } else {
      out.counts.update += 1;
      if (out.update.length < LISTED) out.update.push({ ...ref, fields });
    }
  }
}

export async function dryRun(
  db: Database,
  runtime: SyncRuntime,
  p: Principal,
  identifier: string,
  options: { mapping?: unknown } = {},
): Promise<DryRunResult> {
  requireAdmin(p, "run integrations");
  const record = await findIntegration(db, identifier);
  if (!record) throw notFound(`Integration '${identifier}'`);
  const integration = await openIntegration(record, runtime.encryptionSecret);
  if (options.mapping !== undefined) integration.mapping = parseMapping(options.mapping, "mapping");
  const source = sourceFor(integration, runtime.fetcher);
  const out: DryRunResult = {
    fetched: 0,
    pages: 0,
    readAll: false,
    counts: { create: 0, update: 0, unchanged: 0, delete: 0, failed: 0 },
    create: [],
    update: [],
    delete: [],
    failed: [],
    problems: [],
    deletion: "",
  };
  const byBlueprint = new Map<string, Map<string, MappedEntity["body"]>>();
  const returned = new Set<string>();
  let cursor: unknown = null;
  let unidentified = 0;
  while (out.pages < DRY_RUN_PAGES) {
    let page: SourcePage;
    try {
      page = await source.fetchPage(cursor, record.pageSize);
    } catch (error) {
      // A dry run reports an unreadable source; a sync would retry the page.
      if (!(error instanceof SourceError)) throw error;
      out.problems.push({ path: "config", message: `the source could not be read: ${error.message}` });
      break;
    }
    out.pages += 1;
    out.fetched += page.items.length;
    const mapped = await mapItems(integration.mapping, page.items);
    out.problems.push(...page.problems, ...mapped.errors);
    unidentified += mapped.unidentified;
    for (const e of mapped.entities) {
      const group = byBlueprint.get(e.blueprint) ?? new Map<string, MappedEntity["body"]>();
      group.set(e.body.identifier, e.body);
      byBlueprint.set(e.blueprint, group);
    }
    for (const e of [...mapped.entities.map((m) => ({ blueprint: m.blueprint, identifier: m.body.identifier })), ...mapped.failed]) {
      returned.add(`${e.blueprint}\u0000${e.identifier}`);
    }
    cursor = page.next;
    if (cursor === null) {
      out.readAll = true;
      break;
    }
  }
  out.problems = out.problems.slice(0, LISTED);
  for (const [bp, group] of byBlueprint) await compare(db, bp, [...group.values()], out);
  out.deletion = await plannedDeletion(db, record, returned, out, out.problems.length === 0 && unidentified === 0);
  return out;
}

async function plannedDeletion(
  db: Database,
  record: { identifier: string; onMissing: "delete" | "stale"; maxDeleteShare: number },
  returned: Set<string>,
  out: DryRunResult,
  complete: boolean,
): Promise<string> {
  if (!out.readAll) return `Not computed: the source has more than ${DRY_RUN_PAGES} pages; a sync reads them all.`;
  if (!complete) return "A sync would delete nothing: the fetch was incomplete (see the problems).";
  const owned = await listOwned(db, record.identifier, OWNED_LIMIT);
  const candidates = owned.filter((o) => !(record.onMissing === "stale" && o.stale));
  const missing = candidates.filter((o) => !returned.has(`${o.blueprint}\u0000${o.identifier}`));
  out.counts.delete = missing.length;
  out.delete = missing.slice(0, LISTED).map((m) => ({ blueprint: m.blueprint, identifier: m.identifier }));
  const verb = record.onMissing === "stale" ? "mark stale" : "delete";
  if (missing.length === 0) return "Nothing to delete.";
  const share = missing.length / owned.length;
  if (share > record.maxDeleteShare) {
    return `A sync would REFUSE to ${verb} these ${missing.length} of ${owned.length} owned entities (${Math.round(share * 100)}% > ${Math.round(record.maxDeleteShare * 100)}% allowed).`;
  }
  return `A sync would ${verb} ${missing.length} of ${owned.length} owned entities.`;
}
