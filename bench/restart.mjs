// `npm run bench:restart`: what survives when `wrangler dev` stops in the middle of the fault suite.
//
// 1. A stack like bench:faults' (persisted state, short webhook timeout and backoff) and the same faulty
//    backend (no outage). Besides the backend's reports, one log line is posted to each run as soon as it
//    is accepted (POST /v1/actions/runs/{id}/logs), and the backend posts one when it processes a webhook.
// 2. Blueprint `bench_restart_timer` with a timer property, and --timers entities whose timers fall due
//    --timer-lead seconds later, spread over 10 s: by default 90 s after the restart is expected (the runs
//    before it at --rate, or 40 s for a burst).
// 3. Fires --runs runs. When --restart-at of them were accepted, it kills wrangler dev and workerd (SIGKILL,
//    like a crash; --graceful: SIGTERM), reads the D1 file as the crash left it (runs, pending deliveries,
//    timer events dispatched, i.e. timers armed), waits --down seconds and starts wrangler dev again on the
//    same port with the same state. Run requests refused meanwhile are sent again (they never reached it).
// 4. Waits until the runs settle. Deliveries whose queue message died with the local queue come back only
//    through the cron handler's sweep, which takes deliveries never attempted for 10 minutes
//    (STALL_MINUTES), at most 100 per tick. So it then fires the cron handler through miniflare's
//    GET /cdn-cgi/local/scheduled with a clock 11 minutes ahead, tick after tick (each one a */5 tick in
//    production) until a tick requeues nothing, and waits again.
// 5. Reports what survived: runs and log lines acknowledged before the stop, deliveries pending at the stop
//    (resumed, recovered by the sweep, or stuck), timers armed at the stop (expired exactly once after the
//    restart), plus the fault-suite figures for every run. Writes bench/results/restart-<date>.json.
//
// Options: those of bench/lib/delivery-suite.mjs, and --restart-at <share> (0.5), --down <s> (5),
//          --timers (200), --timer-lead <s> (see 2.), --graceful, --skip-sweep.

import { createServer } from "node:net";
import { parseArgs } from "node:util";
import { deliveryReport, deliveryVerdicts, readD1 } from "./lib/delivery-figures.mjs";
import {
  DELIVERY_OPTIONS,
  DELIVERY_USAGE,
  deliverySettings,
  finalFigures,
  fireRuns,
  settle,
  startDeliverySuite,
} from "./lib/delivery-suite.mjs";
import { machineLoadLine, measureAndSave } from "./lib/results.mjs";
import { expectStatus, log, positiveInt, round, runBench, sleep, tryJson } from "./lib/stack.mjs";

const TIMER_BLUEPRINT = "bench_restart_timer";
const TIMER_SPREAD_MS = 10_000;
/** The sweep's clock: past STALL_MINUTES (src/domain/actions/stalled.ts) and the event-range backstop's 10 min. */
const SWEEP_AHEAD_MS = 11 * 60_000;

const { values: opts } = parseArgs({
  options: {
    ...DELIVERY_OPTIONS,
    "restart-at": { type: "string", default: "0.5" },
    down: { type: "string", default: "5" },
    timers: { type: "string", default: "200" },
    "timer-lead": { type: "string" },
    graceful: { type: "boolean", default: false },
    "skip-sweep": { type: "boolean", default: false },
  },
});
if (opts.help) {
  console.log(
    `usage: npm run bench:restart -- [--restart-at 0.5] [--down 5] [--timers 200] [--timer-lead <s>] [--graceful] [--skip-sweep]\n${DELIVERY_USAGE}`,
  );
  process.exit(0);
}
const settings = deliverySettings(opts);
const RESTART_AT = Math.min(1, Math.max(0, Number(opts["restart-at"]) || 0));
const DOWN_MS = positiveInt("--down", opts.down) * 1000;
const TIMERS = positiveInt("--timers", opts.timers);
const RESTART_EXPECTED_S = settings.rate > 0 ? (settings.runs * RESTART_AT) / settings.rate : 40;
const TIMER_LEAD_MS =
  (opts["timer-lead"] === undefined ? Math.round(RESTART_EXPECTED_S + 90) : positiveInt("--timer-lead", opts["timer-lead"])) * 1000;

