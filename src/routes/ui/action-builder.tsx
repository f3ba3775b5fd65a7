import { type Context, Hono } from "hono";
import { ActionBuilderPage, ActionPreview, type PreviewState } from "../../../views/pages/action-builder-page";
import { database } from "../../db/client";
import type { CatalogAccess } from "../../domain/access/authorized-catalog";
import { forbidden } from "../../domain/access/guards";
import { checkAction } from "../../domain/actions/action-checks";
import { defaultActionPermissions, mayManage } from "../../domain/actions/action-permissions";
import { createAction, getAction, replaceAction } from "../../domain/actions/actions";
import { parseActionBody } from "../../domain/actions/definition";
import { resolveForm } from "../../domain/actions/form";
import type { AppEnv } from "../../env";
import { AppError, type ErrorDetail } from "../../lib/errors";
import { parseJsonBody } from "../../lib/json-parse";
import { accessOf, writeContext } from "../api/common";
import { buildModel } from "./action-form-state";
import { type ActionView, formContextFor, pageStatus, redirectAfterPost, wantsFragment } from "./action-support";
import { viewerOf } from "./viewer";

/**
 * The action builder for managers (Admins, blueprint moderators): the definition as JSON, validated by the
 * domain on save, with a preview of the form it makes. A richer low-code editor can reuse these routes.
 */
export const actionBuilderPages = new Hono<AppEnv>();

/** Fields the store adds to an action; the editor leaves them out (the version travels in a hidden field). */
const STORED_ONLY = new Set(["version", "createdAt", "updatedAt", "createdBy", "updatedBy", "webhookDisabled"]);

function editableJson(action: ActionView): string {
  return JSON.stringify(Object.fromEntries(Object.entries(action).filter(([k]) => !STORED_ONLY.has(k))), null, 2);
}

function newTemplate(blueprint: string): string {
  return JSON.stringify(
    {
      identifier: "my_action",
      title: "My action",
      description: "What this action does",
      trigger: {
        type: "self-service",
        operation: "CREATE",
        blueprintIdentifier: blueprint,
        userInputs: { properties: { name: { type: "string", title: "Name" } }, required: ["name"] },
      },
      invocationMethod: { type: "WEBHOOK", url: "https://example.com/hooks/my-action" },
      requiredApproval: false,
    },
    null,
    2,
  );
}

function managedBlueprints(access: CatalogAccess): string[] {
  return [...access.blueprints.keys()].filter((bp) => mayManage(access.principal, bp));
}

async function definitionOf(c: Context<AppEnv>): Promise<{ text: string; form: Record<string, unknown> }> {
  const form = await c.req.parseBody();
  return { text: typeof form.definition === "string" ? form.definition : "", form };
}

function problemsOf(error: AppError): ErrorDetail[] {
  return error.details.length > 0 ? error.details : [{ path: "", message: error.message }];
}

/** Parses and checks a definition as save would, and renders its form with nothing filled in. */
async function previewOf(access: CatalogAccess, text: string): Promise<PreviewState> {
  try {
    const raw = parseJsonBody(text);
    const bp = (raw as { trigger?: { blueprintIdentifier?: unknown } } | null)?.trigger?.blueprintIdentifier;
    const action = parseActionBody(raw, defaultActionPermissions(typeof bp === "string" ? bp : ""));
    checkAction(action, access.blueprints);
    const ui = action.trigger.userInputs;
    const ctx = formContextFor(access.principal, action.trigger.operation, null);
    const resolved = await resolveForm(ui, {}, ctx);
    const model = buildModel({
      actionId: action.identifier,
      ui,
      resolved,
      converted: { values: {}, texts: {}, problems: [] },
      step: 0,
      problems: [],
      banner: [],
      entity: null,
      csrfToken: "",
      canSubmit: false,
      preview: true,
    });
    return { model, problems: [] };
  } catch (error) {
    if (!(error instanceof AppError) || error.status !== 400) throw error;
    return { model: null, problems: problemsOf(error) };
  }
}

