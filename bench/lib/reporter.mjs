// A backend reporting back to the portal through Port's run API, for the delivery suites (bench/faults.mjs,
// bench/restart.mjs). For each webhook the receiver processed it optionally posts one log line
// (POST /v1/actions/runs/{id}/logs) at once (`log()` posts others), and after `delayMs` (the job's duration) reports the run done
// (PATCH /v1/actions/runs/{id} {"status": "SUCCESS"}). Like a real backend it keeps trying a call the portal
// did not acknowledge (no connection while the portal restarts, a 5xx) every second, until `giveUpMs`. A 409
// is final: the run had already ended (the portal gave up on the delivery first). Acknowledged log lines are
// kept per run, so the restart suite can check that each one survived.

import { excerpt, sleep, tryJson } from "./stack.mjs";

const RETRY_MS = 1000;

/**
 * @param {import("./stack.mjs").Stack} stack the portal (its `base` may change between calls: it is read per call)
 * @param {{ delayMs: number, concurrency?: number, logLine?: ((runId: string) => string) | null, giveUpMs?: number }} opts
 */
export function startReporter(stack, { delayMs, concurrency = 8, logLine = null, giveUpMs = 600_000 }) {
  const state = {
    /** Runs handed over (processed webhooks). */
    handed: 0,
    /** Runs reported SUCCESS (200). */
    reported: 0,
    /** PATCH or log answered 409: the run had ended before the report. */
    alreadyEnded: 0,
    /** Calls tried again (no connection, 5xx). */
    retries: 0,
    /** Reports abandoned after giveUpMs, or refused with another 4xx. */
    failed: 0,
    failedExample: null,
    /** run id → the log lines the portal acknowledged (201). */
    logsAcknowledged: new Map(),
  };
  const waiting = [];
  let active = 0;
  let pending = 0;

  /** Runs `task` when one of the `concurrency` slots is free (the wait for the job's duration takes none). */
  function inSlot(task) {
    return new Promise((resolve, reject) => {
      waiting.push(() => task().then(resolve, reject));
      next();
    });
  }

  function next() {
    while (active < concurrency && waiting.length > 0) {
      const task = waiting.shift();
      active++;
      task().finally(() => {
        active--;
        next();
      });
    }
  }

  /** One call, repeated while the portal does not answer or answers 5xx; the final status and body. */
  async function untilAnswered(method, path, body) {
    const giveUpAt = Date.now() + giveUpMs;
    for (;;) {
      try {
        await stack.renewAuth();
        const res = await stack.api(method, path, body);
        const text = await res.text();
        if (res.status < 500) return { status: res.status, json: tryJson(text) ?? text };
      } catch {
        // no connection: the portal is down or restarting
      }
      if (Date.now() > giveUpAt) return { status: 0, json: "gave up" };
      state.retries++;
      await sleep(RETRY_MS);
    }
  }

  function outcome(what, runId, { status, json }, expected) {
    if (status === expected) return true;
    if (status === 409) state.alreadyEnded++;
    else {
      state.failed++;
      state.failedExample ??= `${what} ${runId}: HTTP ${status}: ${excerpt(json)}`;
    }
    return false;
  }

  /** Posts one log line; true once the portal acknowledged it (201). */
  async function postLog(runId, message) {
    const answer = await inSlot(() => untilAnswered("POST", `/v1/actions/runs/${runId}/logs`, { message }));
    if (!outcome("log", runId, answer, 201)) return false;
    state.logsAcknowledged.set(runId, [...(state.logsAcknowledged.get(runId) ?? []), message]);
    return true;
  }

  async function reportRun(runId) {
    if (logLine && !(await postLog(runId, logLine(runId)))) return;
    await sleep(delayMs);
    const answer = await inSlot(() => untilAnswered("PATCH", `/v1/actions/runs/${runId}`, { status: "SUCCESS" }));
    if (outcome("report", runId, answer, 200)) state.reported++;
  }

  return {
    state,
    /** Hands a processed run over; its report follows in the background. */
    handle(runId) {
      state.handed++;
      pending++;
      reportRun(runId).finally(() => pending--);
    },
    /** Posts a log line to a run now (e.g. from whoever started it), kept in `state.logsAcknowledged` once acknowledged. */
    log(runId, message) {
      pending++;
      postLog(runId, message).finally(() => pending--);
    },
    /** Reports not yet answered. */
    get pending() {
      return pending;
    },
  };
}
