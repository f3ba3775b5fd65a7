import { INPUT_FORMATS } from "../../src/domain/actions/definition";
import { DRAFT_INPUT_TYPES, type InputDraft } from "../../src/routes/ui/builder/action-draft";
import { CheckField, type EditorContext, GroupErrors, Hidden, OpButton, type Path, SelectField, TextField } from "./action-builder-fields";
import { QueryEditor } from "./action-builder-query";

/** One input's card in the action builder: everything a user input can say, as form fields. */

const FORMAT_LABELS: Record<string, string> = {
  "date-time": "date and time",
  "multi-line": "multi-line text",
  user: "user (a portal user's email)",
  team: "team",
  entity: "entity (a picker)",
};
const FORMATS = [["", "plain"] as const, ...INPUT_FORMATS.map((f) => [f, FORMAT_LABELS[f] ?? f] as const)];
const ITEM_TYPE_OPTIONS = [["", "(choose)"] as const, ...(["string", "number", "boolean", "object"] as const).map((t) => [t, t] as const)];

/** Port's enum colour names, offered as suggestions (any text is accepted). */
export const ENUM_COLORS_LIST = "ab-enum-colors";
const PORT_COLORS = ["blue", "turquoise", "orange", "purple", "pink", "yellow", "green", "red", "gold", "silver"];
const MORE_COLORS = ["paleBlue", "darkGray", "lightGray", "bronze", "lime", "olive", "brown"];

export function EnumColorList() {
  return (
    <datalist id={ENUM_COLORS_LIST}>
      {[...PORT_COLORS, ...MORE_COLORS].map((c) => (
        <option value={c} />
      ))}
    </datalist>
  );
}

/** A condition-like setting: a mode (select) and, for some modes, the text that goes with it. */
interface ModeSpec {
  modeKey: "required" | "visible" | "defaultMode" | "enumMode";
  textKey: "requiredExpr" | "visibleExpr" | "defaultValue" | "enumExpr";
  label: string;
  options: readonly (readonly [string, string])[];
  /** Modes that show the text field, and how. */
  textFor: Record<string, { label: string; rows?: number; mono?: boolean; placeholder?: string }>;
}

const EXPRESSION = { label: "Expression", mono: true, placeholder: '.form.kind == "custom"' };

const REQUIRED: ModeSpec = {
  modeKey: "required",
  textKey: "requiredExpr",
  label: "Required",
  options: [
    ["never", "Optional"],
    ["always", "Always"],
    ["expression", "When an expression is true"],
  ],
  textFor: { expression: EXPRESSION },
};

const VISIBLE: ModeSpec = {
  modeKey: "visible",
  textKey: "visibleExpr",
  label: "Visible",
  options: [
    ["always", "Always"],
    ["never", "Never (hidden)"],
    ["expression", "When an expression is true"],
  ],
  textFor: { expression: EXPRESSION },
};

const DEFAULT: ModeSpec = {
  modeKey: "defaultMode",
  textKey: "defaultValue",
  label: "Default",
  options: [
    ["none", "None"],
    ["text", "Text"],
    ["json", 'Value (JSON: 3, true, ["a"])'],
    ["expression", "Computed by an expression"],
  ],
  textFor: {
    text: { label: "Default text" },
    json: { label: "Default value (JSON)", rows: 3, mono: true },
    expression: { label: "Expression", mono: true, placeholder: ".user.email" },
  },
};

const ENUM: ModeSpec = {
  modeKey: "enumMode",
  textKey: "enumExpr",
  label: "Values",
  options: [
    ["none", "Any value"],
    ["list", "A fixed list"],
    ["expression", "A list computed by an expression"],
  ],
  textFor: {
    expression: {
      label: "Expression returning a list",
      mono: true,
      placeholder: 'if .form.cloud == "aws" then ["eu-west-1"] else ["westeurope"] end',
    },
  },
};

