// A benchmark's result file (bench/results/<name>-<date>.json): where it ran, how busy the shared machine was
// meanwhile, its figures and its verdicts.

import { cpus, loadavg } from "node:os";
import { gitRevision, round, wranglerVersion, writeResults } from "./stack.mjs";

/** What every result file starts with: the benchmark, the date, and the machine and tools it ran on. */
export function resultHeader(name, date) {
  return {
    benchmark: name,
    date: date.toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model ?? "unknown",
    cpuCount: cpus().length,
    wrangler: wranglerVersion(),
  };
}

/**
 * Samples the machine's 1-minute load average every 10 s until `stop()`, which returns its min / mean / max:
 * the benchmarks share the machine, and other work on it shows in their figures.
 */
export function sampleMachineLoad() {
  const samples = [loadavg()[0]];
  const timer = setInterval(() => samples.push(loadavg()[0]), 10_000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      samples.push(loadavg()[0]);
      const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
      return { min: round(Math.min(...samples), 2), mean: round(mean, 2), max: round(Math.max(...samples), 2), cpus: cpus().length };
    },
  };
}

/**
 * Writes the result file: the header, `fields` (with the snapshot's `revision`, else the checkout's), and the
 * verdicts as `[figure, target, measured, pass]` rows. Prints and returns its path.
 */
export function saveResults(name, fields, verdictRows) {
  const date = new Date();
  const file = writeResults(
    name,
    {
      ...resultHeader(name, date),
      ...fields,
      revision: fields.revision ?? gitRevision(),
      verdicts: verdictRows.map(([figure, target, value, pass]) => ({ figure, target, value, pass })),
    },
    date,
  );
  console.log(`\nresults written to ${file}`);
  return file;
}

/** The machine load of a result, for its printed report. */
export function machineLoadLine(l) {
  return `  machine load (1-min average) ${l.min}–${l.max}, mean ${l.mean}, on ${l.cpus} CPUs`;
}

/**
 * Runs `measure()` while sampling the machine load, prints the result with `report` and saves the result
 * file with `fields` and the `verdicts(result)` rows.
 */
export async function measureAndSave(name, measure, { report, fields, verdicts }) {
  const load = sampleMachineLoad();
  const result = { ...(await measure()), machineLoad: load.stop() };
  report(result);
  return saveResults(name, { ...fields, ...result }, verdicts(result));
}
