import type { HistoryEntry } from "../../src/domain/home/entity-activity";
import type { FieldChange } from "../../src/domain/home/entity-diff";
import { relativeTime } from "../../src/lib/relative-time";
import { RunLink } from "./run-status";

/** Longest value shown inline; the whole value is in the tooltip. */
const VALUE_CHARS = 120;

const ACTION_BADGES: Record<string, string> = { CREATE: "badge-green", UPDATE: "badge-blue", DELETE: "badge-red" };

/** A changed value as text: strings as they are, anything else as JSON. */
function ValueText(props: { value: unknown; className: string }) {
  const text = typeof props.value === "string" ? props.value : JSON.stringify(props.value);
  return (
    <code class={props.className} title={text.length > VALUE_CHARS ? text : undefined}>
      {text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS - 1)}…` : text}
    </code>
  );
}

/** One field's change: path, then old → new (or what was added or removed). */
function ChangeRow(props: { change: FieldChange }) {
  const c = props.change;
  return (
    <li class={`diff-row diff-${c.kind}`}>
      <span class="diff-path">{c.path}</span>{" "}
      {c.kind === "changed" ? (
        <>
          <ValueText value={c.before} className="diff-old" /> <span aria-hidden="true">→</span>
          <span class="visually-hidden">changed to</span> <ValueText value={c.after} className="diff-new" />
        </>
      ) : c.kind === "added" ? (
        <>
          <span class="diff-kind">added</span> <ValueText value={c.after} className="diff-new" />
        </>
      ) : (
        <>
          <span class="diff-kind">removed</span> <ValueText value={c.before} className="diff-old" />
        </>
      )}
    </li>
  );
}

/** The field-by-field diff of one update; an update that changed no field says so. */
export function AuditDiff(props: { changes: FieldChange[] }) {
  if (props.changes.length === 0) return <p class="muted small">No field changed.</p>;
  return (
    <ul class="diff">
      {props.changes.map((change) => (
        <ChangeRow change={change} />
      ))}
    </ul>
  );
}

/** An entity's audit history, newest first: when, who, what, and for updates what changed. */
export function EntityHistory(props: { entries: HistoryEntry[]; olderHref: string | null; newestHref: string | null }) {
  return (
    <>
      {props.entries.length === 0 ? <p class="muted">No recorded changes.</p> : null}
      <ol class="history">
        {props.entries.map((e) => (
          <li class="history-entry">
            <div class="history-head">
              <span class={`badge ${ACTION_BADGES[e.action] ?? ""}`}>{e.action}</span> by <strong>{e.actor}</strong>{" "}
              <time datetime={e.at} title={e.at}>
                {relativeTime(e.at)}
              </time>{" "}
              <span class="muted small">via {e.origin}</span>
              {e.runId ? (
                <span class="small">
                  {" "}
                  · run <RunLink id={e.runId} />
                </span>
              ) : null}
            </div>
            {e.action === "UPDATE" ? <AuditDiff changes={e.changes} /> : null}
          </li>
        ))}
      </ol>
      <nav class="pager">
        {props.newestHref ? <a href={props.newestHref}>Newest</a> : null}
        {props.olderHref ? (
          <a rel="next" href={props.olderHref}>
            Older changes →
          </a>
        ) : null}
      </nav>
    </>
  );
}
