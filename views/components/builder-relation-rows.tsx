import type { MirrorRow, RelationRow } from "../../src/routes/ui/builder/blueprint-form";
import {
  BuilderRow,
  CheckboxField,
  type Choice,
  OpButton,
  type ProblemIndex,
  SelectField,
  TextAreaField,
  TextField,
} from "./builder-fields";
import type { PaneTarget } from "./builder-property-rows";

/** The blueprint builder's "Relations" and "Mirror properties" sections. */

export function RelationRows(props: { rows: RelationRow[]; targets: Choice[]; problems: ProblemIndex; target: PaneTarget }) {
  const { problems, target } = props;
  return (
    <section class="builder-section" aria-labelledby="b-relations-title">
      <h3 id="b-relations-title">Relations</h3>
      {props.rows.length === 0 ? <p class="muted small">No relations yet.</p> : null}
      {props.rows.map((row, i) => {
        const name = (sub: string) => `relations[${i}].${sub}`;
        return (
          <BuilderRow
            legend={`Relation ${row.key || i + 1}`}
            remove={{ op: `remove-relation:${i}`, ...target, label: `Remove relation ${row.key || i + 1}` }}
          >
            <TextField name={name("key")} label="Identifier" value={row.key} problems={problems} />
            <TextField name={name("title")} label="Title" value={row.title} problems={problems} />
            <SelectField name={name("target")} label="Target blueprint" value={row.target} choices={props.targets} problems={problems} />
            <TextField name={name("description")} label="Description" value={row.description} problems={problems} />
            <CheckboxField name={name("many")} label="Many (a list of entities)" checked={row.many} problems={problems} />
            <CheckboxField name={name("required")} label="Required" checked={row.required} problems={problems} />
            <TextAreaField name={name("more")} label="More (JSON)" value={row.more} problems={problems} rows={2} />
          </BuilderRow>
        );
      })}
      <OpButton op="add-relation" {...target} label="Add relation" />
    </section>
  );
}

export function MirrorRows(props: { rows: MirrorRow[]; problems: ProblemIndex; target: PaneTarget }) {
  const { problems, target } = props;
  return (
    <section class="builder-section" aria-labelledby="b-mirrors-title">
      <h3 id="b-mirrors-title">Mirror properties</h3>
      <p class="muted small">A value of a related entity, shown as if it were this entity's own.</p>
      {props.rows.map((row, i) => {
        const name = (sub: string) => `mirrors[${i}].${sub}`;
        return (
          <BuilderRow
            legend={`Mirror ${row.key || i + 1}`}
            remove={{ op: `remove-mirror:${i}`, ...target, label: `Remove mirror property ${row.key || i + 1}` }}
          >
            <TextField name={name("key")} label="Identifier" value={row.key} problems={problems} />
            <TextField name={name("title")} label="Title" value={row.title} problems={problems} />
            <TextField
              name={name("path")}
              label="Path"
              value={row.path}
              problems={problems}
              hint="Relations then a property or $identifier, $title, $team, $createdAt, $updatedAt — e.g. system.domain.$title"
            />
            <TextAreaField name={name("more")} label="More (JSON)" value={row.more} problems={problems} rows={2} />
          </BuilderRow>
        );
      })}
      <OpButton op="add-mirror" {...target} label="Add mirror property" />
    </section>
  );
}
