const DAY = 86_400_000;

function startOfUtcDay(t: number): number {
  return Math.floor(t / DAY) * DAY;
}

type DatePreset = (now: number) => [number, number];

/**
 * Port's relative date ranges, resolved against `now` (UTC days). No prototype: looked up by the name a
 * query sends, and `{preset: "toString"}` must be unknown, not a function (it answered 500).
 */
export const DATE_PRESETS: Record<string, DatePreset> = Object.assign(Object.create(null), {
  today: (n) => [startOfUtcDay(n), startOfUtcDay(n) + DAY - 1],
  yesterday: (n) => [startOfUtcDay(n) - DAY, startOfUtcDay(n) - 1],
  tomorrow: (n) => [startOfUtcDay(n) + DAY, startOfUtcDay(n) + 2 * DAY - 1],
  lastWeek: (n) => [n - 7 * DAY, n],
  last2Weeks: (n) => [n - 14 * DAY, n],
  lastMonth: (n) => [n - 30 * DAY, n],
  last3Months: (n) => [n - 90 * DAY, n],
  last6Months: (n) => [n - 180 * DAY, n],
  last12Months: (n) => [n - 365 * DAY, n],
  nextWeek: (n) => [n, n + 7 * DAY],
  next2Weeks: (n) => [n, n + 14 * DAY],
  nextMonth: (n) => [n, n + 30 * DAY],
} satisfies Record<string, DatePreset>);

/** An ISO date or date-time as the canonical UTC form the value index stores, or null if it is not one. */
export function canonicalInstant(value: unknown): string | null {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
