import { decryptText, encryptText } from "../../lib/encryption";
import { AppError } from "../../lib/errors";

/** HKDF purpose label: integration secrets get their own key, never the one of action inputs. */
const PURPOSE = "integration-secrets";

function requireKey(key: string): void {
  if (key.length < 16) {
    throw new AppError(503, "encryption_unavailable", "AUTH_SIGNING_KEY is not set, so integration secrets cannot be encrypted at rest");
  }
}

/** Seals secret config fields for storage (AES-256-GCM); null when there are none. */
export async function sealSecrets(key: string, secrets: Record<string, unknown>): Promise<string | null> {
  if (Object.keys(secrets).length === 0) return null;
  requireKey(key);
  return encryptText(key, PURPOSE, JSON.stringify(secrets));
}

/** Opens what sealSecrets stored. */
export async function openSecrets(key: string, sealed: string | null): Promise<Record<string, unknown>> {
  if (sealed === null) return {};
  requireKey(key);
  return JSON.parse(await decryptText(key, PURPOSE, sealed)) as Record<string, unknown>;
}
