import type { IntegrationRecord } from "../../db/integration-store";
import type { SyncRecord } from "../../db/integration-sync-store";
import type { ErrorDetail } from "../../lib/errors";
import { type IntegrationType, maskedConfig } from "./definition";

/** A sync as the API and pages show it. */
export interface SyncView {
  id: string;
  trigger: SyncRecord["trigger"];
  status: SyncRecord["status"];
  phase: SyncRecord["phase"];
  startedAt: string;
  finishedAt: string | null;
  startedBy: string;
  counts: { fetched: number; created: number; updated: number; unchanged: number; deleted: number; stale: number; failed: number };
  /** False when part of the source could not be read: nothing was deleted then. */
  fetchComplete: boolean;
  /** What reconciliation decided (refusals say why). */
  deletion: string | null;
  errors: ErrorDetail[];
}

/** An integration as the API shows it: secrets masked, never in clear. */
export interface IntegrationView {
  identifier: string;
  title: string;
  type: IntegrationType;
  config: Record<string, unknown>;
  mapping: unknown;
  schedule: { everyMinutes: number } | null;
  deletion: { onMissing: "delete" | "stale"; maxShare: number };
  pageSize: number;
  enabled: boolean;
  /** Webhook integrations: the last characters of the ingest key (the key itself is shown once). */
  ingestKeyHint: string | null;
  nextRunAt: string | null;
  runningSyncId: string | null;
  /** Entities this integration created and still owns (the only ones it may ever delete). */
  ownedEntities: number;
  staleEntities: number;
  lastSync: SyncView | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
}

export function toSyncView(s: SyncRecord): SyncView {
  return {
    id: s.id,
    trigger: s.trigger,
    status: s.status,
    phase: s.phase,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    startedBy: s.startedBy,
    counts: {
      fetched: s.fetched,
      created: s.created,
      updated: s.updated,
      unchanged: s.unchanged,
      deleted: s.deleted,
      stale: s.stale,
      failed: s.failed,
    },
    fetchComplete: s.fetchComplete,
    deletion: s.deletion,
    errors: s.errors,
  };
}

export function toIntegrationView(
  r: IntegrationRecord,
  secrets: Record<string, unknown>,
  extra: { owned?: { owned: number; stale: number } | undefined; lastSync?: SyncRecord | undefined } = {},
): IntegrationView {
  const type = r.type as IntegrationType;
  return {
    identifier: r.identifier,
    title: r.title,
    type,
    config: maskedConfig(type, r.config, secrets),
    mapping: r.mapping,
    schedule: r.intervalMinutes === null ? null : { everyMinutes: r.intervalMinutes },
    deletion: { onMissing: r.onMissing, maxShare: r.maxDeleteShare },
    pageSize: r.pageSize,
    enabled: r.enabled,
    ingestKeyHint: r.ingestKeyHint,
    nextRunAt: r.nextRunAt,
    runningSyncId: r.currentSyncId,
    ownedEntities: extra.owned?.owned ?? 0,
    staleEntities: extra.owned?.stale ?? 0,
    lastSync: extra.lastSync ? toSyncView(extra.lastSync) : null,
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    createdBy: r.createdBy,
    updatedBy: r.updatedBy,
  };
}
