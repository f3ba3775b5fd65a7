import { type ActionFormModel, stepInputs } from "../../../views/components/action-form";
import type { UserInput, UserInputs } from "../../domain/actions/definition";
import { type FormContext, type ResolvedForm, resolveForm } from "../../domain/actions/form";
import type { ErrorDetail } from "../../lib/errors";
import { inputOfPath, problemsByInput } from "./action-support";
import { type ConvertedForm, formText, type PostedForm, valuesFromForm } from "./form-values";

/**
 * The run form's state between requests: everything lives in the posted form (values, `_step`, `_entity`),
 * so the server can recompute conditions on every change and steer the wizard without sessions.
 */

export interface PostedActionForm {
  converted: ConvertedForm;
  step: number;
  nav: "next" | "back" | null;
  entity: string | undefined;
}

function field(posted: PostedForm, name: string): string | undefined {
  const v = [posted[name] ?? []].flat().at(-1);
  return typeof v === "string" ? v : undefined;
}

export function clampStep(ui: UserInputs, step: number): number {
  const count = ui.steps?.length ?? 0;
  return count === 0 || !Number.isInteger(step) ? 0 : Math.min(Math.max(step, 0), count - 1);
}

/** Reads a posted run form: the input values and the wizard's bookkeeping fields. */
export function readActionForm(ui: UserInputs, posted: PostedForm): PostedActionForm {
  const nav = field(posted, "_nav");
  const entity = field(posted, "_entity");
  return {
    converted: valuesFromForm(ui, posted),
    step: clampStep(ui, Number(field(posted, "_step") ?? 0)),
    nav: nav === "next" || nav === "back" ? nav : null,
    entity: entity === "" ? undefined : entity,
  };
}

/** The problems that belong to visible inputs of one wizard step. */
export function problemsOnStep(ui: UserInputs, resolved: ResolvedForm, step: number, problems: ErrorDetail[]): ErrorDetail[] {
  const names = stepInputs(ui, resolved.order, step);
  return problems.filter((p) => {
    const name = inputOfPath(p.path, resolved.order);
    return name !== undefined && names.has(name) && resolved.visible.has(name);
  });
}

/** The first wizard step holding an input with a problem (else `fallback`). */
export function firstStepWithProblem(ui: UserInputs, resolved: ResolvedForm, problems: ErrorDetail[], fallback: number): number {
  const count = ui.steps?.length ?? 0;
  for (let i = 0; i < count; i++) if (problemsOnStep(ui, resolved, i, problems).length > 0) return i;
  return fallback;
}

export interface ModelInput {
  actionId: string;
  ui: UserInputs;
  resolved: ResolvedForm;
  converted: ConvertedForm;
  step: number;
  /** Problems to show: per input beside its field, the rest in the banner. */
  problems: ErrorDetail[];
  banner: string[];
  entity: string | null;
  csrfToken: string;
  canSubmit: boolean;
  preview?: boolean;
}

/** The view model: each control shows what was typed, else the resolved value (a default). */
export function buildModel(m: ModelInput): ActionFormModel {
  const texts: Record<string, string> = {};
  for (const name of m.resolved.order) {
    if (!m.resolved.visible.has(name)) continue;
    const typed = m.converted.texts[name];
    texts[name] =
      typed !== undefined && typed.trim() !== "" ? typed : formText(m.ui.properties[name] as UserInput, m.resolved.values[name]);
  }
  const { byInput, general } = problemsByInput(m.problems, m.resolved.order);
  return {
    actionId: m.actionId,
    ui: m.ui,
    resolved: m.resolved,
    texts,
    errors: byInput,
    banner: [...m.banner, ...general],
    step: clampStep(m.ui, m.step),
    entity: m.entity,
    csrfToken: m.csrfToken,
    canSubmit: m.canSubmit,
    preview: m.preview ?? false,
  };
}

/** Resolves a form against the action's inputs, with the conversion problems first. */
export async function resolvePosted(ui: UserInputs, converted: ConvertedForm, ctx: FormContext) {
  const resolved = await resolveForm(ui, converted.values, ctx);
  return { resolved, problems: [...converted.problems, ...resolved.problems] };
}
