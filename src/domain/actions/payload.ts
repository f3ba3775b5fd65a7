import type { RunRecord } from "../../db/run-store";
import { decryptText } from "../../lib/encryption";
import type { ErrorDetail } from "../../lib/errors";
import { renderTemplate } from "../expressions/template";
import type { Invocation } from "./definition";
import { runView } from "./run-view";
import { INPUT_ENCRYPTION } from "./start-run";

/**
 * What payloads are rendered from (Port's template context): `{inputs, entity, trigger, action, run}`.
 * Encrypted inputs are decrypted here, in memory, only to be sent; entity inputs become the picked
 * entities. Rendering is deterministic, so a retried delivery sends the same body.
 */
export async function templateContext(run: RunRecord, encryptionSecret: string): Promise<Record<string, unknown>> {
  const inputs: Record<string, unknown> = {};
  const picked = (run.context.inputEntities ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(run.inputs)) {
    if (value !== null && typeof value === "object" && "$encrypted" in value) {
      inputs[name] = await decryptText(encryptionSecret, INPUT_ENCRYPTION, String((value as { $encrypted: unknown }).$encrypted));
    } else inputs[name] = name in picked ? picked[name] : value;
  }
  const event = (run.context.event ?? null) as { diff?: unknown; context?: unknown } | null;
  return {
    inputs,
    entity: run.context.entity ?? null,
    trigger: run.context.trigger,
    action: run.context.action,
    run: { id: run.id },
    // Automation runs: the event that started them (Port's `.event`), and its diff and context at the top too.
    ...(event ? { event, diff: event.diff ?? null, context: event.context ?? null } : {}),
  };
}

/** Port's default webhook body, for actions that define none: what existing Port backends read. */
function defaultBody(ctx: Record<string, unknown>, run: RunRecord): unknown {
  const trigger = ctx.trigger as { by: unknown; origin: unknown; at: unknown };
  const entity = ctx.entity as { identifier?: string } | null;
  return {
    action: run.action,
    resourceType: "run",
    status: "TRIGGERED",
    trigger: { by: trigger.by, origin: trigger.origin, at: trigger.at },
    context: { entity: entity?.identifier ?? null, blueprint: run.blueprint, runId: run.id },
    payload: { entity, action: ctx.action, properties: ctx.inputs },
    ...(ctx.event ? { event: ctx.event } : {}),
  };
}

/** An outgoing HTTP request, before signing. */
export interface OutgoingRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** The webhook request of a run (its action's WEBHOOK invocation), or the template problems that stop it. */
export async function runRequest(run: RunRecord, encryptionSecret: string): Promise<OutgoingRequest | { problems: ErrorDetail[] }> {
  const invocation = run.context.invocation as Invocation;
  if (invocation.type !== "WEBHOOK") return { problems: [{ path: "invocationMethod.type", message: "is not WEBHOOK" }] };
  const ctx = await templateContext(run, encryptionSecret);
  const body = invocation.body === undefined ? { value: defaultBody(ctx, run), errors: [] } : await renderTemplate(invocation.body, ctx);
  const headers = await renderTemplate(invocation.headers, ctx);
  const problems = [...body.errors, ...headers.errors];
  if (problems.length > 0) return { problems };
  // Names lower-cased so ours (content-type, signatures) replace rather than join them; a value with a line
  // break cannot be sent and would only be retried for half an hour.
  const rendered = Object.fromEntries(
    Object.entries(headers.value as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), String(v ?? "")]),
  );
  const broken = Object.entries(rendered).filter(([, v]) => /[\r\n\0]/.test(v));
  if (broken.length > 0)
    return { problems: broken.map(([k]) => ({ path: `invocationMethod.headers.${k}`, message: "rendered a value with a line break" })) };
  return { url: invocation.url, method: invocation.method, headers: rendered, body: JSON.stringify(body.value) };
}

/** The approval-request notification: JSON, or a Slack incoming-webhook message. */
export function approvalRequest(run: RunRecord, portalUrl: string | undefined): OutgoingRequest | null {
  const notification = run.context.approvalNotification as { type: string; url?: string; format?: string } | null;
  if (notification?.type !== "webhook" || !notification.url) return null;
  const link = `${portalUrl ?? ""}/runs/${run.id}`;
  const text = `${run.requestedBy} asks for approval to run "${run.actionTitle}"${run.entity ? ` on ${run.entity}` : ""}: ${link}`;
  const body = notification.format === "slack" ? { text } : { type: "APPROVAL_REQUESTED", message: text, url: link, run: runView(run) };
  return { url: notification.url, method: "POST", headers: {}, body: JSON.stringify(body) };
}