function ModeWithText(props: { ctx: EditorContext; path: Path; input: InputDraft; spec: ModeSpec }) {
  const { ctx, path, input, spec } = props;
  const mode = input[spec.modeKey];
  const shown = spec.textFor[mode];
  return (
    <div class="ab-pair">
      <SelectField ctx={ctx} path={[...path, spec.modeKey]} label={spec.label} value={mode} options={spec.options} />
      {shown ? (
        <TextField
          ctx={ctx}
          path={[...path, spec.textKey]}
          label={shown.label}
          value={input[spec.textKey]}
          rows={shown.rows}
          mono={shown.mono}
          placeholder={shown.placeholder}
        />
      ) : null}
    </div>
  );
}

function Conditions(props: { ctx: EditorContext; path: Path; input: InputDraft }) {
  const { ctx, path, input } = props;
  return (
    <fieldset class="ab-group">
      <legend>Conditions</legend>
      <Hidden path={[...path, "requiredOwn"]} value={input.requiredOwn} />
      <ModeWithText ctx={ctx} path={path} input={input} spec={REQUIRED} />
      <ModeWithText ctx={ctx} path={path} input={input} spec={VISIBLE} />
      <ModeWithText ctx={ctx} path={path} input={input} spec={DEFAULT} />
      <TextField
        ctx={ctx}
        path={[...path, "dependsOn"]}
        label="Depends on"
        value={input.dependsOn}
        placeholder="kind, region"
        hint="Keys of the inputs its conditions read, separated by commas."
      />
    </fieldset>
  );
}

function AllowedValues(props: { ctx: EditorContext; path: Path; input: InputDraft; index: number }) {
  const { ctx, path, input, index } = props;
  return (
    <fieldset class="ab-group">
      <legend>Allowed values</legend>
      <ModeWithText ctx={ctx} path={path} input={input} spec={ENUM} />
      {input.enumMode === "list" ? (
        <>
          <ol class="ab-enum">
            {input.enumRows.map((row, j) => (
              <li class="ab-enum-row">
                <TextField ctx={ctx} path={[...path, "enumRows", j, "value"]} label={`Value ${j + 1}`} value={row.value} />
                <TextField ctx={ctx} path={[...path, "enumRows", j, "color"]} label="Colour" value={row.color} list={ENUM_COLORS_LIST} />
                <OpButton op={`enum.remove:${index}:${j}`} label="Remove" describe={`Remove value ${j + 1}`} />
              </li>
            ))}
          </ol>
          <OpButton op={`enum.add:${index}`} label="Add value" />
        </>
      ) : null}
    </fieldset>
  );
}

function Validation(props: { ctx: EditorContext; path: Path; input: InputDraft }) {
  const { ctx, path, input } = props;
  const number = (key: keyof InputDraft, label: string) => (
    <TextField ctx={ctx} path={[...path, key]} label={label} value={input[key] as string} inputmode="decimal" />
  );
  if (input.type === "string") {
    return (
      <fieldset class="ab-group ab-grid">
        <legend>Validation</legend>
        {number("minLength", "Minimum length")}
        {number("maxLength", "Maximum length")}
        <TextField
          ctx={ctx}
          path={[...path, "pattern"]}
          label="Pattern (regular expression)"
          value={input.pattern}
          mono
          placeholder="^[a-z][a-z0-9-]+$"
        />
      </fieldset>
    );
  }
  if (input.type === "number") {
    return (
      <fieldset class="ab-group ab-grid">
        <legend>Validation</legend>
        {number("minimum", "Minimum")}
        {number("maximum", "Maximum")}
      </fieldset>
    );
  }
  if (input.type !== "array") return null;
  return (
    <fieldset class="ab-group ab-grid">
      <legend>Validation</legend>
      {number("minItems", "Minimum items")}
      {number("maxItems", "Maximum items")}
      {input.itemType === "string" ? (
        <TextField ctx={ctx} path={[...path, "itemPattern"]} label="Each item's pattern" value={input.itemPattern} mono />
      ) : null}
    </fieldset>
  );
}

