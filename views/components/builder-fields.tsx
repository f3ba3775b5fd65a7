import type { Child } from "hono/jsx";
import { PORT_COLORS } from "../../src/routes/ui/builder/form-fields";

/**
 * Form controls of the low-code builders. Every control is labelled, has an id derived from its field name
 * (htmx puts the focus back on the same id after a pane is re-rendered), and shows its problems right
 * below itself, tied to it with aria-describedby.
 */

/** Problems per field name ("" = the whole form). */
export type ProblemIndex = Map<string, string[]>;

/** Where a builder's buttons and refreshing selects post, and the pane they re-render. */
export interface PaneTarget {
  url: string;
  pane: string;
}

/** `properties[2].enum[0].value` → `b-properties-2-enum-0-value`. */
export function fieldId(name: string): string {
  return `b-${name.replace(/[[\].]+/g, "-").replace(/-$/, "")}`;
}

/**
 * The aria attributes tying control `id` to its hint and its problem list, which carry the ids
 * `<id>-hint` and `<id>-errors` (both builders' controls follow this).
 */
export function describedBy(id: string, has: { hint: boolean; errors: boolean }) {
  const ids = [has.hint ? `${id}-hint` : "", has.errors ? `${id}-errors` : ""].filter(Boolean).join(" ");
  return { "aria-describedby": ids || undefined, "aria-invalid": has.errors ? "true" : undefined };
}

/** The problems of control `id`, right below it (nothing when there are none). */
export function ErrorList(props: { id: string; messages: string[]; class: string }) {
  if (props.messages.length === 0) return null;
  return (
    <ul class={props.class} id={`${props.id}-errors`}>
      {props.messages.map((m) => (
        <li>{m}</li>
      ))}
    </ul>
  );
}

export function FieldErrors(props: { name: string; problems: ProblemIndex }) {
  return <ErrorList id={fieldId(props.name)} messages={props.problems.get(props.name) ?? []} class="field-errors" />;
}

function invalidProps(name: string, problems: ProblemIndex, hint?: string) {
  return describedBy(fieldId(name), { hint: Boolean(hint), errors: (problems.get(name) ?? []).length > 0 });
}

interface FieldProps {
  name: string;
  label: string;
  value: string;
  problems: ProblemIndex;
  hint?: string | undefined;
}

function Hint(props: { name: string; hint?: string | undefined }) {
  return props.hint ? (
    <span class="muted small field-hint" id={`${fieldId(props.name)}-hint`}>
      {props.hint}
    </span>
  ) : null;
}

export function TextField(props: FieldProps & { readonly?: boolean; placeholder?: string; inputmode?: "decimal" }) {
  const id = fieldId(props.name);
  return (
    <div class="builder-field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        type="text"
        name={props.name}
        value={props.value}
        readonly={props.readonly}
        placeholder={props.placeholder}
        inputmode={props.inputmode}
        spellcheck={false}
        {...invalidProps(props.name, props.problems, props.hint)}
      />
      <Hint name={props.name} hint={props.hint} />
      <FieldErrors name={props.name} problems={props.problems} />
    </div>
  );
}

export function TextAreaField(props: FieldProps & { rows?: number }) {
  const id = fieldId(props.name);
  return (
    <div class="builder-field builder-field-wide">
      <label for={id}>{props.label}</label>
      <textarea
        id={id}
        name={props.name}
        rows={props.rows ?? 3}
        class="mono"
        spellcheck={false}
        {...invalidProps(props.name, props.problems, props.hint)}
      >
        {props.value}
      </textarea>
      <Hint name={props.name} hint={props.hint} />
      <FieldErrors name={props.name} problems={props.problems} />
    </div>
  );
}

export interface Choice {
  value: string;
  label: string;
  group?: string;
}

