import { auditDeleteAllEntitiesStatement, insertAuditStatements } from "../../db/audit-store";
import { deleteBlueprintStatement, entityCounts, findBlueprint, listBlueprints, upsertBlueprintStatement } from "../../db/blueprint-store";
import { type Database, isVersionConflict, runBatch, type Statement } from "../../db/client";
import { countEntities, countMissingProperty, countMissingRelation, relationInUse } from "../../db/entity-store";
import { deleteAllEntitiesStatement, dropRelationStatement, stripPropertiesStatements } from "../../db/entity-write-store";
import { AppError, conflict, type ErrorDetail, invalid, notFound, versionMismatch } from "../../lib/errors";
import { parseBlueprintDefinition } from "./blueprint-definition";
import { reindexCalculations } from "./derived/indexed-calculations";
import { derivedProblems } from "./derived/validate";
import type { Blueprint, BlueprintDefinition, WriteContext } from "./types";

export { listBlueprints } from "../../db/blueprint-store";

export async function getBlueprint(db: Database, identifier: string): Promise<Blueprint> {
  const blueprint = await findBlueprint(db, identifier);
  if (!blueprint) throw notFound(`Blueprint '${identifier}'`);
  return blueprint;
}

/** Blueprints with how many entities each has (home page, API list with counts). */
export async function listBlueprintsWithCounts(db: Database): Promise<{ blueprint: Blueprint; entityCount: number }[]> {
  const [all, counts] = [await listBlueprints(db), await entityCounts(db)];
  return all.map((blueprint) => ({ blueprint, entityCount: counts.get(blueprint.identifier) ?? 0 }));
}

/** POST: create a blueprint; 409 if it exists. */
export async function createBlueprint(db: Database, raw: unknown, ctx: WriteContext): Promise<Blueprint> {
  const def = parseBlueprintDefinition(raw);
  if (await findBlueprint(db, def.identifier)) throw conflict(`Blueprint '${def.identifier}' already exists`);
  const [written] = await writeBlueprints(db, [def], ctx, { create: true });
  return written as Blueprint;
}

/** PUT: replace a blueprint's definition. */
export async function replaceBlueprint(
  db: Database,
  identifier: string,
  raw: unknown,
  ctx: WriteContext,
  expectedVersion?: number,
): Promise<Blueprint> {
  const def = parseBlueprintDefinition(withIdentifier(raw, identifier));
  const [written] = await writeBlueprints(db, [def], ctx, { create: false, expectedVersion });
  return written as Blueprint;
}

/**
 * PATCH: change only the given fields. Keyed sections (schema.properties, relations and the derived
 * sections) merge by key, and a key set to null removes it; `schema.required` is replaced when given.
 */
export async function patchBlueprint(
  db: Database,
  identifier: string,
  raw: unknown,
  ctx: WriteContext,
  expectedVersion?: number,
): Promise<Blueprint> {
  const current = await getBlueprint(db, identifier);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw invalid([{ path: "", message: "must be a JSON object" }]);
  }
  const patch = raw as Record<string, unknown>;
  const { version: _v, createdAt: _ca, updatedAt: _ua, createdBy: _cb, updatedBy: _ub, ...base } = current;
  const merged: Record<string, unknown> = { ...base, ...patch, identifier };
  const mergeKeyed = (a: object, b: unknown) =>
    typeof b === "object" && b !== null && !Array.isArray(b)
      ? Object.fromEntries(Object.entries({ ...a, ...b }).filter(([, v]) => v !== null))
      : b;
  for (const key of ["relations", "mirrorProperties", "calculationProperties", "aggregationProperties", "formulaProperties"] as const) {
    if (key in patch) merged[key] = mergeKeyed(current[key], patch[key]);
  }
  if ("schema" in patch) {
    const s = patch.schema as { properties?: unknown; required?: unknown } | null;
    merged.schema =
      typeof s === "object" && s !== null
        ? {
            properties: "properties" in s ? mergeKeyed(current.schema.properties, s.properties) : current.schema.properties,
            required: "required" in s ? s.required : current.schema.required.filter((k) => !isRemoved(s.properties, k)),
          }
        : s;
  }
  const def = parseBlueprintDefinition(merged);
  const [written] = await writeBlueprints(db, [def], ctx, { create: false, expectedVersion });
  return written as Blueprint;
}

