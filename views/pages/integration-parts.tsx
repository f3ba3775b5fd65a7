import type { DryRunResult } from "../../src/domain/integrations/dry-run";
import type { SyncView } from "../../src/domain/integrations/view";
import type { ErrorDetail } from "../../src/lib/errors";
import { relativeTime } from "../../src/lib/relative-time";
import { entityHref } from "../components/table-state";

/** Located problems as a list: the path, then what is wrong. */
export function DetailList(props: { details: ErrorDetail[] }) {
  return (
    <ul class="values">
      {props.details.map((d) => (
        <li>
          {d.path ? <code>{d.path}</code> : null} {d.message}
        </li>
      ))}
    </ul>
  );
}

/** An alert listing problems under a title (a form that was not saved, a mapping that does not parse). */
export function ProblemAlert(props: { title: string; problems: ErrorDetail[] }) {
  if (props.problems.length === 0) return null;
  return (
    <div class="alert" role="alert">
      <p>{props.title}</p>
      <DetailList details={props.problems} />
    </div>
  );
}

const STATUS_BADGES: Record<string, string> = {
  RUNNING: "badge-blue",
  SUCCEEDED: "badge-green",
  PARTIAL: "badge-orange",
  FAILED: "badge-red",
};

export function SyncStatus(props: { sync: SyncView | null }) {
  if (!props.sync) return <span class="muted">never synced</span>;
  const s = props.sync;
  return (
    <>
      <span class={`badge ${STATUS_BADGES[s.status] ?? ""}`}>{s.status}</span>{" "}
      <time class="muted small" datetime={s.startedAt} title={s.startedAt}>
        {relativeTime(s.startedAt)}
      </time>
    </>
  );
}

/** "12 created · 3 updated · …", leaving out the zeros. */
export function countsText(s: SyncView): string {
  const parts = Object.entries(s.counts)
    .filter(([k, n]) => n > 0 && k !== "fetched")
    .map(([k, n]) => `${n} ${k}`);
  return `${s.counts.fetched} read${parts.length > 0 ? ` · ${parts.join(" · ")}` : ""}`;
}

/**
 * The sync history table. While a sync runs, the section asks for itself again every 2 seconds (htmx), so
 * the counts move without a page reload; it stops once nothing runs.
 */
export function SyncHistory(props: { identifier: string; syncs: SyncView[]; notice?: string | undefined }) {
  const running = props.syncs.some((s) => s.status === "RUNNING");
  const poll = running
    ? { "hx-get": `/integrations/${encodeURIComponent(props.identifier)}/history`, "hx-trigger": "every 2s", "hx-swap": "outerHTML" }
    : {};
  return (
    <section id="sync-history" aria-labelledby="history-title" aria-live="polite" {...poll}>
      <h2 id="history-title">Sync history {running ? <span class="muted small">(running — updating)</span> : null}</h2>
      {props.notice ? (
        <p class="hint" role="status">
          {props.notice}
        </p>
      ) : null}
      {props.syncs.length === 0 ? (
        <p class="empty">No syncs yet. Press Sync now, or wait for the schedule.</p>
      ) : (
        <table class="grid sync-history">
          <thead>
            <tr>
              <th>Started</th>
              <th>Trigger</th>
              <th>Status</th>
              <th>Counts</th>
              <th>Deletion</th>
              <th>Errors</th>
            </tr>
          </thead>
          <tbody>
            {props.syncs.map((s) => (
              <tr class={`sync-${s.status.toLowerCase()}`}>
                <td>
                  <time datetime={s.startedAt} title={s.startedAt}>
                    {relativeTime(s.startedAt)}
                  </time>
                  {s.finishedAt ? (
                    <div class="muted small">
                      took {Math.max(0, (Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000).toFixed(1)} s
                    </div>
                  ) : null}
                </td>
                <td>{s.trigger.toLowerCase()}</td>
                <td>
                  <span class={`badge ${STATUS_BADGES[s.status] ?? ""}`}>{s.status}</span>
                  {s.fetchComplete ? null : <div class="small sync-warning">fetch incomplete</div>}
                </td>
                <td class="small">{countsText(s)}</td>
                <td class={`small${s.deletion?.startsWith("REFUSED") ? " sync-refused" : ""}`}>{s.deletion ?? "—"}</td>
                <td class="small">
                  {s.errors.length === 0 ? (
                    <span class="muted">—</span>
                  ) : (
                    <details>
                      <summary>{s.errors.length === 1 ? "1 error" : `${s.errors.length} errors`}</summary>
                      <DetailList details={s.errors} />
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function EntityList(props: { rows: { blueprint: string; identifier: string; title?: string | null; fields?: string[] }[]; link: boolean }) {
  return (
    <ul class="values dry-run-list">
      {props.rows.map((r) => (
        <li>
          {props.link ? (
            <a href={entityHref(r.blueprint, r.identifier)}>
              {r.blueprint} / {r.identifier}
            </a>
          ) : (
            <span>
              {r.blueprint} / {r.identifier}
            </span>
          )}
          {r.title ? <span class="muted"> {r.title}</span> : null}
          {r.fields ? <span class="muted small"> ({r.fields.join(", ")})</span> : null}
        </li>
      ))}
    </ul>
  );
}

/** A dry run's diff: nothing was written. */
export function DryRunDiff(props: { result: DryRunResult }) {
  const r = props.result;
  const section = (title: string, count: number, body: unknown) => (
    <details open={count > 0 && count <= 20}>
      <summary>
        {title}: <strong>{count}</strong>
      </summary>
      {body}
    </details>
  );
  return (
    <div class="card dry-run">
      <h3>Dry run — nothing was written</h3>
      <p class="small muted">
        Read {r.fetched} items in {r.pages} {r.pages === 1 ? "page" : "pages"}
        {r.readAll ? " (the whole source)" : " (the source has more; only these were compared)"}.
      </p>
      <p class={r.deletion.includes("REFUSE") ? "alert" : "hint"}>{r.deletion}</p>
      {section("To create", r.counts.create, <EntityList rows={r.create} link={false} />)}
      {section("To update", r.counts.update, <EntityList rows={r.update} link={true} />)}
      <p class="small">Unchanged: {r.counts.unchanged}</p>
      {section("To delete", r.counts.delete, <EntityList rows={r.delete} link={true} />)}
      {section("Would fail", r.counts.failed, <DetailList details={r.failed} />)}
      {r.problems.length > 0
        ? section("Problems reading or mapping the source", r.problems.length, <DetailList details={r.problems} />)
        : null}
    </div>
  );
}
