// Figures of the delivery suites (bench/faults.mjs, bench/restart.mjs), from three witnesses that must agree:
// the backend (what the receiver processed, the duplicates it dropped by webhook-id), the portal's API (each
// run's status and message) and its D1 file read after the stack stopped (each delivery's attempts).

import { findD1File, loadSqlite, quantile, round } from "./stack.mjs";

/** The dead-letter message (src/domain/actions/deliver.ts deadLetter). */
const DEAD_LETTER = /^Your backend at (\S+) did not answer after (\d+) attempts? over (.+) \(last: (.+)\)$/;

/**
 * Opens the stack's D1 file read-only (the stack must be stopped) and returns `read(db)`.
 * @template T @param {(db: import("node:sqlite").DatabaseSync) => T} read
 */
export async function readD1(stack, read) {
  const DatabaseSync = await loadSqlite();
  const file = findD1File(DatabaseSync, stack.persistDir);
  if (!file) throw new Error(`no D1 file under ${stack.persistDir}`);
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** The kind of one recorded attempt: "delivered", "HTTP 503", "timeout", "network error", … */
function attemptKind(a) {
  if (a.outcome === "delivered") return "delivered";
  if (a.status_code !== null) return `HTTP ${a.status_code}`;
  if (typeof a.error === "string" && a.error.startsWith("timeout")) return "timeout";
  if (typeof a.error === "string" && a.error.startsWith("network error")) return "network error";
  return a.error ?? a.outcome;
}

/**
 * Run deliveries by run id, each with `last_attempt`: its last attempt's result as the portal words it
 * ("HTTP 503", "timeout after 1 s", "network error: …"), and counts of their attempts by kind.
 */
export function deliveriesOf(db) {
  const byRun = new Map();
  const deliveries = db.prepare(
    `SELECT d.id, d.run_id, d.status, d.attempts, d.last_result,
            (SELECT coalesce('HTTP ' || a.status_code, a.error) FROM delivery_attempts a
              WHERE a.delivery_id = d.id ORDER BY a.attempt DESC LIMIT 1) AS last_attempt
       FROM deliveries d WHERE d.kind = 'RUN'`,
  );
  for (const d of deliveries.all()) byRun.set(d.run_id, d);
  const attemptKinds = {};
  const rows = db
    .prepare(
      "SELECT a.outcome, a.status_code, a.error FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.kind = 'RUN'",
    )
    .all();
  for (const a of rows) {
    const kind = attemptKind(a);
    attemptKinds[kind] = (attemptKinds[kind] ?? 0) + 1;
  }
  return { byRun, attemptKinds, attempts: rows.length };
}

function count(values) {
  const out = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

function spread(values) {
  return {
    n: values.length,
    p50: round(quantile(values, 0.5)),
    p95: round(quantile(values, 0.95)),
    max: round(values.length ? Math.max(...values) : Number.NaN),
  };
}

/**
 * Whether a FAILURE run says what happened: the dead-letter message, naming the receiver, with the attempt
 * count and last result its delivery row holds.
 */
function failureCheck(run, delivery, receiverHost) {
  const m = DEAD_LETTER.exec(run.summary ?? "");
  if (!m) return { right: false, why: "not the dead-letter message" };
  if (m[1] !== receiverHost) return { right: false, why: `names ${m[1]}, not ${receiverHost}` };
  if (!delivery) return { right: false, why: "no delivery row" };
  if (Number(m[2]) !== delivery.attempts) return { right: false, why: `says ${m[2]} attempts, ${delivery.attempts} recorded` };
  if (m[4] !== delivery.last_attempt) return { right: false, why: `says last ${m[4]}, the last attempt recorded ${delivery.last_attempt}` };
  return { right: true, attempts: Number(m[2]), last: m[4].startsWith("network error") ? "network error" : m[4] };
}

/**
 * The suite's figures. `accepted`: the runs the portal answered 202; `runs`: every run of the action the API
 * lists at the end; `d1`: deliveriesOf() after the stop.
 */
export function deliveryFigures({ fired, receiver, reporter, runs, d1, receiverHost, maxAttempts }) {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const accepted = fired.accepted.map((a) => a.runId);
  const announced = new Set(accepted);
  const status = count(accepted.map((id) => byId.get(id)?.status ?? "MISSING"));
  const processed = (id) => receiver.state.byRunId.has(id);
  const failed = accepted.filter((id) => byId.get(id)?.status === "FAILURE");
  const checks = failed.map((id) => ({ id, ...failureCheck(byId.get(id), d1.byRun.get(id), receiverHost) }));
  const wrong = checks.filter((c) => !c.right);
  const stuck = accepted.filter((id) => {
    const s = byId.get(id)?.status;
    return s !== "SUCCESS" && s !== "FAILURE" && s !== undefined;
  });
  const endedMs = (s) =>
    accepted.flatMap((id) => {
      const r = byId.get(id);
      return r?.status === s && r.endedAt ? [Date.parse(r.endedAt) - Date.parse(r.createdAt)] : [];
    });
  return {
    requested: fired.accepted.length + fired.refused.length,
    accepted: accepted.length,
    notAcknowledged: fired.refused.length,
    notAcknowledgedExample: fired.refused[0]?.error ?? null,
    /** Runs the portal holds that no 202 announced (their request got no answer). */
    unannouncedRuns: runs.filter((r) => !announced.has(r.id)).length,
    status,
    missing: status.MISSING ?? 0,
    stuck: stuck.length,
    stuckExample: stuck.slice(0, 5),
    delivered: accepted.filter(processed).length,
    succeededWithoutDelivery: accepted.filter((id) => byId.get(id)?.status === "SUCCESS" && !processed(id)).length,
    failed: failed.length,
    failedRightMessage: checks.length - wrong.length,
    failedWrongMessage: wrong.length,
    wrongExamples: wrong.slice(0, 5).map((c) => ({ run: c.id, summary: byId.get(c.id)?.summary, why: c.why })),
    failedByLastResult: count(checks.filter((c) => c.right).map((c) => c.last)),
    failedByAttempts: count(checks.filter((c) => c.right).map((c) => c.attempts)),
    maxAttempts,
    /** Failed, although the backend had processed the webhook (it answered after the timeout every time it was asked). */
    failedAfterProcessing: failed.filter(processed).length,
    backend: {
      requests: receiver.state.requests,
      answered: receiver.state.answered,
      processed: receiver.state.byWebhookId.size,
      duplicatesDetected: receiver.state.duplicateWebhookIds,
      duplicatesUndetectable: receiver.state.duplicateRuns,
      invalidSignatures: receiver.state.invalid,
      reported: reporter.state.reported,
      reportsRefusedRunEnded: reporter.state.alreadyEnded,
      reportRetries: reporter.state.retries,
      reportsFailed: reporter.state.failed,
      reportsFailedExample: reporter.state.failedExample,
    },
    deliveries: {
      attempts: d1.attempts,
      attemptKinds: d1.attemptKinds,
      byStatus: count(accepted.map((id) => d1.byRun.get(id)?.status ?? "NONE")),
      attemptsPerDelivery: count(accepted.map((id) => d1.byRun.get(id)?.attempts ?? 0)),
    },
    timeToEndMs: { success: spread(endedMs("SUCCESS")), failure: spread(endedMs("FAILURE")) },
  };
}

/** [figure, target, measured, pass] rows. */
export function deliveryVerdicts(f) {
  const reached = f.accepted - f.stuck - f.missing;
  return [
    ["runs ending SUCCESS/FAILURE", `${f.accepted}/${f.accepted}`, `${reached}/${f.accepted} (stuck ${f.stuck})`, reached === f.accepted],
    [
      "runs lost",
      "0",
      `${f.missing + f.succeededWithoutDelivery} (missing ${f.missing}, SUCCESS never delivered ${f.succeededWithoutDelivery})`,
      f.missing + f.succeededWithoutDelivery === 0,
    ],
    [
      "duplicates undetectable",
      "0",
      `${f.backend.duplicatesUndetectable} (${f.backend.duplicatesDetected} detected by webhook-id)`,
      f.backend.duplicatesUndetectable === 0,
    ],
    ["failed with the right message", `${f.failed}/${f.failed}`, `${f.failedRightMessage}/${f.failed}`, f.failedWrongMessage === 0],
  ];
}

function table(rows) {
  const lines = [`  ${"figure".padEnd(32)}${"target".padEnd(14)}${"measured".padEnd(52)}verdict`];
  for (const [name, target, value, pass] of rows)
    lines.push(`  ${name.padEnd(32)}${target.padEnd(14)}${value.padEnd(52)}${pass ? "PASS" : "FAIL"}`);
  return lines;
}

/** The printed report of the delivery figures. */
export function deliveryReport(f, verdictRows = deliveryVerdicts(f)) {
  const b = f.backend;
  const a = b.answered;
  const t = f.timeToEndMs;
  return [
    `  runs: ${f.accepted} accepted of ${f.requested} requested (${f.notAcknowledged} not acknowledged${f.notAcknowledgedExample ? `, e.g. ${f.notAcknowledgedExample}` : ""}; ${f.unannouncedRuns} runs exist without a 202)`,
    `  status: ${JSON.stringify(f.status)}`,
    `  backend: ${b.requests} requests — ok ${a.ok}, 503 ${a.serverError}, answered after the timeout ${a.timeout}, 429 ${a.tooManyRequests}; invalid signatures ${b.invalidSignatures}`,
    `  delivered (processed by the backend): ${f.delivered}; redeliveries dropped by webhook-id: ${b.duplicatesDetected}; a run under two webhook-ids: ${b.duplicatesUndetectable}`,
    `  reports: ${b.reported} SUCCESS, ${b.reportsRefusedRunEnded} refused as the run had ended, ${b.reportRetries} retries, ${b.reportsFailed} failed${b.reportsFailedExample ? ` (${b.reportsFailedExample})` : ""}`,
    `  failed: ${f.failed} (${f.failedAfterProcessing} of them processed by the backend, which answered too late); right message ${f.failedRightMessage}; by last result ${JSON.stringify(f.failedByLastResult)}; by attempts ${JSON.stringify(f.failedByAttempts)} (max ${f.maxAttempts})`,
    ...(f.wrongExamples.length > 0 ? [`  wrong messages, e.g. ${JSON.stringify(f.wrongExamples)}`] : []),
    `  attempts: ${f.deliveries.attempts} — ${JSON.stringify(f.deliveries.attemptKinds)}; deliveries ${JSON.stringify(f.deliveries.byStatus)}; attempts per delivery ${JSON.stringify(f.deliveries.attemptsPerDelivery)}`,
    `  run created → ended: SUCCESS p50 ${t.success.p50} ms, p95 ${t.success.p95} ms, max ${t.success.max} ms; FAILURE p50 ${t.failure.p50} ms, max ${t.failure.max} ms`,
    "",
    ...table(verdictRows),
  ];
}

export { table as verdictTable };
