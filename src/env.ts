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
  /** "open": requests without credentials act as the local developer (set by `npm run dev` only). */
  AUTH_MODE: string;
}

/** A delivery queue message: only an id, so a retry re-reads current state from D1. */
export interface DeliveryMessage {
  deliveryId: string;
}

/** Who is making the request; every mutation records it. */
export interface Actor {
  id: string;
  kind: "user" | "machine" | "local-dev";
}

/** Per-request values set by middleware. */
export interface AppVariables {
  requestId: string;
  actor: Actor;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
