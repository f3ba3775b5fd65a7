import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { database } from "../../db/client";
import {
  createAutomation,
  deleteAutomation,
  getAutomation,
  listAutomationsFor,
  replaceAutomation,
} from "../../domain/automations/automations";
import type { AppEnv } from "../../env";
import {
  accessOf,
  errorResponses,
  expectedVersion,
  jsonBody,
  jsonResponse,
  principalOf,
  setVersionTag,
  validationHook,
  writeContext,
} from "./common";

const AutomationBody = z.looseObject({}).openapi("Automation", {
  description:
    "Port's automation: identifier, title, trigger {type: automation, event {type, blueprintIdentifier | actionIdentifier, " +
    "propertyIdentifier?}, condition {type: JQ, expressions[], combinator}}, invocationMethod (WEBHOOK | UPSERT_ENTITY | " +
    "DELETE_ENTITY), publish. See docs/automations.md.",
});
const Result = z.object({ ok: z.literal(true), automation: z.looseObject({}) });
const IdParam = z.object({ identifier: z.string().openapi({ param: { name: "identifier", in: "path" }, example: "teardown_expired" }) });

/** `/v1/automations`: automations on catalog, timer and run events (admins). */
export const automationsApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

automationsApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Automations"],
    summary: "List automations",
    responses: {
      200: jsonResponse(z.object({ ok: z.literal(true), automations: z.array(z.looseObject({})) }), "Automations"),
      ...errorResponses,
    },
  }),
  async (c) => c.json({ ok: true as const, automations: await listAutomationsFor(database(c.env.DB), principalOf(c)) }, 200),
);

automationsApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Automations"],
    summary: "Create an automation",
    request: { body: jsonBody(AutomationBody) },
    responses: { 201: jsonResponse(Result, "Created"), ...errorResponses },
  }),
  async (c) => {
    const access = await accessOf(c);
    const automation = await createAutomation(
      database(c.env.DB),
      access.principal,
      c.req.valid("json"),
      access.blueprints,
      writeContext(c),
    );
    setVersionTag(c, automation.version);
    return c.json({ ok: true as const, automation }, 201);
  },
);

automationsApi.openapi(
  createRoute({
    method: "get",
    path: "/{identifier}",
    tags: ["Automations"],
    summary: "Get an automation",
    request: { params: IdParam },
    responses: { 200: jsonResponse(Result, "The automation"), ...errorResponses },
  }),
  async (c) => {
    const automation = await getAutomation(database(c.env.DB), principalOf(c), c.req.valid("param").identifier);
    setVersionTag(c, automation.version);
    return c.json({ ok: true as const, automation }, 200);
  },
);

automationsApi.openapi(
  createRoute({
    method: "put",
    path: "/{identifier}",
    tags: ["Automations"],
    summary: "Replace an automation (If-Match: its version)",
    request: { params: IdParam, body: jsonBody(AutomationBody) },
    responses: { 200: jsonResponse(Result, "Replaced"), ...errorResponses },
  }),
  async (c) => {
    const access = await accessOf(c);
    const automation = await replaceAutomation(
      database(c.env.DB),
      access.principal,
      c.req.valid("param").identifier,
      c.req.valid("json"),
      access.blueprints,
      writeContext(c),
      expectedVersion(c),
    );
    setVersionTag(c, automation.version);
    return c.json({ ok: true as const, automation }, 200);
  },
);

automationsApi.openapi(
  createRoute({
    method: "delete",
    path: "/{identifier}",
    tags: ["Automations"],
    summary: "Delete an automation (its runs stay)",
    request: { params: IdParam },
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true) }), "Deleted"), ...errorResponses },
  }),
  async (c) => {
    await deleteAutomation(database(c.env.DB), principalOf(c), c.req.valid("param").identifier, writeContext(c));
    return c.json({ ok: true as const }, 200);
  },
);
