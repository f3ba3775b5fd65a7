import type { MirrorRow, RelationRow } from "../../src/routes/ui/builder/blueprint-form";
import { CheckboxField, type Choice, type PaneTarget, type ProblemIndex, SelectField, TextField } from "./builder-fields";
import { KeyedRows } from "./builder-keyed-rows";

/** The blueprint builder's "Relations" and "Mirror properties" sections. */

export function RelationRows(props: { rows: RelationRow[]; targets: Choice[]; problems: ProblemIndex; target: PaneTarget }) {
  const { problems } = props;
  return (
    <KeyedRows
      list="relations"
      op="relation"
      title="Relations"
      legend="Relation"
      what="relation"
      intro={props.rows.length === 0 ? <p class="muted small">No relations yet.</p> : null}
      rows={props.rows}
      problems={problems}
      target={props.target}
      fields={(row, name) => (
        <>
          <SelectField name={name("target")} label="Target blueprint" value={row.target} choices={props.targets} problems={problems} />
          <TextField name={name("description")} label="Description" value={row.description} problems={problems} />
          <CheckboxField name={name("many")} label="Many (a list of entities)" checked={row.many} problems={problems} />
          <CheckboxField name={name("required")} label="Required" checked={row.required} problems={problems} />
        </>
      )}
    />
  );
}

export function MirrorRows(props: { rows: MirrorRow[]; problems: ProblemIndex; target: PaneTarget }) {
  return (
    <KeyedRows
      list="mirrors"
      op="mirror"
      title="Mirror properties"
      legend="Mirror"
      what="mirror property"
      intro={<p class="muted small">A value of a related entity, shown as if it were this entity's own.</p>}
      rows={props.rows}
      problems={props.problems}
      target={props.target}
      fields={(row, name) => (
        <TextField
          name={name("path")}
          label="Path"
          value={row.path}
          problems={props.problems}
          hint="Relations then a property or $identifier, $title, $team, $createdAt, $updatedAt — e.g. system.domain.$title"
        />
      )}
    />
  );
}
