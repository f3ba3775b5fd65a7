import type { ErrorDetail } from "../../src/lib/errors";
import { BUILDER_FIELD } from "../../src/routes/ui/builder/action-draft";
import { ActionForm, type ActionFormModel } from "./action-form";
import { PathProblems } from "./builder-panes";

/**
 * The action builder's other panes and bookkeeping fields — the run-form preview, the JSON pane, the
 * agreed-definition hash, the problem list — each with a fixed id so an htmx answer can replace it
 * out of band (`oob`) while the field being typed in stays untouched.
 */

export const EDITOR_FORM_ID = "builder-editor";
export const BUILDER_URLS = {
  sync: "/actions/builder/sync",
  json: "/actions/builder/json",
  op: "/actions/builder/op",
  preview: "/actions/builder/preview",
} as const;

/** What the preview pane shows: the run form as users will see it, or why it cannot be built. */
export interface PreviewState {
  model: ActionFormModel | null;
  problems: ErrorDetail[];
  /** The wizard's step titles (none without steps). */
  steps: string[];
}

const oobAttr = (oob: boolean | undefined) => (oob ? "true" : undefined);

function ProblemList(props: { problems: ErrorDetail[]; title: string }) {
  if (props.problems.length === 0) return null;
  return (
    <div class="alert" role="alert">
      <p>{props.title}</p>
      <PathProblems problems={props.problems} />
    </div>
  );
}

/** The preview: the resolved run form, live (a change re-resolves it) and inert (nothing is run). */
export function PreviewPane(props: { preview: PreviewState | null; oob?: boolean }) {
  const { preview } = props;
  const step = preview?.model?.step ?? 0;
  return (
    <div id="builder-preview" hx-swap-oob={oobAttr(props.oob)}>
      <div
        class="ab-preview-live"
        hx-post={BUILDER_URLS.preview}
        hx-trigger="change"
        hx-include={`#${EDITOR_FORM_ID}, #builder-preview`}
        hx-swap="none"
        hx-sync="this:queue all"
      >
        {preview && preview.steps.length > 0 ? (
          <fieldset class="ab-step-tabs">
            <legend>Step shown</legend>
            {preview.steps.map((title, i) => (
              <button
                type="submit"
                class={i === step ? "" : "secondary"}
                form={EDITOR_FORM_ID}
                formaction={BUILDER_URLS.preview}
                hx-post={BUILDER_URLS.preview}
                name={BUILDER_FIELD.step}
                value={String(i)}
                aria-pressed={i === step ? "true" : "false"}
              >
                {i + 1}. {title}
              </button>
            ))}
          </fieldset>
        ) : null}
        {preview ? <ProblemList problems={preview.problems} title="The definition has problems:" /> : null}
        {preview?.model ? <ActionForm model={preview.model} /> : null}
        {preview?.model ? <p class="ab-hint">Fill the preview in to try conditions and defaults; nothing is run.</p> : null}
      </div>
    </div>
  );
}

/** The JSON pane's textarea (in the editor form through `form=`, so a save carries both panes). */
export function JsonTextarea(props: { text: string; oob?: boolean }) {
  return (
    <textarea
      id="builder-json"
      name={BUILDER_FIELD.json}
      form={EDITOR_FORM_ID}
      class="mono"
      rows={32}
      spellcheck={false}
      aria-describedby="builder-json-status"
      hx-post={BUILDER_URLS.json}
      hx-trigger="input changed delay:600ms"
      hx-include="#builder-preview"
      hx-swap="none"
      hx-sync={`#${EDITOR_FORM_ID}:queue all`}
      hx-swap-oob={oobAttr(props.oob)}
    >
      {props.text}
    </textarea>
  );
}

/** Under the JSON pane: its syntax error (the editor then keeps its last valid state), or nothing. */
export function JsonStatus(props: { error?: string | undefined; oob?: boolean }) {
  return (
    <div id="builder-json-status" role="status" aria-live="polite" hx-swap-oob={oobAttr(props.oob)}>
      {props.error ? (
        <p class="alert">The JSON is not valid: {props.error}. The form keeps its last valid state until the JSON is fixed.</p>
      ) : null}
    </div>
  );
}

/** What each pane holds as the answer leaves them (hashes; see chooseSaved), posted back with every request. */
export function BaseFields(props: { base: { editor: string; json: string }; oob?: boolean }) {
  return (
    <div id="builder-base" hidden hx-swap-oob={oobAttr(props.oob)}>
      <input type="hidden" name={BUILDER_FIELD.base} value={props.base.editor} />
      <input type="hidden" name={BUILDER_FIELD.jsonBase} value={props.base.json} />
    </div>
  );
}

/** `inputs.2.enumRows.0.value` → "Input 3 › enum rows 1 › value". */
function describeSlot(slot: string): string {
  const parts = slot.split(".");
  const words: string[] = [];
  parts.forEach((part, i) => {
    if (/^\d+$/.test(part)) return;
    const n = /^\d+$/.test(parts[i + 1] ?? "") ? ` ${Number(parts[i + 1]) + 1}` : "";
    const name = part === "inputs" ? "Input" : part === "steps" ? "Step" : part.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
    words.push(`${name}${n}`);
  });
  return words.join(" › ");
}

/**
 * Problems above the editor: those no field owns, and (after a live edit, when the editor is not
 * re-rendered) the fields that cannot be read, linked to the field.
 */
export function ProblemsRegion(props: { general: string[]; fields: ErrorDetail[]; oob?: boolean }) {
  const any = props.general.length > 0 || props.fields.length > 0;
  return (
    <div id="builder-problems" aria-live="polite" hx-swap-oob={oobAttr(props.oob)}>
      {any ? (
        <div class="alert" role="alert">
          <p>{props.fields.length > 0 ? "Fix these fields; the JSON and the preview wait for them:" : "Not saved. Fix these problems:"}</p>
          <ul class="problem-list">
            {props.fields.map((p) => (
              <li>
                <a href={`#ab-${p.path.replaceAll(".", "-")}`}>{describeSlot(p.path)}</a>: {p.message}
              </li>
            ))}
            {props.general.map((message) => (
              <li>{message}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
