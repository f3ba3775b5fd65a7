/**
 * Initiative visuals rendered on the server: a percent-done bar and the share-over-time line chart (inline
 * SVG, no script), each with its numbers as text so they read without the graphics.
 */

/** Clamps a percent to 0–100 for widths and coordinates. */
function clamp(percent: number): number {
  return Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) : 0;
}

/** A percent as a horizontal bar, with "done/total" (when given) as text beside it. */
export function ProgressBar(props: { percent: number; done?: number; total?: number; small?: boolean }) {
  const p = clamp(props.percent);
  const label = `${props.percent}% done${props.total !== undefined ? ` (${props.done ?? 0}/${props.total})` : ""}`;
  return (
    <span class={`progress${props.small ? " progress-small" : ""}`}>
      <svg class="progress-bar" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label={label}>
        <rect x="0" y="0" width="100" height="8" rx="2" class="progress-track" />
        <rect x="0" y="0" width={p.toFixed(1)} height="8" rx="2" class="progress-fill" />
      </svg>
      <span class="progress-text">
        {props.percent}%{props.total !== undefined ? ` · ${props.done ?? 0}/${props.total}` : ""}
      </span>
    </span>
  );
}

/** The share of entities meeting the target per day, as a line (a dot for a single day), plus a table. */
export function InitiativeHistoryChart(props: { history: { day: string; percent: number }[] }) {
  const { history } = props;
  const left = 40;
  const top = 10;
  const plotW = 520;
  const plotH = 160;
  const width = left + plotW + 20;
  const height = top + plotH + 30;
  const x = (i: number) => left + (history.length === 1 ? plotW / 2 : (i * plotW) / (history.length - 1));
  const y = (p: number) => top + plotH - (clamp(p) / 100) * plotH;
  const points = history.map((h, i) => ({ x: x(i).toFixed(1), y: y(h.percent).toFixed(1), h }));
  const first = history[0]?.day ?? "";
  const last = history[history.length - 1]?.day ?? "";
  return (
    <figure class="chart">
      <svg
        class="chart-svg initiative-history"
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-label={`Share meeting the target per day, ${first} to ${last}`}
      >
        <line x1={left} y1={top + plotH} x2={left + plotW} y2={top + plotH} class="chart-axis" />
        <line x1={left} y1={top} x2={left} y2={top + plotH} class="chart-axis" />
        <text x={left - 6} y={top + 4} text-anchor="end" class="chart-count">
          100%
        </text>
        <text x={left - 6} y={top + plotH + 4} text-anchor="end" class="chart-count">
          0%
        </text>
        <text x={left} y={height - 6} class="chart-count">
          {first}
        </text>
        <text x={left + plotW} y={height - 6} text-anchor="end" class="chart-count">
          {last}
        </text>
        {points.length > 1 ? (
          <polyline points={points.map((p) => `${p.x},${p.y}`).join(" ")} fill="none" class="progress-line" stroke-width="2" />
        ) : null}
        {points.map((p) => (
          <circle cx={p.x} cy={p.y} r="3" class="progress-dot">
            <title>{`${p.h.day}: ${p.h.percent}%`}</title>
          </circle>
        ))}
      </svg>
      <table class="grid compact initiative-history-numbers">
        <caption class="visually-hidden">Share meeting the target per day</caption>
        <thead>
          <tr>
            <th>Day</th>
            <th>Done</th>
          </tr>
        </thead>
        <tbody>
          {history.map((h) => (
            <tr>
              <td>{h.day}</td>
              <td>{h.percent}%</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** "12 days left", "due today", "overdue by 3 days". */
export function daysLeftText(daysLeft: number): string {
  if (daysLeft < 0) return `overdue by ${-daysLeft} ${daysLeft === -1 ? "day" : "days"}`;
  if (daysLeft === 0) return "due today";
  return `${daysLeft} ${daysLeft === 1 ? "day" : "days"} left`;
}

/** An initiative's target in words: "reach Gold in production_readiness" or "pass: rule_a, rule_b". */
export function targetText(target: { level: string } | { rules: string[] }, scorecard: string): string {
  return "level" in target ? `reach ${target.level} in ${scorecard}` : `pass: ${target.rules.join(", ")}`;
}

/** The link to an initiative's page (optionally one team's share). */
export function initiativeHref(identifier: string, team?: string): string {
  return `/initiatives/${encodeURIComponent(identifier)}${team ? `?team=${encodeURIComponent(team)}` : ""}`;
}
