/**
 * Scorecard visuals rendered on the server: level badges, the distribution-by-level bar chart and the
 * level-history line chart (inline SVG, no script). Colors come from a fixed whitelist keyed by Port's color
 * names; a stored color outside it falls back to gray, so a stored string never reaches an attribute as is.
 */

/** Port level colors → SVG fill (the badge classes of the same names live in app.css). */
const LEVEL_FILLS: Record<string, string> = {
  paleBlue: "#a5d8ff",
  blue: "#4c6ef5",
  lightBlue: "#74c0fc",
  turquoise: "#20c997",
  green: "#40c057",
  yellow: "#fcc419",
  orange: "#fd7e14",
  red: "#fa5252",
  pink: "#f06595",
  purple: "#845ef7",
  darkGray: "#495057",
  lightGray: "#ced4da",
  bronze: "#c77c3a",
  silver: "#adb5bd",
  gold: "#f5b700",
};
const FALLBACK_FILL = "#adb5bd";

/** The whitelisted color name, or undefined. */
export function levelColor(color: string | undefined): string | undefined {
  return color !== undefined && Object.hasOwn(LEVEL_FILLS, color) ? color : undefined;
}

export function levelFill(color: string | undefined): string {
  const known = levelColor(color);
  return known ? (LEVEL_FILLS[known] ?? FALLBACK_FILL) : FALLBACK_FILL;
}

/** A level as a badge, colored by its (whitelisted) Port color. */
export function LevelBadge(props: { title: string; color?: string | undefined }) {
  const known = levelColor(props.color);
  return <span class={`badge level-badge${known ? ` badge-${known}` : ""}`}>{props.title}</span>;
}

export interface LevelCount {
  title: string;
  color?: string | undefined;
  count: number;
}

/** Entities per level as horizontal bars, with the titles and counts as SVG text and a table of the numbers. */
export function LevelDistributionChart(props: { levels: LevelCount[] }) {
  const { levels } = props;
  const max = Math.max(1, ...levels.map((l) => l.count));
  const rowH = 28;
  const labelW = 140;
  const barW = 360;
  const width = labelW + barW + 60;
  const height = levels.length * rowH + 8;
  const summary = levels.map((l) => `${l.title}: ${l.count}`).join(", ");
  return (
    <figure class="chart">
      <svg
        class="chart-svg"
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-label={`Entities per level: ${summary}`}
      >
        {levels.map((l, i) => {
          const y = 4 + i * rowH;
          const w = l.count === 0 ? 0 : Math.max(2, Math.round((l.count / max) * barW));
          return (
            <g class="bar">
              <text x={labelW - 8} y={y + rowH / 2 + 4} text-anchor="end" class="chart-label">
                {l.title}
              </text>
              <rect x={labelW} y={y + 4} width={w} height={rowH - 8} rx="3" fill={levelFill(l.color)} />
              <text x={labelW + w + 6} y={y + rowH / 2 + 4} class="chart-count">
                {String(l.count)}
              </text>
            </g>
          );
        })}
      </svg>
      <table class="grid compact level-counts">
        <caption class="visually-hidden">Entities per level</caption>
        <thead>
          <tr>
            <th>Level</th>
            <th>Entities</th>
          </tr>
        </thead>
        <tbody>
          {levels.map((l) => (
            <tr>
              <td>
                <LevelBadge title={l.title} color={l.color} />
              </td>
              <td>{l.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** The last `days` calendar days (UTC), oldest first, ending today. */
export function lastDays(days: number, now = Date.now()): string[] {
  const out: string[] = [];
  for (let i = days - 1; i >= 0; i--) out.push(new Date(now - i * 86_400_000).toISOString().slice(0, 10));
  return out;
}

/** Entities per level per day as one line per level over the last `days` days (missing days count 0). */
export function LevelHistoryChart(props: {
  levels: { title: string; color?: string | undefined }[];
  history: { day: string; levelIndex: number; n: number }[];
  days: number;
}) {
  const days = lastDays(props.days);
  const byKey = new Map(props.history.map((h) => [`${h.day}|${h.levelIndex}`, h.n]));
  const max = Math.max(1, ...props.history.map((h) => h.n));
  const left = 40;
  const top = 10;
  const plotW = 520;
  const plotH = 160;
  const width = left + plotW + 20;
  const height = top + plotH + 30;
  const x = (i: number) => left + (days.length === 1 ? plotW / 2 : (i * plotW) / (days.length - 1));
  const y = (n: number) => top + plotH - (n / max) * plotH;
  const withData = days.filter((d) => props.levels.some((_, li) => byKey.has(`${d}|${li}`)));
  const first = days[0] ?? "";
  const last = days[days.length - 1] ?? "";
  return (
    <figure class="chart">
      <svg
        class="chart-svg"
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-label={`Entities per level per day, ${first} to ${last}`}
      >
        <line x1={left} y1={top + plotH} x2={left + plotW} y2={top + plotH} class="chart-axis" />
        <line x1={left} y1={top} x2={left} y2={top + plotH} class="chart-axis" />
        <text x={left - 6} y={top + 4} text-anchor="end" class="chart-count">
          {String(max)}
        </text>
        <text x={left - 6} y={top + plotH + 4} text-anchor="end" class="chart-count">
          0
        </text>
        <text x={left} y={height - 6} class="chart-count">
          {first}
        </text>
        <text x={left + plotW} y={height - 6} text-anchor="end" class="chart-count">
          {last}
        </text>
        {props.levels.map((l, li) => {
          const points = days.map((d, i) => ({ x: x(i), y: y(byKey.get(`${d}|${li}`) ?? 0), has: byKey.has(`${d}|${li}`) }));
          const fill = levelFill(l.color);
          return (
            <g class="series">
              <title>{l.title}</title>
              <polyline
                points={points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ")}
                fill="none"
                stroke={fill}
                stroke-width="2"
              />
              {points
                .filter((p) => p.has)
                .map((p) => (
                  <circle cx={p.x.toFixed(1)} cy={p.y.toFixed(1)} r="3" fill={fill} />
                ))}
            </g>
          );
        })}
      </svg>
      <figcaption class="legend">
        {props.levels.map((l) => (
          <LevelBadge title={l.title} color={l.color} />
        ))}
      </figcaption>
      {withData.length > 0 ? (
        <details class="history-numbers">
          <summary>Numbers</summary>
          <table class="grid compact">
            <thead>
              <tr>
                <th>Day</th>
                {props.levels.map((l) => (
                  <th>{l.title}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {withData.map((d) => (
                <tr>
                  <td>{d}</td>
                  {props.levels.map((_, li) => (
                    <td>{byKey.get(`${d}|${li}`) ?? 0}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : (
        <p class="muted small">No history yet.</p>
      )}
    </figure>
  );
}
