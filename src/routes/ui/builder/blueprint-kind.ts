import { parseBlueprintDefinition } from "../../../domain/catalog/blueprint-definition";
import { derivedProblems } from "../../../domain/catalog/derived/validate";
import type { Blueprint, BlueprintDefinition } from "../../../domain/catalog/types";
import { AppError, type ErrorDetail } from "../../../lib/errors";
import { blueprintFormFromJson, blueprintFromForm } from "./blueprint-convert";
import { applyBlueprintOp, type BlueprintForm, blueprintFormFromTree } from "./blueprint-form";
import { blueprintProblemField } from "./blueprint-problems";
import type { FormKind } from "./draft-flow";

/**
 * The live check of a blueprint draft, through the domain's own validation: the body (types, formats,
 * enums, defaults, keys) and the derived properties against the blueprints they reach. Checks that need
 * the stored entities (a type change in place, a property becoming required) run only on Save.
 */
export function blueprintDraftProblems(raw: unknown, all: Map<string, Blueprint>): ErrorDetail[] {
  let def: BlueprintDefinition;
  try {
    def = parseBlueprintDefinition(raw);
  } catch (error) {
    if (error instanceof AppError && error.status === 400) return error.details;
    throw error;
  }
  const known = new Map<string, Pick<BlueprintDefinition, "identifier" | "schema" | "relations">>(all);
  known.set(def.identifier, def);
  const problems: ErrorDetail[] = [];
  for (const [key, rel] of Object.entries(def.relations)) {
    if (!known.has(rel.target)) problems.push({ path: `relations.${key}.target`, message: `blueprint '${rel.target}' does not exist` });
  }
  return [...problems, ...derivedProblems(def, known)];
}

/** The blueprint builder's form conversions and checks, for the shared draft flow. */
export function blueprintKind(blueprints: Map<string, Blueprint>): FormKind<BlueprintForm> {
  const firstBlueprint = [...blueprints.keys()][0] ?? "";
  return {
    fromTree: blueprintFormFromTree,
    fromJson: blueprintFormFromJson,
    toJson: blueprintFromForm,
    applyOp: (form, op) => applyBlueprintOp(form, op, firstBlueprint),
    check: (raw) => blueprintDraftProblems(raw, blueprints),
    fieldOf: blueprintProblemField,
  };
}
