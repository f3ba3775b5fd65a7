import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hook } from "./actions-helpers";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./helpers";
import { check, expectEscaped, runs, Tally, timeoutFor } from "./hostile/checks";
import { admin, adminBrowser } from "./hostile/fixtures";
import { hostileForm, type PageForm, postForms, postPairs } from "./hostile/forms";
import { INJECTIONS, type Json } from "./hostile/generators";
import { type BrowserSession, invitedUser } from "./session";

// Hostile form posts, as a browser (or someone scripting one) could send them: the forms are read from
// the pages themselves (sign-in, invitation, first-run setup, tokens, the action run form, approvals, the
// action, blueprint and scorecard builders, templates), then posted with hostile values, hostile field
// names (form-path bombs, prototype keys), fields missing or repeated, url-encoded or multipart. Every
// answer must be < 500, show nothing unescaped, and redirect only within the portal.

const tally = new Tally();
const APPROVER = "approver@forms.test";
let approver: BrowserSession;
let waitingRun = "";

/** Pages (and who opens them) whose post forms are fuzzed; found again when the suite runs. */
const PAGES: { path: string; as: "admin" | "approver" }[] = [
  { path: "/settings/tokens", as: "admin" },
  { path: "/actions/hx_act/run", as: "admin" },
  { path: "/actions/new", as: "admin" },
  { path: "/actions/hx_act/edit", as: "admin" },
  { path: "/builder/blueprints/new", as: "admin" },
  { path: "/builder/blueprints/hx_service", as: "admin" },
  { path: "/builder/blueprints/hx_service/scorecards/new", as: "admin" },
  { path: "/builder/blueprints/hx_service/scorecards/hx_sc", as: "admin" },
  { path: "/templates", as: "admin" },
  { path: "/integrations", as: "admin" },
  { path: "/runs/{waiting}", as: "approver" },
];

/**
 * Forms a fuzzer must not send: signing out would end the session the suite posts with, and a sync or dry
 * run fetches from the integration's source over the network.
 */
const skipped = (action: string) => action === "/logout" || /\/(sync|dry-run)$/.test(action);

const action: Json = {
  identifier: "hx_act",
  title: "Act <b>now</b>",
  trigger: {
    type: "self-service",
    operation: "DAY-2",
    blueprintIdentifier: "hx_service",
    userInputs: {
      properties: {
        name: { type: "string", title: INJECTIONS[1], pattern: "^[a-z]+$" },
        size: { type: "number", minimum: 1, maximum: 5 },
        flag: { type: "boolean" },
        target: { type: "string", format: "entity", blueprint: "hx_service" },
        list: { type: "array", items: { type: "string" } },
      },
      required: ["name"],
    },
  },
  invocationMethod: { type: "WEBHOOK", url: hook("hx-forms") },
  requiredApproval: true,
  permissions: { execute: { roles: ["Member"] }, approve: { users: [APPROVER] } },
};

/** Redirects must stay inside the portal: a relative path, never `//host` or `/\host`. */
function expectSafeRedirect(res: Response, what: string): void {
  if (res.status < 300 || res.status >= 400) return;
  const location = res.headers.get("location") ?? "";
  expect(location, `${what} redirects to ${location}`).toMatch(/^\/(?![/\\])/);
}

async function expectFormAnswer(res: Response, what: string): Promise<void> {
  const text = await res.text();
  if (res.status >= 500) tally.serverErrors += 1;
  expect(res.status, `${what} answered ${res.status}: ${text.slice(0, 400)}`).toBeLessThan(500);
  if (res.status < 400) tally.accepted += 1;
  expectSafeRedirect(res, what);
  expectEscaped(text, tally, what);
}

beforeAll(async () => {
  await admin("POST", "/v1/blueprints", {
    identifier: "hx_service",
    title: "Service",
    schema: { properties: { name: { type: "string" } } },
  });
  await admin("POST", "/v1/blueprints/hx_service/entities", {
    identifier: "hx-1",
    title: INJECTIONS[0],
    properties: { name: INJECTIONS[2] },
  });
  await admin("POST", "/v1/blueprints/hx_service/scorecards", {
    identifier: "hx_sc",
    title: "Ready",
    rules: [
      {
        identifier: "named",
        title: "Named",
        level: "Gold",
        query: { combinator: "and", conditions: [{ property: "name", operator: "isNotEmpty" }] },
      },
    ],
  });
  approver = await invitedUser(APPROVER);
  await admin("POST", "/v1/actions", action);
  const run = await admin("POST", "/v1/actions/hx_act/runs", { entity: "hx-1", properties: { name: "abc" } }, 202);
  waitingRun = (run.run as { id: string }).id;
});

