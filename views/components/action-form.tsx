import type { UserInput, UserInputs } from "../../src/domain/actions/definition";
import { conditionInputs, type ResolvedForm } from "../../src/domain/actions/form";
import { ActionField, CarriedValue, fieldId } from "./action-field";

/** Everything the run form renders from: the resolved inputs, what each control shows, and problems. */
export interface ActionFormModel {
  actionId: string;
  ui: UserInputs;
  resolved: Pick<ResolvedForm, "order" | "visible" | "required" | "allowed" | "values">;
  /** Each visible input's control text (what was typed, else its default). */
  texts: Record<string, string>;
  errors: Record<string, string[]>;
  /** Problems not tied to one input (permission, condition, conflicts). */
  banner: string[];
  /** The wizard step shown (0 without steps). */
  step: number;
  entity: string | null;
  csrfToken: string;
  /** False when the viewer may not run the action here: the form shows but cannot be submitted. */
  canSubmit: boolean;
  /** A builder preview: inert, nothing is posted. */
  preview?: boolean;
}

/** The inputs on wizard step `step` (inputs no step lists go on the last one). */
export function stepInputs(ui: UserInputs, order: string[], step: number): Set<string> {
  const steps = ui.steps;
  if (!steps || steps.length === 0) return new Set(order);
  const listed = new Set(steps.flatMap((s) => s.order));
  const names = new Set((steps[step]?.order ?? []).filter((n) => order.includes(n)));
  if (step === steps.length - 1) for (const n of order) if (!listed.has(n)) names.add(n);
  return names;
}

function StepIndicator(props: { ui: UserInputs; step: number }) {
  const steps = props.ui.steps ?? [];
  return (
    <ol class="wizard-steps">
      {steps.map((s, i) => (
        <li class={i === props.step ? "current" : i < props.step ? "done" : ""} aria-current={i === props.step ? "step" : undefined}>
          {s.title}
        </li>
      ))}
    </ol>
  );
}

function Buttons(props: { model: ActionFormModel; base: string; last: boolean }) {
  const { model } = props;
  const disabled = model.preview || !model.canSubmit;
  const steps = model.ui.steps?.length ?? 0;
  // The default button (first in the DOM, what Enter presses) moves forward; CSS shows Back on the left.
  return (
    <div class="form-buttons">
      {props.last ? (
        <button type="submit" disabled={disabled}>
          Run action
        </button>
      ) : (
        <button type="submit" name="_nav" value="next" formaction={`${props.base}/form`} disabled={model.preview}>
          Next
        </button>
      )}
      {steps > 0 && model.step > 0 ? (
        <button type="submit" name="_nav" value="back" formaction={`${props.base}/form`} class="secondary" disabled={model.preview}>
          Back
        </button>
      ) : null}
    </div>
  );
}

/**
 * The run form. A change to an input some condition reads re-posts it to `/actions/:id/form` (hx-post on
 * that field's wrapper; htmx sends the whole form) and the server answers with the form re-rendered:
 * visibility, requirements, enums and defaults recomputed. Other fields never re-render the form, so
 * typing is not interrupted. Hidden inputs are not rendered, so their values are dropped. Submitting posts
 * to `/actions/:id/runs`.
 */
export function ActionForm(props: { model: ActionFormModel }) {
  const { model } = props;
  const { ui, resolved } = model;
  const base = `/actions/${encodeURIComponent(model.actionId)}`;
  const stepCount = ui.steps?.length ?? 0;
  const onStep = stepInputs(ui, resolved.order, model.step);
  const last = stepCount === 0 || model.step >= stepCount - 1;
  const live = model.preview
    ? {}
    : {
        "hx-post": `${base}/form`,
        "hx-trigger": "change",
        "hx-target": "#action-form",
        "hx-swap": "outerHTML",
        "hx-sync": "closest form:abort",
      };
  const sources = conditionInputs(ui);
  const shown = resolved.order.filter((n) => resolved.visible.has(n));
  const fields = shown.filter((n) => onStep.has(n));
  return (
    <form
      id={model.preview ? "action-preview-form" : "action-form"}
      class="card action-form"
      method="post"
      action={model.preview ? undefined : `${base}/runs`}
      hx-post={model.preview ? undefined : `${base}/runs`}
      hx-target={model.preview ? undefined : "#action-form"}
      hx-swap={model.preview ? undefined : "outerHTML"}
      novalidate
    >
      {model.preview ? null : <input type="hidden" name="_csrf" value={model.csrfToken} />}
      {stepCount > 0 ? <input type="hidden" name="_step" value={String(model.step)} /> : null}
      {stepCount > 0 ? <StepIndicator ui={ui} step={model.step} /> : null}
      {model.banner.length > 0 ? (
        <div class="alert" role="alert">
          <ul>
            {model.banner.map((b) => (
              <li>{b}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div class="action-fields">
        {model.entity !== null ? <input type="hidden" name="_entity" value={model.entity} /> : null}
        {fields.length === 0 ? (
          <p class="muted">{stepCount > 0 ? "Nothing to fill in on this step." : "This action has no inputs."}</p>
        ) : null}
        {shown.map((name) => {
          const input = ui.properties[name] as UserInput;
          const text = model.texts[name] ?? "";
          if (!onStep.has(name)) return <CarriedValue name={name} input={input} value={resolved.values[name]} text={text} />;
          const field = (
            <ActionField
              actionId={model.actionId}
              suggest={!model.preview}
              name={name}
              input={input}
              id={fieldId(name, resolved.order.indexOf(name))}
              required={resolved.required.has(name)}
              allowed={resolved.allowed.get(name) ?? (Array.isArray(input.enum) ? input.enum : undefined)}
              value={resolved.values[name]}
              text={text}
              errors={model.errors[name] ?? []}
            />
          );
          return sources.has(name) ? (
            <div class="live-field" {...live}>
              {field}
            </div>
          ) : (
            field
          );
        })}
      </div>
      <Buttons model={model} base={base} last={last} />
    </form>
  );
}
