import type { Database } from "../../db/client";
import { findCredentialByClientId } from "../../db/credential-store";
import { activeAdminExists } from "../../db/user-store";
import type { WriteContext } from "../catalog/types";
import { issueClientCredential } from "./credentials";
import { createFirstAdmin } from "./users";

/** Where the first admin comes from: `.dev.vars` locally, `wrangler secret put` in production. */
export interface BootstrapConfig {
  adminEmail?: string | undefined;
  adminPassword?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
}

/**
 * On a database without an active admin, creates the configured admin (with password and API client
 * credentials when given). Does nothing once an admin exists, so the secrets cannot be used to take over
 * a running portal. Returns whether an admin exists afterwards.
 */
export async function ensureBootstrapAdmin(db: Database, config: BootstrapConfig, ctx: WriteContext): Promise<boolean> {
  if (await activeAdminExists(db)) return true;
  if (!config.adminEmail) return false;
  try {
    const admin = await createFirstAdmin(db, { email: config.adminEmail, name: "Admin", password: config.adminPassword ?? null }, ctx);
    if (
      config.clientId &&
      config.clientSecret &&
      config.clientSecret.length >= 32 &&
      !(await findCredentialByClientId(db, config.clientId))
    ) {
      await issueClientCredential(db, admin.id, "bootstrap credentials", ctx, {
        clientId: config.clientId,
        clientSecret: config.clientSecret,
      });
    }
  } catch (error) {
    // Another request bootstrapped at the same moment: fine if an admin now exists.
    if (await activeAdminExists(db)) return true;
    throw error;
  }
  return true;
}
