import { type AccessSnapshot, loadTokenContext } from "../../db/access-snapshot";
import { type Database, runBatch } from "../../db/client";
import { type CredentialRecord, touchCredentialStatement } from "../../db/credential-store";
import { findUserById, type UserRecord } from "../../db/user-store";
import { verifyJwt } from "../../lib/jwt";
import type { Principal } from "../access/principal";
import type { WriteContext } from "../catalog/types";
import { findUsablePersonalToken, isUsable } from "./credentials";
import { sessionFor } from "./sessions";
import { userForExternalIdentity } from "./users";

function toPrincipal(user: UserRecord, via: Principal["via"], extra: Partial<Principal> = {}): Principal {
  return { userId: user.id, email: user.email, name: user.name, roles: user.roles, teams: user.teams, via, ...extra };
}

/** Records a credential's last use at most once a minute: a write on every request would cost every request. */
async function recordUse(db: Database, credential: CredentialRecord, now: Date): Promise<void> {
  if (credential.lastUsedAt !== null && Date.parse(credential.lastUsedAt) > now.getTime() - 60_000) return;
  await runBatch(db, [touchCredentialStatement(db, credential.id, now.toISOString())]);
}

async function activeUser(db: Database, id: string): Promise<UserRecord | null> {
  const user = await findUserById(db, id);
  return user && user.status === "active" ? user : null;
}

/**
 * The principal behind a portal access token. The credential it was issued for must still be usable, so
 * revoking a client ends its tokens at once rather than at expiry.
 */
export async function principalFromAccessToken(
  db: Database,
  token: string,
  signingKey: string | undefined,
  now: Date,
): Promise<{ principal: Principal; snapshot: AccessSnapshot } | null> {
  if (!signingKey) return null;
  const claims = await verifyJwt(token, signingKey, Math.floor(now.getTime() / 1000));
  if (!claims) return null;
  // The credential, its user and what the route's access checks need: one round trip.
  const { credential, user, snapshot } = await loadTokenContext(db, claims.cid, claims.sub);
  if (credential?.kind !== "client" || credential.userId !== claims.sub || !isUsable(credential, now.toISOString())) return null;
  if (user?.status !== "active") return null;
  await recordUse(db, credential, now);
  return { principal: toPrincipal(user, "access-token", { credentialId: credential.id }), snapshot };
}

export async function principalFromPersonalToken(db: Database, token: string, now: Date): Promise<Principal | null> {
  const credential = await findUsablePersonalToken(db, token, now.toISOString());
  if (!credential) return null;
  const user = await activeUser(db, credential.userId);
  if (!user) return null;
  await recordUse(db, credential, now);
  return toPrincipal(user, "personal-token", { credentialId: credential.id });
}

export async function principalFromSession(db: Database, cookie: string, now: Date): Promise<Principal | null> {
  const session = await sessionFor(db, cookie, now.toISOString());
  if (!session) return null;
  const user = await activeUser(db, session.userId);
  return user ? toPrincipal(user, "session", { csrfToken: session.csrfToken }) : null;
}

/** The principal for an identity already verified by Cloudflare Access; the user is created on first sight. */
export async function principalFromExternalIdentity(
  db: Database,
  email: string,
  name: string | null,
  ctx: WriteContext,
): Promise<Principal | null> {
  const user = await userForExternalIdentity(db, email, name, ctx);
  return user.status === "active" ? toPrincipal(user, "cloudflare-access") : null;
}
