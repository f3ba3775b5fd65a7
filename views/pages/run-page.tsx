import type { DeliveryAttempt } from "../../src/db/delivery-store";
import type { RunView } from "../../src/domain/actions/run-view";
import type { AuditEntry } from "../../src/domain/audit/audit-log";
import { relativeTime } from "../../src/lib/relative-time";
import { AffectedEntity, LogLine, type RunStateView, RunStatusPanel, type RunViewer } from "../components/run-status";
import { entityHref } from "../components/table-state";
import { Layout, type Viewer } from "../layout";

export interface RunPageProps {
  viewer?: Viewer | undefined;
  run: RunView;
  entities: { blueprint: string; identifier: string }[];
  attempts: (DeliveryAttempt & { kind: string })[];
  logs: { seq: number; at: string; message: string }[];
  /** The audit trail (admins only; null for others). */
  audits: AuditEntry[] | null;
  /** Still running: the page subscribes to `/runs/:id/events` after the last log line it shows. */
  live: boolean;
  banner?: string | undefined;
}

export function stateOf(run: RunView): RunStateView {
  return {
    status: run.status,
    statusLabel: run.statusLabel,
    summary: run.summary,
    links: run.link,
    approval: run.approval,
    endedAt: run.endedAt,
    logCount: run.logCount,
  };
}

function InputValue(props: { value: unknown }) {
  const v = props.value;
  if (v === null || v === undefined || v === "") return <span class="muted">—</span>;
  if (typeof v === "object") return <pre>{JSON.stringify(v, null, 2)}</pre>;
  return <span>{String(v)}</span>;
}

function Attempts(props: { attempts: RunPageProps["attempts"] }) {
  if (props.attempts.length === 0) return <p class="muted">Nothing delivered yet.</p>;
  return (
    <table class="grid">
      <thead>
        <tr>
          <th>When</th>
          <th>Delivery</th>
          <th>Attempt</th>
          <th>Outcome</th>
          <th class="num">HTTP</th>
          <th class="num">Latency</th>
          <th>Response / error</th>
        </tr>
      </thead>
      <tbody>
        {props.attempts.map((a) => (
          <tr>
            <td>
              <time datetime={a.at} title={a.at}>
                {relativeTime(a.at)}
              </time>
            </td>
            <td>{a.kind}</td>
            <td>{a.attempt}</td>
            <td>{a.outcome}</td>
            <td class="num">{a.statusCode ?? "—"}</td>
            <td class="num">{a.latencyMs} ms</td>
            <td class="small">{a.error ?? a.responseExcerpt ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AuditTrail(props: { audits: AuditEntry[] }) {
  return (
    <table class="grid">
      <thead>
        <tr>
          <th>When</th>
          <th>Who</th>
          <th>Action</th>
          <th>Change</th>
        </tr>
      </thead>
      <tbody>
        {props.audits.map((a) => {
          const after = a.diff.after as { status?: unknown; statusLabel?: unknown } | null;
          return (
            <tr>
              <td>
                <time datetime={a.trigger.at} title={a.trigger.at}>
                  {relativeTime(a.trigger.at)}
                </time>
              </td>
              <td>{a.trigger.by.userId}</td>
              <td>{a.action}</td>
              <td class="small">
                {after && typeof after === "object" ? [after.status, after.statusLabel].filter(Boolean).join(" · ") : ""}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** A run: live status panel and log (SSE), inputs, affected entities, deliveries, and the audit trail. */
export function RunPage(props: RunPageProps) {
  const { run } = props;
  const id = encodeURIComponent(run.id);
  const after = props.logs.at(-1)?.seq ?? 0;
  const viewer: RunViewer | undefined = props.viewer ? { email: props.viewer.email, csrfToken: props.viewer.csrfToken } : undefined;
  // The SSE extension connects on the wrapper; each child swaps in the events it names.
  const live = props.live ? { "hx-ext": "sse", "sse-connect": `/runs/${id}/events?after=${after}`, "sse-close": "end" } : {};
  return (
    <Layout viewer={props.viewer} title={`Run ${run.id}`} scripts={["/vendor/htmx-sse.min.js"]}>
      <nav class="crumbs">
        <a href="/runs">Runs</a> / {run.id}
      </nav>
      <h1>{run.action.title}</h1>
      {props.banner ? (
        <p class="alert" role="alert">
          {props.banner}
        </p>
      ) : null}
      <div class="run-live" {...live}>
        <div id="run-status" class="card" sse-swap={props.live ? "run" : undefined} hx-swap="innerHTML" aria-live="polite">
          <RunStatusPanel runId={run.id} state={stateOf(run)} requester={run.createdBy} viewer={viewer} />
        </div>
        <dl class="props">
          <dt>Action</dt>
          <dd>
            <code>{run.action.identifier}</code>
          </dd>
          <dt>Requested by</dt>
          <dd>
            {run.createdBy} ·{" "}
            <time datetime={run.createdAt} title={run.createdAt}>
              {relativeTime(run.createdAt)}
            </time>{" "}
            · {run.source}
          </dd>
          {run.entity && run.blueprint ? (
            <>
              <dt>Entity</dt>
              <dd>
                <a href={entityHref(run.blueprint.identifier, run.entity.identifier)}>{run.entity.identifier}</a>
              </dd>
            </>
          ) : null}
        </dl>
        <h2>Inputs</h2>
        {Object.keys(run.properties).length === 0 ? (
          <p class="muted">No inputs.</p>
        ) : (
          <dl class="props run-inputs">
            {Object.entries(run.properties).map(([k, v]) => (
              <>
                <dt>{k}</dt>
                <dd>
                  <InputValue value={v} />
                </dd>
              </>
            ))}
          </dl>
        )}
        <h2>Log</h2>
        <ol id="run-log" class="run-log" sse-swap={props.live ? "log" : undefined} hx-swap="beforeend" aria-live="polite">
          {props.logs.map((l) => (
            <LogLine at={l.at} message={l.message} />
          ))}
        </ol>
        {props.logs.length === 0 && !props.live ? <p class="muted">No log lines.</p> : null}
        <div sse-swap={props.live ? "end" : undefined} hx-swap="innerHTML" />
        <h2>Affected entities</h2>
        <ul id="run-entities" class="values" sse-swap={props.live ? "entity" : undefined} hx-swap="beforeend">
          {props.entities.map((e) => (
            <AffectedEntity blueprint={e.blueprint} identifier={e.identifier} />
          ))}
        </ul>
        {/* Deliveries and the audit trail change with the run: reloaded on each `run` event. */}
        <div
          id="run-history"
          hx-get={props.live ? `/runs/${id}/history` : undefined}
          hx-trigger={props.live ? "sse:run" : undefined}
          hx-swap="innerHTML"
        >
          <RunHistory attempts={props.attempts} audits={props.audits} />
        </div>
      </div>
    </Layout>
  );
}

/** A run's deliveries and (for admins) its audit trail: part of the page, and a fragment of its own. */
export function RunHistory(props: { attempts: RunPageProps["attempts"]; audits: RunPageProps["audits"] }) {
  return (
    <>
      <h2>Deliveries</h2>
      <Attempts attempts={props.attempts} />
      {props.audits ? (
        <>
          <h2>Audit trail</h2>
          <AuditTrail audits={props.audits} />
        </>
      ) : null}
    </>
  );
}