async function createTimers(stack) {
  await expectStatus(
    await stack.api("POST", "/v1/blueprints", {
      identifier: TIMER_BLUEPRINT,
      title: "Bench restart timer",
      schema: { properties: { expiresAt: { type: "string", format: "timer" } }, required: [] },
    }),
    201,
    `create blueprint ${TIMER_BLUEPRINT}`,
  );
  const first = Date.now() + TIMER_LEAD_MS;
  const due = new Map();
  for (let i = 0; i < TIMERS; i++)
    due.set(`rt${String(i).padStart(4, "0")}`, first + Math.round((i * TIMER_SPREAD_MS) / Math.max(1, TIMERS - 1)));
  for (let from = 0; from < TIMERS; from += 500) {
    const entities = [...due]
      .slice(from, from + 500)
      .map(([identifier, at]) => ({ identifier, properties: { expiresAt: new Date(at).toISOString() } }));
    await expectStatus(
      await stack.api("POST", `/v1/blueprints/${TIMER_BLUEPRINT}/entities/bulk`, { entities }),
      200,
      "create timer entities",
    );
  }
  log(`${TIMERS} timers due ${TIMER_LEAD_MS / 1000}–${(TIMER_LEAD_MS + TIMER_SPREAD_MS) / 1000} s from now`);
  return due;
}

/** What D1 holds right after the stop: stored runs, pending deliveries, and how many timer entities' creation events were dispatched (their timers armed). */
function stateAtStop(db) {
  const runs = new Set(
    db
      .prepare("SELECT id FROM action_runs")
      .all()
      .map((r) => r.id),
  );
  const pending = db.prepare("SELECT id, run_id, attempts FROM deliveries WHERE kind = 'RUN' AND status = 'PENDING'").all();
  const armed = db
    .prepare(
      `SELECT count(*) AS n FROM audit_log e WHERE e.blueprint = ? AND e.action = 'CREATE' AND e.resource_type = 'entity'
         AND EXISTS (SELECT 1 FROM dispatch_ranges r WHERE r.after_id < e.id AND e.id <= r.to_id AND r.done_at IS NOT NULL)`,
    )
    .get(TIMER_BLUEPRINT).n;
  return { runs, pending: pending.map((d) => ({ id: d.id, runId: d.run_id, attempts: d.attempts })), timersArmed: armed };
}

async function waitPortFree(port) {
  for (let i = 0; i < 100; i++) {
    const free = await new Promise((resolve) => {
      const srv = createServer();
      srv.once("error", () => resolve(false));
      srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
    });
    if (free) return;
    await sleep(100);
  }
  throw new Error(`port ${port} still taken 10 s after the stop`);
}

/** Stops the portal, reads what it left, and starts it again on the same port. */
async function restartPortal(stack, accepted, reporter) {
  const r = { stoppedAt: Date.now(), acceptedBefore: accepted.length };
  r.acknowledged = accepted.map((a) => a.runId);
  r.logsAcknowledged = new Map([...reporter.state.logsAcknowledged].map(([id, lines]) => [id, [...lines]]));
  await stack.stop({ signal: opts.graceful ? "SIGTERM" : "SIGKILL" });
  log(`portal stopped (${opts.graceful ? "SIGTERM" : "SIGKILL"}) after ${r.acceptedBefore} accepted runs`);
  r.atStop = await readD1(stack, stateAtStop);
  await sleep(DOWN_MS);
  await waitPortFree(Number(new URL(stack.base).port));
  r.readyMs = await stack.start({ samePort: true });
  r.restartedAt = Date.now();
  return r;
}

