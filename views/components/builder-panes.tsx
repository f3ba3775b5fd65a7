import type { Child } from "hono/jsx";
import type { ErrorDetail } from "../../src/lib/errors";
import { BuilderSection, FieldErrors, type ProblemIndex, TextField } from "./builder-fields";

/**
 * The two halves of a builder, and the ids both share. Editing the form posts it and gets back the
 * JSON textarea; editing the JSON posts it and gets back the form pane. Each answer also refreshes the
 * problem list and the hidden `_synced` field (the JSON of the last moment both halves were in step).
 */
export const PANE_IDS = {
  form: "b-form-pane",
  json: "b-json",
  problems: "b-json-problems",
  synced: "b-synced",
  busy: "b-busy",
} as const;

/** What the problem list under the JSON shows. */
export interface JsonCheck {
  /** The JSON could not be parsed: where and why (the form keeps its last state). */
  syntax?: string | undefined;
  /** What the domain (or the form itself) finds wrong, with API paths. */
  problems: ErrorDetail[];
}

export function JsonTextarea(props: { text: string; draftUrl: string; oob?: boolean }) {
  return (
    <textarea
      id={PANE_IDS.json}
      name="_json"
      class="mono builder-json"
      rows={32}
      spellcheck={false}
      aria-describedby={PANE_IDS.problems}
      hx-post={props.draftUrl}
      hx-vals={JSON.stringify({ _from: "json" })}
      hx-trigger="input delay:600ms"
      hx-target={`#${PANE_IDS.form}`}
      hx-swap="outerHTML"
      hx-swap-oob={props.oob ? "true" : undefined}
    >
      {props.text}
    </textarea>
  );
}

/** Problems as the API reports them: each message after the path it concerns (`identifier: is required`). */
export function PathProblems(props: { problems: ErrorDetail[] }) {
  return (
    <ul class="problem-list">
      {props.problems.map((p) => (
        <li>
          {p.path ? <code>{p.path}</code> : null}
          {p.path ? ": " : ""}
          {p.message}
        </li>
      ))}
    </ul>
  );
}

export function JsonProblems(props: { check: JsonCheck; oob?: boolean; children?: Child }) {
  const { syntax, problems } = props.check;
  return (
    <div id={PANE_IDS.problems} class="builder-json-problems" aria-live="polite" hx-swap-oob={props.oob ? "true" : undefined}>
      {syntax ? (
        <p class="alert" role="alert">
          JSON syntax error: {syntax}. The form still shows the last valid definition.
        </p>
      ) : problems.length === 0 ? (
        <p class="muted small">No problems found.</p>
      ) : (
        <div class="alert">
          <p>{problems.length === 1 ? "1 problem" : `${problems.length} problems`} (saving is refused until they are fixed):</p>
          <PathProblems problems={problems} />
        </div>
      )}
      {props.children}
    </div>
  );
}

/**
 * The JSON of the last moment form and JSON were in step: with it the server tells which half holds edits
 * the other has not seen yet (see src/routes/ui/builder/draft-flow.ts).
 */
export function SyncedField(props: { text: string; oob?: boolean }) {
  return <input type="hidden" id={PANE_IDS.synced} name="_synced" value={props.text} hx-swap-oob={props.oob ? "true" : undefined} />;
}

/** The JSON pane: a labelled textarea kept in step with the form, and the problems found so far. */
export function JsonPane(props: { text: string; check: JsonCheck; draftUrl: string; what: string }) {
  return (
    <section class="builder-pane builder-json-pane" aria-labelledby="b-json-title">
      <h2 id="b-json-title">
        <label for={PANE_IDS.json}>JSON</label>
      </h2>
      <p class="muted small">
        The {props.what} as the API takes it. Edit either side: the other follows. Fields the form has no control for are kept in its “More
        (JSON)” boxes.
      </p>
      <JsonTextarea text={props.text} draftUrl={props.draftUrl} />
      <JsonProblems check={props.check} />
    </section>
  );
}

/**
 * The form half's frame: any input in it posts the whole form (debounced) and gets back the JSON; buttons
 * and refreshing selects get back this pane, re-rendered. It opens with the definition's identifier (fixed
 * once it exists) and title, then the builder's own `basics` and sections.
 */
export function FormPaneFrame(props: {
  draftUrl: string;
  problems: ProblemIndex;
  /** The heading of the first section: "Blueprint", "Scorecard". */
  heading: string;
  identifier: string;
  identifierHint: string;
  editing: boolean;
  title: string;
  basics: Child;
  children: Child;
}) {
  const { problems } = props;
  return (
    <section
      id={PANE_IDS.form}
      class="builder-pane builder-form-pane"
      aria-labelledby="b-form-title"
      hx-post={props.draftUrl}
      hx-vals={JSON.stringify({ _from: "form" })}
      hx-trigger="input delay:400ms"
      hx-target={`#${PANE_IDS.json}`}
      hx-swap="outerHTML"
    >
      <h2 id="b-form-title">Form</h2>
      <FieldErrors name="" problems={problems} />
      <BuilderSection id="basics" title={props.heading}>
        <TextField
          name="identifier"
          label="Identifier"
          value={props.identifier}
          problems={problems}
          readonly={props.editing}
          hint={props.editing ? "Identifiers cannot be renamed." : props.identifierHint}
        />
        <TextField name="title" label="Title" value={props.title} problems={problems} />
        {props.basics}
      </BuilderSection>
      {props.children}
    </section>
  );
}
