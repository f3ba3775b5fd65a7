import { insertAuditStatements } from "../../db/audit-store";
import { type Database, isConstraintRace, runBatch } from "../../db/client";
import { ownershipCounts } from "../../db/integration-entity-store";
import {
  deleteIntegrationStatement,
  findIntegration,
  type IntegrationRecord,
  insertIntegrationStatement,
  listIntegrations,
  updateIntegrationStatement,
} from "../../db/integration-store";
import { latestSyncs, listSyncs } from "../../db/integration-sync-store";
import { randomBase64Url, sha256Hex } from "../../lib/crypto";
import { AppError, conflict, invalid, notFound, versionMismatch } from "../../lib/errors";
import { requireAdmin } from "../access/guards";
import type { Principal } from "../access/principal";
import { auditOf } from "../audit/record";
import type { WriteContext } from "../catalog/types";
import { type IntegrationInput, type IntegrationType, parseIntegration } from "./definition";
import { parseMapping } from "./mapping";
import { HISTORY_LIMIT } from "./reconcile";
import type { SyncRuntime } from "./runtime";
import { openSecrets, sealSecrets } from "./secrets";
import type { OpenIntegration } from "./sources/source-for";
import { type IntegrationView, type SyncView, toIntegrationView, toSyncView } from "./view";

/**
 * Integrations (`/v1/integrations`): admins only, since an integration writes to any blueprint and holds
 * credentials. Secrets are sealed before they reach D1 and masked in everything shown; every change is
 * audited (with the masked config).
 */

/** Prefix of ingest keys, so a leaked one is recognisable. */
const INGEST_KEY_PREFIX = "epik_";

function newIngestKey(): string {
  return `${INGEST_KEY_PREFIX}${randomBase64Url(32)}`;
}

/** The settings of a stored integration with its secrets opened and mapping parsed, as syncs need them. */
export async function openIntegration(r: IntegrationRecord, key: string): Promise<OpenIntegration> {
  return {
    identifier: r.identifier,
    type: r.type as IntegrationType,
    config: r.config,
    secrets: await openSecrets(key, r.sealedSecrets),
    mapping: parseMapping(r.mapping),
  };
}

/** Webhook integrations map events of kind `event`; any other kind would never match. */
function checkKinds(input: IntegrationInput): void {
  if (input.type !== "webhook") return;
  const wrong = input.mapping.resources.map((r, i) => ({ r, i })).filter(({ r }) => r.kind !== "event");
  if (wrong.length > 0) {
    throw invalid(
      wrong.map(({ i }) => ({ path: `mapping.resources.${i}.kind`, message: "must be 'event' (what an ingest request carries)" })),
    );
  }
}

/** When the cron should first start a changed schedule: due at once, unless the interval and switch are unchanged. */
function nextRun(input: IntegrationInput, previous: IntegrationRecord | null, now: string): string | null {
  if (!input.enabled || input.intervalMinutes === null) return null;
  if (previous?.enabled && previous.intervalMinutes === input.intervalMinutes && previous.nextRunAt) return previous.nextRunAt;
  return now;
}

async function viewOf(db: Database, r: IntegrationRecord, key: string): Promise<IntegrationView> {
  const [owned, syncs] = await Promise.all([ownershipCounts(db), listSyncs(db, r.identifier, 1)]);
  return toIntegrationView(r, await openSecrets(key, r.sealedSecrets), { owned: owned.get(r.identifier), lastSync: syncs[0] });
}

async function mustFind(db: Database, identifier: string): Promise<IntegrationRecord> {
  const r = await findIntegration(db, identifier);
  if (!r) throw notFound(`Integration '${identifier}'`);
  return r;
}

/** Creates an integration. A webhook integration gets its ingest key, returned here once and stored hashed. */
export async function createIntegration(
  db: Database,
  runtime: SyncRuntime,
  p: Principal,
  raw: unknown,
  ctx: WriteContext,
): Promise<{ integration: IntegrationView; ingestKey: string | null }> {
  requireAdmin(p, "manage integrations");
  const input = parseIntegration(raw);
  checkKinds(input);
  if (await findIntegration(db, input.identifier)) throw conflict(`Integration '${input.identifier}' already exists`);
  const ingestKey = input.type === "webhook" ? newIngestKey() : null;
  const record: IntegrationRecord = {
    ...input,
    sealedSecrets: await sealSecrets(runtime.encryptionSecret, input.secrets),
    ingestKeyHash: ingestKey ? await sha256Hex(ingestKey) : null,
    ingestKeyHint: ingestKey ? `…${ingestKey.slice(-4)}` : null,
    nextRunAt: nextRun(input, null, ctx.now),
    currentSyncId: null,
    version: 1,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    createdBy: ctx.actor,
    updatedBy: ctx.actor,
  };
  const after = toIntegrationView(record, input.secrets);
  try {
    await runBatch(db, [
      insertIntegrationStatement(db, record),
      ...insertAuditStatements(db, [auditOf(ctx, "CREATE", "integration", { entity: record.identifier, after })]),
    ]);
  } catch (error) {
    if (isConstraintRace(error)) throw conflict(`Integration '${input.identifier}' already exists`);
    throw error;
  }
  return { integration: after, ingestKey };
}

