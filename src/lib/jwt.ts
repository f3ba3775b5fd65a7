import { constantTimeEqual, fromBase64Url, toBase64Url } from "./crypto";

/** Claims of the portal's own access tokens. */
export interface AccessClaims {
  /** User id. */
  sub: string;
  /** Credential id the token was issued for (revoking it ends the token). */
  cid: string;
  iat: number;
  exp: number;
  iss: "edge-portal";
}

const encoder = new TextEncoder();

async function hmac(key: string, data: string): Promise<string> {
  const k = await crypto.subtle.importKey("raw", encoder.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toBase64Url(await crypto.subtle.sign("HMAC", k, encoder.encode(data)));
}

/**
 * Signs an HS256 JWT. Only HS256 is produced or accepted: no `alg` negotiation, so `none` or a swapped
 * algorithm can never verify.
 */
export async function signJwt(claims: AccessClaims, key: string): Promise<string> {
  const head = toBase64Url(encoder.encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));
  const body = toBase64Url(encoder.encode(JSON.stringify(claims)));
  return `${head}.${body}.${await hmac(key, `${head}.${body}`)}`;
}

/** Verifies signature, issuer and expiry; returns the claims, or null for any invalid token. */
export async function verifyJwt(token: string, key: string, nowSeconds: number): Promise<AccessClaims | null> {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [head, body, signature] = parts as [string, string, string];
  if (!constantTimeEqual(await hmac(key, `${head}.${body}`), signature)) return null;
  try {
    const header = JSON.parse(new TextDecoder().decode(fromBase64Url(head))) as { alg?: string };
    if (header.alg !== "HS256") return null;
    const claims = JSON.parse(new TextDecoder().decode(fromBase64Url(body))) as AccessClaims;
    if (claims.iss !== "edge-portal" || typeof claims.exp !== "number" || claims.exp <= nowSeconds) return null;
    if (typeof claims.sub !== "string" || typeof claims.cid !== "string") return null;
    return claims;
  } catch {
    return null;
  }
}

/** True when `text` looks like a JWT (three base64url parts), so callers can route it before verifying. */
export function looksLikeJwt(text: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(text);
}
