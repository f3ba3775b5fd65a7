import type { ErrorDetail } from "../../src/lib/errors";
import { ActionForm, type ActionFormModel } from "../components/action-form";
import { Layout, type Viewer } from "../layout";

/** What the preview pane shows: the form as users will see it, or why it cannot be built. */
export interface PreviewState {
  model: ActionFormModel | null;
  problems: ErrorDetail[];
}

function Problems(props: { problems: ErrorDetail[]; title: string }) {
  if (props.problems.length === 0) return null;
  return (
    <div class="alert" role="alert">
      <p>{props.title}</p>
      <ul class="problem-list">
        {props.problems.map((p) => (
          <li>
            {p.path ? <code>{p.path}</code> : null}
            {p.path ? ": " : ""}
            {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The preview pane's content (the fragment the Preview button swaps in). */
export function ActionPreview(props: { preview: PreviewState | null }) {
  const { preview } = props;
  if (!preview) return <p class="muted">Press Preview to see the form as users will see it.</p>;
  return (
    <>
      <Problems problems={preview.problems} title="The definition has problems:" />
      {preview.model ? <ActionForm model={preview.model} /> : null}
    </>
  );
}

/**
 * The action builder: the Port action JSON in a textarea, validated by the server on save (problems listed
 * with their paths), and a preview of the form beside it.
 */
export function ActionBuilderPage(props: {
  viewer?: Viewer | undefined;
  /** The action being edited; undefined for a new one. */
  identifier?: string | undefined;
  version?: number | undefined;
  definition: string;
  problems: ErrorDetail[];
  banner?: string | undefined;
  notice?: string | undefined;
  preview: PreviewState | null;
}) {
  const editing = props.identifier !== undefined;
  const saveUrl = editing ? `/actions/${encodeURIComponent(props.identifier as string)}/edit` : "/actions/new";
  const title = editing ? `Edit action ${props.identifier}` : "New action";
  return (
    <Layout viewer={props.viewer} title={title}>
      <nav class="crumbs">
        <a href="/self-service">Self-service</a> / {editing ? props.identifier : "New action"}
      </nav>
      <h1>{title}</h1>
      {props.notice ? (
        <p class="hint" role="status">
          {props.notice}
        </p>
      ) : null}
      {props.banner ? (
        <p class="alert" role="alert">
          {props.banner}
        </p>
      ) : null}
      <div class="builder">
        <form method="post" action={saveUrl} class="card builder-editor">
          <input type="hidden" name="_csrf" value={props.viewer?.csrfToken ?? ""} />
          {props.version !== undefined ? <input type="hidden" name="version" value={String(props.version)} /> : null}
          {editing ? <input type="hidden" name="_edit" value={props.identifier} /> : null}
          <Problems problems={props.problems} title="Not saved. Fix these problems:" />
          <label for="action-definition">Definition (Port action JSON)</label>
          <textarea id="action-definition" name="definition" class="mono" rows={30} spellcheck={false} aria-describedby="definition-help">
            {props.definition}
          </textarea>
          <p id="definition-help" class="muted small">
            identifier, title, description, category, trigger (operation, blueprintIdentifier, userInputs, condition), invocationMethod
            (WEBHOOK or UPSERT_ENTITY), requiredApproval, permissions.
          </p>
          <div class="form-buttons-inline">
            <button type="submit">{editing ? "Save" : "Create"}</button>
            <button
              type="submit"
              class="secondary"
              formaction="/actions/preview"
              hx-post="/actions/preview"
              hx-target="#action-preview"
              hx-swap="innerHTML"
            >
              Preview
            </button>
            {editing ? <a href={`/actions/${encodeURIComponent(props.identifier as string)}/run`}>Open the form</a> : null}
          </div>
        </form>
        <section class="builder-preview" aria-labelledby="preview-title">
          <h2 id="preview-title">Preview</h2>
          <div id="action-preview" aria-live="polite">
            <ActionPreview preview={props.preview} />
          </div>
        </section>
      </div>
    </Layout>
  );
}
