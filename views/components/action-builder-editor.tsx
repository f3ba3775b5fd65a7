import { OPERATIONS } from "../../src/domain/actions/definition";
import { type ActionDraft, BUILDER_FIELD } from "../../src/routes/ui/builder/action-draft";
import { type EditorContext, GroupErrors, Hidden, OpButton, Section, SelectField, TextField } from "./action-builder-fields";
import { EnumColorList, InputCard } from "./action-builder-input";
import { ApprovalSection, InvocationSection, PermissionsSection } from "./action-builder-invocation";
import { QueryEditor } from "./action-builder-query";

/**
 * The action builder's form editor: every part of an action definition as fields, in the order a platform
 * engineer thinks about it (what, on which blueprint, which inputs, in which steps, how it runs, who
 * approves, who may run it). This is the part htmx replaces when the structure changes.
 */

export const EDITOR_FIELDS_ID = "builder-fields";

function Basics(props: { ctx: EditorContext; draft: ActionDraft }) {
  const { ctx, draft } = props;
  return (
    <Section id="basics" title="Action">
      <div class="ab-grid">
        <TextField
          ctx={ctx}
          path={["identifier"]}
          label="Identifier"
          value={draft.identifier}
          mono
          readonly={ctx.editing}
          hint={ctx.editing ? "Fixed once the action exists." : "Letters, digits, _ and -; it appears in URLs."}
        />
        <TextField ctx={ctx} path={["title"]} label="Title" value={draft.title} />
        <TextField ctx={ctx} path={["icon"]} label="Icon" value={draft.icon} />
        <TextField
          ctx={ctx}
          path={["category"]}
          label="Category"
          value={draft.category}
          hint="Groups the self-service hub (default: the blueprint)."
        />
      </div>
      <TextField ctx={ctx} path={["description"]} label="Description" value={draft.description} rows={2} />
    </Section>
  );
}

function Trigger(props: { ctx: EditorContext; draft: ActionDraft }) {
  const { ctx, draft } = props;
  return (
    <Section id="trigger" title="Where it is offered">
      <div class="ab-grid">
        <SelectField
          ctx={ctx}
          path={["blueprint"]}
          label="Blueprint"
          value={draft.blueprint}
          options={ctx.managed.map((b) => [b, b] as const)}
        />
        <SelectField
          ctx={ctx}
          path={["operation"]}
          label="Operation"
          value={draft.operation}
          options={OPERATIONS.map((o) => [o, o === "CREATE" ? "CREATE (no entity)" : `${o} (on one entity)`] as const)}
        />
      </div>
      <Hidden path={["conditionSearchType"]} value={draft.conditionSearchType} />
      {draft.operation !== "CREATE" || draft.condition.enabled ? (
        <QueryEditor
          ctx={ctx}
          path={["condition"]}
          query={draft.condition}
          op="condition"
          legend="Which entities offer it"
          enableLabel="Only entities matching rules"
          hint="Entities that do not match do not show the action, and running it on them is refused."
        />
      ) : null}
    </Section>
  );
}

function Inputs(props: { ctx: EditorContext; draft: ActionDraft }) {
  const { ctx, draft } = props;
  const steps = draft.steps.map((s) => s.title);
  return (
    <Section id="inputs" title="Inputs">
      <GroupErrors ctx={ctx} path={["inputs"]} />
      <Hidden path={["keepOrder"]} value={draft.keepOrder} />
      {draft.inputs.length === 0 ? <p class="muted">No inputs: the form only asks for confirmation.</p> : null}
      <ol class="ab-inputs">
        {draft.inputs.map((input, index) => (
          <InputCard ctx={ctx} input={input} index={index} count={draft.inputs.length} steps={steps} />
        ))}
      </ol>
      <OpButton op="input.add" label="Add input" />
      <details class="ab-extra" open={draft.requiredExpr !== ""}>
        <summary>Required inputs computed by an expression</summary>
        <TextField
          ctx={ctx}
          path={["requiredExpr"]}
          label="Expression returning the keys of the required inputs"
          value={draft.requiredExpr}
          mono
          hint="Replaces the list of inputs marked Always; they then carry their own required flag."
        />
      </details>
    </Section>
  );
}

function Steps(props: { ctx: EditorContext; draft: ActionDraft }) {
  const { ctx, draft } = props;
  return (
    <Section id="steps" title="Wizard steps">
      <GroupErrors ctx={ctx} path={["steps"]} />
      {draft.steps.length === 0 ? (
        <p class="muted">No steps: the form is one page. Add a step to split it; each input then names its step.</p>
      ) : null}
      <ol class="ab-steps">
        {draft.steps.map((step, s) => (
          <li class="ab-step">
            <TextField ctx={ctx} path={["steps", s, "title"]} label={`Step ${s + 1} title`} value={step.title} />
            <div class="ab-row-buttons">
              {s > 0 ? <OpButton op={`step.up:${s}`} label="Move up" describe={`Move step ${s + 1} up`} /> : null}
              {s < draft.steps.length - 1 ? (
                <OpButton op={`step.down:${s}`} label="Move down" describe={`Move step ${s + 1} down`} />
              ) : null}
              <OpButton op={`step.remove:${s}`} label="Remove" describe={`Remove step ${s + 1}`} danger />
            </div>
          </li>
        ))}
      </ol>
      <OpButton op="step.add" label="Add step" />
    </Section>
  );
}

function Extras(props: { ctx: EditorContext; draft: ActionDraft }) {
  const { ctx, draft } = props;
  const kept = draft.extra !== "";
  return (
    <Section id="extra" title="Other settings">
      <TextField
        ctx={ctx}
        path={["runTimeoutMinutes"]}
        label="A run fails after (minutes without a report)"
        value={draft.runTimeoutMinutes}
        inputmode="numeric"
      />
      <details class="ab-extra" open={kept || (ctx.errors.extra ?? []).length > 0}>
        <summary>Kept as JSON{kept ? " (this action has settings the form has no field for)" : ""}</summary>
        <TextField
          ctx={ctx}
          path={["extra"]}
          label="Merged into the definition (a JSON object)"
          value={draft.extra}
          rows={5}
          mono
          hint="Anything the form cannot show stays here, exactly as written, and is saved with the rest."
        />
      </details>
    </Section>
  );
}

/** The editor's fields; `oob` when an htmx answer swaps them in place. */
export function EditorFields(props: { ctx: EditorContext; draft: ActionDraft; shape: string; oob?: boolean }) {
  const { ctx, draft } = props;
  return (
    <div id={EDITOR_FIELDS_ID} hx-swap-oob={props.oob ? "true" : undefined}>
      <input type="hidden" name={BUILDER_FIELD.shape} value={props.shape} />
      <EnumColorList />
      <Basics ctx={ctx} draft={draft} />
      <Trigger ctx={ctx} draft={draft} />
      <Inputs ctx={ctx} draft={draft} />
      <Steps ctx={ctx} draft={draft} />
      <InvocationSection ctx={ctx} draft={draft} />
      <ApprovalSection ctx={ctx} draft={draft} />
      <PermissionsSection ctx={ctx} draft={draft} />
      <Extras ctx={ctx} draft={draft} />
    </div>
  );
}