function isRemoved(properties: unknown, key: string): boolean {
  return typeof properties === "object" && properties !== null && (properties as Record<string, unknown>)[key] === null;
}

/**
 * Creates or updates several blueprints at once (templates): relations may point at blueprints in the
 * same set, and all land in one batch.
 */
export async function applyBlueprints(db: Database, raws: unknown[], ctx: WriteContext): Promise<Blueprint[]> {
  const defs = raws.map((raw, i) => {
    try {
      return parseBlueprintDefinition(raw);
    } catch (e) {
      if (e instanceof AppError) throw invalid(e.details.map((d) => ({ ...d, path: `blueprints.${i}.${d.path}` })));
      throw e;
    }
  });
  return writeBlueprints(db, defs, ctx, { create: "either" });
}

function withIdentifier(raw: unknown, identifier: string): unknown {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return raw;
  const body = raw as Record<string, unknown>;
  if (body.identifier !== undefined && body.identifier !== identifier) {
    throw invalid([{ path: "identifier", message: `must be '${identifier}' (the blueprint in the URL); identifiers cannot be renamed` }]);
  }
  return { ...body, identifier };
}

async function writeBlueprints(
  db: Database,
  defs: BlueprintDefinition[],
  ctx: WriteContext,
  opts: { create: boolean | "either"; expectedVersion?: number | undefined },
): Promise<Blueprint[]> {
  const all = new Map((await listBlueprints(db)).map((b) => [b.identifier, b]));
  const problems: ErrorDetail[] = [];
  // Blueprint rows first (relations may target blueprints of this same batch), then their side effects.
  const rowStatements: Statement[] = [];
  const statements: Statement[] = [];
  const written: Blueprint[] = [];
  const incoming = new Set(defs.map((d) => d.identifier));

  for (const def of defs) {
    for (const [key, rel] of Object.entries(def.relations)) {
      if (!all.has(rel.target) && !incoming.has(rel.target)) {
        problems.push({ path: `relations.${key}.target`, message: `blueprint '${rel.target}' does not exist` });
      }
    }
    const known = new Map([...all, ...defs.map((d) => [d.identifier, d] as const)]);
    problems.push(...derivedProblems(def, known));
    const current = all.get(def.identifier);
    if (!current && opts.create === false) throw notFound(`Blueprint '${def.identifier}'`);
    if (current && opts.create === true) throw conflict(`Blueprint '${def.identifier}' already exists`);
    if (current && opts.expectedVersion !== undefined && current.version !== opts.expectedVersion) {
      throw versionMismatch(opts.expectedVersion, current.version);
    }
    if (current) {
      const change = await changeStatements(db, current, def, ctx);
      problems.push(...change.problems);
      statements.push(...change.statements);
    }
    const stamp = {
      version: (current?.version ?? 0) + 1,
      at: ctx.now,
      by: ctx.actor,
      createdAt: current?.createdAt ?? ctx.now,
      createdBy: current?.createdBy ?? ctx.actor,
    };
    rowStatements.push(upsertBlueprintStatement(db, def, stamp));
    const after: Blueprint = {
      ...def,
      version: stamp.version,
      createdAt: stamp.createdAt,
      updatedAt: ctx.now,
      createdBy: stamp.createdBy,
      updatedBy: ctx.actor,
    };
    written.push(after);
    statements.push(
      ...insertAuditStatements(db, [
        {
          at: ctx.now,
          actor: ctx.actor,
          origin: ctx.origin,
          action: current ? "UPDATE" : "CREATE",
          resourceType: "blueprint",
          blueprint: def.identifier,
          entity: null,
          before: current ?? null,
          after,
          requestId: ctx.requestId,
        },
      ]),
    );
  }
  if (problems.length > 0) throw invalid(problems);
  try {
    await runBatch(db, [...rowStatements, ...statements]);
    // Calculations indexed at write time are recomputed for every entity when their definitions change.
    for (const bp of written) {
      const before = all.get(bp.identifier);
      if (!before || JSON.stringify(before.calculationProperties) === JSON.stringify(bp.calculationProperties)) continue;
      const keys = [...new Set([...Object.keys(before.calculationProperties), ...Object.keys(bp.calculationProperties)])];
      await reindexCalculations(db, bp, keys);
    }
  } catch (error) {
    if (isVersionConflict(error))
      throw new AppError(412, "version_mismatch", "The blueprint changed while being written; re-read and retry");
    throw error;
  }
  return written;
}

