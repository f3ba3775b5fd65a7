import type { RunView } from "../../src/domain/actions/run-view";
import { STATUS_WORDS } from "../components/run-status";
import { RunTable } from "../components/run-table";
import { Layout, type Viewer } from "../layout";

/** Which list: my runs, every run I may see, or runs waiting for my decision. */
export type RunListMode = "mine" | "all" | "approvals";

const TITLES: Record<RunListMode, string> = { mine: "My runs", all: "All runs", approvals: "Approvals" };

function listHref(mode: RunListMode, params: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  if (mode === "all") p.set("all", "1");
  for (const [k, v] of Object.entries(params)) if (v) p.set(k, v);
  const q = p.toString();
  return `${mode === "approvals" ? "/approvals" : "/runs"}${q ? `?${q}` : ""}`;
}

/** Runs as a table, newest first, with a status filter and "older" paging by cursor. */
export function RunListPage(props: {
  viewer?: Viewer | undefined;
  mode: RunListMode;
  runs: RunView[];
  next: string | null;
  status: string | undefined;
  statuses: readonly string[];
  cursor: string | undefined;
}) {
  const { mode } = props;
  const action = mode === "approvals" ? "/approvals" : "/runs";
  return (
    <Layout viewer={props.viewer} title={TITLES[mode]}>
      <h1>{TITLES[mode]}</h1>
      {mode === "approvals" ? (
        <p class="muted">Runs waiting for your decision.</p>
      ) : (
        <p class="muted small">
          {mode === "mine" ? <a href="/runs?all=1">Show every run you may see</a> : <a href="/runs">Show only my runs</a>}
        </p>
      )}
      <form method="get" action={action} class="inline-form run-filter">
        {mode === "all" ? <input type="hidden" name="all" value="1" /> : null}
        <label for="run-status-filter">Status</label>
        <select id="run-status-filter" class="run-filter-select" name="status">
          <option value="">Any</option>
          {props.statuses.map((s) => (
            <option value={s} selected={s === props.status}>
              {STATUS_WORDS[s] ?? s}
            </option>
          ))}
        </select>
        <button type="submit">Filter</button>
      </form>
      <RunTable
        runs={props.runs}
        showRunId
        showRequester
        empty={mode === "approvals" ? "Nothing is waiting for your approval." : "No runs."}
      />
      <nav class="pager">
        {props.cursor ? <a href={listHref(mode, { status: props.status })}>Newest</a> : null}
        {props.next ? (
          <a rel="next" href={listHref(mode, { status: props.status, cursor: props.next })}>
            Older →
          </a>
        ) : null}
      </nav>
    </Layout>
  );
}
