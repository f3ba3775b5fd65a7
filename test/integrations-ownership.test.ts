import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createBlueprint, createEntity } from "./actions-helpers";
import { call } from "./helpers";
import { createIntegration, identifiersOf, itemMapping, scenario, stub, syncThroughQueue } from "./sync-stubs/helpers";

// An integration owns the entities it created, not their identifiers: once such an entity is deleted (here
// by a person), a later entity with the same identifier is not the integration's to delete.

const BP = "own_svc";

async function ownedBy(integration: string): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT identifier FROM integration_entities WHERE integration = ? ORDER BY identifier")
    .bind(integration)
    .all<{ identifier: string }>();
  return rows.results.map((r) => r.identifier);
}

beforeAll(async () => {
  await createBlueprint(BP, { lang: { type: "string" } });
});

describe("ownership of synced entities", () => {
  it("ends when the entity is deleted, so a person's re-created entity survives the next reconciliation", async () => {
    await scenario("owna", {
      items: [
        { id: "o-0", name: "O 0", lang: "go" },
        { id: "o-1", name: "O 1", lang: "go" },
      ],
    });
    await createIntegration({
      identifier: "owna",
      title: "owna",
      type: "http-json",
      config: { url: `${stub}/json/owna/plain` },
      mapping: itemMapping(BP),
    });
    expect((await syncThroughQueue("owna")).counts.created).toBe(2);
    expect(await ownedBy("owna")).toEqual(["o-0", "o-1"]);

    // A person deletes the synced o-0 and creates their own o-0.
    expect((await call("DELETE", `/v1/blueprints/${BP}/entities/o-0`)).status).toBe(200);
    expect(await ownedBy("owna")).toEqual(["o-1"]);
    await createEntity(BP, { identifier: "o-0", properties: { lang: "ts" } });

    // The source stops returning o-0 (and keeps o-1): nothing of the integration's is missing.
    await scenario("owna", { items: [{ id: "o-1", name: "O 1", lang: "go" }] });
    const sync = await syncThroughQueue("owna");
    expect(sync.status, JSON.stringify(sync)).toBe("SUCCEEDED");
    expect(sync.counts.deleted).toBe(0);
    expect(await identifiersOf(BP)).toEqual(expect.arrayContaining(["o-0", "o-1"]));
  });
});
