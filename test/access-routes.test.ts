import { beforeAll, describe, expect, it } from "vitest";
import { A, type Actor, B, buildAccessWorld, forbiddenFor, ownEntities, runIds, sendAs, type Via } from "./hostile/access-fixture";
import { streamText } from "./hostile/checks";

// The permission matrix of test/access.test.ts, extended to every route added since: actions, runs (API,
// pages, SSE streams), approvals, automations, webhooks, events, scorecards, initiatives, team pages,
// templates, integrations, audit, search and its dropdown, the home page and the builders. Five actors:
// anonymous, alice (team alpha), bob (team beta), mod (service-moderator, no team) and the admin.
//
// Two checks per cell: the status, and — for every answer an actor gets — that it holds nothing the actor
// may not read: the other team's entity (identifier, title, property value), the other member's run id,
// and the actions' webhook URL (only managers see invocations). The portal has no export routes.

type Expected = Partial<Record<Actor, number | number[]>>;
type Options = { method?: string; body?: unknown; lists?: Actor[] };

const REDIRECT = [302, 303];
const ALL: Expected = { anon: 401, alice: 200, bob: 200, mod: 200, admin: 200 };
const ADMIN_ONLY: Expected = { anon: 401, alice: 403, bob: 403, mod: 403, admin: 200 };
const MANAGERS: Expected = { anon: REDIRECT, alice: 403, bob: 403, mod: 200, admin: 200 };
const SIGNED_IN: Expected = { anon: REDIRECT, alice: 200, bob: 200, mod: 200, admin: 200 };
/** Bob's run: bob, the action's managers (mod) and admins read it; alice gets the 404 of an unknown run. */
const BOBS: Expected = { anon: 401, alice: 404, bob: 200, mod: 200, admin: 200 };

/** `{bobRun}`, `{aliceRun}`, `{gatedRun}` and `{B}` in a path, filled in once the fixture exists. */
function resolve(path: string): string {
  return path
    .replace("{bobRun}", runIds.bobRun)
    .replace("{aliceRun}", runIds.aliceRun)
    .replace("{gatedRun}", runIds.gatedRun)
    .replace("{B}", B.id);
}

/** The answer's text: a stream (SSE) is read for a moment, then cancelled. */
async function textOf(res: Response): Promise<string> {
  return (res.headers.get("content-type") ?? "").startsWith("text/event-stream") ? streamText(res, 300) : res.text();
}

/** One test per actor: the status, no forbidden marker in the answer, and the actor's own entities where listed. */
function matrix(via: Via, pathTemplate: string, expected: Expected, opts: Options = {}) {
  const method = opts.method ?? "GET";
  describe(`${method} ${pathTemplate}${via === "page" && !pathTemplate.startsWith("/v1") ? " (page)" : ""}`, () => {
    for (const [actor, status] of Object.entries(expected) as [Actor, number | number[]][]) {
      it(`${actor} → ${status}`, async () => {
        const path = resolve(pathTemplate);
        const res = await sendAs(actor, via, method, path, opts.body);
        const text = await textOf(res);
        expect([status].flat(), `${path} as ${actor}: ${text.slice(0, 300)}`).toContain(res.status);
        // An answer may repeat what the caller sent (an id in an error message): that reveals nothing.
        const sent = `${path} ${JSON.stringify(opts.body ?? "")}`;
        for (const secret of forbiddenFor(actor).filter((m) => !sent.includes(m))) {
          expect(text, `${path} shows ${actor} '${secret}'`).not.toContain(secret);
        }
        if (res.status === 200 && opts.lists?.includes(actor)) {
          for (const own of ownEntities(actor)) expect(text, `${actor}'s own ${own}`).toContain(own);
        }
      });
    }
  });
}

const api = (path: string, expected: Expected, opts?: Options) => matrix("api", path, expected, opts);
const page = (path: string, expected: Expected, opts?: Options) => matrix("page", path, expected, opts);

beforeAll(buildAccessWorld);

