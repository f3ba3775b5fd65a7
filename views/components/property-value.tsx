import type { ItemsDefinition, PropertyDefinition } from "../../src/domain/catalog/types";
import { relativeTime } from "../../src/lib/relative-time";
import { Markdown } from "./markdown";

/** Port's enum colour names mapped to the badge classes in app.css; unknown names fall back to grey. */
const BADGE_COLOURS = new Set([
  "blue",
  "turquoise",
  "orange",
  "purple",
  "lightBlue",
  "pink",
  "yellow",
  "green",
  "red",
  "darkGray",
  "lightGray",
  "bronze",
  "gold",
  "silver",
]);

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && ["http:", "https:"].includes(new URL(value).protocol);
}

function Link(props: { href: string; text: string }) {
  return isHttpUrl(props.href) ? (
    <a href={props.href} target="_blank" rel="noopener noreferrer">
      {props.text}
    </a>
  ) : (
    <span>{props.text}</span>
  );
}

/**
 * The time left until `dueMs`, in the two largest units: "4d 3h", "3h 12m", "12m", "40s" (zero parts
 * dropped: "2d", not "2d 0h").
 *
 * @example countdown(Date.parse("2026-01-05T03:30:00Z"), Date.parse("2026-01-01T00:00:00Z")) // "4d 3h"
 */
export function countdown(dueMs: number, nowMs: number): string {
  const seconds = Math.max(0, Math.floor((dueMs - nowMs) / 1000));
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const pair = (a: number, ua: string, b: number, ub: string) => (b > 0 ? `${a}${ua} ${b}${ub}` : `${a}${ua}`);
  if (d > 0) return pair(d, "d", h, "h");
  if (h > 0) return pair(h, "h", m, "m");
  return m > 0 ? `${m}m` : `${seconds}s`;
}

/** A timer property: "Expired" (a badge) once its time passed, else a countdown; the exact time on hover. */
function TimerValue(props: { value: string; now: number }) {
  const due = Date.parse(props.value);
  if (Number.isNaN(due)) return <span>{props.value}</span>;
  return due <= props.now ? (
    <time datetime={props.value} title={`Expired at ${props.value}`} class="badge badge-red timer">
      Expired
    </time>
  ) : (
    <time datetime={props.value} title={props.value} class="timer">
      in {countdown(due, props.now)}
    </time>
  );
}

/** A date-time: relative ("3 days ago"), and on full pages the exact UTC time beside it. */
function DateTimeValue(props: { value: string; compact: boolean }) {
  const at = Date.parse(props.value);
  const exact = Number.isNaN(at) ? null : `${new Date(at).toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return (
    <>
      <time datetime={props.value} title={props.value}>
        {relativeTime(props.value)}
      </time>
      {exact && !props.compact ? <span class="muted small"> ({exact})</span> : null}
    </>
  );
}

/**
 * One property value rendered by its definition: links for urls, emails, users and teams, coloured badges
 * for enums, safe markdown, date-times relative and exact, timers as a countdown or "Expired", yaml and
 * objects as preformatted text, lists for arrays. All text is escaped by hono/jsx.
 */
export function PropertyValue(props: { def: PropertyDefinition | ItemsDefinition | undefined; value: unknown; compact?: boolean }) {
  const { def, value } = props;
  if (value === null || value === undefined || value === "") return <span class="muted">—</span>;
  if (Array.isArray(value)) {
    return (
      <ul class="values">
        {value.map((v) => (
          <li>
            <PropertyValue def={def?.type === "array" ? def.items : undefined} value={v} compact={props.compact ?? false} />
          </li>
        ))}
      </ul>
    );
  }
  if (def?.format === "labeled-url" && typeof value === "object") {
    const v = value as { url?: unknown; displayText?: unknown };
    return typeof v.url === "string" ? (
      <Link href={v.url} text={typeof v.displayText === "string" ? v.displayText : v.url} />
    ) : (
      <code>{JSON.stringify(value)}</code>
    );
  }
  if (typeof value === "object") return <pre class="json">{JSON.stringify(value, null, 2)}</pre>;
  if (typeof value === "boolean") return <span class={value ? "bool yes" : "bool no"}>{value ? "Yes" : "No"}</span>;
  if (Array.isArray(def?.enum)) {
    const colour = def.enumColors?.[String(value)];
    return <span class={`badge badge-${colour && BADGE_COLOURS.has(colour) ? colour : "default"}`}>{String(value)}</span>;
  }
  if (typeof value === "number") return <span class="num">{value}</span>;
  const text = String(value);
  switch (def?.format) {
    case "url":
      return <Link href={text} text={text} />;
    case "email":
    case "user":
      return <a href={`mailto:${text}`}>{text}</a>;
    case "team":
      return <a href={`/teams/${encodeURIComponent(text)}`}>{text}</a>;
    case "ipv4":
    case "ipv6":
      return <code>{text}</code>;
    case "timer":
      return <TimerValue value={text} now={Date.now()} />;
    case "date-time":
      return <DateTimeValue value={text} compact={props.compact ?? false} />;
    case "markdown":
      return props.compact ? <span>{text.length > 80 ? `${text.slice(0, 80)}…` : text}</span> : <Markdown source={text} />;
    case "yaml":
      return props.compact ? <code>{text.slice(0, 80)}</code> : <pre>{text}</pre>;
    default:
      return <span>{text}</span>;
  }
}
