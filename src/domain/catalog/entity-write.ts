import { type AuditRecord, insertAuditStatements } from "../../db/audit-store";
import { findBlueprint, listBlueprints } from "../../db/blueprint-store";
import { type Database, isConstraintRace, isVersionConflict, runBatch, type Statement } from "../../db/client";
import { type EntityRecord, existingIdentifiers, findEntities, type RelationRecord, type StoredEntity } from "../../db/entity-store";
import { insertPlaceholdersStatements, replaceIndexStatements, upsertEntitiesStatements } from "../../db/entity-write-store";
import { jitteredBackoff } from "../../lib/backoff";
import { AppError, conflict, type ErrorDetail, invalid, notFound, versionMismatch } from "../../lib/errors";
import { randomToken } from "../../lib/ids";
import { scoreWrittenStatements } from "../scorecards/scorecards";
import { calculationValueRecords, indexedCalculations } from "./derived/indexed-calculations";
import { parseEntityInput } from "./entity-input";
import { relationRecords, shapeRelations, toApiEntity } from "./entity-shape";
import { entityValidator } from "./entity-validation";
import { indexValues } from "./entity-values";
import { placeholderAudits, placeholderRecord } from "./placeholders";
import type { Blueprint, Entity, EntityInput, RelationValue, WriteContext } from "./types";

/** How an entity write treats an entity that already exists. */
export type WriteMode =
  /** POST: create; an existing entity is an error unless `upsert` (then replaced, or merged with `merge`). */
  | "create"
  /** PUT: replace an existing entity entirely. */
  | "replace"
  /** PATCH: merge the given fields into an existing entity. */
  | "patch";

export interface WriteOptions {
  upsert: boolean;
  merge: boolean;
  createMissingRelated: boolean;
  /** Access check per entity write (see domain/access); an error fails that entity only. */
  authorize?: ((write: { blueprint: Blueprint; existing: StoredEntity | undefined; next: Entity }) => Promise<AppError | null>) | undefined;
  /** Access check for creating an empty related entity in `blueprint`; returns why not, or null. */
  mayCreateIn?: ((blueprint: string) => string | null) | undefined;
  /** More statements for the writes' own batch (a sync's progress, ownership), given what lands and what failed. */
  alsoInBatch?: ((result: { written: { identifier: string; created: boolean }[]; failed: WriteOutcome[] }) => Statement[]) | undefined;
}

export interface EntityWrite {
  input: EntityInput;
  /** Where the entity sits in the request (bulk), used for error paths. */
  pathPrefix: string;
  /** Version the caller read (If-Match / `version`); a different stored version answers 412. */
  expectedVersion?: number | undefined;
}

export type WriteOutcome =
  | { ok: true; index: number; identifier: string; created: boolean; entity: Entity }
  | { ok: false; index: number; identifier: string | null; error: AppError };

/** Attempts before a write that keeps losing version races gives up with 409 write_conflict (≈3 s at most). */
const MAX_ATTEMPTS = 12;
const BACKOFF_BASE_MS = 5;
const BACKOFF_CAP_MS = 500;

/**
 * Writes entities of one blueprint: validates each against the blueprint, checks relation targets exist
 * (or creates them when asked), and stores every valid entity — with its value index, relations and audit
 * rows — in one D1 batch. Each write gets its own outcome; invalid ones do not stop the others.
 * A concurrent write detected by the version guard makes the whole attempt re-read and retry.
 */
export async function writeEntities(
  db: Database,
  blueprintId: string,
  mode: WriteMode,
  writes: EntityWrite[],
  options: WriteOptions,
  ctx: WriteContext,
): Promise<WriteOutcome[]> {
  const blueprint = await findBlueprint(db, blueprintId);
  if (!blueprint) throw notFound(`Blueprint '${blueprintId}'`);
  // Identifiers are fixed before the first attempt so a retry writes the same generated ones.
  const identified = writes.map((w) => ({ ...w, identifier: w.input.identifier ?? `e_${randomToken(16)}` }));
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptWrite(db, blueprint, mode, identified, options, ctx);
    } catch (error) {
      if (attempt < MAX_ATTEMPTS && (isVersionConflict(error) || isConstraintRace(error))) {
        await jitteredBackoff(attempt, BACKOFF_BASE_MS, BACKOFF_CAP_MS);
        continue;
      }
      if (isVersionConflict(error) || isConstraintRace(error)) {
        throw new AppError(409, "write_conflict", "The entities kept changing while being written; retry the request");
      }
      throw error;
    }
  }
}

