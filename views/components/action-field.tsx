import type { UserInput } from "../../src/domain/actions/definition";
import { controlOf } from "../../src/routes/ui/form-values";

/** What one field needs to render: its input, where it stands in the form, and what to show. */
export interface FieldProps {
  actionId: string;
  /** Entity pickers suggest identifiers from the saved action's options route; a builder preview of an
   * unsaved (or changed) definition has none, so its pickers are plain text boxes. */
  suggest: boolean;
  name: string;
  input: UserInput;
  /** A DOM id for the control (input names may hold characters ids should not). */
  id: string;
  required: boolean;
  /** The enum after its condition, for selects. */
  allowed: unknown[] | undefined;
  /** The typed value (for checkboxes and multi-selects). */
  value: unknown;
  /** The control's text. */
  text: string;
  errors: string[];
}

/** A stable DOM id for input `name` at position `index` of the form. */
export function fieldId(name: string, index: number): string {
  return `in-${index}-${name.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

function optionText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b) || (typeof a !== "object" && String(a) === String(b));
}

function Control(props: FieldProps & { described: string | undefined }) {
  const { input, name, id, text } = props;
  const common = {
    id,
    name,
    "aria-required": props.required ? "true" : undefined,
    "aria-invalid": props.errors.length > 0 ? "true" : undefined,
    "aria-describedby": props.described,
  };
  switch (controlOf(input)) {
    case "checkbox":
      return (
        <>
          {/* Sent before the box, so an unticked box posts false (the last value wins). */}
          <input type="hidden" name={name} value="false" />
          <input type="checkbox" {...common} value="true" checked={props.value === true} />
        </>
      );
    case "select": {
      const options = props.allowed ?? [];
      return (
        <select {...common}>
          <option value="">Choose…</option>
          {options.map((o) => (
            <option value={optionText(o)} selected={props.value !== undefined && sameValue(o, props.value)}>
              {optionText(o)}
            </option>
          ))}
        </select>
      );
    }
    case "multiselect": {
      const options = props.allowed ?? (Array.isArray(input.items?.enum) ? input.items.enum : []);
      const chosen = Array.isArray(props.value) ? props.value : [];
      return (
        <>
          <input type="hidden" name={name} value="" />
          <select {...common} multiple size={Math.min(Math.max(options.length, 2), 8)}>
            {options.map((o) => (
              <option value={optionText(o)} selected={chosen.some((c) => sameValue(o, c))}>
                {optionText(o)}
              </option>
            ))}
          </select>
        </>
      );
    }
    case "textarea":
      return (
        <textarea {...common} rows={input.format === "multi-line" ? 4 : 8}>
          {text}
        </textarea>
      );
    case "json":
      return (
        <textarea {...common} class="mono" rows={6} placeholder='{"key": "value"}'>
          {text}
        </textarea>
      );
    case "lines":
      return (
        <textarea {...common} rows={4} placeholder="One per line, or a JSON array">
          {text}
        </textarea>
      );
    case "number":
      return <input type="number" {...common} value={text} step="any" min={input.minimum} max={input.maximum} />;
    case "datetime":
      return <input type="datetime-local" {...common} value={text} />;
    case "email":
      return <input type="email" {...common} value={text} autocomplete="off" />;
    case "url":
      return <input type="url" {...common} value={text} placeholder="https://" />;
    case "password":
      return <input type="password" {...common} value={text} autocomplete="new-password" data-secret="" />;
    case "entity": {
      const list = `${id}-options`;
      const placeholder = `Identifier of a ${input.blueprint ?? "catalog"} entity`;
      if (!props.suggest) return <input type="text" {...common} value={text} autocomplete="off" placeholder={placeholder} />;
      return (
        <>
          <input
            type="text"
            {...common}
            value={text}
            list={list}
            autocomplete="off"
            placeholder={placeholder}
            hx-get={`/actions/${encodeURIComponent(props.actionId)}/inputs/${encodeURIComponent(name)}/options`}
            hx-trigger="input changed delay:250ms, focus once"
            hx-target={`#${list}`}
            hx-swap="outerHTML"
            hx-include="#action-form [name]:not([data-secret])"
            hx-sync="this:replace"
          />
          <datalist id={list} />
        </>
      );
    }
    default:
      return <input type="text" {...common} value={text} />;
  }
}

/** One input: label (with a required marker), its control, help text and problems. */
export function ActionField(props: FieldProps) {
  const { input, id } = props;
  const help = input.description || controlOf(input) === "datetime" || controlOf(input) === "lines";
  const described = [help ? `${id}-help` : "", props.errors.length > 0 ? `${id}-errors` : ""].filter(Boolean).join(" ") || undefined;
  const label = (
    <label for={id}>
      {input.title ?? props.name}
      {props.required ? (
        <>
          <span class="required" aria-hidden="true">
            {" *"}
          </span>
          <span class="visually-hidden"> (required)</span>
        </>
      ) : null}
    </label>
  );
  const checkbox = controlOf(input) === "checkbox";
  return (
    <div class={`field${props.errors.length > 0 ? " has-errors" : ""}${checkbox ? " field-checkbox" : ""}`} data-input={props.name}>
      {checkbox ? null : label}
      <Control {...props} described={described} />
      {checkbox ? label : null}
      {help ? (
        <p id={`${id}-help`} class="field-help muted small">
          {input.description}
          {controlOf(input) === "datetime" ? " (UTC)" : ""}
          {controlOf(input) === "lines" ? " One value per line, or a JSON array." : ""}
        </p>
      ) : null}
      {props.errors.length > 0 ? (
        <ul id={`${id}-errors`} class="field-errors">
          {props.errors.map((e) => (
            <li>{e}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** A value kept while its input is on another wizard step: posted along, not shown. */
export function CarriedValue(props: { name: string; input: UserInput; value: unknown; text: string }) {
  const control = controlOf(props.input);
  if (control === "checkbox") return <input type="hidden" name={props.name} value={props.value === true ? "true" : "false"} />;
  if (control === "multiselect") {
    const list = Array.isArray(props.value) ? props.value : [];
    return (
      <>
        {list.map((v) => (
          <input type="hidden" name={props.name} value={optionText(v)} />
        ))}
      </>
    );
  }
  // A secret carried to another wizard step is marked so lookups (GET requests) never include it.
  return <input type="hidden" name={props.name} value={props.text} data-secret={props.input.encryption ? "" : undefined} />;
}
