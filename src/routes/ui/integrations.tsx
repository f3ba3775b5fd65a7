import { type Context, Hono } from "hono";
import { FORM_FIELDS, fieldErrors, type IntegrationFormValues, TypeDependent } from "../../../views/pages/integration-form";
import { IntegrationListPage } from "../../../views/pages/integration-list-page";
import { IntegrationPage, type IntegrationPageExtras } from "../../../views/pages/integration-page";
import { DryRunDiff, ProblemAlert, SyncHistory } from "../../../views/pages/integration-parts";
import { database } from "../../db/client";
import { requireAdmin } from "../../domain/access/guards";
import { INTEGRATION_TYPES, type IntegrationType } from "../../domain/integrations/definition";
import { dryRun } from "../../domain/integrations/dry-run";
import {
  createIntegration,
  getIntegration,
  listIntegrationsFor,
  listSyncViews,
  removeIntegration,
  replaceIntegration,
  rotateIngestKey,
} from "../../domain/integrations/integrations";
import { syncNow } from "../../domain/integrations/sync-start";
import type { AppEnv } from "../../env";
import { AppError, type ErrorDetail, invalid } from "../../lib/errors";
import { syncRuntimeFor } from "../../platform/runtime";
import { principalOf, writeContext } from "../api/common";
import { bodyFromValues, newFormValues, valuesFromForm, valuesFromView } from "./integration-form";
import { viewerOf } from "./viewer";

/** `/integrations` and `/integrations/:id`: admins manage integrations, run syncs and dry runs, read history. */
export const integrationPages = new Hono<AppEnv>();

const services = (c: Context<AppEnv>) => ({ db: database(c.env.DB), runtime: syncRuntimeFor(c.env), p: principalOf(c) });

/** An htmx request for a fragment (not a boosted navigation, which wants the whole page). */
function wantsFragment(c: Context<AppEnv>): boolean {
  return c.req.header("HX-Request") === "true" && !c.req.header("HX-Boosted");
}

function origin(c: Context<AppEnv>): string {
  return c.env.PORTAL_URL?.replace(/\/$/, "") ?? new URL(c.req.url).origin;
}

/** Validation problems of a form: by field, and the rest. A non-400 error is rethrown. */
function formProblems(error: unknown, before: ErrorDetail[] = []) {
  if (!(error instanceof AppError) || (error.status !== 400 && error.status !== 409)) throw error;
  const problems = error.details.length > 0 ? error.details : [{ path: "", message: error.message }];
  const { byField, other } = fieldErrors([...before, ...problems], FORM_FIELDS);
  return { errors: byField, problems: other };
}

/** The API body a posted form stands for; the form's own problems (header lines, JSON) stop it before the domain. */
function bodyOrThrow(values: IntegrationFormValues): Record<string, unknown> {
  const { body, problems } = bodyFromValues(values);
  if (problems.length > 0) throw invalid(problems);
  return body;
}

async function detailPage(
  c: Context<AppEnv>,
  identifier: string,
  extras: Omit<IntegrationPageExtras, "origin"> = {},
  status: 200 | 201 | 400 = 200,
) {
  const { db, runtime, p } = services(c);
  const { integration, syncs } = await getIntegration(db, runtime, p, identifier);
  const edit = extras.edit ?? { form: valuesFromView(integration), errors: new Map(), problems: [] };
  return c.html(
    <IntegrationPage viewer={viewerOf(c)} integration={integration} syncs={syncs} extras={{ ...extras, edit, origin: origin(c) }} />,
    status,
  );
}

integrationPages.get("/integrations", async (c) => {
  const { db, runtime, p } = services(c);
  const type = c.req.query("type") as IntegrationType | undefined;
  const form = newFormValues(type && INTEGRATION_TYPES.includes(type) ? type : "http-json");
  return c.html(
    <IntegrationListPage
      viewer={viewerOf(c)}
      integrations={await listIntegrationsFor(db, runtime, p)}
      form={form}
      errors={new Map()}
      problems={[]}
    />,
  );
});

/** The type-dependent part of the new-integration form, swapped in when the type changes. */
integrationPages.get("/integrations/type-fields", (c) => {
  requireAdmin(principalOf(c), "manage integrations");
  const type = c.req.query("type") as IntegrationType | undefined;
  if (!type || !INTEGRATION_TYPES.includes(type))
    throw invalid([{ path: "type", message: `must be one of ${INTEGRATION_TYPES.join(", ")}` }]);
  return c.html(<TypeDependent v={newFormValues(type)} errors={new Map()} />);
});