interface Planned {
  index: number;
  identifier: string;
  pathPrefix: string;
  existing: StoredEntity | undefined;
  record: EntityRecord;
  /** The entity as the API will show it after the write. */
  view: Entity;
  /** Its relation values as rows (target blueprint resolved), computed once per write. */
  links: RelationRecord[];
  relations: Record<string, RelationValue>;
}

async function attemptWrite(
  db: Database,
  blueprint: Blueprint,
  mode: WriteMode,
  writes: (EntityWrite & { identifier: string })[],
  options: WriteOptions,
  ctx: WriteContext,
): Promise<WriteOutcome[]> {
  const outcomes: WriteOutcome[] = [];
  const fail = (index: number, identifier: string | null, error: AppError): void => {
    outcomes.push({ ok: false, index, identifier, error });
  };
  const existing = new Map(
    (await findEntities(db, blueprint.identifier, [...new Set(writes.map((w) => w.identifier))])).map((e) => [e.identifier, e]),
  );
  const validator = entityValidator(blueprint);
  const planned: Planned[] = [];
  const seen = new Set<string>();

  for (const [index, w] of writes.entries()) {
    const { identifier, input } = w;
    const at = (p: string) => (w.pathPrefix ? `${w.pathPrefix}.${p}` : p);
    if (seen.has(identifier)) {
      fail(index, identifier, invalid([{ path: at("identifier"), message: `'${identifier}' appears more than once in this request` }]));
      continue;
    }
    seen.add(identifier);
    const old = existing.get(identifier);
    if (mode === "create" && old && !options.upsert) {
      fail(
        index,
        identifier,
        conflict(`Entity '${identifier}' of blueprint '${blueprint.identifier}' already exists; use upsert=true to replace it`),
      );
      continue;
    }
    if (mode !== "create" && !old) {
      fail(index, identifier, notFound(`Entity '${identifier}' of blueprint '${blueprint.identifier}'`));
      continue;
    }
    if (w.expectedVersion !== undefined && old?.version !== w.expectedVersion) {
      fail(index, identifier, versionMismatch(w.expectedVersion, old?.version ?? 0));
      continue;
    }
    const merging = old !== undefined && (mode === "patch" || (mode === "create" && options.merge));
    const oldRelations = old ? shapeRelations(blueprint, old.relations) : {};
    const rawProps =
      old === undefined
        ? { ...validator.defaults, ...input.properties }
        : merging
          ? { ...old.properties, ...input.properties }
          : { ...input.properties };
    const relations = merging ? { ...oldRelations, ...input.relations } : { ...input.relations };
    const props = validator.properties(rawProps, at("properties"));
    const problems: ErrorDetail[] = [...props.problems, ...validator.relations(relations, at("relations"))];
    if (problems.length > 0) {
      fail(index, identifier, invalid(problems));
      continue;
    }
    const keep = <T>(given: T | undefined, before: T): T => (given !== undefined ? given : merging ? before : (undefined as T));
    const record: EntityRecord = {
      blueprint: blueprint.identifier,
      identifier,
      title: keep(input.title, old?.title ?? null) ?? null,
      icon: keep(input.icon, old?.icon ?? null) ?? null,
      team: keep(input.team, old?.team ?? []) ?? [],
      properties: props.value,
      version: (old?.version ?? 0) + 1,
      createdAt: old?.createdAt ?? ctx.now,
      createdBy: old?.createdBy ?? ctx.actor,
      updatedAt: ctx.now,
      updatedBy: ctx.actor,
    };
    planned.push({
      index,
      identifier,
      pathPrefix: w.pathPrefix,
      existing: old,
      relations,
      record,
      view: { ...record, relations: shapeRelations(blueprint, relations) },
      links: relationRecords(blueprint, relations),
    });
  }

  const authorized: Planned[] = [];
  for (const p of planned) {
    const denied = options.authorize ? await options.authorize({ blueprint, existing: p.existing, next: p.view }) : null;
    if (denied) fail(p.index, p.identifier, denied);
    else authorized.push(p);
  }
  const { accepted, placeholders } = await resolveRelationTargets(db, blueprint, authorized, options, ctx, fail);
  if (accepted.length > 0) {
    const hasIndexedCalculations = indexedCalculations(blueprint).length > 0;
    const written = [];
    for (const p of accepted) {
      const calculated = hasIndexedCalculations ? await calculationValueRecords(blueprint, p.view) : [];
      written.push({
        identifier: p.identifier,
        values: [...indexValues(blueprint, p.record.properties, p.record.team), ...calculated],
        relations: p.links,
      });
    }
    const audits: AuditRecord[] = accepted.map((p) => ({
      at: ctx.now,
      actor: ctx.actor,
      origin: ctx.origin,
      action: p.existing ? "UPDATE" : "CREATE",
      resourceType: "entity",
      blueprint: blueprint.identifier,
      entity: p.identifier,
      before: p.existing ? toApiEntity(blueprint, p.existing) : null,
      after: p.view,
      requestId: ctx.requestId,
      runId: ctx.runId ?? null,
    }));
    // Scorecard results are part of the same transaction: the entity's own level is current at once.
    const scoring = await scoreWrittenStatements(
      db,
      blueprint,
      accepted.map((p) => p.identifier),
      ctx.now,
    );
    const landing = accepted.map((p) => ({ identifier: p.identifier, created: !p.existing }));
    await runBatch(db, [
      ...insertPlaceholdersStatements(db, placeholders),
      ...upsertEntitiesStatements(
        db,
        accepted.map((p) => p.record),
      ),
      ...replaceIndexStatements(db, blueprint.identifier, written),
      ...scoring,
      ...insertAuditStatements(db, [...placeholderAudits(placeholders, ctx), ...audits]),
      ...(options.alsoInBatch?.({ written: landing, failed: outcomes }) ?? []),
    ]);
  }
  for (const p of accepted) {
    outcomes.push({ ok: true, index: p.index, identifier: p.identifier, created: !p.existing, entity: p.view });
  }
  return outcomes.sort((a, b) => a.index - b.index);
}

