import { type Database, runBatch } from "../../db/client";
import { dropOwnershipStatements, type OwnedEntity, ownedAmong } from "../../db/integration-entity-store";
import { findIntegrationByIngestKey } from "../../db/integration-store";
import { insertSyncStatement, pruneSyncsStatement } from "../../db/integration-sync-store";
import { constantTimeEqual, sha256Hex, toHex } from "../../lib/crypto";
import { AppError, type ErrorDetail } from "../../lib/errors";
import { randomToken } from "../../lib/ids";
import { deleteEntity } from "../catalog/entity-delete";
import type { WriteContext } from "../catalog/types";
import { sourceConfig } from "./definition";
import { writeMappedEntities } from "./entity-sync";
import { openIntegration } from "./integrations";
import { type MappedEntity, mapItems } from "./map-items";
import { appendErrors, HISTORY_LIMIT } from "./reconcile";
import type { SyncRuntime } from "./runtime";

/**
 * The ingest endpoint's domain (`POST /v1/ingest/{key}`): events pushed by another system, for webhook
 * integrations. The key picks the integration (stored as SHA-256 only); the body's HMAC signature is
 * checked as configured (header, sha256/sha1, prefix, hex/base64) in constant time, and a bad one is
 * refused before anything is read or written. The event is mapped with the integration's mapping
 * (resources of kind `event`); an entity whose resource's `deleteWhen` is true is deleted — only if this
 * integration created it — and the others are written like a sync page. Each request is one history row.
 */

/** Most entities one event may map to. */
const MAX_ENTITIES = 1000;

export interface IngestResult {
  syncId: string;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  failed: number;
  errors: ErrorDetail[];
}

function base64(bytes: ArrayBuffer): string {
  let bin = "";
  for (const b of new Uint8Array(bytes)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Refuses (401) unless `header` carries the HMAC of `body` as configured. */
async function verifySignature(
  signature: { header: string; algorithm: "sha256" | "sha1"; prefix: string; encoding: "hex" | "base64" },
  secret: string,
  body: string,
  given: string | undefined,
): Promise<void> {
  const refuse = (why: string) => new AppError(401, "invalid_signature", `The request signature is ${why}; nothing was written`);
  if (!given) throw refuse(`missing (expected in the ${signature.header} header)`);
  const value = given.trim();
  if (!value.startsWith(signature.prefix)) throw refuse(`not in the expected form ('${signature.prefix}…')`);
  const hash = signature.algorithm === "sha1" ? "SHA-1" : "SHA-256";
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body));
  const expected = signature.encoding === "hex" ? toHex(mac) : base64(mac);
  const sent = value.slice(signature.prefix.length);
  if (!constantTimeEqual(signature.encoding === "hex" ? sent.toLowerCase() : sent, expected)) throw refuse("wrong");
}

/** Deletes the entities the event asks to delete that this integration created; others are reported, not touched. */
async function deleteRequested(
  db: Database,
  integration: string,
  entities: MappedEntity[],
  deleteDependents: boolean,
  ctx: WriteContext,
): Promise<{ deleted: number; errors: ErrorDetail[] }> {
  const errors: ErrorDetail[] = [];
  const gone: OwnedEntity[] = [];
  let deleted = 0;
  for (const e of entities) {
    const { blueprint, body } = e;
    const path = `${blueprint}/${body.identifier}`;
    if (!(await ownedAmong(db, integration, blueprint, [body.identifier])).has(body.identifier)) {
      errors.push({ path, message: "not deleted: this integration did not create it" });
      continue;
    }
    try {
      deleted += (await deleteEntity(db, blueprint, body.identifier, { deleteDependents }, ctx)).deleted.length;
      gone.push({ blueprint, identifier: body.identifier });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.status === 404) gone.push({ blueprint, identifier: body.identifier });
      else errors.push({ path, message: `not deleted: ${error.message}` });
    }
  }
  await runBatch(db, dropOwnershipStatements(db, integration, gone));
  return { deleted, errors };
}

export async function ingestEvent(
  db: Database,
  runtime: SyncRuntime,
  key: string,
  request: { body: string; header(name: string): string | undefined; requestId: string },
  at = new Date(),
): Promise<IngestResult> {
  const record = await findIntegrationByIngestKey(db, await sha256Hex(key));
  if (record?.type !== "webhook") throw new AppError(404, "not_found", "No integration has this ingest key");
  const integration = await openIntegration(record, runtime.encryptionSecret);
  const config = sourceConfig("webhook", integration.config, integration.secrets);
  if (config.signature) await verifySignature(config.signature, config.secret ?? "", request.body, request.header(config.signature.header));
  if (!record.enabled)
    throw new AppError(409, "integration_disabled", `Integration '${record.identifier}' is disabled; the event was not applied`);

  const mapped = await mapItems(integration.mapping, [{ kind: "event", data: JSON.parse(request.body) as unknown, ref: "event" }]);
  if (mapped.entities.length > MAX_ENTITIES) {
    throw new AppError(
      413,
      "too_many_entities",
      `The event maps to ${mapped.entities.length} entities; at most ${MAX_ENTITIES} per request`,
    );
  }
  const now = at.toISOString();
  const syncId = `sync_${randomToken(16)}`;
  const ctx: WriteContext = { actor: `integration:${record.identifier}`, origin: "INTEGRATION", requestId: request.requestId, now };
  const removal = await deleteRequested(
    db,
    record.identifier,
    mapped.entities.filter((e) => e.deleteRequested),
    integration.mapping.deleteDependentEntities,
    ctx,
  );
  const owner = { integration: record.identifier, syncId, createMissingRelated: integration.mapping.createMissingRelatedEntities };
  const toWrite = { entities: mapped.entities.filter((e) => !e.deleteRequested), failed: mapped.failed };
  const tally = await writeMappedEntities(db, owner, toWrite, ctx, (t) => {
    const errors = appendErrors([], [...mapped.errors, ...removal.errors, ...t.errors]);
    const failed = t.failed + mapped.unidentified;
    return [
      insertSyncStatement(db, {
        id: syncId,
        integration: record.identifier,
        trigger: "INGEST",
        startedBy: "ingest",
        now,
        status: failed > 0 || errors.length > 0 ? "PARTIAL" : "SUCCEEDED",
        counts: { fetched: 1, created: t.created, updated: t.updated, unchanged: t.unchanged, deleted: removal.deleted, stale: 0, failed },
        errors,
        deletion: null,
      }),
      pruneSyncsStatement(db, record.identifier, HISTORY_LIMIT),
    ];
  });
  return {
    syncId,
    created: tally.created,
    updated: tally.updated,
    unchanged: tally.unchanged,
    deleted: removal.deleted,
    failed: tally.failed + mapped.unidentified,
    errors: appendErrors([], [...mapped.errors, ...removal.errors, ...tally.errors]),
  };
}
