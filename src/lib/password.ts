import { constantTimeEqual, fromBase64Url, toBase64Url } from "./crypto";

/**
 * PBKDF2-SHA-256 at 100,000 iterations: the most Workers' Web Crypto allows (it rejects more). Stored as
 * `pbkdf2-sha256$<iterations>$<salt>$<hash>` so the count can rise later without breaking old hashes.
 */
export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BITS);
  return new Uint8Array(bits);
}

/** Hashes a password with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${toBase64Url(salt)}$${toBase64Url(hash)}`;
}

/** Checks a password against a stored hash in constant time. A malformed hash never verifies. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterations, salt, hash] = stored.split("$");
  if (scheme !== "pbkdf2-sha256" || !iterations || !salt || !hash) return false;
  const n = Number(iterations);
  if (!Number.isInteger(n) || n < 1 || n > PBKDF2_ITERATIONS) return false;
  const derived = await derive(password, fromBase64Url(salt), n);
  return constantTimeEqual(toBase64Url(derived), hash);
}

/** A password we accept: long enough to resist guessing, short enough not to be a denial of service. */
export function passwordProblem(password: string): string | null {
  if (password.length < 12) return "must be at least 12 characters";
  if (password.length > 512) return "must be at most 512 characters";
  return null;
}