/**
 * Checks that every relation target exists (targets written in the same request count). Missing targets
 * fail their entity, or become placeholder entities with `create_missing_related_entities`.
 */
async function resolveRelationTargets(
  db: Database,
  blueprint: Blueprint,
  planned: Planned[],
  options: WriteOptions,
  ctx: WriteContext,
  fail: (index: number, identifier: string, error: AppError) => void,
): Promise<{ accepted: Planned[]; placeholders: EntityRecord[] }> {
  const wanted = new Map<string, Set<string>>();
  const inRequest = new Set(planned.map((p) => p.identifier));
  for (const p of planned) {
    for (const r of p.links) {
      if (r.targetBlueprint === blueprint.identifier && inRequest.has(r.targetIdentifier)) continue;
      const set = wanted.get(r.targetBlueprint) ?? new Set<string>();
      set.add(r.targetIdentifier);
      wanted.set(r.targetBlueprint, set);
    }
  }
  const missing = new Map<string, Set<string>>();
  for (const [target, ids] of wanted) {
    const found = await existingIdentifiers(db, target, [...ids]);
    const absent = [...ids].filter((id) => !found.has(id));
    if (absent.length > 0) missing.set(target, new Set(absent));
  }
  if (missing.size === 0) return { accepted: planned, placeholders: [] };

  const targetsUnableToBeBare = options.createMissingRelated ? await blueprintsNeedingData(db, [...missing.keys()]) : new Map();
  const placeholders = new Map<string, EntityRecord>();
  const accepted: Planned[] = [];
  for (const p of planned) {
    const problems: ErrorDetail[] = [];
    const wantedHere: EntityRecord[] = [];
    for (const [key, value] of Object.entries(p.relations)) {
      const def = blueprint.relations[key];
      if (!def || value === null) continue;
      [value].flat().forEach((id, i) => {
        if (!missing.get(def.target)?.has(id)) return;
        const field = Array.isArray(value) ? `relations.${key}.${i}` : `relations.${key}`;
        const path = p.pathPrefix ? `${p.pathPrefix}.${field}` : field;
        const why = targetsUnableToBeBare.get(def.target) ?? options.mayCreateIn?.(def.target);
        if (!options.createMissingRelated) {
          problems.push({
            path,
            message: `entity '${id}' of blueprint '${def.target}' does not exist (use create_missing_related_entities=true to create it)`,
          });
        } else if (why) {
          problems.push({
            path,
            message: `entity '${id}' of blueprint '${def.target}' does not exist and cannot be created empty: ${why}`,
          });
        } else {
          wantedHere.push(placeholderRecord(def.target, id, ctx));
        }
      });
    }
    if (problems.length > 0) {
      fail(p.index, p.identifier, invalid(problems, "unknown_related_entity"));
      continue;
    }
    for (const rec of wantedHere) placeholders.set(`${rec.blueprint}\u0000${rec.identifier}`, rec);
    accepted.push(p);
  }
  return { accepted, placeholders: [...placeholders.values()] };
}

