import type { AccessSnapshot } from "./db/access-snapshot";
import type { Principal } from "./domain/access/principal";
import type { RunObject } from "./objects/RunObject";
import type { TimerObject } from "./objects/TimerObject";

/** Bindings and variables the Worker receives (see wrangler.toml). */
export interface Env {
  /** The catalog database: blueprints, entities, relations, audit log. */
  DB: D1Database;
  /** Static files under public/ (htmx, API reference viewer, stylesheet). */
  ASSETS: Fetcher;
  /** One RunObject per action run: state machine, ordered log, live subscribers. */
  RUNS: DurableObjectNamespace<RunObject>;
  /** One TimerObject per entity timer property: the alarm that expires it. */
  TIMERS: DurableObjectNamespace<TimerObject>;
  /** Webhook deliveries to customer backends (messages carry ids only). */
  DELIVERIES: Queue<DeliveryMessage>;
  /** HMAC key (32+ characters) that signs access tokens. A secret: `wrangler secret put AUTH_SIGNING_KEY`. */
  AUTH_SIGNING_KEY?: string;
  /** First admin, created only while no active admin exists (see docs/security.md). */
  PORTAL_ADMIN_EMAIL?: string;
  PORTAL_ADMIN_PASSWORD?: string;
  /** API client credentials given to that first admin. */
  PORTAL_CLIENT_ID?: string;
  PORTAL_CLIENT_SECRET?: string;
  /** "1" only under `npm run dev`: the sign-in page then says where the demo admin's password is. */
  PORTAL_DEV_MODE?: string;
  /** Signs every webhook delivery (Standard Webhooks `whsec_…` secret; receivers verify with it). A secret. */
  WEBHOOK_SIGNING_SECRET?: string;
  /** How long a customer backend gets to answer one delivery, in ms (default 10000). */
  WEBHOOK_TIMEOUT_MS?: string;
  /** First retry delay in seconds (doubles each attempt, capped at 1 h; default 60). */
  WEBHOOK_RETRY_BASE_SECONDS?: string;
  /** The portal's public URL, for links in notifications (e.g. https://portal.example.com). */
  PORTAL_URL?: string;
  /** Cloudflare Access in front of the portal: team domain (`myteam.cloudflareaccess.com`) and audience tag. */
  CF_ACCESS_TEAM_DOMAIN?: string;
  CF_ACCESS_AUD?: string;
  /** The Access signing keys as a JWKS JSON document, instead of fetching them (air-gapped setups, tests). */
  CF_ACCESS_JWKS?: string;
}

/**
 * A queue message: a delivery to attempt, a claimed range of events to dispatch, a chunk of entities to
 * rescore, or a step of an integration sync. Only ids, so a retry
 * re-reads current state from D1.
 */
export type DeliveryMessage =
  | { deliveryId: string }
  | { eventRange: { after: number; to: number } }
  | { scoring: { blueprint: string; scorecard: string; afterId: number; toId: number } }
  | { syncStep: { syncId: string; step: number } };

/** Per-request values set by middleware. */
export interface AppVariables {
  requestId: string;
  /** Who is calling; absent only on public routes (sign-in, first run, token exchange). */
  principal: Principal | undefined;
  /** Blueprints and permissions, when authentication already read them in its round trip. */
  accessSnapshot: AccessSnapshot | undefined;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