actionBuilderPages.get("/actions/new", async (c) => {
  const access = await accessOf(c);
  const managed = managedBlueprints(access);
  if (managed.length === 0) throw forbidden("You need the Admin role or a blueprint's moderator role to define actions");
  return c.html(<ActionBuilderPage viewer={viewerOf(c)} definition={newTemplate(managed[0] ?? "")} problems={[]} preview={null} />);
});

actionBuilderPages.post("/actions/new", async (c) => {
  const access = await accessOf(c);
  const { text } = await definitionOf(c);
  try {
    const action = await createAction(database(c.env.DB), access.principal, parseJsonBody(text), access.blueprints, writeContext(c, "UI"));
    return redirectAfterPost(c, `/actions/${encodeURIComponent(action.identifier)}/edit?saved=1`);
  } catch (error) {
    if (!(error instanceof AppError) || ![400, 403, 409].includes(error.status)) throw error;
    const problems = error.status === 400 ? problemsOf(error) : [];
    const banner = error.status === 400 ? undefined : error.message;
    return c.html(
      <ActionBuilderPage
        viewer={viewerOf(c)}
        definition={text}
        problems={problems}
        banner={banner}
        preview={await previewOf(access, text)}
      />,
      pageStatus(c, error.status as 400 | 403 | 409),
    );
  }
});

async function managedAction(c: Context<AppEnv>, access: CatalogAccess): Promise<ActionView> {
  const action = await getAction(database(c.env.DB), access.principal, c.req.param("id") ?? "");
  if (!mayManage(access.principal, action.trigger.blueprintIdentifier)) {
    throw forbidden(`You need the Admin or ${action.trigger.blueprintIdentifier}-moderator role to edit this action`);
  }
  return action;
}

actionBuilderPages.get("/actions/:id/edit", async (c) => {
  const access = await accessOf(c);
  const action = await managedAction(c, access);
  const text = editableJson(action);
  const disabled =
    "webhookDisabled" in action && action.webhookDisabled
      ? `The webhook is disabled: ${action.webhookDisabled}. Saving re-enables it.`
      : undefined;
  return c.html(
    <ActionBuilderPage
      viewer={viewerOf(c)}
      identifier={action.identifier}
      version={action.version}
      definition={text}
      problems={[]}
      banner={disabled}
      notice={c.req.query("saved") ? "Saved." : undefined}
      preview={await previewOf(access, text)}
    />,
  );
});

actionBuilderPages.post("/actions/:id/edit", async (c) => {
  const access = await accessOf(c);
  const current = await managedAction(c, access);
  const { text, form } = await definitionOf(c);
  const version = Number(form.version);
  try {
    const saved = await replaceAction(
      database(c.env.DB),
      access.principal,
      current.identifier,
      parseJsonBody(text),
      access.blueprints,
      writeContext(c, "UI"),
      Number.isInteger(version) && version > 0 ? version : undefined,
    );
    return redirectAfterPost(c, `/actions/${encodeURIComponent(saved.identifier)}/edit?saved=1`);
  } catch (error) {
    if (!(error instanceof AppError) || ![400, 403, 409, 412].includes(error.status)) throw error;
    return c.html(
      <ActionBuilderPage
        viewer={viewerOf(c)}
        identifier={current.identifier}
        version={current.version}
        definition={text}
        problems={error.status === 400 ? problemsOf(error) : []}
        banner={error.status === 400 ? undefined : error.message}
        preview={await previewOf(access, text)}
      />,
      pageStatus(c, error.status as 400 | 403 | 409 | 412),
    );
  }
});

/** The Preview button: the preview pane for htmx, else the whole builder with the preview filled in. */
actionBuilderPages.post("/actions/preview", async (c) => {
  const access = await accessOf(c);
  const { text, form } = await definitionOf(c);
  const preview = await previewOf(access, text);
  if (wantsFragment(c)) return c.html(<ActionPreview preview={preview} />);
  const editing = typeof form._edit === "string" && form._edit !== "" ? form._edit : undefined;
  const version = Number(form.version);
  return c.html(
    <ActionBuilderPage
      viewer={viewerOf(c)}
      identifier={editing}
      version={Number.isInteger(version) && version > 0 ? version : undefined}
      definition={text}
      problems={[]}
      preview={preview}
    />,
  );
});
