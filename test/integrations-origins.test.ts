import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import { findSync } from "../src/db/integration-sync-store";
import type { HttpJsonConfig } from "../src/domain/integrations/definition";
import { DEFAULT_MAPPINGS } from "../src/domain/integrations/presets";
import { httpJsonSource } from "../src/domain/integrations/sources/http-json";
import { syncNow } from "../src/domain/integrations/sync-start";
import { createBlueprint, expectError } from "./actions-helpers";
import { callJson } from "./helpers";
import {
  ADMIN,
  capturingRuntime,
  createIntegration,
  drain,
  identifiersOf,
  itemMapping,
  type Json,
  scenario,
  stub,
} from "./sync-stubs/helpers";

// Secrets stay with the server they were entered for: a followed Backstage Location or a next-page link
// on another origin is not fetched (the fetch is partial, nothing is deleted), and an update that points
// an integration elsewhere must re-enter the secrets instead of keeping them masked.

const db = () => database(env.DB);
const BP = "origin_svc";
const TOKEN = "Bearer origin-s3cr3t";

interface Sent {
  url: string;
  authorization: string | null;
}

/** A runtime whose fetches are recorded; `fake` answers the hosts the test makes up, the rest go to the stub. */
function recordingRuntime(fake: (url: URL) => Response | null = () => null) {
  const runtime = capturingRuntime();
  const sent: Sent[] = [];
  runtime.fetcher = async (input, init) => {
    const request = new Request(input, init);
    sent.push({ url: request.url, authorization: request.headers.get("authorization") });
    return fake(new URL(request.url)) ?? fetch(request);
  };
  return { runtime, sent };
}

async function runSync(identifier: string, runtime: ReturnType<typeof capturingRuntime>) {
  const started = await syncNow(db(), runtime, ADMIN, identifier);
  await drain(runtime);
  return findSync(db(), started.id);
}

const domainFile = (...names: string[]) =>
  names.map((n) => `apiVersion: backstage.io/v1alpha1\nkind: Domain\nmetadata:\n  name: ${n}\nspec:\n  owner: team-a\n`).join("---\n");