/**
 * What changing `current` into `next` means for existing entities: a property may not change type in
 * place; dropped properties and relations are removed from entities; a property or relation may become
 * required only if every entity already has it.
 */
async function changeStatements(
  db: Database,
  current: Blueprint,
  next: BlueprintDefinition,
  ctx: WriteContext,
): Promise<{ problems: ErrorDetail[]; statements: Statement[] }> {
  const problems: ErrorDetail[] = [];
  const statements: Statement[] = [];
  const id = current.identifier;
  const dropped: string[] = [];
  for (const [key, before] of Object.entries(current.schema.properties)) {
    const after = next.schema.properties[key];
    if (!after) {
      dropped.push(key);
      continue;
    }
    if (after.type !== before.type || (before.type === "array" && after.items?.type !== before.items?.type)) {
      const was = before.type === "array" ? `array of ${before.items?.type ?? "any"}` : before.type;
      problems.push({ path: `schema.properties.${key}.type`, message: `cannot change from ${was} in place; add a new property instead` });
    }
  }
  if (dropped.length > 0)
    statements.push(
      ...stripPropertiesStatements(db, id, dropped, { at: ctx.now, actor: ctx.actor, origin: ctx.origin, requestId: ctx.requestId }),
    );
  for (const [i, key] of next.schema.required.entries()) {
    if (current.schema.required.includes(key)) continue;
    const missing = await countMissingProperty(db, id, key);
    if (missing > 0)
      problems.push({ path: `schema.required.${i}`, message: `'${key}' cannot become required: ${missing} entities have no value for it` });
  }
  for (const [key, before] of Object.entries(current.relations)) {
    const after = next.relations[key];
    if (!after) {
      statements.push(dropRelationStatement(db, id, key));
      continue;
    }
    if ((after.target !== before.target || after.many !== before.many) && (await relationInUse(db, id, key))) {
      problems.push({ path: `relations.${key}`, message: "cannot change target or many while entities use this relation" });
    }
    if (after.required && !before.required) {
      const missing = await countMissingRelation(db, id, key);
      if (missing > 0)
        problems.push({ path: `relations.${key}.required`, message: `cannot become required: ${missing} entities have no value for it` });
    }
  }
  for (const [key, rel] of Object.entries(next.relations)) {
    if (!current.relations[key] && rel.required) {
      const count = await countEntities(db, id);
      if (count > 0)
        problems.push({ path: `relations.${key}.required`, message: `a new relation cannot be required while ${count} entities exist` });
    }
  }
  return { problems, statements };
}

/**
 * Deletes a blueprint. Refused while other blueprints relate to it, and while it has entities unless
 * `deleteEntities` (then they are deleted and audited in the same batch).
 */
export async function deleteBlueprint(
  db: Database,
  identifier: string,
  opts: { deleteEntities: boolean },
  ctx: WriteContext,
): Promise<{ deletedEntities: number }> {
  const all = await listBlueprints(db);
  const blueprint = all.find((b) => b.identifier === identifier);
  if (!blueprint) throw notFound(`Blueprint '${identifier}'`);
  const referrers = all.flatMap((b) =>
    b.identifier === identifier
      ? []
      : Object.entries(b.relations)
          .filter(([, r]) => r.target === identifier)
          .map(([key]) => ({ path: `${b.identifier}.relations.${key}`, message: `blueprint '${b.identifier}' relates to it` })),
  );
  if (referrers.length > 0) {
    throw conflict(`Blueprint '${identifier}' is the target of ${referrers.length} relation(s); remove them first`, referrers);
  }
  const count = await countEntities(db, identifier);
  if (count > 0 && !opts.deleteEntities) {
    throw conflict(`Blueprint '${identifier}' still has ${count} entities; delete them first or pass delete_entities=true`);
  }
  const meta = { at: ctx.now, actor: ctx.actor, origin: ctx.origin, requestId: ctx.requestId };
  await runBatch(db, [
    auditDeleteAllEntitiesStatement(db, identifier, meta),
    deleteAllEntitiesStatement(db, identifier),
    deleteBlueprintStatement(db, identifier),
    ...insertAuditStatements(db, [
      { ...meta, action: "DELETE", resourceType: "blueprint", blueprint: identifier, entity: null, before: blueprint, after: null },
    ]),
  ]);
  return { deletedEntities: count };
}
