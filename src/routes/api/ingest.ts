import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { ingestEvent } from "../../domain/integrations/ingest";
import type { AppEnv } from "../../env";
import { AppError } from "../../lib/errors";
import { syncRuntimeFor } from "../../platform/runtime";
import { errorResponses, jsonResponse, validationHook } from "./common";

/**
 * `POST /v1/ingest/{key}`: events from other systems for a webhook integration. No bearer token: the key
 * in the URL is the credential (stored hashed), and the body's HMAC signature is checked when configured.
 */
export const ingestApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

ingestApi.openapi(
  createRoute({
    method: "post",
    path: "/{key}",
    tags: ["Integrations"],
    summary: "Send an event to a webhook integration (mapped to entities: created, updated or deleted)",
    security: [],
    request: {
      params: z.object({ key: z.string().openapi({ param: { name: "key", in: "path" }, example: "epik_…" }) }),
      body: { required: true, content: { "application/json": { schema: z.unknown() } } },
    },
    responses: {
      200: jsonResponse(z.looseObject({ ok: z.literal(true), result: z.looseObject({}) }), "Applied (see result counts and errors)"),
      401: jsonResponse(z.looseObject({ ok: z.literal(false) }), "Signature missing or wrong; nothing was written"),
      ...errorResponses,
    },
  }),
  async (c) => {
    const body = await c.req.text();
    if (body === "") throw new AppError(400, "invalid_input", "Send the event as a JSON body", [{ path: "", message: "is required" }]);
    const result = await ingestEvent(database(c.env.DB), syncRuntimeFor(c.env), c.req.valid("param").key, {
      body,
      header: (name) => c.req.header(name),
      requestId: c.get("requestId"),
    });
    return c.json({ ok: true as const, result }, 200);
  },
);
