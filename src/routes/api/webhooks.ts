import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { requireAdmin } from "../../domain/access/guards";
import { listEvents } from "../../domain/events/events-log";
import {
  createSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptionsFor,
  replaceSubscription,
} from "../../domain/events/subscriptions";
import type { AppEnv } from "../../env";
import {
  errorResponses,
  expectedVersion,
  jsonBody,
  jsonResponse,
  principalOf,
  setVersionTag,
  validationHook,
  writeContext,
} from "./common";

// Loose here: the domain's strict schema names unknown fields (a plain object would drop them silently).
const SubscriptionBody = z
  .looseObject({
    title: z.string(),
    url: z.string(),
    events: z.array(z.string()).optional(),
    blueprints: z.array(z.string()).optional(),
    enabled: z.boolean().optional(),
  })
  .openapi("WebhookSubscription");
const Result = z.object({ ok: z.literal(true), webhook: z.looseObject({}) });
const IdParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" }, example: "wh_k3v9x0q1m2n8b7c6" }) });

/** `/v1/webhooks`: subscriptions that receive every matching event, signed (admins). */
export const webhooksApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

webhooksApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Events"],
    summary: "List webhook subscriptions",
    responses: {
      200: jsonResponse(z.object({ ok: z.literal(true), webhooks: z.array(z.looseObject({})) }), "Subscriptions"),
      ...errorResponses,
    },
  }),
  async (c) => c.json({ ok: true as const, webhooks: await listSubscriptionsFor(database(c.env.DB), principalOf(c)) }, 200),
);

webhooksApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Events"],
    summary: "Subscribe a URL to events",
    request: { body: jsonBody(SubscriptionBody) },
    responses: { 201: jsonResponse(Result, "Created"), ...errorResponses },
  }),
  async (c) => {
    const webhook = await createSubscription(database(c.env.DB), principalOf(c), c.req.valid("json"), writeContext(c));
    setVersionTag(c, webhook.version);
    return c.json({ ok: true as const, webhook }, 201);
  },
);

webhooksApi.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["Events"],
    summary: "Get a webhook subscription",
    request: { params: IdParam },
    responses: { 200: jsonResponse(Result, "The subscription"), ...errorResponses },
  }),
  async (c) => {
    const webhook = await getSubscription(database(c.env.DB), principalOf(c), c.req.valid("param").id);
    setVersionTag(c, webhook.version);
    return c.json({ ok: true as const, webhook }, 200);
  },
);

webhooksApi.openapi(
  createRoute({
    method: "put",
    path: "/{id}",
    tags: ["Events"],
    summary: "Replace a webhook subscription (enabled: true re-enables one disabled by a 410)",
    request: { params: IdParam, body: jsonBody(SubscriptionBody) },
    responses: { 200: jsonResponse(Result, "Replaced"), ...errorResponses },
  }),
  async (c) => {
    const webhook = await replaceSubscription(
      database(c.env.DB),
      principalOf(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      writeContext(c),
      expectedVersion(c),
    );
    setVersionTag(c, webhook.version);
    return c.json({ ok: true as const, webhook }, 200);
  },
);

webhooksApi.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags: ["Events"],
    summary: "Delete a webhook subscription",
    request: { params: IdParam },
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true) }), "Deleted"), ...errorResponses },
  }),
  async (c) => {
    await deleteSubscription(database(c.env.DB), principalOf(c), c.req.valid("param").id, writeContext(c));
    return c.json({ ok: true as const }, 200);
  },
);

/** `/v1/events`: recent events and what each set off (admins). */
export const eventsApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

eventsApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Events"],
    summary: "Recent events with the automation runs and webhook deliveries each set off",
    request: {
      query: z.object({
        blueprint: z.string().optional(),
        limit: z.coerce.number({ error: "must be a number" }).int().min(1).max(200).default(50),
        cursor: z.string().optional(),
      }),
    },
    responses: {
      200: jsonResponse(z.object({ ok: z.literal(true), events: z.array(z.looseObject({})), next: z.string().nullable() }), "Events"),
      ...errorResponses,
    },
  }),
  async (c) => {
    requireAdmin(principalOf(c), "read events");
    const q = c.req.valid("query");
    return c.json({ ok: true as const, ...(await listEvents(database(c.env.DB), q)) }, 200);
  },
);