integrationPages.post("/integrations", async (c) => {
  const { db, runtime, p } = services(c);
  const values = valuesFromForm(await c.req.parseBody());
  try {
    const created = await createIntegration(db, runtime, p, bodyOrThrow(values), writeContext(c, "UI"));
    if (!created.ingestKey) return c.redirect(`/integrations/${encodeURIComponent(created.integration.identifier)}`, 303);
    // The ingest key exists in clear only in this answer: not cached, not redirected away from.
    c.header("Cache-Control", "no-store");
    return detailPage(c, created.integration.identifier, { ingestKey: created.ingestKey, notice: "Integration created." }, 201);
  } catch (error) {
    const { errors, problems } = formProblems(error);
    const integrations = await listIntegrationsFor(db, runtime, p);
    return c.html(
      <IntegrationListPage viewer={viewerOf(c)} integrations={integrations} form={values} errors={errors} problems={problems} />,
      400,
    );
  }
});

integrationPages.get("/integrations/:identifier", (c) => detailPage(c, c.req.param("identifier")));

integrationPages.get("/integrations/:identifier/history", async (c) => {
  const { db, p } = services(c);
  const identifier = c.req.param("identifier");
  return c.html(<SyncHistory identifier={identifier} syncs={await listSyncViews(db, p, identifier)} />);
});

integrationPages.post("/integrations/:identifier", async (c) => {
  const { db, runtime, p } = services(c);
  const identifier = c.req.param("identifier");
  const form = await c.req.parseBody();
  const values = { ...valuesFromForm(form), identifier };
  const version = Number(form.version);
  try {
    const body = bodyOrThrow(values);
    await replaceIntegration(db, runtime, p, identifier, body, writeContext(c, "UI"), Number.isInteger(version) ? version : undefined);
    return c.redirect(`/integrations/${encodeURIComponent(identifier)}`, 303);
  } catch (error) {
    if (error instanceof AppError && error.status === 412) {
      return detailPage(
        c,
        identifier,
        { notice: "Someone changed this integration meanwhile: the form shows the current settings. Edit again." },
        200,
      );
    }
    const { errors, problems } = formProblems(error);
    return detailPage(c, identifier, { edit: { form: values, errors, problems } }, 400);
  }
});

integrationPages.post("/integrations/:identifier/sync", async (c) => {
  const { db, runtime, p } = services(c);
  const identifier = c.req.param("identifier");
  let notice: string;
  try {
    const sync = await syncNow(db, runtime, p, identifier);
    notice = `Sync ${sync.id} started.`;
  } catch (error) {
    if (!(error instanceof AppError) || error.status !== 409) throw error;
    notice = error.message;
  }
  if (!wantsFragment(c)) return detailPage(c, identifier, { notice });
  return c.html(<SyncHistory identifier={identifier} syncs={await listSyncViews(db, p, identifier)} notice={notice} />);
});

integrationPages.post("/integrations/:identifier/dry-run", async (c) => {
  const { db, runtime, p } = services(c);
  const identifier = c.req.param("identifier");
  const mapping = (await c.req.parseBody()).mapping;
  try {
    const result = await dryRun(db, runtime, p, identifier, typeof mapping === "string" && mapping.trim() !== "" ? { mapping } : {});
    if (!wantsFragment(c)) return detailPage(c, identifier, { dryRun: result });
    return c.html(<DryRunDiff result={result} />);
  } catch (error) {
    if (!(error instanceof AppError) || error.status !== 400) throw error;
    // A mapping being tried out that does not parse: its problems, where the diff would be.
    return c.html(<ProblemAlert title="The mapping has problems:" problems={error.details} />);
  }
});

integrationPages.post("/integrations/:identifier/ingest-key", async (c) => {
  const { db, runtime, p } = services(c);
  const identifier = c.req.param("identifier");
  const rotated = await rotateIngestKey(db, runtime, p, identifier, writeContext(c, "UI"));
  c.header("Cache-Control", "no-store");
  return detailPage(c, identifier, { ingestKey: rotated.ingestKey, notice: "A new ingest key replaced the old one." });
});

integrationPages.post("/integrations/:identifier/delete", async (c) => {
  const { db, runtime, p } = services(c);
  await removeIntegration(db, runtime, p, c.req.param("identifier"), writeContext(c, "UI"));
  return c.redirect("/integrations", 303);
});
