import { insertAuditStatements } from "../../db/audit-store";
import { entityCounts, listBlueprints } from "../../db/blueprint-store";
import {
  abortUnlessChangedStatement,
  type Database,
  isAbortedUnchanged,
  isConstraintRace,
  runBatch,
  type Statement,
} from "../../db/client";
import {
  deleteScorecardStatements,
  findScorecard,
  listScorecards,
  maxEntityId,
  type StoredScorecard,
  saveScorecardStatement,
  scoreStatements,
} from "../../db/scorecard-store";
import { conflict, notFound, versionMismatch } from "../../lib/errors";
import { requireAdminOrModerator } from "../access/guards";
import type { Principal } from "../access/principal";
import { auditOf } from "../audit/record";
import type { Blueprint, WriteContext } from "../catalog/types";
import { type CompiledScorecard, compileScorecard, parseScorecard } from "./definition";

/** Entities rescored inside the request that changed a scorecard; bigger blueprints go through the queue. */
export const INLINE_RESCORE = 2000;
/** Entity ids per queued rescoring chunk. */
export const RESCORE_CHUNK = 5000;

/** Queues scoring chunks (the queue consumer runs `rescoreChunk`). */
export interface ScoringQueue {
  enqueueScoring(chunk: { blueprint: string; scorecard: string; afterId: number; toId: number }): Promise<void>;
}

function blueprintOf(blueprints: Map<string, Blueprint>, identifier: string): Blueprint {
  const bp = blueprints.get(identifier);
  if (!bp) throw notFound(`Blueprint '${identifier}'`);
  return bp;
}

/** Rescores a whole blueprint: inside `statements` when small, else in queued chunks after they commit. */
async function rescorePlan(
  db: Database,
  compiled: CompiledScorecard,
  now: string,
): Promise<{ inline: Statement[]; chunks: { afterId: number; toId: number }[] }> {
  const max = await maxEntityId(db, compiled.blueprint);
  const count = (await entityCounts(db)).get(compiled.blueprint) ?? 0;
  if (count <= INLINE_RESCORE) return { inline: scoreStatements(db, compiled, { kind: "all" }, now), chunks: [] };
  const chunks: { afterId: number; toId: number }[] = [];
  for (let after = 0; after < max; after += RESCORE_CHUNK) chunks.push({ afterId: after, toId: Math.min(after + RESCORE_CHUNK, max) });
  return { inline: [], chunks };
}

/** Creates or replaces a scorecard (`expected` = If-Match on replace) and rescores its blueprint. */
export async function saveScorecard(
  db: Database,
  queue: ScoringQueue,
  p: Principal,
  blueprintId: string,
  raw: unknown,
  ctx: WriteContext,
  mode: { create: true } | { create: false; identifier: string; expected: number | undefined },
): Promise<StoredScorecard> {
  requireAdminOrModerator(p, blueprintId, "manage scorecards");
  const all = await listBlueprints(db);
  const bp = blueprintOf(new Map(all.map((b) => [b.identifier, b])), blueprintId);
  const body = mode.create ? raw : { ...(raw as object), identifier: mode.identifier };
  const { definition, compiled } = parseScorecard(body, bp, all);
  const current = await findScorecard(db, blueprintId, definition.identifier);
  if (mode.create && current) throw conflict(`Scorecard '${definition.identifier}' already exists on '${blueprintId}'`);
  if (!mode.create && !current) throw notFound(`Scorecard '${definition.identifier}' of '${blueprintId}'`);
  if (!mode.create && current && mode.expected !== undefined && mode.expected !== current.version) {
    throw versionMismatch(mode.expected, current.version);
  }
  const plan = await rescorePlan(db, compiled, ctx.now);
  try {
    await runBatch(db, [
      saveScorecardStatement(db, blueprintId, definition, { actor: ctx.actor, at: ctx.now }, current ? current.version : null),
      // A replace that lost a race changed no row: abort the whole batch, so no rescoring by a definition
      // that was never saved lands.
      abortUnlessChangedStatement(db),
      ...insertAuditStatements(db, [
        auditOf(ctx, current ? "UPDATE" : "CREATE", "scorecard", {
          blueprint: blueprintId,
          entity: definition.identifier,
          before: current,
          after: definition,
        }),
      ]),
      ...plan.inline,
    ]);
  } catch (error) {
    if (isAbortedUnchanged(error)) throw versionMismatch(current?.version ?? 0, (current?.version ?? 0) + 1);
    if (isConstraintRace(error)) throw conflict(`Scorecard '${definition.identifier}' already exists on '${blueprintId}'`);
    throw error;
  }
  for (const chunk of plan.chunks) await queue.enqueueScoring({ blueprint: blueprintId, scorecard: definition.identifier, ...chunk });
  return (await findScorecard(db, blueprintId, definition.identifier)) as StoredScorecard;
}

