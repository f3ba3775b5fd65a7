import type { Child } from "hono/jsx";
import { BUILDER_FIELD, DRAFT_PREFIX } from "../../src/routes/ui/builder/action-draft";
import { describedBy, ErrorList } from "./builder-fields";

/**
 * The action builder's form controls. Each field of the draft has a path (`["inputs", 2, "key"]`) from
 * which its form name (`action.inputs[2].key`, decoded by lib/form-paths), its DOM id and its problem
 * slot (`inputs.2.key`) all follow, so the three never disagree.
 */

export type Path = readonly (string | number)[];

/** What every control needs besides its own value: problems by slot, and the choices of blueprint. */
export interface EditorContext {
  errors: Record<string, string[]>;
  /** Blueprints the viewer manages (an action's own, and the one it writes to). */
  managed: string[];
  /** Every blueprint the viewer can read (entity pickers). */
  blueprints: string[];
  /** Editing a stored action (its identifier is fixed). */
  editing: boolean;
}

export function nameOf(path: Path): string {
  return path.reduce<string>((name, part) => (typeof part === "number" ? `${name}[${part}]` : `${name}.${part}`), DRAFT_PREFIX);
}

export function idOf(path: Path): string {
  return `ab-${path.join("-")}`;
}

export function slotOf(path: Path): string {
  return path.join(".");
}

export const OP_URL = "/actions/builder/op";

function Errors(props: { ctx: EditorContext; path: Path }) {
  return <ErrorList id={idOf(props.path)} messages={props.ctx.errors[slotOf(props.path)] ?? []} class="ab-errors" />;
}

function described(ctx: EditorContext, path: Path, hint: boolean) {
  return describedBy(idOf(path), { hint, errors: (ctx.errors[slotOf(path)] ?? []).length > 0 });
}

function Hint(props: { path: Path; hint: Child | undefined }) {
  return props.hint ? (
    <p class="ab-hint" id={`${idOf(props.path)}-hint`}>
      {props.hint}
    </p>
  ) : null;
}

interface FieldProps {
  ctx: EditorContext;
  path: Path;
  label: string;
  hint?: Child;
  class?: string;
}

/** A text box (or, with `rows`, a textarea). */
export function TextField(
  props: FieldProps & {
    value: string;
    rows?: number;
    mono?: boolean;
    readonly?: boolean;
    placeholder?: string;
    list?: string;
    inputmode?: "numeric" | "decimal";
  },
) {
  const id = idOf(props.path);
  const common = {
    id,
    name: nameOf(props.path),
    class: props.mono ? "mono" : undefined,
    placeholder: props.placeholder,
    readonly: props.readonly,
    spellcheck: props.mono ? false : undefined,
    ...described(props.ctx, props.path, props.hint !== undefined),
  };
  return (
    <div class={`ab-field${props.class ? ` ${props.class}` : ""}`}>
      <label for={id}>{props.label}</label>
      {props.rows ? (
        <textarea {...common} rows={props.rows}>
          {props.value}
        </textarea>
      ) : (
        <input type="text" {...common} value={props.value} list={props.list} inputmode={props.inputmode} autocomplete="off" />
      )}
      <Hint path={props.path} hint={props.hint} />
      <Errors ctx={props.ctx} path={props.path} />
    </div>
  );
}

/** A select; the current value is kept as an option even when it is not one of `options`. */
export function SelectField(props: FieldProps & { value: string; options: readonly (readonly [string, string])[] }) {
  const id = idOf(props.path);
  const known = props.options.some(([v]) => v === props.value);
  const options = known ? props.options : [...props.options, [props.value, props.value] as const];
  return (
    <div class={`ab-field${props.class ? ` ${props.class}` : ""}`}>
      <label for={id}>{props.label}</label>
      <select id={id} name={nameOf(props.path)} {...described(props.ctx, props.path, props.hint !== undefined)}>
        {options.map(([value, label]) => (
          <option value={value} selected={value === props.value}>
            {label}
          </option>
        ))}
      </select>
      <Hint path={props.path} hint={props.hint} />
      <Errors ctx={props.ctx} path={props.path} />
    </div>
  );
}

/** A checkbox; a hidden "false" before it makes an unticked box post false (the last value wins). */
export function CheckField(props: FieldProps & { checked: boolean }) {
  const id = idOf(props.path);
  return (
    <div class={`ab-field ab-check${props.class ? ` ${props.class}` : ""}`}>
      <input type="hidden" name={nameOf(props.path)} value="false" />
      <input
        type="checkbox"
        id={id}
        name={nameOf(props.path)}
        value="true"
        checked={props.checked}
        {...described(props.ctx, props.path, props.hint !== undefined)}
      />
      <label for={id}>{props.label}</label>
      <Hint path={props.path} hint={props.hint} />
      <Errors ctx={props.ctx} path={props.path} />
    </div>
  );
}

/** A value the form carries without showing it (a flag that keeps a definition's exact spelling). */
export function Hidden(props: { path: Path; value: string | boolean }) {
  return <input type="hidden" name={nameOf(props.path)} value={String(props.value)} />;
}

/** One titled part of the editor. */
export function Section(props: { id: string; title: string; children: Child }) {
  return (
    <section class="ab-section" aria-labelledby={`ab-h-${props.id}`}>
      <h2 id={`ab-h-${props.id}`}>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** Problems of a whole group (a rule list, the steps), shown above it. */
export function GroupErrors(props: { ctx: EditorContext; path: Path }) {
  return <Errors ctx={props.ctx} path={props.path} />;
}

/**
 * A button that changes the draft's structure (add, remove, move). It posts the whole editor with its op;
 * htmx swaps the answer in, and without JavaScript the form action answers with the whole page.
 */
export function OpButton(props: { op: string; label: string; describe?: string; danger?: boolean }) {
  return (
    <button
      type="submit"
      class={`ab-op${props.danger ? " danger" : " secondary"}`}
      name={BUILDER_FIELD.op}
      value={props.op}
      formaction={OP_URL}
      hx-post={OP_URL}
      aria-label={props.describe}
    >
      {props.label}
    </button>
  );
}
