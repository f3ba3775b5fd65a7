import type { D1Migration } from "cloudflare:test";
import type { Env as AppBindings } from "../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends AppBindings {
      TEST_MIGRATIONS: D1Migration[];
    }
    interface GlobalProps {
      mainModule: typeof import("../src/index");
    }
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the test receiver (test/receiver/server.mjs) standing in for customer backends. */
    receiverUrl: string;
  }
}