/** For each target blueprint that requires properties or relations, why an empty entity would be invalid. */
async function blueprintsNeedingData(db: Database, targets: string[]): Promise<Map<string, string>> {
  const all = await listBlueprints(db);
  const out = new Map<string, string>();
  for (const bp of all) {
    if (!targets.includes(bp.identifier)) continue;
    const required = [
      ...bp.schema.required,
      ...Object.entries(bp.relations)
        .filter(([, r]) => r.required)
        .map(([k]) => k),
    ];
    if (required.length > 0) out.set(bp.identifier, `blueprint '${bp.identifier}' requires ${required.join(", ")}`);
  }
  return out;
}

/** A raw entity body from a request, not yet validated. */
export interface EntityBody {
  raw: unknown;
  pathPrefix: string;
  expectedVersion?: number | undefined;
  /** The identifier from the URL (PUT/PATCH); the body may repeat it but not contradict it. */
  identifier?: string | undefined;
}

/**
 * Validates raw entity bodies and writes the valid ones (see writeEntities). A body that fails its shape
 * check gets its own failed outcome; the rest still land.
 */
export async function writeEntityBodies(
  db: Database,
  blueprintId: string,
  mode: WriteMode,
  bodies: EntityBody[],
  options: WriteOptions,
  ctx: WriteContext,
): Promise<WriteOutcome[]> {
  const failed: WriteOutcome[] = [];
  const writes: (EntityWrite & { index: number })[] = [];
  bodies.forEach((body, index) => {
    try {
      const input = parseEntityInput(body.raw, blueprintId, body.pathPrefix);
      if (body.identifier !== undefined) {
        if (input.identifier !== undefined && input.identifier !== body.identifier) {
          const path = body.pathPrefix ? `${body.pathPrefix}.identifier` : "identifier";
          throw invalid([{ path, message: `must be '${body.identifier}' (the entity in the URL); identifiers cannot be renamed` }]);
        }
        input.identifier = body.identifier;
      }
      writes.push({ index, input, pathPrefix: body.pathPrefix, expectedVersion: body.expectedVersion });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const raw = body.raw as { identifier?: unknown } | null;
      const identifier = typeof raw?.identifier === "string" ? raw.identifier : null;
      failed.push({ ok: false, index, identifier, error });
    }
  });
  const written = writes.length > 0 ? await writeEntities(db, blueprintId, mode, writes, options, ctx) : [];
  // writeEntities numbers its outcomes by position among the valid writes; map them back to the request.
  const remapped = written.map((o) => ({ ...o, index: (writes[o.index] as { index: number }).index }));
  return [...failed, ...remapped].sort((a, b) => a.index - b.index);
}
