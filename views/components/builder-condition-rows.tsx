import { COMPARE_OPERATORS, LIST_OPERATORS, NO_VALUE_OPERATORS, RANGE_OPERATORS } from "../../src/domain/catalog/search/operators";
import { type ConditionField, fieldNamed, OPERATOR_LABELS } from "../../src/routes/ui/builder/condition-fields";
import type { ConditionRow, ConditionScope, QueryForm } from "../../src/routes/ui/builder/scorecard-form";
import { type Choice, OpButton, type PaneTarget, type ProblemIndex, SelectField, TextAreaField, TextField } from "./builder-fields";

/**
 * A query editor of the scorecard builder (the filter, or one rule's query): all of / any of, and one row
 * per condition — property, the operators the query language accepts for it, and the value fields that
 * operator takes. Conditions the simple row cannot express are edited as JSON.
 */

const VALUE_HINTS: Record<string, string> = {
  string: "Text",
  number: "A number",
  boolean: "true or false",
  instant: "A date, e.g. 2026-01-31 or 2026-01-31T12:00:00Z",
};

function ValueFields(props: {
  row: ConditionRow;
  field: ConditionField;
  name: (sub: string) => string;
  problems: ProblemIndex;
  compareWith: Choice[];
}) {
  const { row, field, name, problems } = props;
  const op = row.operator;
  if (NO_VALUE_OPERATORS.has(op)) return null;
  if (op === "relatedTo") {
    return (
      <TextField
        name={name("value")}
        label="Entity identifier(s)"
        value={row.value}
        problems={problems}
        hint="Comma-separated for several"
      />
    );
  }
  if (RANGE_OPERATORS.has(op)) {
    return (
      <>
        <TextField name={name("value")} label="From" value={row.value} problems={problems} hint={VALUE_HINTS[field.kind]} />
        <TextField name={name("valueTo")} label="To" value={row.valueTo} problems={problems} />
      </>
    );
  }
  const list = LIST_OPERATORS.has(op);
  return (
    <>
      {COMPARE_OPERATORS.has(op) ? (
        <SelectField
          name={name("valueProperty")}
          label="Compare with"
          value={row.valueProperty}
          choices={[{ value: "", label: "— a value —" }, ...props.compareWith]}
          problems={problems}
        />
      ) : null}
      <TextField
        name={name("value")}
        label={list ? "Values" : "Value"}
        value={row.value}
        problems={problems}
        hint={
          list
            ? `${VALUE_HINTS[field.kind]}, comma-separated`
            : row.valueProperty
              ? "Not used: comparing with a property"
              : VALUE_HINTS[field.kind]
        }
      />
    </>
  );
}

function ConditionFields(props: {
  row: ConditionRow;
  prefix: string;
  j: number;
  fields: ConditionField[];
  problems: ProblemIndex;
  target: PaneTarget;
}) {
  const { row, prefix, j, problems, target } = props;
  const name = (sub: string) => `${prefix}.conditions[${j}].${sub}`;
  if (row.mode === "json") {
    return (
      <div class="builder-condition">
        <input type="hidden" name={name("mode")} value="json" />
        <TextAreaField
          name={name("json")}
          label={`Condition ${j + 1} (JSON)`}
          value={row.json}
          problems={problems}
          rows={2}
          hint='Any rule of the query language: a nested {"combinator", "rules"} group, relatedTo, a date preset, …'
        />
      </div>
    );
  }
  const field = fieldNamed(props.fields, row.property);
  const choices: Choice[] = props.fields.map((f) => ({ value: f.value, label: f.label, group: f.group }));
  const operators = field.operators.includes(row.operator) || row.operator === "" ? field.operators : [...field.operators, row.operator];
  const compareWith = props.fields
    .filter((f) => f.group === "Properties" && f.value !== row.property && f.kind === field.kind)
    .map((f) => ({ value: f.value, label: f.label }));
  return (
    <div class="builder-condition">
      <input type="hidden" name={name("mode")} value="simple" />
      <SelectField
        name={name("property")}
        label={`Condition ${j + 1}: property`}
        value={row.property}
        choices={choices}
        problems={problems}
        refresh={target}
      />
      <SelectField
        name={name("operator")}
        label="Operator"
        value={row.operator}
        choices={operators.map((o) => ({ value: o, label: OPERATOR_LABELS[o] ?? o }))}
        problems={problems}
        refresh={target}
      />
      <ValueFields row={row} field={field} name={name} problems={problems} compareWith={compareWith} />
    </div>
  );
}

export function QueryEditor(props: {
  scope: ConditionScope;
  /** The field-name prefix: `filter` or `rules[2].query`. */
  prefix: string;
  query: QueryForm;
  fields: ConditionField[];
  problems: ProblemIndex;
  target: PaneTarget;
  /** What the conditions are about, for button labels ("the filter", "rule has_owner"). */
  about: string;
}) {
  const { scope, prefix, query, problems, target } = props;
  return (
    <div class="builder-query">
      <SelectField
        name={`${prefix}.combinator`}
        label="Match"
        value={query.combinator}
        choices={[
          { value: "and", label: "all conditions (and)" },
          { value: "or", label: "any condition (or)" },
        ]}
        problems={problems}
      />
      {query.conditions.length === 0 ? (
        <p class="muted small">No conditions: {query.combinator === "or" ? "nothing matches" : "every entity matches"}.</p>
      ) : null}
      {query.conditions.map((row, j) => (
        <div class="builder-condition-row">
          <ConditionFields row={row} prefix={prefix} j={j} fields={props.fields} problems={problems} target={target} />
          <OpButton op={`remove-condition:${scope}:${j}`} {...target} label={`Remove condition ${j + 1} of ${props.about}`} danger>
            Remove condition
          </OpButton>
        </div>
      ))}
      <div class="builder-buttons">
        <OpButton op={`add-condition:${scope}`} {...target} label={`Add condition to ${props.about}`}>
          Add condition
        </OpButton>
        <OpButton op={`add-json-condition:${scope}`} {...target} label={`Add JSON condition to ${props.about}`}>
          Add JSON condition
        </OpButton>
      </div>
    </div>
  );
}
