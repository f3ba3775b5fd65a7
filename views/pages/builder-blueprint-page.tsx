import type { BlueprintForm } from "../../src/routes/ui/builder/blueprint-form";
import type { DraftState } from "../../src/routes/ui/builder/draft-flow";
import { BlueprintFormPane, type BlueprintPaneContext } from "../components/builder-blueprint-form";
import { JsonPane } from "../components/builder-panes";
import { BuilderShell } from "../components/builder-shell";
import type { Viewer } from "../layout";

/** The blueprint builder: the form on the left, the JSON on the right, one Save. */
export function BlueprintBuilderPage(props: {
  viewer?: Viewer | undefined;
  /** The blueprint being edited and the version opened; undefined for a new blueprint. */
  editing?: { identifier: string; title: string; version: number } | undefined;
  state: DraftState<BlueprintForm>;
  context: BlueprintPaneContext;
}) {
  const { editing, state } = props;
  const bpHref = editing ? `/blueprints/${encodeURIComponent(editing.identifier)}` : "/builder";
  return (
    <BuilderShell
      viewer={props.viewer}
      title={editing ? `Edit blueprint ${editing.title}` : "New blueprint"}
      crumbs={
        <>
          <a href="/builder">Builder</a> / {editing ? <a href={bpHref}>{editing.title}</a> : "New blueprint"}
        </>
      }
      saveUrl={editing ? `/builder/blueprints/${encodeURIComponent(editing.identifier)}` : "/builder/blueprints/new"}
      saveLabel={editing ? "Save blueprint" : "Create blueprint"}
      cancelUrl={bpHref}
      version={editing?.version}
      hidden={{ _editing: editing?.identifier ?? "" }}
      synced={state.synced}
      banner={state.banner}
      formPane={<BlueprintFormPane form={state.form} problems={state.problems} context={props.context} />}
      jsonPane={<JsonPane text={state.json} check={state.check} draftUrl={props.context.draftUrl} what="blueprint" />}
    />
  );
}