/** Choices grouped into <optgroup>s by `group`; a current value missing from them is still offered. */
function Options(props: { choices: Choice[]; value: string }) {
  const choices = props.choices.some((c) => c.value === props.value)
    ? props.choices
    : [...props.choices, { value: props.value, label: props.value === "" ? "— choose —" : `${props.value} (unknown)` }];
  const groups = [...new Set(choices.map((c) => c.group ?? ""))];
  const option = (c: Choice) => (
    <option value={c.value} selected={c.value === props.value}>
      {c.label}
    </option>
  );
  return (
    <>
      {groups.map((g) =>
        g === "" ? (
          choices.filter((c) => !c.group).map(option)
        ) : (
          <optgroup label={g}>{choices.filter((c) => c.group === g).map(option)}</optgroup>
        ),
      )}
    </>
  );
}

/**
 * A select. With `refresh`, changing it re-renders the form pane (other fields depend on it: a property's
 * type decides its formats; a condition's property decides its operators).
 */
export function SelectField(props: FieldProps & { choices: Choice[]; refresh?: PaneTarget | undefined }) {
  const id = fieldId(props.name);
  const refresh = props.refresh
    ? {
        "hx-post": props.refresh.url,
        "hx-vals": JSON.stringify({ _op: "refresh" }),
        "hx-trigger": "change consume",
        "hx-target": `#${props.refresh.pane}`,
        "hx-swap": "outerHTML",
      }
    : {};
  return (
    <div class="builder-field">
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} {...refresh} {...invalidProps(props.name, props.problems, props.hint)}>
        <Options choices={props.choices} value={props.value} />
      </select>
      <Hint name={props.name} hint={props.hint} />
      <FieldErrors name={props.name} problems={props.problems} />
    </div>
  );
}

export function CheckboxField(props: { name: string; label: string; checked: boolean; problems: ProblemIndex }) {
  const id = fieldId(props.name);
  return (
    <div class="builder-field builder-check">
      <input id={id} type="checkbox" name={props.name} value="on" checked={props.checked} {...invalidProps(props.name, props.problems)} />
      <label for={id}>{props.label}</label>
      <FieldErrors name={props.name} problems={props.problems} />
    </div>
  );
}

/**
 * A button that edits the form's structure (add a row, remove one): htmx posts the whole form with the
 * operation and swaps in the re-rendered form pane; without htmx the whole page comes back.
 */
export function OpButton(props: PaneTarget & { op: string; label: string; danger?: boolean; children?: Child }) {
  return (
    <button
      type="submit"
      name="_op"
      value={props.op}
      formaction={props.url}
      formnovalidate
      hx-post={props.url}
      hx-target={`#${props.pane}`}
      hx-swap="outerHTML"
      class={props.danger ? "secondary danger-text" : "secondary"}
      aria-label={props.label}
    >
      {props.children ?? props.label}
    </button>
  );
}

/** A removable row of a builder: a fieldset with a legend and its Remove button (which names the row). */
export function BuilderRow(props: { legend: string; remove: PaneTarget & { op: string; label: string }; children: Child }) {
  return (
    <fieldset class="builder-row">
      <legend>{props.legend}</legend>
      <div class="builder-row-fields">{props.children}</div>
      <div class="builder-row-actions">
        <OpButton {...props.remove} danger />
      </div>
    </fieldset>
  );
}

/** A titled section of a form pane (properties, relations, rules …); its heading labels it. */
export function BuilderSection(props: { id: string; title: string; children: Child }) {
  return (
    <section class="builder-section" aria-labelledby={`b-${props.id}-title`}>
      <h3 id={`b-${props.id}-title`}>{props.title}</h3>
      {props.children}
    </section>
  );
}

const COLOR_CHOICES: Choice[] = [{ value: "", label: "— no colour —" }, ...PORT_COLORS.map((c) => ({ value: c, label: c }))];
const KNOWN_COLORS = new Set<string>(PORT_COLORS);

/** A Port colour select (enum values, scorecard levels) and, once a colour is chosen, a badge showing `sample` in it. */
export function ColorField(props: { name: string; value: string; sample: string; problems: ProblemIndex }) {
  return (
    <>
      <SelectField name={props.name} label="Colour" value={props.value} choices={COLOR_CHOICES} problems={props.problems} />
      {KNOWN_COLORS.has(props.value) ? (
        <span class={`badge badge-${props.value} builder-swatch`} aria-hidden="true">
          {props.sample}
        </span>
      ) : null}
    </>
  );
}
