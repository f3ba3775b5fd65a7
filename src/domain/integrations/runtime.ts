import type { Fetcher } from "./sources/source";

/** The queue message that runs one step of a sync (a page to fetch, or a reconciliation chunk). */
export interface SyncStepMessage {
  syncId: string;
  step: number;
}

/**
 * What syncs need from the platform, so the domain never touches bindings: the queue that carries sync
 * steps, outgoing fetch (sources), and the key material integration secrets are sealed with.
 */
export interface SyncRuntime {
  enqueue(step: SyncStepMessage): Promise<void>;
  fetcher: Fetcher;
  /** AUTH_SIGNING_KEY; HKDF gives integration secrets their own key. */
  encryptionSecret: string;
}
