import { exampleWebhook, membersMayExecute } from "../example-backend";

/**
 * What every pack action has in common, so each pack file reads as its inputs: a self-service trigger in
 * Port's shape, a WEBHOOK to the example backend, the pack's category, and members allowed to run it.
 */

type Operation = "CREATE" | "DAY-2" | "DELETE";

/** Port's self-service trigger on `blueprint`; `condition` (a search query) limits DAY-2 and DELETE actions to some entities. */
export function selfService(
  operation: Operation,
  blueprint: string,
  userInputs: Record<string, unknown>,
  condition?: Record<string, unknown>,
) {
  return { type: "self-service", operation, blueprintIdentifier: blueprint, ...(condition ? { condition } : {}), userInputs };
}

/** A trigger condition: entities whose `property` compares to `value` (Port's search rule). */
export function where(property: string, operator: string, value?: unknown): Record<string, unknown> {
  return { type: "SEARCH", combinator: "and", rules: [{ property, operator, ...(value === undefined ? {} : { value }) }] };
}

interface PackAction {
  identifier: string;
  title: string;
  icon: string;
  description: string;
  trigger: Record<string, unknown>;
  requiredApproval?: boolean;
  permissions?: Record<string, unknown>;
}

/**
 * The action factory of one pack: Port-shaped actions in `category` that call the example backend, runnable
 * by members unless they name their own `permissions`.
 *
 * @example const action = actionsIn("SRE"); action({ identifier: "update_pod_count", … })
 */
export function actionsIn(category: string): (action: PackAction) => Record<string, unknown> {
  return (action) => ({ ...action, category, invocationMethod: exampleWebhook(), permissions: action.permissions ?? membersMayExecute() });
}

/** Why the change is made, for actions whose changes someone will ask about later. */
export const reasonInput = { type: "string", title: "Reason", format: "multi-line", minLength: 10, maxLength: 2000 };
