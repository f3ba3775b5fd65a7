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
 * One property value rendered by its definition: links for urls and emails, coloured badges for enums,
 * safe markdown, relative date-times, lists for arrays. All text is escaped by hono/jsx.
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
    case "date-time":
    case "timer":
      return (
        <time datetime={text} title={text}>
          {relativeTime(text)}
        </time>
      );
    case "markdown":
      return props.compact ? <span>{text.length > 80 ? `${text.slice(0, 80)}…` : text}</span> : <Markdown source={text} />;
    case "yaml":
      return props.compact ? <code>{text.slice(0, 80)}</code> : <pre>{text}</pre>;
    default:
      return <span>{text}</span>;
  }
}
