import type { IntegrationView } from "../../src/domain/integrations/view";
import type { ErrorDetail } from "../../src/lib/errors";
import { relativeTime } from "../../src/lib/relative-time";
import { Layout, type Viewer } from "../layout";
import { type FieldErrors, IntegrationFields, type IntegrationFormValues } from "./integration-form";
import { countsText, ProblemAlert, SyncStatus } from "./integration-parts";

/** `/integrations`: every integration with its last sync, and the form that creates one. */
export function IntegrationListPage(props: {
  viewer?: Viewer | undefined;
  integrations: IntegrationView[];
  form: IntegrationFormValues;
  errors: FieldErrors;
  /** Problems that belong to no single field. */
  problems: ErrorDetail[];
}) {
  const invalid = props.errors.size > 0 || props.problems.length > 0;
  return (
    <Layout viewer={props.viewer} title="Integrations">
      <h1>Integrations</h1>
      <p class="muted">
        Sources the catalog is filled from: on a schedule through the queue (HTTP JSON, AWS Cloud Control, Backstage), or by events sent to
        an ingest URL (webhook). See <a href="/docs/api#/Integrations">the API</a>.
      </p>
      {props.integrations.length === 0 ? (
        <p class="empty">No integrations yet: create one below.</p>
      ) : (
        <table class="grid">
          <thead>
            <tr>
              <th>Integration</th>
              <th>Type</th>
              <th>Schedule</th>
              <th>Last sync</th>
              <th class="num">Owned entities</th>
            </tr>
          </thead>
          <tbody>
            {props.integrations.map((i) => (
              <tr>
                <td>
                  <a href={`/integrations/${encodeURIComponent(i.identifier)}`}>{i.title}</a>
                  <div class="muted small">{i.identifier}</div>
                </td>
                <td>{i.type}</td>
                <td>
                  {!i.enabled ? (
                    <span class="badge badge-lightGray">disabled</span>
                  ) : i.schedule ? (
                    `every ${i.schedule.everyMinutes} min`
                  ) : (
                    "on demand"
                  )}
                  {i.enabled && i.nextRunAt ? <div class="muted small">next {relativeTime(i.nextRunAt)}</div> : null}
                </td>
                <td>
                  <SyncStatus sync={i.lastSync} />
                  {i.lastSync ? <div class="muted small">{countsText(i.lastSync)}</div> : null}
                </td>
                <td class="num">
                  {i.ownedEntities}
                  {i.staleEntities > 0 ? <div class="small sync-warning">{i.staleEntities} stale</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details class="card integration-new" open={invalid || props.integrations.length === 0}>
        <summary>
          <h2>New integration</h2>
        </summary>
        <form method="post" action="/integrations" class="action-form integration-form">
          <input type="hidden" name="_csrf" value={props.viewer?.csrfToken ?? ""} />
          <ProblemAlert title="Not saved:" problems={props.problems} />
          <IntegrationFields v={props.form} errors={props.errors} editing={false} />
          <div class="form-buttons-inline">
            <button type="submit">Create</button>
            <span class="muted small">Create it disabled to try a dry run before the first sync.</span>
          </div>
        </form>
      </details>
    </Layout>
  );
}
