import { type Context, Hono } from "hono";
import { type RunListMode, RunListPage } from "../../../views/pages/run-list-page";
import { RunHistory, RunPage } from "../../../views/pages/run-page";
import { database } from "../../db/client";
import { RUN_STATUSES, type RunStatus } from "../../db/run-store";
import { isAdmin } from "../../domain/access/principal";
import { TERMINAL } from "../../domain/actions/run-state";
import { decideRun, getRunDetails, listRunsFor, runLogs } from "../../domain/actions/runs";
import { searchAuditLog } from "../../domain/audit/audit-log";
import type { AppEnv } from "../../env";
import { AppError } from "../../lib/errors";
import { runtimeFor } from "../../platform/runtime";
import { principalOf } from "../api/common";
import { pageStatus, redirectAfterPost } from "./action-support";
import { runEventsResponse } from "./run-events";
import { viewerOf } from "./viewer";

/** Runs: one run's page (live over SSE), my runs, all runs I may see, and runs awaiting my approval. */
export const runPages = new Hono<AppEnv>();

const PAGE_SIZE = 50;
const AUDIT_LIMIT = 100;

async function renderRun(c: Context<AppEnv>, banner?: string, status: 200 | 403 | 409 = 200) {
  const db = database(c.env.DB);
  const p = principalOf(c);
  const id = c.req.param("id") ?? "";
  const details = await getRunDetails(db, p, id);
  const logs = await runLogs(db, runtimeFor(c.env), p, id, 0);
  const audits = isAdmin(p) ? (await searchAuditLog(db, { runId: id, limit: AUDIT_LIMIT })).audits : null;
  return c.html(
    <RunPage
      viewer={viewerOf(c)}
      run={details.run}
      entities={details.entities}
      attempts={details.attempts}
      logs={logs}
      audits={audits}
      live={!TERMINAL.has(details.run.status)}
      banner={banner}
    />,
    pageStatus(c, status),
  );
}

runPages.get("/runs/:id", (c) => renderRun(c));

/** Deliveries and audit trail alone: the run page reloads them on every status change. */
runPages.get("/runs/:id/history", async (c) => {
  const db = database(c.env.DB);
  const p = principalOf(c);
  const id = c.req.param("id");
  const details = await getRunDetails(db, p, id);
  const audits = isAdmin(p) ? (await searchAuditLog(db, { runId: id, limit: AUDIT_LIMIT })).audits : null;
  return c.html(<RunHistory attempts={details.attempts} audits={audits} />);
});

/** The run's live events as HTML fragments (see run-events.tsx); the same read check as the page. */
runPages.get("/runs/:id/events", async (c) => {
  const db = database(c.env.DB);
  const p = principalOf(c);
  const { run } = await getRunDetails(db, p, c.req.param("id"));
  const viewer = viewerOf(c);
  const after = c.req.header("last-event-id") ?? c.req.query("after") ?? null;
  return runEventsResponse(c.env, { run, viewer: viewer ? { email: viewer.email, csrfToken: viewer.csrfToken } : undefined }, after);
});

/** Approve or decline (a pending approver's form); refusals show on the run page. */
runPages.post("/runs/:id/approval", async (c) => {
  const p = principalOf(c);
  const id = c.req.param("id");
  const form = await c.req.parseBody();
  const status = form.status === "APPROVE" || form.status === "DECLINE" ? form.status : null;
  if (!status) return renderRun(c, "Choose Approve or Decline", 409);
  const description = typeof form.description === "string" && form.description.trim() !== "" ? form.description.slice(0, 2000) : undefined;
  try {
    await decideRun(
      database(c.env.DB),
      runtimeFor(c.env),
      p,
      id,
      { status, description },
      { actor: p.email, requestId: c.get("requestId") },
    );
  } catch (error) {
    if (error instanceof AppError && (error.status === 403 || error.status === 409)) return renderRun(c, error.message, error.status);
    throw error;
  }
  return redirectAfterPost(c, `/runs/${encodeURIComponent(id)}`);
});

function statusFilter(c: Context<AppEnv>): RunStatus | undefined {
  const s = c.req.query("status");
  return RUN_STATUSES.find((x) => x === s);
}

async function renderList(c: Context<AppEnv>, mode: RunListMode) {
  const status = statusFilter(c);
  const cursor = c.req.query("cursor") || undefined;
  const result = await listRunsFor(database(c.env.DB), principalOf(c), {
    mine: mode === "mine",
    awaitingMyApproval: mode === "approvals",
    status: status ? [status] : undefined,
    cursor,
    limit: PAGE_SIZE,
  });
  return c.html(
    <RunListPage
      viewer={viewerOf(c)}
      mode={mode}
      runs={result.runs}
      next={result.next}
      status={status}
      statuses={RUN_STATUSES}
      cursor={cursor}
    />,
  );
}

runPages.get("/runs", (c) => renderList(c, c.req.query("all") === "1" ? "all" : "mine"));
runPages.get("/approvals", (c) => renderList(c, "approvals"));
