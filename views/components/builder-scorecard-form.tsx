import type { ConditionField } from "../../src/routes/ui/builder/condition-fields";
import type { LevelRow, RuleRow, ScorecardForm } from "../../src/routes/ui/builder/scorecard-form";
import type { RulePassing } from "../../src/routes/ui/builder/scorecard-preview";
import { QueryEditor } from "./builder-condition-rows";
import {
  BuilderRow,
  BuilderSection,
  ColorField,
  FieldErrors,
  OpButton,
  type PaneTarget,
  type ProblemIndex,
  SelectField,
  TextAreaField,
  TextField,
} from "./builder-fields";
import { FormPaneFrame, PANE_IDS } from "./builder-panes";

/** A rule's "would pass" figure; the draft answer refreshes it out of band after every edit. */
export function RulePassingOutput(props: { index: number; result: RulePassing | undefined; oob?: boolean }) {
  const r = props.result;
  return (
    <output id={`b-rule-${props.index}-passing`} class="builder-passing" hx-swap-oob={props.oob ? "true" : undefined}>
      {r === undefined
        ? ""
        : "unknown" in r
          ? `Would pass: unknown (${r.unknown})`
          : `Would pass: ${r.passing} of ${r.total} ${r.total === 1 ? "entity" : "entities"} you can see`}
    </output>
  );
}

function Levels(props: { levels: LevelRow[]; problems: ProblemIndex; target: PaneTarget }) {
  const { levels, problems, target } = props;
  return (
    <BuilderSection id="levels" title="Levels">
      <p class="muted small">Lowest first. Every entity starts at the first level, which has no rules.</p>
      <FieldErrors name="levels" problems={problems} />
      <ol class="builder-levels">
        {levels.map((level, i) => (
          <li class="builder-level">
            <TextField name={`levels[${i}].title`} label={`Level ${i + 1} title`} value={level.title} problems={problems} />
            <ColorField name={`levels[${i}].color`} value={level.color} sample={level.title || "level"} problems={problems} />
            <span class="builder-buttons">
              {i > 0 ? (
                <OpButton op={`level-up:${i}`} {...target} label={`Move level ${level.title || i + 1} up`}>
                  Up
                </OpButton>
              ) : null}
              {i < levels.length - 1 ? (
                <OpButton op={`level-down:${i}`} {...target} label={`Move level ${level.title || i + 1} down`}>
                  Down
                </OpButton>
              ) : null}
              <OpButton op={`remove-level:${i}`} {...target} label={`Remove level ${level.title || i + 1}`} danger>
                Remove
              </OpButton>
            </span>
          </li>
        ))}
      </ol>
      <OpButton op="add-level" {...target} label="Add level" />
    </BuilderSection>
  );
}

function Rule(props: {
  rule: RuleRow;
  i: number;
  levels: LevelRow[];
  fields: ConditionField[];
  passing: RulePassing | undefined;
  problems: ProblemIndex;
  target: PaneTarget;
}) {
  const { rule, i, problems, target } = props;
  const name = (sub: string) => `rules[${i}].${sub}`;
  const about = `rule ${rule.identifier || i + 1}`;
  return (
    <BuilderRow legend={`Rule ${rule.identifier || i + 1}`} remove={{ op: `remove-rule:${i}`, ...target, label: `Remove ${about}` }}>
      <TextField name={name("identifier")} label="Identifier" value={rule.identifier} problems={problems} />
      <TextField name={name("title")} label="Title" value={rule.title} problems={problems} />
      <SelectField
        name={name("level")}
        label="Level"
        value={rule.level}
        choices={props.levels.slice(1).map((l) => ({ value: l.title, label: l.title }))}
        problems={problems}
      />
      <TextField
        name={name("weight")}
        label="Weight"
        value={rule.weight}
        problems={problems}
        inputmode="decimal"
        hint="How much it counts towards the score"
      />
      <TextField name={name("description")} label="Description" value={rule.description} problems={problems} />
      <div class="builder-field-wide">
        <p class="builder-subhead">Passes when the entity matches</p>
        <QueryEditor
          scope={i}
          prefix={`rules[${i}].query`}
          query={rule.query}
          fields={props.fields}
          problems={problems}
          target={target}
          about={about}
        />
        <RulePassingOutput index={i} result={props.passing} />
      </div>
      <TextAreaField name={name("more")} label="More (JSON)" value={rule.more} problems={problems} rows={2} />
    </BuilderRow>
  );
}

/** The form half of the scorecard builder. */
export function ScorecardFormPane(props: {
  form: ScorecardForm;
  problems: ProblemIndex;
  draftUrl: string;
  editing: boolean;
  fields: ConditionField[];
  passing: RulePassing[];
}) {
  const { form, problems } = props;
  const target: PaneTarget = { url: props.draftUrl, pane: PANE_IDS.form };
  return (
    <FormPaneFrame
      draftUrl={props.draftUrl}
      problems={problems}
      heading="Scorecard"
      identifier={form.identifier}
      identifierHint="Letters, digits, _ and -"
      editing={props.editing}
      title={form.title}
      basics={
        <>
          <TextAreaField name="description" label="Description" value={form.description} problems={problems} rows={2} />
          <TextAreaField name="more" label="More (JSON)" value={form.more} problems={problems} rows={2} />
        </>
      }
    >
      <BuilderSection id="filter" title="Which entities are scored">
        <QueryEditor
          scope="filter"
          prefix="filter"
          query={form.filter}
          fields={props.fields}
          problems={problems}
          target={target}
          about="the filter"
        />
      </BuilderSection>
      <Levels levels={form.levels} problems={problems} target={target} />
      <BuilderSection id="rules" title="Rules">
        <FieldErrors name="rules" problems={problems} />
        {form.rules.length === 0 ? <p class="muted small">No rules yet.</p> : null}
        {form.rules.map((rule, i) => (
          <Rule
            rule={rule}
            i={i}
            levels={form.levels}
            fields={props.fields}
            passing={props.passing[i]}
            problems={problems}
            target={target}
          />
        ))}
        <OpButton op="add-rule" {...target} label="Add rule" />
      </BuilderSection>
    </FormPaneFrame>
  );
}