export async function deleteScorecard(db: Database, p: Principal, blueprint: string, identifier: string, ctx: WriteContext): Promise<void> {
  requireAdminOrModerator(p, blueprint, "manage scorecards");
  const current = await findScorecard(db, blueprint, identifier);
  if (!current) throw notFound(`Scorecard '${identifier}' of '${blueprint}'`);
  await runBatch(db, [
    ...deleteScorecardStatements(db, blueprint, identifier),
    ...insertAuditStatements(db, [auditOf(ctx, "DELETE", "scorecard", { blueprint, entity: identifier, before: current })]),
  ]);
}

export async function getScorecard(db: Database, blueprint: string, identifier: string): Promise<StoredScorecard> {
  const s = await findScorecard(db, blueprint, identifier);
  if (!s) throw notFound(`Scorecard '${identifier}' of '${blueprint}'`);
  return s;
}

export { listScorecards };

/** Runs one queued rescoring chunk (ids in `(afterId, toId]`). */
export async function rescoreChunk(
  db: Database,
  chunk: { blueprint: string; scorecard: string; afterId: number; toId: number },
): Promise<void> {
  const stored = await findScorecard(db, chunk.blueprint, chunk.scorecard);
  if (!stored) return;
  const all = await listBlueprints(db);
  const bp = all.find((b) => b.identifier === chunk.blueprint);
  if (!bp) return;
  const compiled = compileScorecard(stored, bp, all);
  await runBatch(db, scoreStatements(db, compiled, { kind: "range", afterId: chunk.afterId, toId: chunk.toId }, new Date().toISOString()));
}

/**
 * The statements that rescore entities just written (or about to be, in the same batch) in every scorecard
 * of their blueprint: what keeps an entity's own results current at once after its write.
 */
export async function scoreWrittenStatements(db: Database, blueprint: Blueprint, identifiers: string[], now: string): Promise<Statement[]> {
  const scorecards = await listScorecards(db, blueprint.identifier);
  if (scorecards.length === 0 || identifiers.length === 0) return [];
  const all = await listBlueprints(db);
  return scorecards.flatMap((s) => {
    try {
      return scoreStatements(db, compileScorecard(s, blueprint, all), { kind: "identifiers", identifiers }, now);
    } catch {
      // The blueprint changed under the scorecard (a rule names a removed property): it scores nothing
      // until it is fixed; the scorecard page shows the problem.
      return [];
    }
  });
}

/** Creates the scorecards that do not exist yet (templates; the caller is an admin) and scores their entities. */
export async function importScorecards(
  db: Database,
  queue: ScoringQueue,
  items: { blueprint: string; scorecard: Record<string, unknown> }[],
  ctx: WriteContext,
): Promise<{ created: string[]; unchanged: string[] }> {
  const created: string[] = [];
  const unchanged: string[] = [];
  const all = await listBlueprints(db);
  for (const item of items) {
    const bp = blueprintOf(new Map(all.map((b) => [b.identifier, b])), item.blueprint);
    const { definition, compiled } = parseScorecard(item.scorecard, bp, all);
    const name = `${item.blueprint}/${definition.identifier}`;
    if (await findScorecard(db, item.blueprint, definition.identifier)) {
      unchanged.push(name);
      continue;
    }
    const plan = await rescorePlan(db, compiled, ctx.now);
    await runBatch(db, [
      saveScorecardStatement(db, item.blueprint, definition, { actor: ctx.actor, at: ctx.now }, null),
      ...insertAuditStatements(db, [
        auditOf(ctx, "CREATE", "scorecard", { blueprint: item.blueprint, entity: definition.identifier, after: definition }),
      ]),
      ...plan.inline,
    ]);
    for (const chunk of plan.chunks) await queue.enqueueScoring({ blueprint: item.blueprint, scorecard: definition.identifier, ...chunk });
    created.push(name);
  }
  return { created, unchanged };
}
