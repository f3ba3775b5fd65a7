import { OBJECT_FORMATS, PROPERTY_TYPES, STRING_FORMATS } from "../../src/domain/catalog/types";
import type { PropertyRow } from "../../src/routes/ui/builder/blueprint-form";
import {
  BuilderRow,
  BuilderSection,
  CheckboxField,
  type Choice,
  ColorField,
  FieldErrors,
  OpButton,
  type PaneTarget,
  type ProblemIndex,
  SelectField,
  TextAreaField,
  TextField,
} from "./builder-fields";

/** The blueprint builder's "Properties" section: one row per property, enum values with their colours. */

const NONE: Choice = { value: "", label: "— none —" };

function formatChoices(type: string): Choice[] {
  const formats: readonly string[] = type === "string" ? STRING_FORMATS : type === "object" ? OBJECT_FORMATS : [];
  return [NONE, ...formats.map((f) => ({ value: f, label: f }))];
}

const DEFAULT_HINTS: Record<string, string> = {
  string: "Text; leave empty for no default.",
  number: "A number.",
  boolean: "true or false.",
  object: 'JSON, e.g. {"replicas": 2}.',
  array: 'JSON, e.g. ["a", "b"].',
};

function EnumRows(props: { row: PropertyRow; i: number; problems: ProblemIndex; target: PaneTarget }) {
  const { row, i, target } = props;
  const name = (j: number, sub: string) => `properties[${i}].enum[${j}].${sub}`;
  return (
    <div class="builder-enum">
      <p class="builder-subhead">Allowed values (enum)</p>
      <FieldErrors name={`properties[${i}].enum`} problems={props.problems} />
      {row.enum.length === 0 ? <p class="muted small">Any value. Add values to limit the choice.</p> : null}
      {row.enum.map((e, j) => (
        <div class="builder-enum-row">
          <TextField name={name(j, "value")} label={`Value ${j + 1}`} value={e.value} problems={props.problems} />
          <ColorField name={name(j, "color")} value={e.color} sample={e.value || "value"} problems={props.problems} />
          <OpButton op={`remove-enum:${i}:${j}`} {...target} label={`Remove value ${j + 1} of ${row.key}`} danger>
            Remove
          </OpButton>
        </div>
      ))}
      <OpButton op={`add-enum:${i}`} {...target} label={`Add an allowed value to ${row.key}`}>
        Add value
      </OpButton>
    </div>
  );
}

function PropertyFields(props: { row: PropertyRow; i: number; problems: ProblemIndex; target: PaneTarget }) {
  const { row, i, problems, target } = props;
  const name = (sub: string) => `properties[${i}].${sub}`;
  const takesEnum =
    row.type === "string" || row.type === "number" || (row.type === "array" && ["string", "number"].includes(row.itemsType));
  return (
    <BuilderRow
      legend={`Property ${row.key || i + 1}`}
      remove={{ op: `remove-property:${i}`, ...target, label: `Remove property ${row.key || i + 1}` }}
    >
      <TextField name={name("key")} label="Identifier" value={row.key} problems={problems} hint="Letters, digits, @ _ -" />
      <TextField name={name("title")} label="Title" value={row.title} problems={problems} />
      <SelectField
        name={name("type")}
        label="Type"
        value={row.type}
        choices={PROPERTY_TYPES.map((t) => ({ value: t, label: t }))}
        problems={problems}
        refresh={target}
      />
      {row.type === "array" ? (
        <>
          <SelectField
            name={name("itemsType")}
            label="Element type"
            value={row.itemsType}
            choices={[{ value: "", label: "— any —" }, ...["string", "number", "boolean", "object"].map((t) => ({ value: t, label: t }))]}
            problems={problems}
            refresh={target}
          />
          {formatChoices(row.itemsType).length > 1 || row.itemsFormat !== "" ? (
            <SelectField
              name={name("itemsFormat")}
              label="Element format"
              value={row.itemsFormat}
              choices={formatChoices(row.itemsType)}
              problems={problems}
            />
          ) : null}
        </>
      ) : formatChoices(row.type).length > 1 || row.format !== "" ? (
        <SelectField name={name("format")} label="Format" value={row.format} choices={formatChoices(row.type)} problems={problems} />
      ) : null}
      <TextField name={name("description")} label="Description" value={row.description} problems={problems} />
      <TextField name={name("icon")} label="Icon" value={row.icon} problems={problems} />
      <TextField name={name("default")} label="Default" value={row.default} problems={problems} hint={DEFAULT_HINTS[row.type]} />
      <CheckboxField name={name("required")} label="Required" checked={row.required} problems={problems} />
      {takesEnum || row.enum.length > 0 ? <EnumRows row={row} i={i} problems={problems} target={target} /> : null}
      <TextAreaField
        name={name("more")}
        label="More (JSON)"
        value={row.more}
        problems={problems}
        hint="Other keys of this property, e.g. minLength, pattern, minimum."
      />
    </BuilderRow>
  );
}

export function PropertyRows(props: { rows: PropertyRow[]; problems: ProblemIndex; target: PaneTarget }) {
  return (
    <BuilderSection id="properties" title="Properties">
      {props.rows.length === 0 ? <p class="muted small">No properties yet.</p> : null}
      {props.rows.map((row, i) => (
        <PropertyFields row={row} i={i} problems={props.problems} target={props.target} />
      ))}
      <OpButton op="add-property" {...props.target} label="Add property" />
    </BuilderSection>
  );
}
