import type { Child } from "hono/jsx";
import { Layout, type Viewer } from "../layout";
import { PANE_IDS, SyncedField } from "./builder-panes";

/** What sits above the panes: a saved notice, a refusal, or a conflict with someone else's save. */
export interface BuilderBanner {
  notice?: string | undefined;
  error?: string | undefined;
  /** The definition changed since the page was opened: now at this version. */
  conflictVersion?: number | undefined;
}

/**
 * The page both builders share: one form around the two panes (so Save and every live edit post
 * everything), the hidden state (CSRF, the version being edited, which half was edited last), the Save
 * button and a busy indicator. Requests queue on the form, so Save waits for a pending live edit.
 */
export function BuilderShell(props: {
  viewer?: Viewer | undefined;
  title: string;
  crumbs: Child;
  saveUrl: string;
  saveLabel: string;
  cancelUrl: string;
  version?: number | undefined;
  /** Builder-specific hidden fields (what is being edited), posted with every request. */
  hidden: Record<string, string>;
  /** The JSON of the last moment form and JSON were in step. */
  synced: string;
  banner: BuilderBanner;
  formPane: Child;
  jsonPane: Child;
}) {
  const { banner } = props;
  return (
    <Layout viewer={props.viewer} title={props.title}>
      <nav class="crumbs">{props.crumbs}</nav>
      <h1>{props.title}</h1>
      {banner.notice ? (
        <p class="hint" role="status">
          {banner.notice}
        </p>
      ) : null}
      {banner.error ? (
        <p class="alert" role="alert">
          {banner.error}
        </p>
      ) : null}
      <form method="post" action={props.saveUrl} class="definition-builder" hx-sync="this:queue all" hx-indicator={`#${PANE_IDS.busy}`}>
        <input type="hidden" name="_csrf" value={props.viewer?.csrfToken ?? ""} />
        {props.version !== undefined ? <input type="hidden" name="_version" value={String(props.version)} /> : null}
        {Object.entries(props.hidden).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <SyncedField text={props.synced} />
        {banner.conflictVersion !== undefined ? (
          <div class="alert builder-conflict" role="alert">
            <p>
              Someone else saved this since you opened it (it is now at version {banner.conflictVersion}). Nothing was saved; your edits are
              still here. <a href={props.cancelUrl}>Open their version</a> in another tab to compare, or save over it.
            </p>
            <button type="submit" name="_overwrite" value={String(banner.conflictVersion)} class="danger">
              Save over version {banner.conflictVersion}
            </button>
          </div>
        ) : null}
        <div class="definition-builder-panes">
          {props.formPane}
          {props.jsonPane}
        </div>
        <div class="definition-builder-actions">
          <button type="submit">{props.saveLabel}</button>
          <a href={props.cancelUrl}>Cancel</a>
          <span id={PANE_IDS.busy} class="htmx-indicator muted small">
            Updating…
          </span>
        </div>
      </form>
    </Layout>
  );
}
