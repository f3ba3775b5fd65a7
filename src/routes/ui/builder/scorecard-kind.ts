import type { Blueprint } from "../../../domain/catalog/types";
import { parseScorecard } from "../../../domain/scorecards/definition";
import { AppError, type ErrorDetail } from "../../../lib/errors";
import type { ConditionField } from "./condition-fields";
import type { FormKind } from "./draft-flow";
import { scorecardFormFromJson, scorecardFromForm } from "./scorecard-convert";
import { applyScorecardOp, type NewCondition, type ScorecardForm, scorecardFormFromTree } from "./scorecard-form";
import { scorecardProblemField } from "./scorecard-problems";

/** The live check of a scorecard draft: the domain's own parse and compile against the blueprint. */
function scorecardDraftProblems(raw: unknown, bp: Blueprint, all: Blueprint[]): ErrorDetail[] {
  try {
    parseScorecard(raw, bp, all);
    return [];
  } catch (error) {
    if (error instanceof AppError && error.status === 400) return error.details;
    throw error;
  }
}

/** A new condition starts as "has a value" on the blueprint's first property that can be empty. */
function firstCondition(fields: ConditionField[]): NewCondition {
  const field = fields.find((f) => f.group === "Properties" && f.operators.includes("isNotEmpty"));
  return { property: field?.value ?? "$title", operator: "isNotEmpty" };
}

/** The scorecard builder's form conversions and checks, for the shared draft flow. */
export function scorecardKind(bp: Blueprint, all: Blueprint[], fields: ConditionField[]): FormKind<ScorecardForm> {
  const fresh = firstCondition(fields);
  return {
    fromTree: scorecardFormFromTree,
    fromJson: (raw) => scorecardFormFromJson(raw, fields),
    toJson: (form) => scorecardFromForm(form, fields),
    applyOp: (form, op) => applyScorecardOp(form, op, fresh),
    check: (raw) => scorecardDraftProblems(raw, bp, all),
    fieldOf: scorecardProblemField,
  };
}