describe("fixture", () => {
  it("alice reads only alpha's service, bob only beta's, mod and admin both", async () => {
    for (const actor of ["alice", "bob", "mod", "admin"] as const) {
      const res = await sendAs(actor, "api", "GET", "/v1/blueprints/service/entities");
      const listed = ((await res.json()) as { entities: { identifier: string }[] }).entities.map((e) => e.identifier).sort();
      expect(listed, actor).toEqual(ownEntities(actor).sort());
    }
  });
});

describe("runs, their streams and approvals", () => {
  api("/v1/actions/runs", ALL);
  api("/v1/actions/runs/{bobRun}", BOBS);
  api("/v1/actions/runs/{bobRun}/logs", BOBS);
  api("/v1/actions/runs/{bobRun}/stream", BOBS);
  api("/v1/actions/runs/{aliceRun}/stream", { bob: 404, alice: 200 });
  api("/v1/actions/runs/{bobRun}", { anon: 401, alice: [403, 404], bob: 403 }, { method: "PATCH", body: { statusLabel: "x" } });
  api("/v1/actions/runs/{bobRun}/logs", { anon: 401, alice: [403, 404], bob: 403 }, { method: "POST", body: { message: "x" } });
  api("/v1/actions/runs/{gatedRun}/approval", { anon: 401, alice: 403, bob: 404 }, { method: "PATCH", body: { status: "DECLINE" } });
  // As on GET (docs/security.md: reading an unreadable entity directly is a 403), a run on it is refused.
  api("/v1/actions/deploy/runs", { anon: 401, alice: 403 }, { method: "POST", body: { entity: B.id, properties: {} } });

  it("a hidden entity picked as an input answers exactly as one that does not exist", async () => {
    const answer = async (target: string) => {
      const res = await sendAs("alice", "api", "POST", "/v1/actions/deploy/runs", { entity: A.id, properties: { target } });
      return { status: res.status, text: (await res.text()).replace(/"requestId":"[^"]+"/, "").replaceAll(target, "ID") };
    };
    const hidden = await answer(B.id);
    expect(hidden).toEqual(await answer("ghost-svc-00"));
    expect(hidden.status).toBe(400);
  });

  page("/runs/{bobRun}", { anon: REDIRECT, alice: 404, bob: 200, mod: 200, admin: 200 });
  page("/runs/{bobRun}/events", { anon: REDIRECT, alice: 404, bob: 200, admin: 200 });
  page("/runs/{bobRun}/history", { anon: REDIRECT, alice: 404, bob: 200 });
  page("/runs?all=1", SIGNED_IN);
  page("/approvals", SIGNED_IN);
  page("/runs/{gatedRun}/approval", { alice: 403, bob: 404 }, { method: "POST", body: "status=APPROVE" });

  it("mod, the approver, sees the gated run waiting for approval; alice does not get an approval form", async () => {
    expect(await (await sendAs("mod", "page", "GET", "/approvals")).text()).toContain(runIds.gatedRun);
    expect(await (await sendAs("alice", "page", "GET", "/approvals")).text()).not.toContain(`/runs/${runIds.gatedRun}/approval`);
  });
});

describe("actions, automations, webhooks, events", () => {
  api("/v1/actions", ALL);
  api("/v1/actions/deploy", { anon: 401, alice: 200, bob: 200, mod: 200 });
  api("/v1/actions/deploy", { anon: 401, alice: 403, bob: 403 }, { method: "PUT", body: { identifier: "deploy", title: "x" } });
  api("/v1/actions/deploy/permissions", { anon: 401, alice: 403, bob: 403, mod: 200, admin: 200 });
  page("/self-service", { anon: REDIRECT, alice: 200, bob: 200, mod: 200 });
  page("/actions/deploy/run?entity={B}", { alice: [403, 404], bob: 200 });
  page(
    "/actions/deploy/inputs/target/options?q=svc",
    { anon: REDIRECT, alice: 200, bob: 200, mod: 200 },
    { lists: ["alice", "bob", "mod"] },
  );
  page("/actions/new", MANAGERS);
  page("/actions/deploy/edit", { alice: 403, bob: 403, mod: 200 });
  for (const path of ["/v1/automations", "/v1/automations/auto", "/v1/webhooks", "/v1/events"]) api(path, ADMIN_ONLY);
  page("/events", { anon: REDIRECT, alice: 403, bob: 403, mod: 403, admin: 200 });
});

describe("scorecards, initiatives and team pages", () => {
  const everyone = ["alice", "bob", "mod", "admin"] as Actor[];
  api("/v1/blueprints/service/scorecards/ready/results", ALL, { lists: everyone });
  api("/v1/blueprints/service/scorecards/ready/history", ALL);
  api("/v1/blueprints/service/scorecards/ready/exemptions", ALL);
  const exemption = { rule: "noted", entity: B.id, reason: "x" };
  api("/v1/blueprints/service/scorecards/ready/exemptions", { anon: 401, alice: 403, bob: 403 }, { method: "POST", body: exemption });
  api("/v1/initiatives/gold/progress", ALL);
  page("/blueprints/service/scorecards/ready", { anon: REDIRECT, alice: 200, bob: 200, mod: 200 }, { lists: ["alice", "bob", "mod"] });
  page("/initiatives/gold", { anon: REDIRECT, alice: 200, bob: 200, mod: 200 });
  page("/teams/beta", { anon: REDIRECT, alice: 200, bob: 200, mod: 200 });
  page("/teams/alpha", { alice: 200, bob: 200 });
  page("/builder/blueprints/service/scorecards/ready", MANAGERS);
});

describe("search, catalog pages and home", () => {
  const readers = ["alice", "bob", "mod"] as Actor[];
  api("/v1/entities/search", ALL, { method: "POST", body: {}, lists: [...readers, "admin"] });
  api("/v1/search?q=svc", { anon: 401, alice: 200, bob: 200, mod: 200 }, { lists: readers });
  api("/v1/search?q=ONLY-title", { alice: 200, bob: 200 });
  page("/search?q=svc", { anon: REDIRECT, alice: 200, bob: 200, mod: 200 }, { lists: readers });
  page("/search/suggest?q=prop", { anon: REDIRECT, alice: 200, bob: 200 });
  page("/blueprints/service", { anon: REDIRECT, alice: 200, bob: 200, mod: 200 }, { lists: readers });
  page("/blueprints/service?f=note%3Acontains%3Aprop", { alice: 200, bob: 200 }, { lists: ["alice", "bob"] });
  page("/blueprints/service/entities/{B}", { anon: REDIRECT, alice: 403, bob: 200, mod: 200 });
  page("/", SIGNED_IN);
  page("/catalog", { anon: REDIRECT, alice: 200, bob: 200 });
  page("/audit", { anon: REDIRECT, alice: 403, bob: 403, mod: 403, admin: 200 });
  api("/v1/audit-log?entity={B}", ADMIN_ONLY);
});

describe("templates, integrations and builders", () => {
  api("/v1/templates", { anon: 401, alice: 200, admin: 200 });
  api("/v1/templates/sdlc", { anon: 401, alice: 403, mod: 403, admin: 200 });
  page("/templates", { anon: REDIRECT });
  page("/templates/sdlc", { alice: 403, mod: 403 }, { method: "POST", body: "" });
  api("/v1/integrations", ADMIN_ONLY);
  page("/integrations", { anon: REDIRECT, alice: 403, bob: 403, mod: 403, admin: 200 });
  const integration = { identifier: "x", title: "x", type: "webhook", config: {}, mapping: { resources: [] } };
  api("/v1/integrations", { anon: 401, alice: 403, mod: 403 }, { method: "POST", body: integration });
  page("/builder", { anon: REDIRECT, alice: [200, 403], mod: 200, admin: 200 });
  page("/builder/blueprints/new", { anon: REDIRECT, alice: 403, mod: 403, admin: 200 });
  page("/builder/blueprints/service", { alice: 403, bob: 403, mod: 200 });
});
