import { QUERY_OPERATORS } from "../../src/domain/catalog/search/operators";
import type { QueryDraft, RuleDraft } from "../../src/routes/ui/builder/action-draft";
import { CheckField, type EditorContext, GroupErrors, Hidden, OpButton, type Path, SelectField, TextField } from "./action-builder-fields";

/**
 * A rule editor for a search query (Port's `{combinator, rules}`): a DAY-2 action's condition, or the
 * dataset an entity picker offers. Property rules get a row of fields; anything else (relatedTo, nested
 * groups, scorecard rules) is a JSON row, still editable here.
 */

const OPERATORS = QUERY_OPERATORS.map((o) => [o, o] as const);
const VALUE_MODES = [
  ["text", "Text"],
  ["json", "JSON (number, list, {from, to}…)"],
  ["expression", "Expression over the form"],
  ["none", "No value"],
] as const;

function RuleRow(props: { ctx: EditorContext; path: Path; rule: RuleDraft; index: number; op: string }) {
  const { ctx, rule, index } = props;
  const path = [...props.path, "rules", index];
  const remove = <OpButton op={`rule.remove:${props.op}:${index}`} label="Remove" describe={`Remove rule ${index + 1}`} />;
  if (rule.kind === "json") {
    return (
      <li class="ab-rule ab-rule-json">
        <Hidden path={[...path, "kind"]} value="json" />
        <TextField
          ctx={ctx}
          path={[...path, "value"]}
          label={`Rule ${index + 1} (JSON)`}
          value={rule.value}
          rows={4}
          mono
          hint="Any rule of the query language, e.g. a relatedTo rule or a nested {combinator, rules} group."
        />
        {remove}
      </li>
    );
  }
  return (
    <li class="ab-rule">
      <Hidden path={[...path, "kind"]} value="simple" />
      <TextField ctx={ctx} path={[...path, "property"]} label="Property" value={rule.property} placeholder="$identifier" />
      <SelectField ctx={ctx} path={[...path, "operator"]} label="Operator" value={rule.operator} options={OPERATORS} />
      <SelectField ctx={ctx} path={[...path, "valueMode"]} label="Value is" value={rule.valueMode} options={VALUE_MODES} />
      {rule.valueMode === "none" ? null : (
        <TextField
          ctx={ctx}
          path={[...path, "value"]}
          label="Value"
          value={rule.value}
          mono={rule.valueMode !== "text"}
          placeholder={rule.valueMode === "expression" ? ".form.system" : undefined}
        />
      )}
      {remove}
    </li>
  );
}

/**
 * The editor of one query. `op` names it in ops (`condition`, `dataset:2`); `enableLabel` is the checkbox
 * that turns the query on.
 */
export function QueryEditor(props: {
  ctx: EditorContext;
  path: Path;
  query: QueryDraft;
  op: string;
  legend: string;
  enableLabel: string;
  hint: string;
}) {
  const { ctx, path, query } = props;
  return (
    <fieldset class="ab-query">
      <legend>{props.legend}</legend>
      <CheckField ctx={ctx} path={[...path, "enabled"]} label={props.enableLabel} checked={query.enabled} hint={props.hint} />
      <GroupErrors ctx={ctx} path={path} />
      {/* Rules stay in the form while the query is off, so turning it off and on again loses nothing. */}
      <div class="ab-query-body" hidden={!query.enabled}>
        <SelectField
          ctx={ctx}
          path={[...path, "combinator"]}
          label="Match"
          value={query.combinator}
          options={[
            ["and", "every rule (and)"],
            ["or", "any rule (or)"],
          ]}
        />
        <ol class="ab-rules">
          {query.rules.map((rule, index) => (
            <RuleRow ctx={ctx} path={path} rule={rule} index={index} op={props.op} />
          ))}
        </ol>
        <div class="ab-row-buttons">
          <OpButton op={`rule.add:${props.op}`} label="Add rule" />
          <OpButton op={`rule.addJson:${props.op}`} label="Add JSON rule" />
        </div>
      </div>
    </fieldset>
  );
}