/** Each acknowledged log line, looked up after the restart: [lines, present, example of a missing one]. */
async function logsPresent(stack, acknowledged) {
  let lines = 0;
  let present = 0;
  let missing = null;
  const runIds = [...acknowledged.keys()];
  for (let i = 0; i < runIds.length; i += 10) {
    await Promise.all(
      runIds.slice(i, i + 10).map(async (runId) => {
        const json = tryJson(await (await stack.api("GET", `/v1/actions/runs/${runId}/logs`)).text());
        const stored = new Set((json?.runLogs ?? []).map((l) => l.message));
        for (const message of acknowledged.get(runId)) {
          lines++;
          if (stored.has(message)) present++;
          else missing ??= { runId, message };
        }
      }),
    );
  }
  return { lines, present, missingExample: missing };
}

/** One cron tick with a clock SWEEP_AHEAD_MS ahead; the number of deliveries it requeued (from its cron_tick log line). */
async function cronTick(stack) {
  const q = new URLSearchParams({ cron: "*/5 * * * *", time: String(Date.now() + SWEEP_AHEAD_MS), format: "json" });
  const res = await fetch(`${stack.base}/cdn-cgi/local/scheduled?${q}`);
  const outcome = tryJson(await res.text())?.outcome;
  if (res.status !== 200 || outcome !== "ok") throw new Error(`the cron handler answered HTTP ${res.status} (${outcome})`);
  await sleep(500);
  const tick = stack.serverLog(400).findLast((l) => l.includes('"cron_tick"'));
  return tick ? (tryJson(tick.slice(tick.indexOf("{")))?.requeuedDeliveries ?? 0) : 0;
}

/**
 * Cron ticks until one requeues nothing, each after the backend stopped receiving what the previous one
 * requeued. Returns the ticks and the deliveries requeued.
 */
async function sweep(stack, receiver) {
  const out = { ticks: 0, requeuedDeliveries: 0 };
  for (; out.ticks < 50; ) {
    const requeued = await cronTick(stack);
    out.ticks++;
    out.requeuedDeliveries += requeued;
    log(`cron tick ${out.ticks} (clock +${SWEEP_AHEAD_MS / 60_000} min): ${requeued} deliveries requeued`);
    if (requeued === 0) break;
    for (let seen = -1; seen !== receiver.state.requests; ) {
      seen = receiver.state.requests;
      await sleep(5000);
    }
  }
  return out;
}

/** TIMER_PROPERTY_EXPIRED rows of the timer blueprint, checked against the due times and the restart. */
async function timerExpiries(stack, due, restartedAt) {
  const rows = [];
  for (let cursor = null, page = 0; page < 50; page++) {
    const q = new URLSearchParams({ action: "EXPIRED", blueprint: TIMER_BLUEPRINT, limit: "1000", ...(cursor ? { cursor } : {}) });
    const json = tryJson(await (await stack.api("GET", `/v1/audit-log?${q}`)).text());
    rows.push(...(json?.audits ?? []));
    cursor = json?.next;
    if (!cursor) break;
  }
  const byEntity = new Map();
  for (const r of rows) byEntity.set(r.context?.entity, [...(byEntity.get(r.context?.entity) ?? []), Date.parse(r.trigger.at)]);
  const lateness = [];
  const out = { timers: due.size, once: 0, twice: 0, never: 0, early: 0, beforeRestart: 0 };
  for (const [id, at] of due) {
    const fired = byEntity.get(id) ?? [];
    if (fired.length === 0) out.never++;
    else if (fired.length === 1) out.once++;
    else out.twice++;
    if (fired.some((t) => t < at)) out.early++;
    if (fired.some((t) => t < restartedAt)) out.beforeRestart++;
    if (fired[0] !== undefined) lateness.push(fired[0] - at);
  }
  lateness.sort((a, b) => a - b);
  return { ...out, latenessP50Ms: lateness[Math.floor(lateness.length / 2)] ?? null, latenessMaxMs: lateness.at(-1) ?? null };
}

/**
 * The deliveries pending at the stop that went on since: their run ended, or they were attempted again
 * (GET /v1/actions/runs/{id} lists the run's attempts).
 */
