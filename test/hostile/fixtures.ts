import { expect } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD, callJson } from "../helpers";
import { type BrowserSession, signIn } from "../session";
import type { FixtureBlueprint } from "./conformance";
import type { Json, WireBody } from "./generators";

/** Creates (as the admin) and expects `status`, so a fixture that did not land fails the suite at once. */
export async function admin(method: string, path: string, body: unknown, status = 201): Promise<Json> {
  const res = await callJson(method, path, body);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}

/** Posts the fixture blueprint of the conformance oracle. */
export function createFixtureBlueprint(bp: FixtureBlueprint): Promise<Json> {
  return admin("POST", "/v1/blueprints", bp);
}

let session: Promise<BrowserSession> | undefined;

/** The admin's browser session (signed in once per file), for rendering pages that show stored data. */
export function adminBrowser(): Promise<BrowserSession> {
  session ??= signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
  return session;
}

/**
 * Gives every body whose identifier is still the placeholder `base` a fresh identifier (bulk bodies too),
 * so a body that stays valid creates a new row instead of answering 409 each time.
 */
export function withFreshIdentifiers(wire: WireBody, base: string, fresh: () => string): WireBody {
  if (!("json" in wire)) return wire;
  const rename = (v: unknown): unknown =>
    v && typeof v === "object" && !Array.isArray(v) && (v as Json).identifier === base ? { ...(v as Json), identifier: fresh() } : v;
  const json = wire.json as Json | null;
  if (json && typeof json === "object" && Array.isArray(json.entities)) return { json: { ...json, entities: json.entities.map(rename) } };
  return { json: rename(wire.json) };
}

/** A counter-based identifier source: `prefix-1`, `prefix-2`, … */
export function identifiers(prefix: string): () => string {
  let n = 0;
  return () => {
    n += 1;
    return `${prefix}-${n}`;
  };
}
