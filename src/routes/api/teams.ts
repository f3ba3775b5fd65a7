import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { database } from "../../db/client";
import { requireAdmin } from "../../domain/access/guards";
import { createTeam, deleteTeam, getTeam, listTeams, updateTeam } from "../../domain/identity/teams";
import type { AppEnv } from "../../env";
import { errorResponses, jsonBody, jsonResponse, principalOf, validationHook, writeContext } from "./common";

/** `/v1/teams`: teams and their members (Admin manages them). */
export const teamsApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
const Ok = z.looseObject({ ok: z.literal(true) });
const NameParam = z.object({ name: z.string().openapi({ param: { name: "name", in: "path" } }) });

teamsApi.openapi(
  createRoute({ method: "get", path: "/", tags: ["Teams"], summary: "List teams", responses: { 200: jsonResponse(Ok, "Teams") } }),
  async (c) => {
    principalOf(c);
    return c.json({ ok: true as const, teams: await listTeams(database(c.env.DB)) }, 200);
  },
);

teamsApi.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Teams"],
    summary: "Create a team (Admin)",
    request: {
      body: jsonBody(
        z.strictObject({
          name: z.string(),
          description: z.string().max(2000).nullable().optional(),
          members: z.array(z.string()).optional(),
        }),
      ),
    },
    responses: { 201: jsonResponse(Ok, "Created"), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(principalOf(c), "create teams");
    return c.json({ ok: true as const, team: await createTeam(database(c.env.DB), c.req.valid("json"), writeContext(c)) }, 201);
  },
);

teamsApi.openapi(
  createRoute({
    method: "get",
    path: "/{name}",
    tags: ["Teams"],
    summary: "Get a team",
    request: { params: NameParam },
    responses: { 200: jsonResponse(Ok, "Team"), ...errorResponses },
  }),
  async (c) => {
    principalOf(c);
    return c.json({ ok: true as const, team: await getTeam(database(c.env.DB), c.req.valid("param").name) }, 200);
  },
);

teamsApi.openapi(
  createRoute({
    method: "patch",
    path: "/{name}",
    tags: ["Teams"],
    summary: "Change a team's description or members (Admin)",
    request: {
      params: NameParam,
      body: jsonBody(z.strictObject({ description: z.string().max(2000).nullable().optional(), members: z.array(z.string()).optional() })),
    },
    responses: { 200: jsonResponse(Ok, "Updated"), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(principalOf(c), "change teams");
    return c.json(
      { ok: true as const, team: await updateTeam(database(c.env.DB), c.req.valid("param").name, c.req.valid("json"), writeContext(c)) },
      200,
    );
  },
);

teamsApi.openapi(
  createRoute({
    method: "delete",
    path: "/{name}",
    tags: ["Teams"],
    summary: "Delete a team (Admin)",
    request: { params: NameParam },
    responses: { 200: jsonResponse(Ok, "Deleted"), ...errorResponses },
  }),
  async (c) => {
    requireAdmin(principalOf(c), "delete teams");
    await deleteTeam(database(c.env.DB), c.req.valid("param").name, writeContext(c));
    return c.json({ ok: true as const }, 200);
  },
);
