import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createBlueprint, eventually } from "./actions-helpers";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./helpers";
import { type BrowserSession, invitedUser, signIn } from "./session";
import { itemMapping, scenario, stub } from "./sync-stubs/helpers";

// The integration pages: list and create form (type-specific fields swapped by htmx, errors beside their
// fields), the detail page (secrets masked), Sync now and Dry run as htmx fragments, a webhook's ingest URL
// shown once, admins only, CSRF, escaping.

const INJECTED = "<script>alert(1)</script>";
const HTMX = { "hx-request": "true" };
let admin: BrowserSession;

function fields(values: Record<string, string>): Record<string, string> {
  return {
    type: "http-json",
    "schedule.everyMinutes": "",
    "deletion.onMissing": "delete",
    "deletion.maxShare": "50",
    pageSize: "100",
    enabled: "on",
    mapping: JSON.stringify(itemMapping("ui_svc")),
    ...values,
  };
}

/** The field block of `name` in a rendered form. */
function field(html: string, name: string): string {
  const id = `f-${name.replaceAll(".", "-")}`;
  const at = html.lastIndexOf('<div class="field', html.indexOf(`id="${id}"`));
  return html.slice(at, html.indexOf("</div>", html.indexOf(`id="${id}"`)) + 6);
}

beforeAll(async () => {
  await createBlueprint("ui_svc", { lang: { type: "string" } });
  admin = await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
});

describe("integration pages", () => {
  it("lists integrations and offers a create form whose fields follow the type", async () => {
    const list = await admin.page("/integrations");
    expect(list.status).toBe(200);
    expect(list.html).toContain("No integrations yet");
    expect(list.html).toMatch(/<input type="hidden" name="_csrf" value="[^"]+"/);
    expect(list.html).toContain('hx-get="/integrations/type-fields"');
    expect(list.html).toContain('name="config.url"');
    const aws = await admin.page("/integrations/type-fields?type=aws-cloudcontrol", HTMX);
    expect(aws.status).toBe(200);
    expect(aws.html).not.toContain("<html");
    expect(aws.html).toContain('name="config.regions"');
    expect(aws.html).toContain('name="config.secretAccessKey"');
    expect(aws.html).toContain("AWS::Lambda::Function");
  });

  it("shows each problem next to its field and keeps what was typed", async () => {
    const res = await admin.post(
      "/integrations",
      fields({
        identifier: "ui-bad",
        title: "Bad",
        "config.url": "ftp://nope",
        "config.headers": "no colon here",
        "schedule.everyMinutes": "2",
      }),
    );
    expect(res.status).toBe(400);
    expect(field(res.html, "config.headers")).toContain("line 1: write &#39;Name: value&#39;");
    const retried = await admin.post(
      "/integrations",
      fields({ identifier: "ui-bad", title: "Bad", "config.url": "ftp://nope", "schedule.everyMinutes": "2" }),
    );
    expect(field(retried.html, "config.url")).toContain("must be an absolute http(s) URL");
    expect(field(retried.html, "config.url")).toContain('value="ftp://nope"');
    expect(field(retried.html, "schedule.everyMinutes")).toContain("must be at least 5");
    const mapping = await admin.post(
      "/integrations",
      fields({ identifier: "ui-bad", title: "Bad", "config.url": `${stub}/x`, mapping: "resources: [" }),
    );
    expect(field(mapping.html, "mapping")).toContain("is not valid YAML or JSON");
  });

  it("creates an integration, masks its secrets, runs Sync now and a dry run as fragments", async () => {
    await scenario("ui1", { items: [{ id: "u-1", name: INJECTED, lang: "go" }] });
    const created = await admin.post(
      "/integrations",
      fields({
        identifier: "ui1",
        title: `UI ${INJECTED}`,
        "config.url": `${stub}/json/ui1/plain`,
        "config.secretHeaders": "Authorization: Bearer ui-secret-1",
      }),
    );
    expect(created.status).toBe(303);
    expect(created.headers.get("location")).toBe("/integrations/ui1");
    const page = await admin.page("/integrations/ui1");
    expect(page.status).toBe(200);
    expect(page.html).not.toContain("ui-secret-1");
    expect(page.html).toContain("Authorization: ********");
    expect(page.html).not.toContain(INJECTED);
    expect(page.html).toContain("&lt;script&gt;");

    const dry = await admin.post("/integrations/ui1/dry-run", {}, HTMX);
    expect(dry.status).toBe(200);
    expect(dry.html).toContain("Dry run — nothing was written");
    expect(dry.html).toMatch(/To create: <strong>1<\/strong>/);
    expect(dry.html).not.toContain(INJECTED);

    const sync = await admin.post("/integrations/ui1/sync", {}, HTMX);
    expect(sync.status).toBe(200);
    expect(sync.html).toMatch(/Sync sync_\w+ started/);
    expect(sync.html).toContain('id="sync-history"');
    const done = await eventually(async () => {
      const history = await admin.page("/integrations/ui1/history", HTMX);
      return history.html.includes("SUCCEEDED") ? history.html : null;
    });
    expect(done).toContain("1 read · 1 created");
    expect(done).not.toContain("hx-trigger"); // nothing runs: no more polling

    // Edit: the secret field left as shown keeps the stored token.
    const edited = await admin.post("/integrations/ui1", {
      ...fields({
        identifier: "ui1",
        title: "Renamed",
        "config.url": `${stub}/json/ui1/plain`,
        "config.secretHeaders": "Authorization: ********",
      }),
      version: "1",
    });
    expect(edited.status).toBe(303);
    const row = await env.DB.prepare("SELECT title, secrets FROM integrations WHERE identifier = 'ui1'").first<{
      title: string;
      secrets: string;
    }>();
    expect(row?.title).toBe("Renamed");
    expect(row?.secrets).toBeTruthy();
    const list = await admin.page("/integrations");
    expect(list.html).toContain("Renamed");
    expect(list.html).toContain("SUCCEEDED");
  });

  it("shows a webhook integration's ingest URL once", async () => {
    const created = await admin.post("/integrations", {
      ...fields({
        identifier: "ui-hook",
        title: "Hook",
        type: "webhook",
        "config.signature.header": "X-Sig",
        "config.secret": "a long secret",
      }),
      mapping: JSON.stringify({
        resources: [{ kind: "event", port: { entity: { mappings: { identifier: ".id", blueprint: '"ui_svc"' } } } }],
      }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const key = /\/v1\/ingest\/(epik_[\w-]+)/.exec(created.html)?.[1];
    expect(key).toBeTruthy();
    const again = await admin.page("/integrations/ui-hook");
    expect(again.html).not.toContain(key as string);
    expect(again.html).toContain("Replace the ingest key");
  });

  it("is for admins only and refuses a form without the CSRF token", async () => {
    const member = await invitedUser("ui-member@portal.test");
    expect((await member.page("/integrations")).status).toBe(403);
    expect((await member.post("/integrations/ui1/sync", {})).status).toBe(403);
    const forged = await admin.post("/integrations/ui1/sync", { _csrf: "forged" });
    expect(forged.status).toBe(403);
  });
});
