import type { UserInput, UserInputs } from "../../domain/actions/definition";
import type { ErrorDetail } from "../../lib/errors";

/**
 * HTML forms post strings; action inputs want numbers, booleans, objects and lists. This module is the one
 * place that maps between the two: which control an input gets, how a posted control reads back as a typed
 * value, and how a typed value (a default, a carried wizard value) is written into a control.
 * Validation stays with the domain (resolveForm): a value that does not convert (e.g. "abc" for a number)
 * is passed on as text so the domain names the problem; only unparsable JSON is reported here.
 */

/** The form control an input is rendered as. */
export type Control =
  | "checkbox"
  | "number"
  | "select"
  | "multiselect"
  | "textarea"
  | "json"
  | "lines"
  | "datetime"
  | "email"
  | "url"
  | "password"
  | "entity"
  | "text";

/** Whatever `parseBody({ all: true })` gives for one field. */
type PostedField = string | File | (string | File)[] | undefined;
export type PostedForm = Record<string, PostedField>;

const TEXT_AREAS = new Set(["multi-line", "markdown", "yaml"]);

export function controlOf(input: UserInput): Control {
  switch (input.type) {
    case "boolean":
      return "checkbox";
    case "number":
      return input.enum !== undefined ? "select" : "number";
    case "object":
      return "json";
    case "array":
      return input.enum !== undefined || Array.isArray(input.items?.enum) ? "multiselect" : "lines";
    default:
      if (input.enum !== undefined) return "select";
      if (input.encryption) return "password";
      if (input.format === "date-time") return "datetime";
      if (input.format === "email" || input.format === "user") return "email";
      if (input.format === "url") return "url";
      if (input.format === "entity") return "entity";
      return input.format !== undefined && TEXT_AREAS.has(input.format) ? "textarea" : "text";
  }
}

function texts(field: PostedField): string[] {
  return [field ?? []].flat().filter((v): v is string => typeof v === "string");
}

/** `2026-11-25T09:00` (datetime-local, read as UTC) → `2026-11-25T09:00:00Z`; anything else unchanged. */
export function fromDateTimeLocal(text: string): string {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(t)) return `${t}:00Z`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(t)) return `${t}Z`;
  return t;
}

/** An ISO date or date-time → the `YYYY-MM-DDTHH:MM` a datetime-local control shows (UTC). */
export function toDateTimeLocal(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T00:00`;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString().slice(0, 16);
}

function scalar(text: string, type: string | undefined): unknown {
  if (type === "number") return text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
  if (type === "boolean") return text === "true" ? true : text === "false" ? false : text;
  return text;
}

function parseJson(text: string, path: string, problems: ErrorDetail[]): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    problems.push({ path, message: `is not valid JSON (${error instanceof Error ? error.message : String(error)})` });
    return undefined;
  }
}

/** A list from a textarea: a JSON array when it starts with `[`, else one item per non-empty line. */
function listFrom(text: string, input: UserInput, path: string, problems: ErrorDetail[]): unknown {
  const t = text.trim();
  if (t.startsWith("[")) return parseJson(t, path, problems);
  const lines = t
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
  if (input.items?.type !== "object") return lines.map((l) => scalar(l, input.items?.type));
  return lines.map((l, i) => parseJson(l, `${path}.${i}`, problems));
}

/** One input's typed value from its posted field(s); undefined when it was not posted or left empty. */
function typedValueOf(input: UserInput, field: PostedField, path: string, problems: ErrorDetail[]): unknown {
  const list = texts(field);
  if (list.length === 0) return undefined;
  const last = list.at(-1) as string;
  switch (controlOf(input)) {
    case "checkbox":
      // A hidden "false" precedes the checkbox, so an unticked box still says false.
      return last === "true" || last === "on";
    case "multiselect": {
      const chosen = list.filter((v) => v !== "");
      return chosen.length === 0 ? undefined : chosen.map((v) => scalar(v, input.items?.type ?? "string"));
    }
    case "json": {
      // A non-object (an array, a number) is passed on: the domain says it must be an object.
      return last.trim() === "" ? undefined : parseJson(last, path, problems);
    }
    case "lines":
      return last.trim() === "" ? undefined : listFrom(last, input, path, problems);
    case "datetime":
      return last.trim() === "" ? undefined : fromDateTimeLocal(last);
    case "number":
    case "select":
      return last.trim() === "" ? undefined : scalar(last.trim(), input.type);
    case "entity":
      return last.trim() === "" ? undefined : last.trim();
    default:
      return last === "" ? undefined : last;
  }
}

export interface ConvertedForm {
  /** Typed values of the inputs that were posted and not empty. */
  values: Record<string, unknown>;
  /** The posted text of each input's control, to show it back as typed. */
  texts: Record<string, string>;
  /** Fields that could not be read (bad JSON), located as `properties.<input>`. */
  problems: ErrorDetail[];
}

/** Reads an action form post; fields that are not inputs of the action (`_csrf`, `_step` …) are ignored. */
export function valuesFromForm(ui: UserInputs, posted: PostedForm): ConvertedForm {
  const values: Record<string, unknown> = {};
  const shown: Record<string, string> = {};
  const problems: ErrorDetail[] = [];
  for (const [name, input] of Object.entries(ui.properties)) {
    const field = posted[name];
    const value = typedValueOf(input, field, `properties.${name}`, problems);
    if (value !== undefined) values[name] = value;
    const list = texts(field);
    if (list.length > 0 && controlOf(input) !== "checkbox" && controlOf(input) !== "multiselect") shown[name] = list.at(-1) as string;
  }
  return { values, texts: shown, problems };
}

/** A typed value as the text its control shows (the inverse of valuesFromForm for one input). */
export function formText(input: UserInput, value: unknown): string {
  if (value === undefined || value === null) return "";
  const control = controlOf(input);
  if (control === "datetime" && typeof value === "string") return toDateTimeLocal(value);
  if (control === "json") return typeof value === "string" ? value : JSON.stringify(value, null, 2);
  if (Array.isArray(value)) {
    const plain = value.every((v) => ["string", "number", "boolean"].includes(typeof v) && !/[\r\n]/.test(String(v)));
    return plain && !String(value[0] ?? "").startsWith("[") ? value.map(String).join("\n") : JSON.stringify(value, null, 2);
  }
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
