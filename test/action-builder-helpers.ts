import { expect } from "vitest";
import { callJson } from "./helpers";
import { type Fields, formFields, unescapeHtml } from "./session";

/*
 * Driving the action builder as a browser does: read the fields a page's editor form would post (in
 * document order, checkboxes only when ticked, a select's chosen option), change some, and post them.
 */

/** The fields the builder's editor form posts: its own controls and those joined to it with `form=`. */
export function editorFields(html: string): Fields {
  return formFields(html, (name) => name.startsWith("action.") || name.startsWith("builder.") || name === "_csrf");
}

/** The last value of a field. */
export function fieldValue(fields: Fields, name: string): string | undefined {
  return fields.filter(([n]) => n === name).at(-1)?.[1];
}

/** The fields with `name` set to `value` (every occurrence replaced by one). */
export function withField(fields: Fields, name: string, value: string): Fields {
  const at = fields.findIndex(([n]) => n === name);
  const rest = fields.filter(([n]) => n !== name);
  rest.splice(at < 0 ? rest.length : at, 0, [name, value]);
  return rest;
}

/** The JSON pane's content in a page or an htmx answer. */
export function jsonPane(html: string): unknown {
  const m = /<textarea id="builder-json"[^>]*>([\s\S]*?)<\/textarea>/.exec(html);
  expect(m, "the answer carries the JSON pane").not.toBeNull();
  return JSON.parse(unescapeHtml(m?.[1] ?? ""));
}

const STORED_ONLY = ["version", "createdAt", "updatedAt", "createdBy", "updatedBy", "webhookDisabled"];

/** An action as `GET /v1/actions/{id}` returns it, without the store's own fields. */
export async function storedDefinition(identifier: string): Promise<Record<string, unknown>> {
  const got = await callJson<{ action: Record<string, unknown> }>("GET", `/v1/actions/${identifier}`);
  expect(got.status, JSON.stringify(got.body)).toBe(200);
  return Object.fromEntries(Object.entries(got.body.action).filter(([k]) => !STORED_ONLY.includes(k)));
}

/** The catalog the builder tests define actions on: blueprints `service` and `system`, teams alpha and beta. */
export async function builderCatalog(): Promise<void> {
  for (const name of ["alpha", "beta"]) expect((await callJson("POST", "/v1/teams", { name })).status).toBe(201);
  for (const body of [
    { identifier: "system", title: "System", schema: { properties: {}, required: [] } },
    {
      identifier: "service",
      title: "Service",
      schema: { properties: { lang: { type: "string", enum: ["go", "ts"] } }, required: [] },
      relations: { system: { target: "system", required: false, many: false } },
    },
  ]) {
    const bp = await callJson("POST", "/v1/blueprints", body);
    expect(bp.status, JSON.stringify(bp.body)).toBe(201);
  }
}
