const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A random lowercase alphanumeric string of `length` characters from the Web Crypto RNG.
 *
 * @example randomToken(16) // "k3v9x0q1m2n8b7c6"
 */
export function randomToken(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length))) {
      // Bytes of 252 and above are skipped: 252 = 7 × 36, so every character stays equally likely.
      if (b < 252 && out.length < length) out += ALPHABET[b % 36];
    }
  }
  return out;
}

/** A request id: unique, and time-ordered enough to read in logs. */
export function requestId(): string {
  return `req_${Date.now().toString(36)}${randomToken(10)}`;
}
