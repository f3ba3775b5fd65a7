import type { Blueprint } from "../../src/domain/catalog/types";
import type { ConditionField } from "../../src/routes/ui/builder/condition-fields";
import type { DraftState } from "../../src/routes/ui/builder/draft-flow";
import type { ScorecardForm } from "../../src/routes/ui/builder/scorecard-form";
import type { RulePassing } from "../../src/routes/ui/builder/scorecard-preview";
import { JsonPane } from "../components/builder-panes";
import { ScorecardFormPane } from "../components/builder-scorecard-form";
import { BuilderShell } from "../components/builder-shell";
import type { Viewer } from "../layout";

/** The scorecard builder: levels, rules and their queries on the left, the JSON on the right. */
export function ScorecardBuilderPage(props: {
  viewer?: Viewer | undefined;
  blueprint: Blueprint;
  /** The scorecard being edited and the version opened; undefined for a new one. */
  editing?: { identifier: string; title: string; version: number } | undefined;
  state: DraftState<ScorecardForm>;
  /** "Would pass: N of M" per rule. */
  passing: RulePassing[];
  fields: ConditionField[];
  draftUrl: string;
}) {
  const { blueprint, editing, state } = props;
  const bp = encodeURIComponent(blueprint.identifier);
  const scorecardHref = editing ? `/blueprints/${bp}/scorecards/${encodeURIComponent(editing.identifier)}` : undefined;
  return (
    <BuilderShell
      viewer={props.viewer}
      title={editing ? `Edit scorecard ${editing.title}` : `New scorecard for ${blueprint.title}`}
      crumbs={
        <>
          <a href="/builder">Builder</a> / <a href={`/blueprints/${bp}`}>{blueprint.title}</a> /{" "}
          {editing && scorecardHref ? <a href={scorecardHref}>{editing.title}</a> : "New scorecard"}
        </>
      }
      saveUrl={
        editing
          ? `/builder/blueprints/${bp}/scorecards/${encodeURIComponent(editing.identifier)}`
          : `/builder/blueprints/${bp}/scorecards/new`
      }
      saveLabel={editing ? "Save scorecard" : "Create scorecard"}
      cancelUrl={scorecardHref ?? "/builder"}
      version={editing?.version}
      hidden={{ _blueprint: blueprint.identifier, _editing: editing?.identifier ?? "" }}
      synced={state.synced}
      banner={state.banner}
      formPane={
        <ScorecardFormPane
          form={state.form}
          problems={state.problems}
          draftUrl={props.draftUrl}
          editing={editing !== undefined}
          fields={props.fields}
          passing={props.passing}
        />
      }
      jsonPane={<JsonPane text={state.json} check={state.check} draftUrl={props.draftUrl} what="scorecard" />}
    />
  );
}
