import { beforeAll, describe, expect, it } from "vitest";
import { countdown } from "../views/components/property-value";
import { eventually, receiver } from "./actions-helpers";
import { blueprintBody, call, callJson, createUserToken } from "./helpers";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const INJECTED = "<img src=x onerror=alert(1)>";

async function page(path: string, headers: Record<string, string> = {}): Promise<{ status: number; html: string }> {
  const res = await call("GET", path, undefined, headers);
  return { status: res.status, html: await res.text() };
}

/** The rendered `<time>` element of a timer value (what the table or the entity page shows). */
function timerElement(html: string, iso: string): string {
  const at = html.indexOf(`datetime="${iso}"`);
  expect(at, `no <time datetime="${iso}">`).toBeGreaterThan(-1);
  const start = html.lastIndexOf("<time", at);
  return html.slice(start, html.indexOf("</time>", at) + "</time>".length);
}

const past = new Date(Date.now() - HOUR).toISOString();
// 4 days, 3 hours and a half: "in 4d 3h" for the next half hour.
const future = new Date(Date.now() + 4 * DAY + 3.5 * HOUR).toISOString();

beforeAll(async () => {
  const bp = blueprintBody("box", {
    schema: {
      properties: { expiresAt: { type: "string", format: "timer", title: "Expires" }, flag: { type: "boolean" } },
      required: [],
    },
  });
  expect((await callJson("POST", "/v1/blueprints", bp)).status).toBe(201);
  const automations = [
    {
      identifier: "box_flagged",
      title: "Flagged boxes",
      trigger: {
        type: "automation",
        event: { type: "ENTITY_CREATED", blueprintIdentifier: "box" },
        condition: { type: "JQ", expressions: [".diff.after.properties.flag == true"], combinator: "and" },
      },
      invocationMethod: { type: "UPSERT_ENTITY", blueprintIdentifier: "box", mapping: { properties: { flag: false } } },
    },
    {
      identifier: "box_broken",
      title: "A condition that fails",
      trigger: {
        type: "automation",
        event: { type: "ENTITY_CREATED", blueprintIdentifier: "box" },
        condition: { type: "JQ", expressions: [`$error("${INJECTED.replaceAll('"', '\\"')}")`], combinator: "and" },
      },
      invocationMethod: { type: "DELETE_ENTITY", blueprintIdentifier: "box" },
    },
  ];
  for (const a of automations) {
    const r = await callJson("POST", "/v1/automations", a);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  const sub = await callJson("POST", "/v1/webhooks", { title: "boxes", url: `${receiver}/hook/events-ui`, blueprints: ["box"] });
  expect(sub.status, JSON.stringify(sub.body)).toBe(201);
  for (const [identifier, properties] of [
    ["old-box", { expiresAt: past }],
    ["new-box", { expiresAt: future, flag: true }],
  ] as const) {
    expect((await callJson("POST", "/v1/blueprints/box/entities", { identifier, properties })).status).toBe(201);
  }
});

describe("timer values", () => {
  it("counts down in the two largest units", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(countdown(now + 4 * DAY + 3 * HOUR + 59_000, now)).toBe("4d 3h");
    expect(countdown(now + 2 * DAY, now)).toBe("2d");
    expect(countdown(now + 3 * HOUR + 12 * 60_000, now)).toBe("3h 12m");
    expect(countdown(now + 12 * 60_000 + 5000, now)).toBe("12m");
    expect(countdown(now + 40_000, now)).toBe("40s");
  });

  it("shows Expired (a badge) once past and a countdown before, with the exact time, in the table and on the entity page", async () => {
    const table = await page("/blueprints/box");
    expect(table.status).toBe(200);
    const pages = [
      table.html,
      (await page("/blueprints/box/entities/old-box")).html,
      (await page("/blueprints/box/entities/new-box")).html,
    ];
    const expired = timerElement(pages[0] ?? "", past);
    expect(expired).toContain(">Expired</time>");
    expect(expired).toContain("badge");
    expect(expired).toContain(`title="Expired at ${past}"`);
    const pending = timerElement(pages[0] ?? "", future);
    expect(pending).toMatch(/>in 4d 3h<\/time>$/);
    expect(pending).toContain(`title="${future}"`);
    expect(timerElement(pages[1] ?? "", past)).toContain(">Expired</time>");
    expect(timerElement(pages[2] ?? "", future)).toContain(">in 4d 3h</time>");
  });
});

describe("events page", () => {
  it("lists events with the runs, skips and deliveries they set off, and pages older ones", async () => {
    // Wait until the flagged box's automation ran and the subscription delivered its creation.
    const created = await eventually(async () => {
      const r = await callJson<{
        events: { id: string; type: string; context: { entityIdentifier: string }; automations: { runId: string | null }[] }[];
      }>("GET", "/v1/events?blueprint=box&limit=200");
      const e = r.body.events.find((x) => x.type === "ENTITY_CREATED" && x.context.entityIdentifier === "new-box");
      const got = await (await fetch(`${receiver}/received/events-ui`)).json();
      return e?.automations.some((a) => a.runId) && (got as unknown[]).length >= 2 ? e : null;
    });
    const runId = created.automations.find((a) => a.runId)?.runId as string;
    await eventually(async () => {
      const html = (await page("/events?blueprint=box")).html;
      return html.includes("DELIVERED") ? html : null;
    });
    const { status, html } = await page("/events?blueprint=box");
    expect(status).toBe(200);
    expect(html).toContain('<a href="/events">Events</a>');
    expect(html).toContain("ENTITY_CREATED");
    expect(html).toContain('href="/blueprints/box/entities/new-box"');
    expect(html).toContain(`href="/runs/${runId}"`);
    expect(html).toContain("condition false"); // box_flagged on old-box
    expect(html).toContain("box_broken");
    expect(html).toMatch(/DELIVERED<\/span>\s*<span class="muted small">1 attempt/);
    // The failing condition's message is shown escaped.
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain(INJECTED);

    const all = await callJson<{ events: unknown[] }>("GET", "/v1/events?blueprint=box&limit=200");
    expect(all.body.events.length).toBeGreaterThan(2);
    const first = await page("/events?blueprint=box");
    const older = /href="(\/events\?blueprint=box&amp;cursor=ev_\d+)"/.exec(first.html);
    if (all.body.events.length > 50) {
      expect(older).not.toBeNull();
      const next = await page((older?.[1] ?? "").replaceAll("&amp;", "&"));
      expect(next.status).toBe(200);
    }
    // Paging by cursor: events before the newest one only.
    const newest = /<tr id="(ev_\d+)"/.exec(first.html)?.[1] as string;
    const paged = await page(`/events?blueprint=box&cursor=${newest}`);
    expect(paged.status).toBe(200);
    expect(paged.html).not.toContain(`<tr id="${newest}"`);
    expect((await page("/events?cursor=nope")).status).toBe(400);
  }, 20_000);

  it("escapes what it reflects", async () => {
    const { status, html } = await page(`/events?blueprint=${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(status).toBe(200);
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("is for admins: a Member gets 403 and no nav link", async () => {
    const token = await createUserToken("member-events@portal.test", { roles: ["Member"] });
    const res = await call("GET", "/events", undefined, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(403);
    const home = await call("GET", "/", undefined, { authorization: `Bearer ${token}` });
    expect(await home.text()).not.toContain('href="/events"');
  });
});
