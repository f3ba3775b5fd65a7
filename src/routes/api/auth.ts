import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { requireAdmin } from "../../domain/access/guards";
import {
  createPersonalToken,
  exchangeClientCredentials,
  issueClientCredential,
  listClientCredentials,
  listPersonalTokens,
  revokeCredential,
} from "../../domain/identity/credentials";
import { getUser, userView } from "../../domain/identity/users";
import type { AppEnv } from "../../env";
import { errorResponses, jsonBody, jsonResponse, principalOf, validationHook, writeContext } from "./common";

/** `/v1/auth`: Port's client-credentials exchange, personal tokens, machine clients, and "who am I". */
export const authApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
const Ok = z.looseObject({ ok: z.literal(true) });
const IdParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });

authApi.openapi(
  createRoute({
    method: "post",
    path: "/access_token",
    tags: ["Auth"],
    summary: "Exchange client credentials for an access token",
    security: [],
    request: { body: jsonBody(z.object({ clientId: z.string().min(1).max(200), clientSecret: z.string().min(1).max(200) })) },
    responses: {
      200: jsonResponse(
        z.object({ ok: z.literal(true), accessToken: z.string(), expiresIn: z.number(), tokenType: z.literal("Bearer") }),
        "Token",
      ),
      401: errorResponses[400],
    },
  }),
  async (c) => {
    const { clientId, clientSecret } = c.req.valid("json");
    const token = await exchangeClientCredentials(database(c.env.DB), clientId, clientSecret, c.env.AUTH_SIGNING_KEY, new Date());
    return c.json({ ok: true as const, ...token }, 200);
  },
);

authApi.openapi(
  createRoute({ method: "get", path: "/me", tags: ["Auth"], summary: "The signed-in user", responses: { 200: jsonResponse(Ok, "Me") } }),
  async (c) => {
    const p = principalOf(c);
    const user = await getUser(database(c.env.DB), p.email);
    return c.json({ ok: true as const, user: userView(user), via: p.via }, 200);
  },
);

authApi.openapi(
  createRoute({
    method: "get",
    path: "/tokens",
    tags: ["Auth"],
    summary: "My personal API tokens",
    responses: { 200: jsonResponse(Ok, "Tokens (no secrets)") },
  }),
  async (c) => c.json({ ok: true as const, tokens: await listPersonalTokens(database(c.env.DB), principalOf(c).userId) }, 200),
);

authApi.openapi(
  createRoute({
    method: "post",
    path: "/tokens",
    tags: ["Auth"],
    summary: "Create a personal API token (shown once)",
    request: { body: jsonBody(z.object({ name: z.string(), expiresInDays: z.number().int().optional() })) },
    responses: { 201: jsonResponse(Ok, "The token, shown this once"), ...errorResponses },
  }),
  async (c) => {
    const result = await createPersonalToken(database(c.env.DB), principalOf(c).userId, c.req.valid("json"), writeContext(c));
    return c.json({ ok: true as const, ...result }, 201);
  },
);

authApi.openapi(
  createRoute({
    method: "delete",
    path: "/tokens/{id}",
    tags: ["Auth"],
    summary: "Revoke one of my tokens",
    request: { params: IdParam },
    responses: { 200: jsonResponse(Ok, "Revoked"), ...errorResponses },
  }),
  async (c) => {
    const credential = await revokeCredential(database(c.env.DB), c.req.valid("param").id, principalOf(c).userId, writeContext(c));
    return c.json({ ok: true as const, credential }, 200);
  },
);

authApi.openapi(
  createRoute({
    method: "get",
    path: "/clients",
    tags: ["Auth"],
    summary: "Machine clients (Admin)",
    responses: { 200: jsonResponse(Ok, "Clients (no secrets)"), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(principalOf(c), "list API clients");
    return c.json({ ok: true as const, clients: await listClientCredentials(database(c.env.DB)) }, 200);
  },
);

authApi.openapi(
  createRoute({
    method: "post",
    path: "/clients",
    tags: ["Auth"],
    summary: "Create client credentials for a user (Admin; secret shown once)",
    request: {
      body: jsonBody(
        z.object({ name: z.string().min(1).max(100), user: z.string().optional().openapi({ description: "Email; default: yourself" }) }),
      ),
    },
    responses: { 201: jsonResponse(Ok, "clientId and clientSecret, shown this once"), ...errorResponses },
  }),
  async (c) => {
    const p = principalOf(c);
    requireAdmin(p, "create API clients");
    const body = c.req.valid("json");
    const db = database(c.env.DB);
    const owner = body.user ? (await getUser(db, body.user)).id : p.userId;
    const issued = await issueClientCredential(db, owner, body.name, writeContext(c));
    return c.json({ ok: true as const, ...issued }, 201);
  },
);

authApi.openapi(
  createRoute({
    method: "delete",
    path: "/clients/{id}",
    tags: ["Auth"],
    summary: "Revoke client credentials (Admin)",
    request: { params: IdParam },
    responses: { 200: jsonResponse(Ok, "Revoked"), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(principalOf(c), "revoke API clients");
    const credential = await revokeCredential(database(c.env.DB), c.req.valid("param").id, null, writeContext(c));
    return c.json({ ok: true as const, credential }, 200);
  },
);
