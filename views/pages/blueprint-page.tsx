import type { StoredScorecard } from "../../src/db/scorecard-store";
import type { Blueprint } from "../../src/domain/catalog/types";
import { type ActionLink, CreateActionButtons } from "../components/action-panel";
import { EntityTable, type TableResult } from "../components/entity-table";
import { FilterBar, FilterRows } from "../components/filter-bar";
import { BlueprintScorecards } from "../components/scorecard-summary";
import { columnsOf, fieldsOf, shownColumns, type TableState } from "../components/table-state";
import { Layout, type Viewer } from "../layout";

export { entityHref } from "../components/table-state";

/** What the table of a blueprint's entities shows: the view state from the URL and the search's result. */
export interface BlueprintTableProps {
  blueprint: Blueprint;
  state: TableState;
  result: TableResult;
}

/**
 * The fragment htmx swaps in when the filters, sort, columns or page change: the table region, plus the
 * filter rows out of band (so a removed or added filter shows in the editor as it does in the URL).
 */
export function BlueprintTableFragment(props: BlueprintTableProps) {
  const { blueprint, state } = props;
  const fields = fieldsOf(blueprint);
  return (
    <>
      <EntityTable blueprint={blueprint} fields={fields} columns={shownColumns(blueprint, state)} state={state} result={props.result} />
      <FilterRows blueprint={blueprint.identifier} fields={fields} state={state} oob />
    </>
  );
}

/** A blueprint's entities as a table with a filter bar, sortable columns, a column chooser and keyset pages. */
export function BlueprintPage(
  props: BlueprintTableProps & {
    viewer?: Viewer | undefined;
    createActions?: ActionLink[];
    scorecards?: StoredScorecard[];
    /** May the viewer change the blueprint (Admin, or its moderator)? */
    mayEdit: boolean;
  },
) {
  const { blueprint, state } = props;
  const mayEdit = props.mayEdit;
  const fields = fieldsOf(blueprint);
  const columns = shownColumns(blueprint, state);
  return (
    <Layout viewer={props.viewer} title={blueprint.title}>
      <nav class="crumbs">
        <a href="/">Catalog</a> / {blueprint.title}
      </nav>
      <h1>{blueprint.title}</h1>
      {blueprint.description ? <p>{blueprint.description}</p> : null}
      <p class="muted">
        identifier <code>{blueprint.identifier}</code> · version {blueprint.version}
        {mayEdit ? (
          <>
            {" "}
            · <a href={`/builder/blueprints/${encodeURIComponent(blueprint.identifier)}`}>Edit in builder</a>
          </>
        ) : null}
      </p>
      <BlueprintScorecards blueprint={blueprint.identifier} scorecards={props.scorecards ?? []} />
      <CreateActionButtons actions={props.createActions ?? []} />
      <FilterBar
        blueprint={blueprint.identifier}
        fields={fields}
        columns={columnsOf(blueprint)}
        shown={new Set(columns.map((c) => c.key))}
        state={state}
      >
        <EntityTable blueprint={blueprint} fields={fields} columns={columns} state={state} result={props.result} />
      </FilterBar>
    </Layout>
  );
}
