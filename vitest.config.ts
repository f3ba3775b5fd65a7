import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests run inside workerd with the Worker from wrangler.toml: real D1 (migrations applied in
// test/setup.ts), real Durable Objects and queues. Storage is fresh per test file.
export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            // Test-only secrets: the Worker bootstraps this admin and client on each file's fresh D1.
            AUTH_SIGNING_KEY: "test-signing-key-0123456789abcdef0123456789",
            PORTAL_ADMIN_EMAIL: "admin@portal.test",
            PORTAL_ADMIN_PASSWORD: "correct horse battery staple",
            PORTAL_CLIENT_ID: "epci_testadmin",
            PORTAL_CLIENT_SECRET: "epcs_test_secret_0123456789abcdefghijklmnop",
            // Webhooks: a Standard Webhooks secret, and short timeouts so failure paths run fast.
            WEBHOOK_SIGNING_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            WEBHOOK_TIMEOUT_MS: "500",
          },
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
      exclude: ["test/e2e/**"],
      setupFiles: ["./test/setup.ts"],
      // A real HTTP server standing in for customer backends (webhook deliveries).
      globalSetup: ["./test/receiver/global-setup.mjs", "./test/sync-stubs/global-setup.mjs"],
    },
  };
});
