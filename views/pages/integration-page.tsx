import type { DryRunResult } from "../../src/domain/integrations/dry-run";
import type { IntegrationView, SyncView } from "../../src/domain/integrations/view";
import type { ErrorDetail } from "../../src/lib/errors";
import { relativeTime } from "../../src/lib/relative-time";
import { ShownOnce } from "../components/shown-once";
import { Layout, type Viewer } from "../layout";
import { type FieldErrors, IntegrationFields, type IntegrationFormValues } from "./integration-form";
import { DryRunDiff, ProblemAlert, SyncHistory } from "./integration-parts";

/** What the page was asked to show besides the integration: a one-time key, a notice, the edit form's state. */
export interface IntegrationPageExtras {
  /** A webhook integration's new ingest key: shown once. */
  ingestKey?: string | undefined;
  /** Where the portal answers, for the ingest URL. */
  origin: string;
  notice?: string | undefined;
  edit?: { form: IntegrationFormValues; errors: FieldErrors; problems: ErrorDetail[] } | undefined;
  /** A dry run asked for without htmx: shown in place. */
  dryRun?: DryRunResult | undefined;
}

function Settings(props: { i: IntegrationView }) {
  const i = props.i;
  return (
    <dl class="props">
      <dt>Type</dt>
      <dd>{i.type}</dd>
      <dt>Schedule</dt>
      <dd>
        {i.type === "webhook" ? "receives events" : i.schedule ? `every ${i.schedule.everyMinutes} minutes` : "on demand only"}
        {i.enabled ? "" : " (disabled)"}
        {i.enabled && i.nextRunAt ? <span class="muted"> · next {relativeTime(i.nextRunAt)}</span> : null}
      </dd>
      <dt>Missing entities</dt>
      <dd>
        {i.deletion.onMissing === "stale" ? "marked stale" : "deleted"}, at most {Math.round(i.deletion.maxShare * 100)}% of the owned ones
        per sync
      </dd>
      <dt>Owned entities</dt>
      <dd>
        {i.ownedEntities} <span class="muted small">(created by this integration: the only ones it ever deletes)</span>
        {i.staleEntities > 0 ? <span class="sync-warning"> · {i.staleEntities} stale</span> : null}
      </dd>
      <dt>Items per message</dt>
      <dd>{i.pageSize}</dd>
      <dt>Changed</dt>
      <dd>
        {relativeTime(i.updatedAt)} by {i.updatedBy} (version {i.version})
      </dd>
    </dl>
  );
}

/** `/integrations/:id`: settings (secrets masked), mapping, Sync now, Dry run, history, edit, delete. */
export function IntegrationPage(props: {
  viewer?: Viewer | undefined;
  integration: IntegrationView;
  syncs: SyncView[];
  extras: IntegrationPageExtras;
}) {
  const i = props.integration;
  const base = `/integrations/${encodeURIComponent(i.identifier)}`;
  const csrf = <input type="hidden" name="_csrf" value={props.viewer?.csrfToken ?? ""} />;
  const edit = props.extras.edit;
  return (
    <Layout viewer={props.viewer} title={i.title}>
      <nav class="crumbs">
        <a href="/integrations">Integrations</a> / {i.identifier}
      </nav>
      <h1>{i.title}</h1>
      {props.extras.notice ? (
        <p class="hint" role="status">
          {props.extras.notice}
        </p>
      ) : null}
      {props.extras.ingestKey ? (
        <ShownOnce role="status" secret={`${props.extras.origin}/v1/ingest/${props.extras.ingestKey}`}>
          <p>
            <strong>The ingest URL, shown once.</strong> Send events here with a POST (JSON body); the key is stored hashed and cannot be
            shown again.
          </p>
        </ShownOnce>
      ) : null}
      <div class="integration-actions">
        {i.type === "webhook" ? (
          <form
            method="post"
            action={`${base}/ingest-key`}
            class="inline"
            hx-confirm="The current ingest URL stops working at once. Replace the key?"
          >
            {csrf}
            <span class="muted small">Ingest key {i.ingestKeyHint ?? ""} </span>
            <button type="submit" class="secondary">
              Replace the ingest key
            </button>
          </form>
        ) : (
          <>
            <form
              method="post"
              action={`${base}/sync`}
              class="inline"
              hx-post={`${base}/sync`}
              hx-target="#sync-history"
              hx-swap="outerHTML"
              hx-indicator="#sync-indicator"
            >
              {csrf}
              <button type="submit">Sync now</button>
              <span id="sync-indicator" class="htmx-indicator muted small">
                {" "}
                starting…
              </span>
            </form>
            <form
              method="post"
              action={`${base}/dry-run`}
              class="inline"
              hx-post={`${base}/dry-run`}
              hx-target="#dry-run"
              hx-indicator="#dry-indicator"
            >
              {csrf}
              <button type="submit" class="secondary">
                Dry run
              </button>
              <span id="dry-indicator" class="htmx-indicator muted small">
                {" "}
                reading the source…
              </span>
            </form>
          </>
        )}
      </div>
      <div id="dry-run" aria-live="polite">
        {props.extras.dryRun ? <DryRunDiff result={props.extras.dryRun} /> : null}
      </div>
      <Settings i={i} />
      <h2>Config</h2>
      <pre class="integration-config">{JSON.stringify(i.config, null, 2)}</pre>
      <h2>Mapping</h2>
      <pre class="integration-config">{JSON.stringify(i.mapping, null, 2)}</pre>
      <SyncHistory identifier={i.identifier} syncs={props.syncs} />
      <details class="card" open={edit !== undefined && (edit.errors.size > 0 || edit.problems.length > 0)}>
        <summary>
          <h2>Edit</h2>
        </summary>
        {edit ? (
          <form method="post" action={base} class="action-form integration-form">
            {csrf}
            <input type="hidden" name="version" value={String(i.version)} />
            <ProblemAlert title="Not saved:" problems={edit.problems} />
            <IntegrationFields v={edit.form} errors={edit.errors} editing={true} />
            <div class="form-buttons-inline">
              <button type="submit">Save</button>
              {i.type === "webhook" ? null : (
                <button
                  type="submit"
                  class="secondary"
                  formaction={`${base}/dry-run`}
                  hx-post={`${base}/dry-run`}
                  hx-target="#dry-run"
                  hx-include="#f-mapping"
                >
                  Dry run with this mapping
                </button>
              )}
            </div>
          </form>
        ) : null}
      </details>
      <form method="post" action={`${base}/delete`} hx-confirm={`Delete ${i.title}? Its entities stay in the catalog.`}>
        {csrf}
        <button type="submit" class="danger">
          Delete integration
        </button>
      </form>
    </Layout>
  );
}
