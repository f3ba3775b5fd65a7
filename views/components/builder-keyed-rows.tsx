import type { Child } from "hono/jsx";
import { BuilderRow, BuilderSection, OpButton, type PaneTarget, type ProblemIndex, TextAreaField, TextField } from "./builder-fields";

/** A row of the blueprint builder named by its key: relations, mirror, calculation and aggregation properties. */
export interface KeyedRow {
  key: string;
  title: string;
  more: string;
}

/**
 * A section of keyed rows: each row opens with its identifier and title, then `fields`, and ends with
 * "More (JSON)" for the keys it has no field for. `list` names the form rows (`relations[0].key`) and the
 * section; `op` the buttons (`add-relation`, `remove-relation:0`); `what` says in labels what a row is.
 */
export function KeyedRows<R extends KeyedRow>(props: {
  list: string;
  op: string;
  title: string;
  /** The row's legend before its key: "Relation" → "Relation owner". */
  legend: string;
  what: string;
  intro?: Child;
  rows: R[];
  problems: ProblemIndex;
  target: PaneTarget;
  fields: (row: R, name: (sub: string) => string) => Child;
}) {
  const { problems, target } = props;
  return (
    <BuilderSection id={props.list} title={props.title}>
      {props.intro}
      {props.rows.map((row, i) => {
        const name = (sub: string) => `${props.list}[${i}].${sub}`;
        const called = row.key || i + 1;
        return (
          <BuilderRow
            legend={`${props.legend} ${called}`}
            remove={{ op: `remove-${props.op}:${i}`, ...target, label: `Remove ${props.what} ${called}` }}
          >
            <TextField name={name("key")} label="Identifier" value={row.key} problems={problems} />
            <TextField name={name("title")} label="Title" value={row.title} problems={problems} />
            {props.fields(row, name)}
            <TextAreaField name={name("more")} label="More (JSON)" value={row.more} problems={problems} rows={2} />
          </BuilderRow>
        );
      })}
      <OpButton op={`add-${props.op}`} {...target} label={`Add ${props.what}`} />
    </BuilderSection>
  );
}