/** The card of input `index` (of `count`); `steps` are the wizard's step titles. */
export function InputCard(props: { ctx: EditorContext; input: InputDraft; index: number; count: number; steps: string[] }) {
  const { ctx, input, index } = props;
  const path = ["inputs", index] as const;
  const named = input.key || `input ${index + 1}`;
  const entity = input.type === "string" ? input.format === "entity" : input.type === "array" && input.itemFormat === "entity";
  return (
    <li class="ab-input" id={`ab-input-${index}`}>
      <div class="ab-input-head">
        <h3>
          Input {index + 1} <span class="muted">{input.key}</span>
        </h3>
        <div class="ab-row-buttons">
          {index > 0 ? <OpButton op={`input.up:${index}`} label="Move up" describe={`Move ${named} up`} /> : null}
          {index < props.count - 1 ? <OpButton op={`input.down:${index}`} label="Move down" describe={`Move ${named} down`} /> : null}
          <OpButton op={`input.remove:${index}`} label="Remove" describe={`Remove ${named}`} danger />
        </div>
      </div>
      <GroupErrors ctx={ctx} path={path} />
      <div class="ab-grid">
        <TextField
          ctx={ctx}
          path={[...path, "key"]}
          label="Key"
          value={input.key}
          mono
          hint="Letters, digits, _ - @. Payloads read it as .inputs.<key>."
        />
        <TextField ctx={ctx} path={[...path, "title"]} label="Title" value={input.title} />
        <SelectField
          ctx={ctx}
          path={[...path, "type"]}
          label="Type"
          value={input.type}
          options={DRAFT_INPUT_TYPES.map((t) => [t, t] as const)}
        />
        {input.type === "string" ? (
          <SelectField ctx={ctx} path={[...path, "format"]} label="Format" value={input.format} options={FORMATS} />
        ) : null}
        {input.type === "array" ? (
          <>
            <SelectField ctx={ctx} path={[...path, "itemType"]} label="Item type" value={input.itemType} options={ITEM_TYPE_OPTIONS} />
            <SelectField ctx={ctx} path={[...path, "itemFormat"]} label="Item format" value={input.itemFormat} options={FORMATS} />
          </>
        ) : null}
        <TextField ctx={ctx} path={[...path, "icon"]} label="Icon" value={input.icon} />
        {props.steps.length > 0 ? (
          <SelectField
            ctx={ctx}
            path={[...path, "step"]}
            label="Wizard step"
            value={input.step}
            options={[
              ...(input.step === "" ? [["", "(none)"] as const] : []),
              ...props.steps.map((t, s) => [String(s), `${s + 1}. ${t}`] as const),
            ]}
          />
        ) : null}
      </div>
      <TextField ctx={ctx} path={[...path, "description"]} label="Description" value={input.description} rows={2} />
      {input.type === "string" ? (
        <CheckField
          ctx={ctx}
          path={[...path, "secret"]}
          label="Secret (encrypted with aes256-gcm, shown as ********)"
          checked={input.secret}
        />
      ) : null}
      <Conditions ctx={ctx} path={path} input={input} />
      {input.type === "string" || input.type === "number" || input.type === "array" ? (
        <AllowedValues ctx={ctx} path={path} input={input} index={index} />
      ) : null}
      {entity ? (
        <fieldset class="ab-group">
          <legend>Entity picker</legend>
          <SelectField
            ctx={ctx}
            path={[...path, "blueprint"]}
            label="Blueprint"
            value={input.blueprint}
            options={[["", "(choose)"] as const, ...ctx.blueprints.map((b) => [b, b] as const)]}
          />
          <QueryEditor
            ctx={ctx}
            path={[...path, "dataset"]}
            query={input.dataset}
            op={`dataset:${index}`}
            legend="Which entities it offers"
            enableLabel="Only offer entities matching rules"
            hint="Rule values may be expressions over the form, e.g. .form.system."
          />
        </fieldset>
      ) : null}
      <Validation ctx={ctx} path={path} input={input} />
      <details class="ab-extra" open={input.extra !== "" || (ctx.errors[`inputs.${index}.extra`] ?? []).length > 0}>
        <summary>Other settings (JSON){input.extra !== "" ? " — kept as JSON" : ""}</summary>
        {input.extra !== "" ? (
          <p class="ab-hint">This input has settings the form has no field for. They are kept exactly as written here.</p>
        ) : null}
        <TextField
          ctx={ctx}
          path={[...path, "extra"]}
          label="Extra settings of this input (a JSON object)"
          value={input.extra}
          rows={4}
          mono
        />
      </details>
    </li>
  );
}
