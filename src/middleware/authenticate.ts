import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { verifyWithJwks } from "hono/jwt";
import type { HonoJsonWebKey } from "hono/utils/jwt/jws";
import { database } from "../db/client";
import type { Principal } from "../domain/access/principal";
import { ensureBootstrapAdmin } from "../domain/identity/bootstrap";
import {
  principalFromAccessToken,
  principalFromExternalIdentity,
  principalFromPersonalToken,
  principalFromSession,
} from "../domain/identity/principals";
import type { AppEnv } from "../env";
import { AppError } from "../lib/errors";
import { looksLikeJwt } from "../lib/jwt";

/** The browser session cookie. `__Host-` pins it to this origin, path /, Secure. */
export const SESSION_COOKIE = "__Host-portal_session";

/** Set once this isolate has seen an admin, so the bootstrap check costs one query per isolate, not per request. */
let adminKnown = false;

/**
 * Works out who is calling, in this order: a bearer token (portal access token or personal token), a
 * Cloudflare Access assertion (when configured), the session cookie. Sets `principal`, or leaves it
 * undefined for anonymous requests (`requireSignedIn` then decides). A bearer token that does not verify is
 * a 401 at once: a client that sent credentials wants to know they failed.
 *
 * @example app.use(authenticate())
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async function identify(c, next) {
    const db = database(c.env.DB);
    const now = new Date();
    if (!adminKnown) {
      adminKnown = await ensureBootstrapAdmin(
        db,
        {
          adminEmail: c.env.PORTAL_ADMIN_EMAIL,
          adminPassword: c.env.PORTAL_ADMIN_PASSWORD,
          clientId: c.env.PORTAL_CLIENT_ID,
          clientSecret: c.env.PORTAL_CLIENT_SECRET,
        },
        { actor: "bootstrap", origin: "SYSTEM", requestId: c.get("requestId"), now: now.toISOString() },
      );
    }
    c.set("principal", await resolvePrincipal(c, now));
    return next();
  };
}

async function resolvePrincipal(c: Context<AppEnv>, now: Date): Promise<Principal | undefined> {
  const db = database(c.env.DB);
  const authorization = c.req.header("authorization");
  if (authorization !== undefined) {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    let principal: Principal | null = null;
    if (token && looksLikeJwt(token)) {
      const found = await principalFromAccessToken(db, token, c.env.AUTH_SIGNING_KEY, now);
      if (found) c.set("accessSnapshot", found.snapshot);
      principal = found?.principal ?? null;
    } else if (token) {
      principal = await principalFromPersonalToken(db, token, now);
    }
    if (!principal) throw new AppError(401, "invalid_token", "The bearer token is invalid, expired or revoked");
    return principal;
  }
  const assertion = c.req.header("cf-access-jwt-assertion");
  if (assertion && c.env.CF_ACCESS_TEAM_DOMAIN && c.env.CF_ACCESS_AUD) {
    const identity = await verifyAccessAssertion(c, assertion);
    const principal = await principalFromExternalIdentity(db, identity.email, identity.name, {
      actor: identity.email,
      origin: "SYSTEM",
      requestId: c.get("requestId"),
      now: now.toISOString(),
    });
    if (!principal) throw new AppError(403, "user_disabled", `The portal account of ${identity.email} is disabled`);
    return principal;
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  if (cookie) return (await principalFromSession(db, cookie, now)) ?? undefined;
  return undefined;
}

/** Verifies Cloudflare Access's JWT (RS256) against the team's keys, issuer and audience. */
async function verifyAccessAssertion(c: Context<AppEnv>, assertion: string): Promise<{ email: string; name: string | null }> {
  const domain = (c.env.CF_ACCESS_TEAM_DOMAIN ?? "").replace(/^https?:\/\//, "").replace(/\/$/, "");
  try {
    const keys = c.env.CF_ACCESS_JWKS ? (JSON.parse(c.env.CF_ACCESS_JWKS) as { keys: HonoJsonWebKey[] }).keys : undefined;
    const payload = await verifyWithJwks(assertion, {
      ...(keys ? { keys } : { jwks_uri: `https://${domain}/cdn-cgi/access/certs` }),
      verification: { iss: `https://${domain}`, aud: c.env.CF_ACCESS_AUD },
      allowedAlgorithms: ["RS256"],
    });
    if (typeof payload.email !== "string") throw new Error("no email claim");
    return { email: payload.email, name: typeof payload.name === "string" ? payload.name : null };
  } catch {
    throw new AppError(401, "invalid_access_assertion", "The Cloudflare Access assertion is invalid or expired");
  }
}

/** Paths anyone may reach: signing in, first run, invitations, the token exchange, the API description. */
const PUBLIC_PATHS = new Set(["/login", "/setup", "/invite", "/v1/auth/access_token", "/v1/openapi.json", "/docs/api"]);
/** Ingest endpoints: the key in the path is the credential (and a signature, when configured). */
const PUBLIC_PREFIX = "/v1/ingest/";

/**
 * Refuses anonymous requests outside the public paths: 401 JSON for the API, a redirect to the sign-in
 * page for browser routes.
 *
 * @example app.use(requireSignedIn())
 */
export function requireSignedIn(): MiddlewareHandler<AppEnv> {
  return async function signedIn(c, next) {
    if (c.get("principal") || PUBLIC_PATHS.has(c.req.path) || c.req.path.startsWith(PUBLIC_PREFIX)) return next();
    if (c.req.path.startsWith("/v1/") || c.req.method !== "GET") {
      throw new AppError(401, "unauthenticated", "Sign in, or send a bearer token (POST /v1/auth/access_token)");
    }
    const url = new URL(c.req.url);
    return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 302);
  };
}
