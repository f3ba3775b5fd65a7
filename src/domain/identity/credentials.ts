import { insertAuditStatements } from "../../db/audit-store";
import { type Database, runBatch } from "../../db/client";
import {
  type CredentialRecord,
  findCredential,
  findCredentialByClientId,
  findCredentialBySecretHash,
  insertCredentialStatement,
  listCredentials,
  revokeCredentialStatement,
} from "../../db/credential-store";
import { constantTimeEqual, sha256Hex } from "../../lib/crypto";
import { AppError, invalid, notFound } from "../../lib/errors";
import { randomToken } from "../../lib/ids";
import { signJwt } from "../../lib/jwt";
import { isWellFormedSecret, newSecret, secretHint } from "../../lib/secrets";
import { auditOf } from "../audit/record";
import type { WriteContext } from "../catalog/types";

/** Lifetime of an access token from the client-credentials exchange. */
export const ACCESS_TOKEN_SECONDS = 3600;
const MAX_PERSONAL_TOKEN_DAYS = 366;

/** A credential as lists show it: never the secret, only its hint. */
export type CredentialView = Omit<CredentialRecord, "userId">;

function view(c: CredentialRecord): CredentialView {
  const { userId: _u, ...rest } = c;
  return rest;
}

/** True when a credential can still be used at `now`. */
export function isUsable(c: CredentialRecord, now: string): boolean {
  return c.revokedAt === null && (c.expiresAt === null || c.expiresAt > now);
}

/**
 * Issues machine credentials for a user: a client id and a secret, returned once. Only the secret's SHA-256
 * is stored.
 */
export async function issueClientCredential(
  db: Database,
  userId: string,
  name: string,
  ctx: WriteContext,
  given?: { clientId: string; clientSecret: string },
): Promise<{ id: string; clientId: string; clientSecret: string }> {
  const clientId = given?.clientId ?? `epci_${randomToken(24)}`;
  const clientSecret = given?.clientSecret ?? newSecret("clientSecret");
  const id = `cred_${randomToken(20)}`;
  await runBatch(db, [
    insertCredentialStatement(db, {
      id,
      userId,
      kind: "client",
      name,
      clientId,
      secretHash: await sha256Hex(clientSecret),
      hint: secretHint(clientSecret),
      createdAt: ctx.now,
      expiresAt: null,
    }),
    ...insertAuditStatements(db, [auditOf(ctx, "CREATE", "credential", { entity: id, after: { kind: "client", name, clientId } })]),
  ]);
  return { id, clientId, clientSecret };
}

/**
 * Port's client-credentials flow: a valid, unrevoked client id + secret pair yields a short-lived signed
 * access token. Every failure gives the same answer, so the endpoint cannot be used to probe client ids.
 */
export async function exchangeClientCredentials(
  db: Database,
  clientId: string,
  clientSecret: string,
  signingKey: string | undefined,
  now: Date,
): Promise<{ accessToken: string; expiresIn: number; tokenType: "Bearer" }> {
  if (!signingKey || signingKey.length < 32) {
    throw new AppError(503, "not_configured", "Access tokens are not configured: set the AUTH_SIGNING_KEY secret (32+ characters)");
  }
  const refused = new AppError(401, "invalid_credentials", "Unknown client id or wrong client secret");
  const credential = await findCredentialByClientId(db, clientId);
  const hash = await sha256Hex(clientSecret);
  // Compare even when the client id is unknown, so both failures take the same time.
  const matches = constantTimeEqual(hash, credential?.secretHash ?? "0".repeat(64));
  if (!credential || !matches || !isUsable(credential, now.toISOString())) throw refused;
  const iat = Math.floor(now.getTime() / 1000);
  const accessToken = await signJwt(
    { sub: credential.userId, cid: credential.id, iat, exp: iat + ACCESS_TOKEN_SECONDS, iss: "edge-portal" },
    signingKey,
  );
  return { accessToken, expiresIn: ACCESS_TOKEN_SECONDS, tokenType: "Bearer" };
}

/** Creates a personal API token for a user; the token is returned once. */
export async function createPersonalToken(
  db: Database,
  userId: string,
  input: { name: string; expiresInDays?: number | undefined },
  ctx: WriteContext,
): Promise<{ token: string; credential: CredentialView }> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) throw invalid([{ path: "name", message: "must be 1–100 characters" }]);
  const days = input.expiresInDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > MAX_PERSONAL_TOKEN_DAYS)) {
    throw invalid([{ path: "expiresInDays", message: `must be a whole number of days from 1 to ${MAX_PERSONAL_TOKEN_DAYS}` }]);
  }
  const token = newSecret("personalToken");
  const credential: CredentialRecord = {
    id: `cred_${randomToken(20)}`,
    userId,
    kind: "personal",
    name,
    clientId: null,
    hint: secretHint(token),
    createdAt: ctx.now,
    expiresAt: days === undefined ? null : new Date(Date.parse(ctx.now) + days * 86_400_000).toISOString(),
    lastUsedAt: null,
    revokedAt: null,
  };
  await runBatch(db, [
    insertCredentialStatement(db, { ...credential, secretHash: await sha256Hex(token) }),
    ...insertAuditStatements(db, [auditOf(ctx, "CREATE", "credential", { entity: credential.id, after: view(credential) })]),
  ]);
  return { token, credential: view(credential) };
}

/** The usable personal token with this secret, or null. Malformed tokens are refused before any read. */
export async function findUsablePersonalToken(db: Database, token: string, now: string): Promise<CredentialRecord | null> {
  if (!isWellFormedSecret(token, "personalToken")) return null;
  const credential = await findCredentialBySecretHash(db, "personal", await sha256Hex(token));
  return credential && isUsable(credential, now) ? credential : null;
}

export async function listPersonalTokens(db: Database, userId: string): Promise<CredentialView[]> {
  return (await listCredentials(db, userId, "personal")).map(view);
}

export async function listClientCredentials(db: Database): Promise<(CredentialView & { userId: string })[]> {
  return listCredentials(db, null, "client");
}

/** Revokes a credential. `ownerId` limits it to one user's own credentials (null: any, for admins). */
export async function revokeCredential(db: Database, id: string, ownerId: string | null, ctx: WriteContext): Promise<CredentialView> {
  const credential = await findCredential(db, id);
  if (!credential || credential.kind === "invite" || (ownerId !== null && credential.userId !== ownerId)) {
    throw notFound(`Credential '${id}'`);
  }
  await runBatch(db, [
    revokeCredentialStatement(db, id, ctx.now),
    ...insertAuditStatements(db, [auditOf(ctx, "DELETE", "credential", { entity: id, before: view(credential) })]),
  ]);
  return { ...view(credential), revokedAt: credential.revokedAt ?? ctx.now };
}
