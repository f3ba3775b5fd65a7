import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { requireAdmin } from "../../domain/access/guards";
import { getUser, inviteUser, listUsers, updateUser, userView } from "../../domain/identity/users";
import type { AppEnv } from "../../env";
import { errorResponses, jsonBody, jsonResponse, principalOf, validationHook, writeContext } from "./common";

/** `/v1/users`: the directory (everyone) and its management (Admin). */
export const usersApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
const Ok = z.looseObject({ ok: z.literal(true) });
const EmailParam = z.object({ email: z.string().openapi({ param: { name: "email", in: "path" } }) });

usersApi.openapi(
  createRoute({ method: "get", path: "/", tags: ["Users"], summary: "List users", responses: { 200: jsonResponse(Ok, "Users") } }),
  async (c) => {
    principalOf(c);
    return c.json({ ok: true as const, users: await listUsers(database(c.env.DB)) }, 200);
  },
);

usersApi.openapi(
  createRoute({
    method: "post",
    path: "/invite",
    tags: ["Users"],
    summary: "Invite a user (Admin)",
    description: "Returns a one-time invitation link for the user to choose a password. The token is not stored.",
    request: {
      body: jsonBody(
        z.object({
          email: z.string(),
          name: z.string().max(200).optional(),
          roles: z.array(z.string()).optional(),
          teams: z.array(z.string()).optional(),
        }),
      ),
    },
    responses: { 201: jsonResponse(Ok, "Invited"), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(principalOf(c), "invite users");
    const result = await inviteUser(database(c.env.DB), c.req.valid("json"), writeContext(c));
    const link = `${new URL(c.req.url).origin}/invite?token=${encodeURIComponent(result.inviteToken)}`;
    return c.json({ ok: true as const, user: result.user, inviteUrl: link, expiresAt: result.expiresAt }, 201);
  },
);

usersApi.openapi(
  createRoute({
    method: "get",
    path: "/{email}",
    tags: ["Users"],
    summary: "Get a user",
    request: { params: EmailParam },
    responses: { 200: jsonResponse(Ok, "User"), ...errorResponses },
  }),
  async (c) => {
    principalOf(c);
    return c.json({ ok: true as const, user: userView(await getUser(database(c.env.DB), c.req.valid("param").email)) }, 200);
  },
);

usersApi.openapi(
  createRoute({
    method: "patch",
    path: "/{email}",
    tags: ["Users"],
    summary: "Change a user's name, roles, teams or status (Admin)",
    request: {
      params: EmailParam,
      body: jsonBody(
        z.strictObject({
          name: z.string().max(200).nullable().optional(),
          roles: z.array(z.string()).optional(),
          teams: z.array(z.string()).optional(),
          status: z.enum(["active", "disabled"], { error: "must be active or disabled" }).optional(),
        }),
      ),
    },
    responses: { 200: jsonResponse(Ok, "Updated"), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(principalOf(c), "change users");
    const user = await updateUser(database(c.env.DB), c.req.valid("param").email, c.req.valid("json"), writeContext(c));
    return c.json({ ok: true as const, user }, 200);
  },
);
