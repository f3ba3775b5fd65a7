/**
 * Signs webhook deliveries twice, so receivers can use what they already have:
 * - Standard Webhooks: `webhook-id`, `webhook-timestamp` (seconds), `webhook-signature: v1,<base64
 *   HMAC-SHA256 of "id.timestamp.body">`, keyed with the base64-decoded part of a `whsec_…` secret.
 * - Port: `x-port-timestamp` (seconds), `x-port-signature: v1,<base64 HMAC-SHA256 of "timestamp.body">`,
 *   keyed with the whole secret string as UTF-8 (Port's recipe keys with the client secret string).
 */

const encoder = new TextEncoder();

function base64(bytes: ArrayBuffer): string {
  let bin = "";
  for (const b of new Uint8Array(bytes)) bin += String.fromCharCode(b);
  return btoa(bin);
}

async function hmac(key: Uint8Array, text: string): Promise<string> {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return base64(await crypto.subtle.sign("HMAC", k, encoder.encode(text)));
}

/** The key bytes of a Standard Webhooks secret (`whsec_<base64>`); other strings are used as UTF-8. */
export function standardWebhookKey(secret: string): Uint8Array {
  if (secret.startsWith("whsec_")) {
    try {
      return Uint8Array.from(atob(secret.slice("whsec_".length)), (c) => c.charCodeAt(0));
    } catch {
      // Not base64 after all: fall through and use the text.
    }
  }
  return encoder.encode(secret);
}

/**
 * The signature headers for one delivery attempt.
 *
 * @example await signatureHeaders(env.WEBHOOK_SIGNING_SECRET, "d_abc", body, new Date())
 */
export async function signatureHeaders(secret: string, webhookId: string, body: string, at: Date): Promise<Record<string, string>> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const [standard, port] = await Promise.all([
    hmac(standardWebhookKey(secret), `${webhookId}.${timestamp}.${body}`),
    hmac(encoder.encode(secret), `${timestamp}.${body}`),
  ]);
  return {
    "webhook-id": webhookId,
    "webhook-timestamp": timestamp,
    "webhook-signature": `v1,${standard}`,
    "x-port-timestamp": timestamp,
    "x-port-signature": `v1,${port}`,
  };
}