afterAll(() => {
  console.log(tally.summary("forms"));
});

describe("forms found on pages", () => {
  it(
    "every post form of the portal's pages takes hostile posts without a 5xx, an unescaped echo or an outside redirect",
    async () => {
      const sessions = { admin: await adminBrowser(), approver };
      const found: { page: string; form: PageForm; session: BrowserSession }[] = [];
      for (const { path, as } of PAGES) {
        const page = path.replace("{waiting}", waitingRun);
        const res = await sessions[as].page(page);
        expect(res.status, `${page} opens`).toBe(200);
        for (const form of postForms(res.html, page)) if (!skipped(form.action)) found.push({ page, form, session: sessions[as] });
      }
      expect(found.length, "the pages must offer forms to fuzz").toBeGreaterThan(8);
      const perForm = Math.max(20, Math.ceil(runs(800) / found.length));
      for (const { page, form, session } of found) {
        await check(fc.tuple(hostileForm(form), fc.boolean()), perForm, async ([pairs, multipart]) => {
          tally.count(`POST ${form.action.replace(waitingRun, "{run}")} (form on ${page.replace(waitingRun, "{run}")})`);
          const res = await postPairs(form.action, pairs, session, multipart);
          await expectFormAnswer(res, `POST ${form.action}`);
        });
      }
    },
    timeoutFor(90_000),
  );
});

describe("forms that work without a session", () => {
  const login: PageForm = {
    action: "/login",
    fields: [
      ["email", ADMIN_EMAIL],
      ["password", ADMIN_PASSWORD],
      ["next", "/catalog"],
    ],
    buttons: [],
  };
  const invite: PageForm = {
    action: "/invite",
    fields: [
      ["token", "epinv_0000000000000000000000000000000000aaaa"],
      ["name", "Eve"],
      ["password", "a long enough password"],
    ],
    buttons: [],
  };
  const setup: PageForm = {
    action: "/setup",
    fields: [
      ["email", "eve@forms.test"],
      ["name", "Eve"],
      ["password", "a long enough password"],
    ],
    buttons: [],
  };

  it(
    "sign-in, invitation and setup take hostile posts; sign-in never redirects outside the portal",
    async () => {
      const next = fc.constantFrom(
        "//evil.example",
        "/\\evil.example",
        "/\t/evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
        "/\u2028//evil",
        "/ok?x=<script>",
      );
      const arb = fc.oneof(
        { arbitrary: hostileForm(login).map((p) => ["/login", p] as const), weight: 3 },
        {
          arbitrary: next.map(
            (n) =>
              [
                "/login",
                [
                  ["email", ADMIN_EMAIL],
                  ["password", ADMIN_PASSWORD],
                  ["next", n],
                ] as [string, string][],
              ] as const,
          ),
          weight: 1,
        },
        { arbitrary: hostileForm(invite).map((p) => ["/invite", p] as const), weight: 2 },
        { arbitrary: hostileForm(setup).map((p) => ["/setup", p] as const), weight: 2 },
      );
      await check(fc.tuple(arb, fc.boolean()), runs(300), async ([[path, pairs], multipart]) => {
        tally.count(`POST ${path} (anonymous)`);
        await expectFormAnswer(await postPairs(path, pairs, null, multipart), `POST ${path}`);
      });
    },
    timeoutFor(60_000),
  );

  it("the first admin is still the only admin, and still signs in", async () => {
    const users = await admin("GET", "/v1/users", undefined, 200);
    const admins = (users.users as { email: string; roles: string[] }[]).filter((u) => u.roles.includes("Admin")).map((u) => u.email);
    expect(admins).toEqual([ADMIN_EMAIL]);
  });
});

describe("totals", () => {
  it("the suite tried what it promises", () => {
    expect(tally.total).toBeGreaterThanOrEqual(runs(1100));
    expect(tally.serverErrors).toBe(0);
  });
});