/** Replaces an integration's settings. Secrets sent back masked (or left out) keep their stored values. */
export async function replaceIntegration(
  db: Database,
  runtime: SyncRuntime,
  p: Principal,
  identifier: string,
  raw: unknown,
  ctx: WriteContext,
  expectedVersion?: number,
): Promise<IntegrationView> {
  requireAdmin(p, "manage integrations");
  const current = await mustFind(db, identifier);
  if (expectedVersion !== undefined && expectedVersion !== current.version) throw versionMismatch(expectedVersion, current.version);
  const body: Record<string, unknown> = { identifier, ...(raw as Record<string, unknown>) };
  if (body.identifier !== identifier)
    throw invalid([{ path: "identifier", message: `must be '${identifier}': identifiers cannot change` }]);
  const storedSecrets = await openSecrets(runtime.encryptionSecret, current.sealedSecrets);
  const input = parseIntegration(body, body.type === current.type ? { config: current.config, secrets: storedSecrets } : undefined);
  if (input.type !== current.type) {
    throw invalid([{ path: "type", message: `must stay '${current.type}'; create another integration for another type` }]);
  }
  checkKinds(input);
  const next: IntegrationRecord = {
    ...current,
    ...input,
    sealedSecrets: await sealSecrets(runtime.encryptionSecret, input.secrets),
    nextRunAt: nextRun(input, current, ctx.now),
    updatedAt: ctx.now,
    updatedBy: ctx.actor,
  };
  const before = toIntegrationView(current, storedSecrets);
  const [saved] = await db.$client.batch([
    updateIntegrationStatement(db, next, current.version),
    ...insertAuditStatements(
      db,
      [auditOf(ctx, "UPDATE", "integration", { entity: identifier, before, after: toIntegrationView(next, input.secrets) })],
      { onlyIfChanged: true },
    ),
  ]);
  if (saved?.meta.changes === 0) throw versionMismatch(current.version, current.version + 1);
  return viewOf(db, await mustFind(db, identifier), runtime.encryptionSecret);
}

/** Deletes an integration with its history and ownership records. The entities it wrote stay in the catalog. */
export async function removeIntegration(db: Database, runtime: SyncRuntime, p: Principal, identifier: string, ctx: WriteContext) {
  requireAdmin(p, "manage integrations");
  const current = await mustFind(db, identifier);
  const before = toIntegrationView(current, await openSecrets(runtime.encryptionSecret, current.sealedSecrets));
  await runBatch(db, [
    deleteIntegrationStatement(db, identifier),
    ...insertAuditStatements(db, [auditOf(ctx, "DELETE", "integration", { entity: identifier, before })]),
  ]);
}

/** A new ingest key for a webhook integration; the old one stops working at once. Returned once. */
export async function rotateIngestKey(db: Database, runtime: SyncRuntime, p: Principal, identifier: string, ctx: WriteContext) {
  requireAdmin(p, "manage integrations");
  const current = await mustFind(db, identifier);
  if (current.type !== "webhook")
    throw new AppError(409, "not_a_webhook", `Integration '${identifier}' has no ingest key: it is ${current.type}`);
  const ingestKey = newIngestKey();
  const next = { ...current, ingestKeyHash: await sha256Hex(ingestKey), ingestKeyHint: `…${ingestKey.slice(-4)}`, updatedAt: ctx.now };
  const [saved] = await db.$client.batch([
    updateIntegrationStatement(db, { ...next, updatedBy: ctx.actor }, current.version),
    ...insertAuditStatements(
      db,
      [auditOf(ctx, "UPDATE", "integration", { entity: identifier, after: { ingestKeyHint: next.ingestKeyHint } })],
      {
        onlyIfChanged: true,
      },
    ),
  ]);
  if (saved?.meta.changes === 0) throw versionMismatch(current.version, current.version + 1);
  return { ingestKey, integration: await viewOf(db, await mustFind(db, identifier), runtime.encryptionSecret) };
}

export async function getIntegration(db: Database, runtime: SyncRuntime, p: Principal, identifier: string) {
  requireAdmin(p, "read integrations");
  const r = await mustFind(db, identifier);
  const syncs = (await listSyncs(db, identifier, HISTORY_LIMIT)).map(toSyncView);
  return { integration: await viewOf(db, r, runtime.encryptionSecret), syncs };
}

export async function listIntegrationsFor(db: Database, runtime: SyncRuntime, p: Principal): Promise<IntegrationView[]> {
  requireAdmin(p, "read integrations");
  const [records, owned, latest] = await Promise.all([listIntegrations(db), ownershipCounts(db), latestSyncs(db)]);
  const last = new Map(latest.map((s) => [s.integration, s]));
  return Promise.all(
    records.map(async (r) =>
      toIntegrationView(r, await openSecrets(runtime.encryptionSecret, r.sealedSecrets), {
        owned: owned.get(r.identifier),
        lastSync: last.get(r.identifier),
      }),
    ),
  );
}

export async function listSyncViews(db: Database, p: Principal, identifier: string): Promise<SyncView[]> {
  requireAdmin(p, "read integrations");
  await mustFind(db, identifier);
  return (await listSyncs(db, identifier, HISTORY_LIMIT)).map(toSyncView);
}
