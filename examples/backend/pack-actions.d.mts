// Types of pack-actions.mjs, so the portal's tests can check that every pack action has a plan.

/** What the backend knows of a run when it plans it. */
export interface PackRun {
  inputs: Record<string, unknown>;
  /** The run's entity (DAY-2 and DELETE), else null. */
  entity: string | null;
  /** That entity's properties. */
  properties: Record<string, unknown>;
  /** The requester's email. */
  by: string;
}

export interface PackPlan {
  steps: (string | null)[];
  refuse?: string | null;
  create?: {
    blueprint?: string;
    identifier: string;
    title: string;
    properties: Record<string, unknown>;
    relations: Record<string, unknown>;
  };
  update?: { properties?: Record<string, unknown>; relations?: Record<string, unknown> };
  remove?: boolean;
  summary: string;
}

export const PACK_ACTIONS: Record<string, (run: PackRun) => PackPlan>;

/** The portal API call that makes a plan's catalog change, or null when it changes nothing. */
export function catalogChange(
  plan: PackPlan,
  run: { blueprint: string; entity: string | null; runId: string },
): {
  method: "POST" | "PATCH" | "DELETE";
  path: string;
  body: unknown;
  note: string;
  shows: { blueprint: string; identifier: string } | null;
} | null;
