import { findAction, listActions } from "../../db/action-store";
import { type Database, runBatch } from "../../db/client";
import { runDeliveryAttempts } from "../../db/delivery-store";
import { findRun, linkRunEntityStatement, listRuns, type RunRecord, type RunStatus, runEntities } from "../../db/run-store";
import { AppError, invalid, notFound } from "../../lib/errors";
import { forbidden } from "../access/guards";
import type { Principal } from "../access/principal";
import { mayManage, mayReadRun, runVisibility } from "./action-permissions";
import type { RunReport } from "./run-state";
import { runView } from "./run-view";
import type { RunOutcome, RunRuntime, TransitionMeta } from "./runtime";

/**
 * Reading runs and reporting on them. A run is visible to its requester, its action's managers and
 * approvers, and admins; to anyone else it does not exist (404, so ids cannot be probed). Backends report
 * with an Admin or blueprint-moderator credential, as Port's backends use the organisation's credentials.
 */

async function visibleRun(db: Database, p: Principal, runId: string): Promise<RunRecord> {
  const run = await findRun(db, runId);
  if (!run || !mayReadRun(p, run, await findAction(db, run.action))) throw notFound(`Run '${runId}'`);
  return run;
}

function settle(outcome: RunOutcome): void {
  if (!outcome.ok) throw new AppError(outcome.refused, outcome.refused === 403 ? "forbidden" : "conflict", outcome.message);
}

export async function getRun(db: Database, p: Principal, runId: string) {
  return runView(await visibleRun(db, p, runId));
}

/** A run with what its page shows: affected entities and delivery attempts. */
export async function getRunDetails(db: Database, p: Principal, runId: string) {
  const run = await visibleRun(db, p, runId);
  return { run: runView(run), entities: await runEntities(db, runId), attempts: await runDeliveryAttempts(db, runId) };
}

export interface RunListQuery {
  mine?: boolean;
  action?: string | undefined;
  status?: RunStatus[] | undefined;
  blueprint?: string | undefined;
  entity?: string | undefined;
  /** Only runs `p` could approve now. */
  awaitingMyApproval?: boolean;
  /** Only runs that acted on, created or changed this entity. */
  touching?: { blueprint: string; identifier: string } | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** Runs `p` may see, newest first, paged by run id. */
export async function listRunsFor(db: Database, p: Principal, q: RunListQuery) {
  if (q.cursor !== undefined && !/^r_[a-z0-9]+$/.test(q.cursor))
    throw invalid([{ path: "query.cursor", message: "is not a cursor this API returned" }]);
  const actions = await listActions(db);
  const rows = await listRuns(db, {
    visibility: runVisibility(p, actions),
    requestedBy: q.mine ? p.email : undefined,
    action: q.action,
    status: q.status,
    blueprint: q.blueprint,
    entity: q.entity,
    pendingApprover: q.awaitingMyApproval ? p.email : undefined,
    touching: q.touching,
    before: q.cursor,
    limit: q.limit + 1,
  });
  const more = rows.length > q.limit;
  const shown = more ? rows.slice(0, q.limit) : rows;
  return { runs: shown.map(runView), next: more ? (shown.at(-1)?.id ?? null) : null };
}

async function reportable(db: Database, p: Principal, runId: string): Promise<RunRecord> {
  const run = await visibleRun(db, p, runId);
  if (!mayManage(p, run.blueprint)) {
    throw forbidden(
      `Reporting on runs needs the Admin${run.blueprint ? ` or ${run.blueprint}-moderator` : ""} role (the credential your backend uses)`,
    );
  }
  return run;
}

/** `PATCH /v1/actions/runs/{id}`: status, label, summary, links, external id. */
export async function reportRun(db: Database, runtime: RunRuntime, p: Principal, runId: string, report: RunReport, meta: TransitionMeta) {
  await reportable(db, p, runId);
  const outcome = await runtime.run(runId).report(report, meta);
  settle(outcome);
  return runView((await findRun(db, runId)) as RunRecord);
}

/** `POST /v1/actions/runs/{id}/logs`: one line, optionally ending the run (accepted once). */
export async function appendRunLog(
  db: Database,
  runtime: RunRuntime,
  p: Principal,
  runId: string,
  line: { message: string; terminationStatus?: "SUCCESS" | "FAILURE" | undefined; statusLabel?: string | undefined },
  meta: TransitionMeta,
) {
  await reportable(db, p, runId);
  settle(await runtime.run(runId).log(line, meta));
}

export async function runLogs(db: Database, runtime: RunRuntime, p: Principal, runId: string, after: number) {
  await visibleRun(db, p, runId);
  return runtime.run(runId).logs(after);
}

/** `PATCH /v1/actions/runs/{id}/approval`: APPROVE or DECLINE, by one of the run's approvers. */
export async function decideRun(
  db: Database,
  runtime: RunRuntime,
  p: Principal,
  runId: string,
  body: { status: "APPROVE" | "DECLINE"; description?: string | undefined },
  meta: TransitionMeta,
) {
  await visibleRun(db, p, runId);
  const outcome = await runtime
    .run(runId)
    .decide({ by: p.email, decision: body.status, description: body.description ?? null, at: new Date().toISOString() }, meta);
  settle(outcome);
  return runView((await findRun(db, runId)) as RunRecord);
}

/** Links an entity written with `?run_id=` to the run ("affected entities"); checkRunForLink ran first. */
export async function linkEntityToRun(db: Database, runtime: RunRuntime, runId: string, blueprint: string, identifier: string) {
  await runBatch(db, [linkRunEntityStatement(db, runId, blueprint, identifier, new Date().toISOString())]);
  await runtime.run(runId).entityLinked({ blueprint, identifier });
}

/** Checks a `?run_id=` before the write it accompanies, so an unknown run fails the request up front. */
export async function checkRunForLink(db: Database, p: Principal, runId: string): Promise<void> {
  try {
    await reportable(db, p, runId);
  } catch (error) {
    if (error instanceof AppError && error.status === 404)
      throw invalid([{ path: "query.run_id", message: `run '${runId}' does not exist` }]);
    throw error;
  }
}
