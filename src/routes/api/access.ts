import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { explainAccess, getPermissions, updatePermissions } from "../../domain/access/blueprint-permissions";
import { requireAdmin, requireAdminOrModerator } from "../../domain/access/guards";
import { permissionsPatchSchema } from "../../domain/access/permissions";
import { isAdmin } from "../../domain/access/principal";
import type { AppEnv } from "../../env";
import { errorResponses, jsonBody, jsonResponse, principalOf, validationHook, writeContext } from "./common";

const Ok = z.looseObject({ ok: z.literal(true) });
const BpParam = z.object({ blueprint: z.string().openapi({ param: { name: "blueprint", in: "path" } }) });

/** `/v1/blueprints/{blueprint}/permissions`: Port's blueprint permissions. */
export const permissionsApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

permissionsApi.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Access"],
    summary: "A blueprint's entity permissions",
    request: { params: BpParam },
    responses: { 200: jsonResponse(Ok, "Permissions"), ...errorResponses },
  }),
  async (c) => {
    const bp = c.req.valid("param").blueprint;
    requireAdminOrModerator(principalOf(c), bp, "see this blueprint's permissions");
    return c.json({ ok: true as const, permissions: await getPermissions(database(c.env.DB), bp) }, 200);
  },
);

permissionsApi.openapi(
  createRoute({
    method: "patch",
    path: "/",
    tags: ["Access"],
    summary: "Change a blueprint's entity permissions",
    description: "Grants are `{roles, users, teams, ownedByTeam}`; omitted fields keep their value. Any write grant implies read.",
    request: { params: BpParam, body: jsonBody(permissionsPatchSchema.openapi("PermissionsPatch")) },
    responses: { 200: jsonResponse(Ok, "Permissions"), ...errorResponses },
  }),
  async (c) => {
    const bp = c.req.valid("param").blueprint;
    requireAdminOrModerator(principalOf(c), bp, "change this blueprint's permissions");
    const permissions = await updatePermissions(database(c.env.DB), bp, c.req.valid("json"), writeContext(c));
    return c.json({ ok: true as const, permissions }, 200);
  },
);

/** `/v1/access/explain`: why a user may or may not do something. */
export const accessApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

accessApi.openapi(
  createRoute({
    method: "get",
    path: "/explain",
    tags: ["Access"],
    summary: "Explain an access decision",
    description: "Admins may ask about anyone; others about themselves.",
    request: {
      query: z.object({
        user: z.string().optional().openapi({ description: "Email; default yourself" }),
        blueprint: z.string(),
        entity: z.string().optional(),
        verb: z.string().default("read").openapi({ description: "read | register | update | unregister" }),
      }),
    },
    responses: { 200: jsonResponse(Ok, "The decision and its reason"), ...errorResponses },
  }),
  async (c) => {
    const p = principalOf(c);
    const q = c.req.valid("query");
    const user = q.user ?? p.email;
    if (user.toLowerCase() !== p.email.toLowerCase() && !isAdmin(p)) requireAdmin(p, "explain other users' access");
    const explanation = await explainAccess(database(c.env.DB), { ...q, user, askedByAdmin: isAdmin(p) });
    return c.json({ ok: true as const, ...explanation }, 200);
  },
);