async function wentOn(stack, pending) {
  const ids = new Set();
  for (let i = 0; i < pending.length; i += 10) {
    await Promise.all(
      pending.slice(i, i + 10).map(async (p) => {
        const json = tryJson(await (await stack.api("GET", `/v1/actions/runs/${p.runId}`)).text());
        const attempts = (json?.attempts ?? []).filter((a) => a.deliveryId === p.id).length;
        if (["SUCCESS", "FAILURE"].includes(json?.run?.status) || attempts > p.attempts) ids.add(p.id);
      }),
    );
  }
  return ids;
}

/** What became of the deliveries pending at the stop: went on by themselves, after the sweep, or not at all. */
function pendingFate(pending, before, after) {
  return {
    pending: pending.length,
    queuedNeverTried: pending.filter((p) => p.attempts === 0).length,
    awaitingRetry: pending.filter((p) => p.attempts > 0).length,
    resumed: before.size,
    recoveredBySweep: [...after].filter((id) => !before.has(id)).length,
    stuck: pending.filter((p) => !after.has(p.id)).length,
    stuckNeverTried: pending.filter((p) => !after.has(p.id) && p.attempts === 0).length,
  };
}

function survivalVerdicts(s) {
  const f = s.pendingFate;
  const t = s.timers;
  return [
    ["runs acknowledged before stop", `${s.runsAcknowledged} kept`, `${s.runsKept} kept`, s.runsKept === s.runsAcknowledged],
    ["log lines ack'd before stop", `${s.logs.lines} kept`, `${s.logs.present} kept`, s.logs.present === s.logs.lines],
    [
      "deliveries pending at stop",
      `${f.pending} go on`,
      `${f.resumed} resumed, ${f.recoveredBySweep} by sweep, ${f.stuck} stuck`,
      f.stuck === 0,
    ],
    [
      "timers armed at stop",
      `${s.timersArmedAtStop}/${t.timers}, once`,
      `${t.once} once, ${t.never} never, ${t.twice} twice, ${t.early} early, ${t.beforeRestart} pre-restart`,
      s.timersArmedAtStop === t.timers && t.once === t.timers && t.early === 0 && t.beforeRestart === 0,
    ],
  ];
}

async function measure(stacks) {
  log(`bench restart: ${settings.runs} runs, restart after ${RESTART_AT * 100} % of them, down ${DOWN_MS / 1000} s, ${TIMERS} timers`);
  const suite = await startDeliverySuite(stacks, settings, {
    prefix: "edge-portal-bench-restart-",
    logLine: (runId) => `bench backend: started work for ${runId}`,
  });
  const { stack, receiver, reporter } = suite;
  let result;
  try {
    const due = await createTimers(stack);
    let restart = null;
    const threshold = Math.max(1, Math.ceil(settings.runs * RESTART_AT));
    const fired = await fireRuns(stack, settings, (accepted) => {
      reporter.log(accepted.at(-1).runId, "bench client: run accepted");
      if (restart !== null || accepted.length < threshold) return;
      restart = restartPortal(stack, [...accepted], reporter);
      restart.catch(() => {}); // awaited (and thrown) after the firing; not an unhandled rejection meanwhile
    });
    restart = await restart;
    if (!restart) throw new Error(`fewer than ${threshold} runs were accepted: no restart happened`);
    const runIds = fired.accepted.map((a) => a.runId);
    await settle(suite, { runIds, settings, deadlineAt: fired.firedAt + settings.deadlineMs, label: "runs" });
    const pending = restart.atStop.pending;
    const resumed = await wentOn(stack, pending);
    let swept = null;
    let afterSweep = resumed;
    if (!opts["skip-sweep"] && resumed.size < pending.length) {
      swept = await sweep(stack, receiver);
      await settle(suite, { runIds, settings, deadlineAt: Date.now() + settings.deadlineMs, label: "after the sweep" });
      afterSweep = await wentOn(stack, pending);
    }
    const lastDue = Math.max(...due.values());
    if (Date.now() < lastDue + 15_000) await sleep(lastDue + 15_000 - Date.now());
    const timers = await timerExpiries(stack, due, restart.restartedAt);
    const logs = await logsPresent(stack, restart.logsAcknowledged);
    const { runs, figures } = await finalFigures(suite, fired);
    const listed = new Set(runs.map((r) => r.id));
    result = {
      revision: stack.revision,
      restart: {
        afterAcceptedRuns: restart.acceptedBefore,
        stopSignal: opts.graceful ? "SIGTERM" : "SIGKILL",
        downS: round((restart.restartedAt - restart.stoppedAt) / 1000),
        readyAfterStartS: round(restart.readyMs / 1000),
        firstTimerDueAfterRestartS: round((Math.min(...due.values()) - restart.restartedAt) / 1000),
      },
      survival: {
        runsAcknowledged: restart.acknowledged.length,
        runsInD1AtStop: restart.acknowledged.filter((id) => restart.atStop.runs.has(id)).length,
        runsKept: restart.acknowledged.filter((id) => listed.has(id)).length,
        logs,
        timersArmedAtStop: restart.atStop.timersArmed,
        timers,
        pendingFate: pendingFate(pending, resumed, afterSweep),
        sweep: swept,
      },
      figures,
    };
  } finally {
    await suite.close();
  }
  return result;
}

