import type { Blueprint } from "../../src/domain/catalog/types";
import type { BlueprintForm } from "../../src/routes/ui/builder/blueprint-form";
import { AggregationRows, CalculationRows } from "./builder-computed-rows";
import { type Choice, type PaneTarget, type ProblemIndex, SelectField, TextAreaField, TextField } from "./builder-fields";
import { FormPaneFrame, PANE_IDS } from "./builder-panes";
import { PropertyRows } from "./builder-property-rows";
import { MirrorRows, RelationRows } from "./builder-relation-rows";

/** What the blueprint form pane needs besides the form itself. */
export interface BlueprintPaneContext {
  /** The draft endpoint every live edit posts to. */
  draftUrl: string;
  /** Editing an existing blueprint: its identifier cannot change. */
  editing: boolean;
  /** Every blueprint (relation and aggregation targets, their number properties). */
  blueprints: Map<string, Blueprint>;
}

/**
 * The form half of the blueprint builder. Any input posts the whole form (debounced) and gets back the
 * JSON; buttons and some selects get back this pane, re-rendered.
 */
export function BlueprintFormPane(props: { form: BlueprintForm; problems: ProblemIndex; context: BlueprintPaneContext }) {
  const { form, problems, context } = props;
  const target: PaneTarget = { url: context.draftUrl, pane: PANE_IDS.form };
  const targets: Choice[] = [...context.blueprints.values()].map((b) => ({ value: b.identifier, label: `${b.title} (${b.identifier})` }));
  // A new blueprint may relate to itself.
  if (!context.editing && form.identifier && !context.blueprints.has(form.identifier)) {
    targets.push({ value: form.identifier, label: `${form.title || form.identifier} (this blueprint)` });
  }
  return (
    <FormPaneFrame
      draftUrl={context.draftUrl}
      problems={problems}
      heading="Blueprint"
      identifier={form.identifier}
      identifierHint={"Letters, digits and @ _ . + : \\ / -"}
      editing={context.editing}
      title={form.title}
      basics={
        <>
          <TextField name="icon" label="Icon" value={form.icon} problems={problems} />
          <TextAreaField name="description" label="Description" value={form.description} problems={problems} rows={2} />
          <SelectField
            name="ownership.type"
            label="Ownership"
            value={form.ownershipType}
            choices={[
              { value: "", label: "— not set —" },
              { value: "Direct", label: "Direct (the entity's own teams)" },
              { value: "Inherited", label: "Inherited (along a relation path)" },
            ]}
            problems={problems}
          />
          <TextField
            name="ownership.path"
            label="Ownership path"
            value={form.ownershipPath}
            problems={problems}
            hint="For Inherited: relations to the owning entity, e.g. system.domain"
          />
          <TextAreaField
            name="more"
            label="More (JSON)"
            value={form.more}
            problems={problems}
            rows={2}
            hint="Other blueprint keys, e.g. formulaProperties, changelogDestination."
          />
        </>
      }
    >
      <PropertyRows rows={form.properties} problems={problems} target={target} />
      <RelationRows rows={form.relations} targets={targets} problems={problems} target={target} />
      <MirrorRows rows={form.mirrors} problems={problems} target={target} />
      <CalculationRows rows={form.calculations} problems={problems} target={target} />
      <AggregationRows rows={form.aggregations} blueprints={context.blueprints} targets={targets} problems={problems} target={target} />
    </FormPaneFrame>
  );
}
