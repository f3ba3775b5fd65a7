import type { Child } from "hono/jsx";
import type { RunView } from "../../src/domain/actions/run-view";
import { relativeTime } from "../../src/lib/relative-time";
import { RunLink, StatusBadge } from "./run-status";
import { entityHref } from "./table-state";

/**
 * Runs as a table, newest first: action, status badge (and the backend's label), the entity it acted on,
 * optionally who started it, and when; each links to the run's page (through its id when `showRunId`, else
 * through the action title). `empty` is shown instead when there are none.
 */
export function RunTable(props: { runs: RunView[]; empty: Child; showRunId?: boolean; showRequester?: boolean }) {
  if (props.runs.length === 0) return <p class="empty">{props.empty}</p>;
  return (
    <table class="grid runs">
      <thead>
        <tr>
          {props.showRunId ? <th>Run</th> : null}
          <th>Action</th>
          <th>Status</th>
          <th>Entity</th>
          {props.showRequester ? <th>Requested by</th> : null}
          <th>Started</th>
        </tr>
      </thead>
      <tbody>
        {props.runs.map((r) => (
          <tr>
            {props.showRunId ? (
              <td>
                <RunLink id={r.id} />
              </td>
            ) : null}
            <td>{props.showRunId ? r.action.title : <RunLink id={r.id}>{r.action.title}</RunLink>}</td>
            <td>
              <StatusBadge status={r.status} />
              {r.statusLabel ? <div class="muted small">{r.statusLabel}</div> : null}
            </td>
            <td>
              {r.entity && r.blueprint ? <a href={entityHref(r.blueprint.identifier, r.entity.identifier)}>{r.entity.identifier}</a> : "—"}
            </td>
            {props.showRequester ? <td>{r.createdBy}</td> : null}
            <td>
              <time datetime={r.createdAt} title={r.createdAt}>
                {relativeTime(r.createdAt)}
              </time>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
