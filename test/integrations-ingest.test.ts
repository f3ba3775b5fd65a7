import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createBlueprint, createEntity, expectError } from "./actions-helpers";
import { callJson, raw } from "./helpers";
import { createIntegration, identifiersOf, type Json, type SyncView } from "./sync-stubs/helpers";

// POST /v1/ingest/{key}: the key picks a webhook integration; the body's HMAC signature is checked as
// configured and a bad one is refused with 401 before anything is written; the event is mapped like a
// sync page and creates, updates or deletes (only entities this integration created).

const BP = "ing_svc";
const SECRET = "ingest-signing-secret";

const mapping = {
  resources: [
    {
      kind: "event",
      selector: { query: '.action = "upsert" or .action = "delete"' },
      port: {
        entity: {
          mappings: { identifier: ".service.id", title: ".service.name", blueprint: `"${BP}"`, properties: { lang: ".service.lang" } },
        },
      },
      deleteWhen: '.action = "delete"',
    },
  ],
};

async function hmac(algorithm: "SHA-256" | "SHA-1", body: string, encoding: "hex" | "base64"): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(SECRET), { name: "HMAC", hash: algorithm }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return encoding === "hex" ? [...mac].map((b) => b.toString(16).padStart(2, "0")).join("") : btoa(String.fromCharCode(...mac));
}

async function send(key: string, event: Json, headers: Record<string, string> = {}) {
  const res = await raw("POST", `/v1/ingest/${key}`, JSON.stringify(event), { "content-type": "application/json", ...headers });
  return { status: res.status, body: (await res.json()) as { ok: boolean; result: Json; error: { code: string } } };
}

/** Creates a webhook integration with the shared mapping; returns its ingest key. */
async function webhook(identifier: string, config: Json): Promise<string> {
  return (await createIntegration({ identifier, title: identifier, type: "webhook", config, mapping })).ingestKey ?? "";
}

let github = "";
let plain = "";

beforeAll(async () => {
  await createBlueprint(BP, { lang: { type: "string", enum: ["go", "ts"] } });
  github = await webhook("gh", { signature: { header: "X-Hub-Signature-256", algorithm: "sha256", prefix: "sha256=" }, secret: SECRET });
  plain = await webhook("open", {});
});

describe("ingest", () => {
  it("gives the key once and stores it hashed", async () => {
    expect(github).toMatch(/^epik_/);
    const row = await env.DB.prepare("SELECT ingest_key_hash FROM integrations WHERE identifier = 'gh'").first<{
      ingest_key_hash: string;
    }>();
    expect(row?.ingest_key_hash).toMatch(/^[0-9a-f]{64}$/);
    const view = await callJson<{ integration: Json }>("GET", "/v1/integrations/gh");
    expect(JSON.stringify(view.body)).not.toContain(github);
    expect(view.body.integration.ingestKeyHint).toBe(`…${github.slice(-4)}`);
    expect(view.body.integration.config).toMatchObject({ secret: "********" });
  });

  it("refuses a missing or wrong signature with 401 and writes nothing", async () => {
    const event = { action: "upsert", service: { id: "s-bad", name: "Bad", lang: "go" } };
    const missing = await send(github, event);
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe("invalid_signature");
    const wrong = await send(github, event, { "x-hub-signature-256": `sha256=${"0".repeat(64)}` });
    expect(wrong.status).toBe(401);
    // Signed over another body.
    const other = await send(github, event, { "x-hub-signature-256": `sha256=${await hmac("SHA-256", "{}", "hex")}` });
    expect(other.status).toBe(401);
    expect(await identifiersOf(BP)).not.toContain("s-bad");
    const history = await callJson<{ syncs: SyncView[] }>("GET", "/v1/integrations/gh/syncs");
    expect(history.body.syncs).toEqual([]);
  });

  it("creates and updates from signed events, and records each request", async () => {
    const event = { action: "upsert", service: { id: "s-1", name: "One", lang: "go" } };
    const body = JSON.stringify(event);
    const ok = await send(github, event, { "x-hub-signature-256": `sha256=${await hmac("SHA-256", body, "hex")}` });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.result).toMatchObject({ created: 1, updated: 0, deleted: 0, failed: 0 });
    const update = { action: "upsert", service: { id: "s-1", name: "One", lang: "ts" } };
    const again = await send(github, update, { "x-hub-signature-256": `sha256=${await hmac("SHA-256", JSON.stringify(update), "hex")}` });
    expect(again.body.result).toMatchObject({ created: 0, updated: 1 });
    const entity = await callJson<{ entity: { properties: Json } }>("GET", `/v1/blueprints/${BP}/entities/s-1`);
    expect(entity.body.entity.properties).toEqual({ lang: "ts" });
    const history = await callJson<{ syncs: SyncView[] }>("GET", "/v1/integrations/gh/syncs");
    expect(history.body.syncs.map((s) => `${s.trigger}:${s.status}:${s.counts.created}/${s.counts.updated}`)).toEqual([
      "INGEST:SUCCEEDED:0/1",
      "INGEST:SUCCEEDED:1/0",
    ]);
  });

  it("deletes on a delete event only what this integration created", async () => {
    await createEntity(BP, { identifier: "s-person", properties: { lang: "go" } });
    const created = await send(plain, { action: "upsert", service: { id: "s-2", name: "Two", lang: "go" } });
    expect(created.body.result).toMatchObject({ created: 1 });
    const gone = await send(plain, { action: "delete", service: { id: "s-2" } });
    expect(gone.body.result).toMatchObject({ deleted: 1, errors: [] });
    const refused = await send(plain, { action: "delete", service: { id: "s-person" } });
    expect(refused.body.result).toMatchObject({
      deleted: 0,
      errors: [{ path: `${BP}/s-person`, message: "not deleted: this integration did not create it" }],
    });
    const ids = await identifiersOf(BP);
    expect(ids).toContain("s-person");
    expect(ids).not.toContain("s-2");
    const ignored = await send(plain, { action: "ping" });
    expect(ignored.body.result).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
  });

  it("checks sha1 and base64 signatures when configured so", async () => {
    const key = await webhook("b64", { signature: { header: "X-Signature", algorithm: "sha1", encoding: "base64" }, secret: SECRET });
    const event = { action: "upsert", service: { id: "s-3", name: "Three", lang: "go" } };
    const good = await send(key, event, { "x-signature": await hmac("SHA-1", JSON.stringify(event), "base64") });
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    const sha256 = await send(key, event, { "x-signature": await hmac("SHA-256", JSON.stringify(event), "base64") });
    expect(sha256.status).toBe(401);
  });

  it("answers 404 for an unknown key and takes a rotated key only", async () => {
    expect((await send("epik_unknown", { action: "upsert" })).status).toBe(404);
    const rotated = await callJson<{ ingestKey: string }>("POST", "/v1/integrations/open/ingest-key");
    expect(rotated.status).toBe(200);
    expect((await send(plain, { action: "ping" })).status).toBe(404);
    expect((await send(rotated.body.ingestKey, { action: "ping" })).status).toBe(200);
    expectError(
      await callJson("POST", "/v1/integrations", {
        identifier: "wrongkind",
        title: "x",
        type: "webhook",
        mapping: { resources: [{ kind: "item", port: mapping.resources[0]?.port }] },
      }),
      400,
      "mapping.resources.0.kind",
    );
  });
});
