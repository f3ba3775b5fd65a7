import type { Child } from "hono/jsx";
import type { RunApproval } from "../../src/db/run-store";
import { relativeTime } from "../../src/lib/relative-time";
import { entityHref } from "./table-state";

/** The part of a run that changes while it runs: what the page shows and each SSE `run` event carries. */
export interface RunStateView {
  status: string;
  statusLabel: string | null;
  summary: string | null;
  links: string[];
  approval: RunApproval | null;
  endedAt: string | null;
  logCount: number;
}

/** Who looks at the run: approval buttons show only to a pending approver (never the requester). */
export interface RunViewer {
  email: string;
  csrfToken: string;
}

const STATUS_BADGES: Record<string, string> = {
  WAITING_FOR_APPROVAL: "badge-yellow",
  IN_PROGRESS: "badge-blue",
  SUCCESS: "badge-green",
  FAILURE: "badge-red",
  DECLINED: "badge-darkGray",
};

export const STATUS_WORDS: Record<string, string> = {
  WAITING_FOR_APPROVAL: "Waiting for approval",
  IN_PROGRESS: "In progress",
  SUCCESS: "Success",
  FAILURE: "Failure",
  DECLINED: "Declined",
};

export function StatusBadge(props: { status: string }) {
  return <span class={`badge ${STATUS_BADGES[props.status] ?? ""}`}>{STATUS_WORDS[props.status] ?? props.status}</span>;
}

/** A link to a run's page. Not boosted: the page needs its SSE script, which a boosted swap would not load. */
export function RunLink(props: { id: string; children?: Child }) {
  return (
    <a href={`/runs/${encodeURIComponent(props.id)}`} hx-boost="false">
      {props.children ?? props.id}
    </a>
  );
}

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && ["http:", "https:"].includes(new URL(value).protocol);
}

/** May `viewer` still decide on this run? */
export function isPendingApprover(state: RunStateView, requester: string, viewer: RunViewer | undefined): boolean {
  const a = state.approval;
  if (!viewer || !a || state.status !== "WAITING_FOR_APPROVAL") return false;
  const me = viewer.email.toLowerCase();
  if (me === requester.toLowerCase()) return false;
  return a.approvers.some((x) => x.toLowerCase() === me) && !a.decisions.some((d) => d.by.toLowerCase() === me);
}

function ApprovalState(props: { runId: string; state: RunStateView; requester: string; viewer: RunViewer | undefined }) {
  const a = props.state.approval;
  if (!a) return null;
  return (
    <section class="approval" aria-labelledby="approval-title">
      <h3 id="approval-title">Approval</h3>
      <p class="small">
        {a.type === "ALL" ? "Every approver must approve" : "One approver is enough"}: {a.approvers.join(", ")}.
        {props.state.status === "WAITING_FOR_APPROVAL" ? ` Expires ${relativeTime(a.expiresAt)}.` : ""}
      </p>
      {a.decisions.length > 0 ? (
        <ul class="decisions">
          {a.decisions.map((d) => (
            <li>
              <strong>{d.decision === "APPROVE" ? "Approved" : "Declined"}</strong> by {d.by}{" "}
              <time datetime={d.at} title={d.at}>
                {relativeTime(d.at)}
              </time>
              {d.description ? `: ${d.description}` : ""}
            </li>
          ))}
        </ul>
      ) : null}
      {isPendingApprover(props.state, props.requester, props.viewer) ? (
        <form method="post" action={`/runs/${encodeURIComponent(props.runId)}/approval`} class="approval-form">
          <input type="hidden" name="_csrf" value={props.viewer?.csrfToken ?? ""} />
          <label for="approval-description">Comment (optional)</label>
          <textarea id="approval-description" class="approval-comment" name="description" rows={2} maxlength={2000} />
          <div class="form-buttons-inline">
            <button type="submit" name="status" value="APPROVE">
              Approve
            </button>
            <button type="submit" name="status" value="DECLINE" class="danger">
              Decline
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

/** Status, label, summary, links and approval: rendered with the page and again for each `run` event. */
export function RunStatusPanel(props: { runId: string; state: RunStateView; requester: string; viewer: RunViewer | undefined }) {
  const { state } = props;
  return (
    <div class="run-status">
      <p class="run-status-line">
        <StatusBadge status={state.status} /> {state.statusLabel ? <span class="status-label">{state.statusLabel}</span> : null}
        {state.endedAt ? (
          <span class="muted small">
            {" "}
            · ended{" "}
            <time datetime={state.endedAt} title={state.endedAt}>
              {relativeTime(state.endedAt)}
            </time>
          </span>
        ) : null}
      </p>
      {state.summary ? <p class="run-summary">{state.summary}</p> : null}
      {state.links.length > 0 ? (
        <ul class="run-links">
          {state.links.map((l) => (
            <li>
              {isHttpUrl(l) ? (
                <a href={l} target="_blank" rel="noopener noreferrer">
                  {l}
                </a>
              ) : (
                <span>{l}</span>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      <ApprovalState {...props} />
    </div>
  );
}

export function LogLine(props: { at: string; message: string }) {
  return (
    <li class="log-line">
      <time datetime={props.at}>{props.at.slice(11, 19)}</time> <span class="log-message">{props.message}</span>
    </li>
  );
}

export function AffectedEntity(props: { blueprint: string; identifier: string }) {
  return (
    <li>
      <a href={entityHref(props.blueprint, props.identifier)}>
        {props.blueprint} / {props.identifier}
      </a>
    </li>
  );
}

export function RunEnded(props: { status: string }) {
  return (
    <p class="muted small" role="status">
      The run ended: {STATUS_WORDS[props.status] ?? props.status}.
    </p>
  );
}
