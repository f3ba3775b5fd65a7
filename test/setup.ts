import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Runs before each test file: bring the file's fresh D1 up to the schema in migrations/.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
