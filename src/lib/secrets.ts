/**
 * Recognisable secrets, as GitHub's tokens are: `<prefix>_<30 random base62><6 base62 CRC-32 checksum>`.
 * The prefix lets secret scanners spot a leaked token; the checksum lets us refuse a mistyped or made-up
 * token without a database read.
 */

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const RANDOM_LENGTH = 30;
const CHECKSUM_LENGTH = 6;

/** Secret kinds and their prefixes. */
export const SECRET_PREFIXES = {
  clientSecret: "epcs",
  personalToken: "epat",
  invite: "epinv",
  clientId: "epci",
} as const;
export type SecretKind = keyof typeof SECRET_PREFIXES;

function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length))) {
      // 248 = 4 × 62: bytes above it are skipped so every character is equally likely.
      if (b < 248 && out.length < length) out += BASE62[b % 62];
    }
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of new TextEncoder().encode(text)) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function base62(n: number, width: number): string {
  let out = "";
  let v = n;
  for (let i = 0; i < width; i++) {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out;
}

/**
 * A new secret of the given kind.
 *
 * @example newSecret("personalToken") // "epat_Xk3…(30)…a1B2c3"
 */
export function newSecret(kind: SecretKind): string {
  const random = randomBase62(RANDOM_LENGTH);
  return `${SECRET_PREFIXES[kind]}_${random}${base62(crc32(random), CHECKSUM_LENGTH)}`;
}

/** True when `secret` has the shape and a valid checksum for `kind`. */
export function isWellFormedSecret(secret: string, kind: SecretKind): boolean {
  const prefix = `${SECRET_PREFIXES[kind]}_`;
  if (!secret.startsWith(prefix) || secret.length !== prefix.length + RANDOM_LENGTH + CHECKSUM_LENGTH) return false;
  const body = secret.slice(prefix.length);
  if (![...body].every((ch) => BASE62.includes(ch))) return false;
  const random = body.slice(0, RANDOM_LENGTH);
  return body.slice(RANDOM_LENGTH) === base62(crc32(random), CHECKSUM_LENGTH);
}

/** What lists show instead of the secret: its prefix and last four characters. */
export function secretHint(secret: string): string {
  const cut = secret.indexOf("_");
  return `${secret.slice(0, cut + 1)}…${secret.slice(-4)}`;
}
