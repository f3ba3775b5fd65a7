import type { ErrorDetail } from "../../src/lib/errors";
import { type ActionDraft, BUILDER_FIELD } from "../../src/routes/ui/builder/action-draft";
import { EditorFields } from "../components/action-builder-editor";
import type { EditorContext } from "../components/action-builder-fields";
import {
  BaseFields,
  BUILDER_URLS,
  EDITOR_FORM_ID,
  JsonStatus,
  JsonTextarea,
  PreviewPane,
  type PreviewState,
  ProblemsRegion,
} from "../components/action-builder-panes";
import { Layout, type Viewer } from "../layout";

/** Everything the builder page shows. */
export interface BuilderView {
  viewer?: Viewer | undefined;
  /** The stored action being edited; undefined for a new one. */
  editing?: { identifier: string; version?: number | undefined } | undefined;
  draft: ActionDraft;
  shape: string;
  jsonText: string;
  jsonError?: string | undefined;
  base: { editor: string; json: string };
  preview: PreviewState | null;
  /** Problems beside their fields, by slot. */
  errors: Record<string, string[]>;
  /** Problems no field owns. */
  general: string[];
  /** Fields that could not be read (listed above the editor as links). */
  fieldProblems?: ErrorDetail[];
  banner?: string | undefined;
  notice?: string | undefined;
  managed: string[];
  blueprints: string[];
}

/**
 * The action builder: the form editor, the live preview of the run form, and the definition as JSON —
 * both editable, kept in step by htmx posts (editor → JSON and preview; JSON → editor and preview).
 * Without JavaScript the buttons post the whole page and the same server code answers. Every builder
 * request queues on the editor form (`hx-sync`), so answers land in the order the edits were made and none
 * is aborted half-way.
 */
export function ActionBuilderPage(props: BuilderView) {
  const editing = props.editing;
  const saveUrl = editing ? `/actions/${encodeURIComponent(editing.identifier)}/edit` : "/actions/new";
  const title = editing ? `Edit action ${editing.identifier}` : "New action";
  const ctx: EditorContext = { errors: props.errors, managed: props.managed, blueprints: props.blueprints, editing: editing !== undefined };
  return (
    <Layout viewer={props.viewer} title={title}>
      <nav class="crumbs">
        <a href="/self-service">Self-service</a> / {editing ? editing.identifier : "New action"}
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
      <div class="action-builder">
        <form
          id={EDITOR_FORM_ID}
          class="ab-pane ab-editor"
          method="post"
          action={saveUrl}
          novalidate
          hx-post={BUILDER_URLS.sync}
          hx-trigger="input changed delay:400ms, change"
          hx-swap="none"
          hx-sync="this:queue all"
          hx-include="#builder-preview"
          aria-label="Action editor"
        >
          <input type="hidden" name="_csrf" value={props.viewer?.csrfToken ?? ""} />
          <input type="hidden" name={BUILDER_FIELD.edit} value={editing?.identifier ?? ""} />
          {editing?.version !== undefined ? <input type="hidden" name={BUILDER_FIELD.version} value={String(editing.version)} /> : null}
          <BaseFields base={props.base} />
          <div class="ab-toolbar">
            <button type="submit">{editing ? "Save" : "Create"}</button>
            {editing ? <a href={`/actions/${encodeURIComponent(editing.identifier)}/run`}>Open the form</a> : null}
            <span class="ab-hint">The JSON and the preview follow your edits.</span>
          </div>
          <ProblemsRegion general={props.general} fields={props.fieldProblems ?? []} />
          <EditorFields ctx={ctx} draft={props.draft} shape={props.shape} />
        </form>
        <section class="ab-pane ab-preview-pane" aria-labelledby="ab-h-preview">
          <h2 id="ab-h-preview">Preview</h2>
          <PreviewPane preview={props.preview} />
        </section>
        <section class="ab-pane ab-json-pane" aria-labelledby="ab-h-json">
          <h2 id="ab-h-json">
            <label for="builder-json">JSON</label>
          </h2>
          <JsonStatus error={props.jsonError} />
          <JsonTextarea text={props.jsonText} />
          <div class="ab-row-buttons">
            <button
              type="submit"
              class="secondary"
              form={EDITOR_FORM_ID}
              formaction={BUILDER_URLS.json}
              hx-post={BUILDER_URLS.json}
              hx-include="#builder-preview"
              hx-swap="none"
            >
              Apply the JSON to the form
            </button>
            <button
              type="submit"
              class="secondary"
              form={EDITOR_FORM_ID}
              formaction={BUILDER_URLS.op}
              name={BUILDER_FIELD.op}
              value="refresh"
              hx-post={BUILDER_URLS.op}
              hx-include="#builder-preview"
              hx-swap="none"
            >
              Rewrite the JSON from the form
            </button>
          </div>
        </section>
      </div>
    </Layout>
  );
}
