import type { Blueprint } from "../../src/domain/catalog/types";
import { AGGREGATION_FUNCS, type AggregationRow, type CalculationRow } from "../../src/routes/ui/builder/blueprint-form";
import { type Choice, type PaneTarget, type ProblemIndex, SelectField, TextAreaField, TextField } from "./builder-fields";
import { KeyedRows } from "./builder-keyed-rows";

/** The blueprint builder's "Calculation properties" and "Aggregation properties" sections. */

const CALCULATION_TYPES: Choice[] = ["string", "number", "boolean", "object", "array"].map((t) => ({ value: t, label: t }));
const FUNC_LABELS: Record<string, string> = {
  count: "count of entities",
  sum: "sum of a property",
  average: "average of a property",
  min: "minimum of a property",
  max: "maximum of a property",
  median: "median of a property (read only: not for search)",
};

export function CalculationRows(props: { rows: CalculationRow[]; problems: ProblemIndex; target: PaneTarget }) {
  const { problems } = props;
  return (
    <KeyedRows
      list="calculations"
      op="calculation"
      title="Calculation properties"
      legend="Calculation"
      what="calculation property"
      intro={
        <p class="muted small">
          A value computed from the entity with a JSONata expression (Port's jq is translated where it can be), e.g.{" "}
          <code>{'"https://git.example.com/" & identifier'}</code>.
        </p>
      }
      rows={props.rows}
      problems={problems}
      target={props.target}
      fields={(row, name) => (
        <>
          <SelectField name={name("type")} label="Result type" value={row.type} choices={CALCULATION_TYPES} problems={problems} />
          <TextField name={name("format")} label="Format" value={row.format} problems={problems} hint="Optional, e.g. url" />
          <TextField name={name("description")} label="Description" value={row.description} problems={problems} />
          <TextAreaField name={name("calculation")} label="Calculation" value={row.calculation} problems={problems} rows={2} />
        </>
      )}
    />
  );
}

function numberProperties(bp: Blueprint | undefined): Choice[] {
  return Object.entries(bp?.schema.properties ?? {})
    .filter(([, def]) => def.type === "number")
    .map(([key, def]) => ({ value: key, label: def.title ? `${def.title} (${key})` : key }));
}

export function AggregationRows(props: {
  rows: AggregationRow[];
  blueprints: Map<string, Blueprint>;
  targets: Choice[];
  problems: ProblemIndex;
  target: PaneTarget;
}) {
  const { problems, target } = props;
  return (
    <KeyedRows
      list="aggregations"
      op="aggregation"
      title="Aggregation properties"
      legend="Aggregation"
      what="aggregation property"
      intro={
        <p class="muted small">
          A number over related entities of another blueprint: how many, or a sum, average, … of one of their properties.
        </p>
      }
      rows={props.rows}
      problems={problems}
      target={target}
      fields={(row, name) => (
        <>
          <SelectField
            name={name("target")}
            label="Related blueprint"
            value={row.target}
            choices={props.targets}
            problems={problems}
            refresh={target}
          />
          <SelectField
            name={name("func")}
            label="Function"
            value={row.func}
            choices={AGGREGATION_FUNCS.map((f) => ({ value: f, label: FUNC_LABELS[f] ?? f }))}
            problems={problems}
            refresh={target}
          />
          {row.func === "count" ? null : (
            <SelectField
              name={name("property")}
              label="Of property"
              value={row.property}
              choices={[{ value: "", label: "— choose a number property —" }, ...numberProperties(props.blueprints.get(row.target))]}
              problems={problems}
            />
          )}
          <TextField
            name={name("path")}
            label="Relation path"
            value={row.path}
            problems={problems}
            hint="Relations from the related blueprint to this one, dot-separated; empty = any path"
          />
          <TextField name={name("description")} label="Description" value={row.description} problems={problems} />
          <TextAreaField
            name={name("query")}
            label="Only related entities matching (JSON query)"
            value={row.query}
            problems={problems}
            rows={2}
            hint='Optional, e.g. {"combinator": "and", "rules": [{"property": "status", "operator": "=", "value": "failed"}]}'
          />
        </>
      )}
    />
  );
}
