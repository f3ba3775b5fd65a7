import type { RunRecord } from "../../db/run-store";

/** What lists and pages show instead of an encrypted input. */
export const REDACTED = "********";

function redact(inputs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [k, v !== null && typeof v === "object" && "$encrypted" in v ? REDACTED : v]),
  );
}

/**
 * A run as the API shows it (Port's run shape). Encrypted inputs are never echoed; the stored payload
 * context (entity snapshot, invocation) stays on the server.
 */
export function runView(run: RunRecord) {
  return {
    id: run.id,
    status: run.status,
    statusLabel: run.statusLabel,
    summary: run.summary,
    link: run.links,
    externalRunId: run.externalRunId,
    action: { identifier: run.action, title: run.actionTitle },
    blueprint: run.blueprint === null ? null : { identifier: run.blueprint },
    entity: run.entity === null ? null : { identifier: run.entity },
    operation: run.operation,
    source: run.source,
    properties: redact(run.inputs),
    requiredApproval: run.approval !== null,
    approval: run.approval,
    createdBy: run.requestedBy,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    endedAt: run.endedAt,
    logCount: run.logCount,
  };
}

export type RunView = ReturnType<typeof runView>;
