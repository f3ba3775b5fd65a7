// `npm run bench:faults`: self-service runs delivered to an unreliable backend, on the local stack.
//
// 1. Starts a stack (bench/lib/stack.mjs) whose webhooks time out after --timeout-ms and back off from
//    --retry-base seconds (WEBHOOK_TIMEOUT_MS, WEBHOOK_RETRY_BASE_SECONDS in its .dev.vars; production
//    defaults are 10 s and 60 s), with the queue settings of wrangler.toml as committed.
// 2. Starts the faulty backend (bench/lib/delivery-suite.mjs): per request it answers 503 (--server-errors),
//    processes but answers after the timeout (--timeouts), answers 429 with Retry-After (--throttles), or
//    processes and answers 200; it drops a webhook-id it processed before, and reports each processed run
//    SUCCESS through PATCH /v1/actions/runs/{id} --report-delay seconds later (an asynchronous backend, the
//    default invocation: docs/actions.md).
// 3. Fires --runs runs (--concurrency in flight). When the backend has processed --outage-at of them (the
//    middle of the deliveries, which trail the requests by minutes on the local queue), it stops listening
//    for --outage seconds (connection refused).
// 4. Waits until every run ended (or nothing changed for the longest backoff step, or --deadline), then reads
//    every run from the API and every delivery from the stopped stack's D1 file, and reports: runs delivered,
//    duplicates seen by webhook-id, runs stuck, runs failed and whether their message is right (the
//    dead-letter message, with the attempts and last result its delivery recorded).
// 5. Writes bench/results/faults-<date>.json.
//
// Options: those of bench/lib/delivery-suite.mjs, and --outage <s> (60; 0 for none), --outage-at <share> (0.5).

import { parseArgs } from "node:util";
import { deliveryReport, deliveryVerdicts } from "./lib/delivery-figures.mjs";
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
import { log, round, runBench, sleep } from "./lib/stack.mjs";

const { values: opts } = parseArgs({
  options: { ...DELIVERY_OPTIONS, outage: { type: "string", default: "60" }, "outage-at": { type: "string", default: "0.5" } },
});
if (opts.help) {
  console.log(`usage: npm run bench:faults -- [--outage 60] [--outage-at 0.5]\n${DELIVERY_USAGE}`);
  process.exit(0);
}
const settings = deliverySettings(opts);
const OUTAGE_MS = Math.max(0, Number(opts.outage) || 0) * 1000;
const OUTAGE_AT = Math.min(1, Math.max(0, Number(opts["outage-at"]) || 0));

/**
 * Takes the backend down once it has processed `threshold` runs, and up again OUTAGE_MS later. `cancel()`
 * gives up waiting for the threshold (the runs ended first); `done` resolves once the backend is up.
 */
function plannedOutage(receiver, threshold) {
  const outage = { threshold, startedAt: null, endedAt: null, cancelled: false };
  outage.done = (async () => {
    if (OUTAGE_MS === 0) return;
    while (receiver.state.byWebhookId.size < threshold) {
      if (outage.cancelled) return;
      await sleep(200);
    }
    outage.startedAt = Date.now();
    receiver.goDown();
    log(`backend down (outage of ${OUTAGE_MS / 1000} s) after it processed ${receiver.state.byWebhookId.size} runs`);
    await sleep(OUTAGE_MS);
    await receiver.comeUp();
    outage.endedAt = Date.now();
    log("backend up again");
  })();
  outage.done.catch(() => {}); // awaited (and thrown) after the runs settled; not an unhandled rejection meanwhile
  return outage;
}

async function measure(stacks) {
  const f = settings.faults;
  log(
    `bench faults: ${settings.runs} runs; backend 503 ${f.serverError}, late ${f.timeout}, 429 ${f.tooManyRequests}; outage ${OUTAGE_MS / 1000} s; webhook timeout ${settings.timeoutMs} ms, retry base ${settings.retryBaseSeconds} s`,
  );
  const suite = await startDeliverySuite(stacks, settings, { prefix: "edge-portal-bench-faults-" });
  const { stack, receiver } = suite;
  let result;
  try {
    const outage = plannedOutage(receiver, Math.max(1, Math.ceil(settings.runs * OUTAGE_AT)));
    const fired = await fireRuns(stack, settings);
    const open = await settle(suite, {
      runIds: fired.accepted.map((a) => a.runId),
      settings,
      deadlineAt: fired.firedAt + settings.deadlineMs,
    });
    outage.cancelled = true;
    await outage.done;
    const settledAt = Date.now();
    const { figures } = await finalFigures(suite, fired);
    const o = outage;
    result = {
      revision: stack.revision,
      figures,
      stillOpenAtEnd: open.length,
      firstPostToSettledS: round((settledAt - fired.startedAt) / 1000),
      firingS: round((fired.firedAt - fired.startedAt) / 1000),
      outage:
        o.startedAt === null
          ? null
          : {
              afterProcessed: o.threshold,
              startS: round((o.startedAt - fired.startedAt) / 1000),
              seconds: round((o.endedAt - o.startedAt) / 1000),
            },
    };
  } finally {
    await suite.close();
  }
  return result;
}

function report(r) {
  const o = r.outage;
  console.log(
    [
      "",
      "Delivery under faults — wrangler dev (local queue, D1, Durable Objects), faulty backend in this process",
      `  webhook timeout ${settings.timeoutMs} ms, retry base ${settings.retryBaseSeconds} s (production: 10,000 ms, 60 s); report ${settings.reportDelayMs / 1000} s after processing`,
      `  firing ${r.firingS} s; first POST → all ended ${r.firstPostToSettledS} s; ${o ? `outage ${o.seconds} s from ${o.startS} s (after the backend processed ${o.afterProcessed} runs)` : "no outage"}`,
      machineLoadLine(r.machineLoad),
      ...deliveryReport(r.figures),
    ].join("\n"),
  );
}

async function main(stacks) {
  await measureAndSave("faults", () => measure(stacks), {
    report,
    fields: { settings: { ...settings, outageMs: OUTAGE_MS, outageAt: OUTAGE_AT } },
    verdicts: (r) => deliveryVerdicts(r.figures),
  });
}

await runBench(main);
