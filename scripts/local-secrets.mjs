// The secrets a local portal needs (docs/security.md), freshly generated. `npm run dev` keeps its set in
// .dev.vars across restarts; the browser tests and screenshots (test/e2e/harness.mjs) make a new set per run.

import { randomBytes } from "node:crypto";

/**
 * A new set for a portal reachable at `portalUrl`: the token signing key, the demo admin with its API
 * client, and the webhook signing secret examples/backend verifies deliveries with.
 *
 * @example const vars = newLocalSecrets("http://localhost:8787"); // { AUTH_SIGNING_KEY: "…", … }
 */
export function newLocalSecrets(portalUrl) {
  const secret = (n) => randomBytes(n).toString("base64url");
  return {
    PORTAL_DEV_MODE: "1",
    AUTH_SIGNING_KEY: secret(32),
    PORTAL_ADMIN_EMAIL: "admin@example.com",
    PORTAL_ADMIN_PASSWORD: secret(12),
    PORTAL_CLIENT_ID: `epci_${secret(18)}`,
    PORTAL_CLIENT_SECRET: `epcs_${secret(30)}`,
    WEBHOOK_SIGNING_SECRET: `whsec_${randomBytes(32).toString("base64")}`,
    PORTAL_URL: portalUrl,
  };
}