const locationFile = (...targets: string[]) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\nspec:\n  targets: [${targets.join(", ")}]\n`;

beforeAll(async () => {
  expect((await callJson("POST", "/v1/templates/sdlc/apply")).status).toBe(200);
  await createBlueprint(BP, { lang: { type: "string" } });
});

describe("backstage Location targets", () => {
  it("follows targets on config.url's origin with the headers, and does not fetch one elsewhere", async () => {
    await scenario("orig1", {
      files: { "catalog-info.yaml": locationFile("./a.yaml", "./b.yaml"), "a.yaml": domainFile("dom-a"), "b.yaml": domainFile("dom-b") },
    });
    await createIntegration({
      identifier: "orig1",
      title: "Backstage",
      type: "backstage",
      config: { url: `${stub}/files/orig1/catalog-info.yaml`, headers: { Authorization: TOKEN } },
      mapping: DEFAULT_MAPPINGS.backstage,
    });
    const first = recordingRuntime();
    expect(await runSync("orig1", first.runtime)).toMatchObject({ status: "SUCCEEDED", created: 2 });
    expect(first.sent.map((s) => s.authorization)).toEqual([TOKEN, TOKEN, TOKEN]);

    // The catalog now points b.yaml at another server: it is not asked at all, and dom-b (missing from
    // what was read) is not deleted, because the fetch was partial.
    await scenario("orig1", {
      files: { "catalog-info.yaml": locationFile("./a.yaml", "https://evil.example/b.yaml"), "a.yaml": domainFile("dom-a") },
    });
    const evil = recordingRuntime((url) => (url.hostname === "evil.example" ? new Response(domainFile("dom-b")) : null));
    const second = await runSync("orig1", evil.runtime);
    expect(evil.sent.filter((s) => !s.url.startsWith(stub))).toEqual([]);
    expect(evil.sent.map((s) => s.url)).toEqual([`${stub}/files/orig1/catalog-info.yaml`, `${stub}/files/orig1/a.yaml`]);
    expect(second).toMatchObject({ status: "PARTIAL", fetchComplete: false, deleted: 0 });
    expect(second?.errors.map((e) => e.message)).toContainEqual(
      expect.stringMatching(/Location target 'https:\/\/evil\.example\/b\.yaml' is not on http:\/\/127\.0\.0\.1:\d+; not read/),
    );
    expect((await identifiersOf("Domain")).filter((id) => id.startsWith("dom-"))).toEqual(["dom-a", "dom-b"]);
  });
});

describe("http-json next-page links", () => {
  const page = (ids: string[], next: string | null) => Response.json({ items: ids.map((id) => ({ id, name: id, lang: "go" })), next });

  it("follows a link on config.url's origin with the secret headers, and refuses one elsewhere", async () => {
    await createIntegration({
      identifier: "orig2",
      title: "Paged",
      type: "http-json",
      config: {
        url: "https://items.example/list",
        secretHeaders: { Authorization: TOKEN },
        itemsPath: ".items",
        pagination: { type: "next-url", nextPath: ".next" },
      },
      mapping: itemMapping(BP),
    });
    const { runtime, sent } = recordingRuntime((url) => {
      if (url.hostname === "evil.example") return page(["o-stolen"], null);
      return url.searchParams.get("page") === "2" ? page(["o-2"], "https://evil.example/list?page=3") : page(["o-1"], "/list?page=2");
    });
    const sync = await runSync("orig2", runtime);
    expect(sent).toEqual([
      { url: "https://items.example/list", authorization: TOKEN },
      { url: "https://items.example/list?page=2", authorization: TOKEN },
    ]);
    expect(sync).toMatchObject({ status: "PARTIAL", fetchComplete: false, created: 2 });
    expect(sync?.errors).toContainEqual({
      path: "config.pagination",
      message: "the next-page URL 'https://evil.example/list?page=3' is not on https://items.example; not followed",
    });
    expect((await identifiersOf(BP)).filter((id) => id.startsWith("o-"))).toEqual(["o-1", "o-2"]);
  });

  it("refuses a recorded cursor on another origin without sending anything", async () => {
    const config: HttpJsonConfig = {
      url: "https://items.example/list",
      method: "GET",
      headers: {},
      secretHeaders: { Authorization: TOKEN },
      itemsPath: ".items",
      kind: "item",
      pagination: { type: "next-url", nextPath: ".next" },
    };
    const sent: string[] = [];
    const source = httpJsonSource(config, async (input) => {
      sent.push(String(input instanceof Request ? input.url : input));
      return page([], null);
    });
    await expect(source.fetchPage("https://evil.example/list?page=2", 10)).rejects.toThrow(/is not on https:\/\/items\.example/);
    expect(sent).toEqual([]);
  });
});

describe("changing where an integration's secrets go", () => {
  async function put(identifier: string, change: (config: Json) => Json) {
    const read = await callJson<{ integration: Json & { config: Json } }>("GET", `/v1/integrations/${identifier}`);
    return callJson("PUT", `/v1/integrations/${identifier}`, { ...read.body.integration, config: change(read.body.integration.config) });
  }
  const refused = (res: { status: number; body: unknown }, paths: string[]) => {
    const error = expectError(res, 400);
    expect(error.details.map((d) => d.path).sort()).toEqual(paths);
    for (const d of error.details) expect(d.message).toMatch(/^re-enter the secrets when the destination changes/);
  };

  it("http-json: another origin with the secrets masked or left out is refused; re-entered, or on the same origin, it is kept", async () => {
    await createIntegration({
      identifier: "orig3",
      title: "Moves",
      type: "http-json",
      config: { url: "https://items.example/list", secretHeaders: { Authorization: TOKEN, "X-Key": "k" } },
      mapping: itemMapping(BP),
    });
    refused(await put("orig3", (c) => ({ ...c, url: "https://evil.example/list" })), [
      "config.secretHeaders.Authorization",
      "config.secretHeaders.X-Key",
    ]);
    refused(await put("orig3", (c) => ({ ...c, url: "https://evil.example/list", secretHeaders: undefined })), [
      "config.secretHeaders.Authorization",
      "config.secretHeaders.X-Key",
    ]);
    refused(
      await put("orig3", (c) => ({ ...c, url: "http://items.example/list", secretHeaders: { Authorization: "********", "X-Key": "new" } })),
      ["config.secretHeaders.Authorization"],
    );
    // Same origin, another path: still the server the secrets were entered for.
    expect((await put("orig3", (c) => ({ ...c, url: "https://items.example/v2/list" }))).status).toBe(200);
    const moved = await put("orig3", (c) => ({ ...c, url: "https://new.example/list", secretHeaders: { Authorization: "Bearer new" } }));
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const read = await callJson<{ integration: { config: Json } }>("GET", "/v1/integrations/orig3");
    expect(read.body.integration.config).toMatchObject({ url: "https://new.example/list", secretHeaders: { Authorization: "********" } });
  });

  it("aws-cloudcontrol and backstage: the endpoint or catalog URL counts as the destination", async () => {
    await createIntegration({
      identifier: "orig4",
      title: "AWS",
      type: "aws-cloudcontrol",
      config: { regions: ["us-east-1"], accessKeyId: "AKIAORIGINTEST0001", secretAccessKey: "origin-secret-key-0123", sessionToken: "tok" },
      mapping: DEFAULT_MAPPINGS["aws-cloudcontrol"],
    });
    refused(await put("orig4", (c) => ({ ...c, endpoint: "https://evil.example/" })), ["config.secretAccessKey", "config.sessionToken"]);
    expect((await put("orig4", (c) => ({ ...c, regions: ["eu-west-1"] }))).status).toBe(200);

    await createIntegration({
      identifier: "orig5",
      title: "Backstage",
      type: "backstage",
      config: { url: "https://git.example/catalog-info.yaml", headers: { Authorization: TOKEN } },
      mapping: DEFAULT_MAPPINGS.backstage,
    });
    refused(await put("orig5", (c) => ({ ...c, url: "https://evil.example/catalog-info.yaml" })), ["config.headers.Authorization"]);
    // Pasted text sends the headers nowhere; pointing it at a URL afterwards is a change again.
    expect((await put("orig5", (c) => ({ ...c, url: undefined, text: domainFile("dom-p") }))).status).toBe(200);
    refused(await put("orig5", (c) => ({ ...c, text: undefined, url: "https://evil.example/catalog-info.yaml" })), [
      "config.headers.Authorization",
    ]);
  });
});

describe("redirects from a source", () => {
  const secretRequest = () => new Request("https://items.example/list", { headers: { "x-api-key": "k3y" } });

  it("are followed on the configured origin, with the headers", async () => {
    const { fetchText } = await import("../src/domain/integrations/sources/source");
    const seen: Sent[] = [];
    const text = await fetchText(async (input, init) => {
      const r = new Request(input, init);
      seen.push({ url: r.url, authorization: r.headers.get("x-api-key") });
      return r.url === "https://items.example/list"
        ? new Response(null, { status: 302, headers: { location: "/v2/list" } })
        : new Response("[]");
    }, secretRequest());
    expect(text).toBe("[]");
    expect(seen).toEqual([
      { url: "https://items.example/list", authorization: "k3y" },
      { url: "https://items.example/v2/list", authorization: "k3y" },
    ]);
  });

  it("to another origin are not followed: the headers never leave the configured server", async () => {
    const { fetchText, SourceError } = await import("../src/domain/integrations/sources/source");
    const seen: string[] = [];
    const fetcher = async (input: Request | string, init?: RequestInit) => {
      // The runtime must not follow redirects by itself (it would take the headers anywhere).
      expect(init?.redirect).toBe("manual");
      seen.push(new Request(input, init).url);
      return new Response(null, { status: 307, headers: { location: "https://evil.example/steal" } });
    };
    await expect(fetchText(fetcher, secretRequest())).rejects.toBeInstanceOf(SourceError);
    expect(seen).toEqual(["https://items.example/list"]);
  });
});
