import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { UserInputs } from "../src/domain/actions/definition";
import { type FormContext, resolveForm } from "../src/domain/actions/form";
import type { TemplateResult } from "../src/domain/templates/apply-template";
import type { TemplatePlan } from "../src/domain/templates/preview-template";
import { TEMPLATES } from "../src/domain/templates/registry";
import { eventsSettled } from "./events-helpers";
import { ADMIN_EMAIL, callJson } from "./helpers";

/** What the template tests share: an empty catalog on demand, apply and preview, and reading actions and entities. */

export type Applied = TemplateResult & { ok: true; requirements: TemplateResult[] };
export interface Preview {
  template: { name: string; requires: string[]; actions: { identifier: string }[] };
  state: string;
  preview: TemplatePlan[];
}

export const PACKS = TEMPLATES.filter((t) => t.kind === "action-pack");
export const PARTS = ["blueprints", "actions", "automations", "scorecards"] as const;

/** Removes every blueprint, entity, action, automation and scorecard (users and teams stay). */
export async function emptyCatalog(): Promise<void> {
  await eventsSettled();
  const tables = ["entities", "derived_snapshots", "scorecard_history", "scorecard_exemptions", "scorecards", "actions", "blueprints"];
  await env.DB.batch(tables.map((t) => env.DB.prepare(`DELETE FROM ${t}`)));
}

export async function preview(name: string): Promise<Preview> {
  const r = await callJson<Preview>("GET", `/v1/templates/${name}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

export async function apply(name: string): Promise<Applied> {
  const r = await callJson<Applied>("POST", `/v1/templates/${name}/apply`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

export interface StoredAction {
  identifier: string;
  version: number;
  trigger: { operation: string; blueprintIdentifier: string; userInputs: UserInputs };
  invocationMethod: { type: string; url?: string };
}

export async function actionOf(identifier: string): Promise<StoredAction> {
  const r = await callJson<{ action: StoredAction }>("GET", `/v1/actions/${identifier}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.action;
}

export async function entityOf(blueprint: string, identifier: string): Promise<Record<string, unknown>> {
  const r = await callJson<{ entity: Record<string, unknown> }>(
    "GET",
    `/v1/blueprints/${blueprint}/entities/${encodeURIComponent(identifier)}`,
  );
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.entity;
}

export const user: FormContext["user"] = { email: ADMIN_EMAIL, name: "Admin", roles: ["Admin"], teams: [] };

/** Resolves an action's form as the run API would, on `entity` (a DAY-2 or DELETE action's entity). */
export async function form(identifier: string, values: Record<string, unknown>, entity: Record<string, unknown> | null = null) {
  const action = await actionOf(identifier);
  return resolveForm(action.trigger.userInputs, values, { entity, user, operation: action.trigger.operation });
}