function report(r) {
  const x = r.restart;
  const s = r.survival;
  const f = s.pendingFate;
  const t = s.timers;
  console.log(
    [
      "",
      "Restart — wrangler dev stopped and started again on its persisted state, in the middle of the fault suite",
      `  webhook timeout ${settings.timeoutMs} ms, retry base ${settings.retryBaseSeconds} s (production: 10,000 ms, 60 s); report ${settings.reportDelayMs / 1000} s after processing`,
      machineLoadLine(r.machineLoad),
      `  ${x.stopSignal} after ${x.afterAcceptedRuns} accepted runs; down ${x.downS} s (ready ${x.readyAfterStartS} s after the start); first timer due ${x.firstTimerDueAfterRestartS} s after the restart`,
      `  runs acknowledged before the stop: ${s.runsAcknowledged}; in D1 at the stop ${s.runsInD1AtStop}; listed at the end ${s.runsKept}`,
      `  log lines acknowledged before the stop: ${s.logs.lines}; present after ${s.logs.present}${s.logs.missingExample ? `; missing e.g. ${JSON.stringify(s.logs.missingExample)}` : ""}`,
      `  deliveries pending at the stop: ${f.pending} (${f.queuedNeverTried} queued, never tried; ${f.awaitingRetry} waiting for a retry): ${f.resumed} went on by themselves, ${f.recoveredBySweep} after the cron sweep, ${f.stuck} stuck (${f.stuckNeverTried} of them never tried)`,
      `  cron sweep: ${s.sweep ? `${s.sweep.ticks} ticks requeued ${s.sweep.requeuedDeliveries} deliveries` : "not fired"}`,
      `  timers: ${s.timersArmedAtStop}/${t.timers} armed at the stop; expired once ${t.once}, never ${t.never}, twice ${t.twice}, early ${t.early}, before the restart ${t.beforeRestart}; lateness p50 ${t.latenessP50Ms} ms, max ${t.latenessMaxMs} ms`,
      "",
      "  all runs of the suite:",
      ...deliveryReport(r.figures, [...survivalVerdicts(s), ...deliveryVerdicts(r.figures)]),
    ].join("\n"),
  );
}

async function main(stacks) {
  await measureAndSave("restart", () => measure(stacks), {
    report,
    fields: {
      settings: {
        ...settings,
        restartAt: RESTART_AT,
        downMs: DOWN_MS,
        timers: TIMERS,
        timerLeadMs: TIMER_LEAD_MS,
        graceful: opts.graceful,
      },
    },
    verdicts: (r) => [...survivalVerdicts(r.survival), ...deliveryVerdicts(r.figures)],
  });
}

await runBench(main);
