import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { database } from "../../db/client";
import { searchScopeFor } from "../../domain/access/authorized-catalog";
import { MAX_LIMIT, type SearchRequest, search, searchFreeText } from "../../domain/catalog/search/search";
import type { AppEnv } from "../../env";
import { accessOf, errorResponses, jsonBody, jsonResponse, validationHook } from "./common";

const SearchBody = z
  .object({
    // Validated by the query resolver, so every mistake in a query answers invalid_query with its path.
    query: z.unknown().optional().openapi({
      description:
        "Port's query: rules {property, operator, value} or {operator: relatedTo, blueprint, value, direction, required}, nested",
    }),
    include: z.array(z.string()).optional().openapi({ description: "Fields to return: $identifier, $title, properties.x, relations.y …" }),
    exclude: z.array(z.string()).optional(),
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_LIMIT)
      .optional()
      .openapi({ description: `Page size, default 200, at most ${MAX_LIMIT}` }),
    from: z.string().optional().openapi({ description: "The `next` cursor of the previous page" }),
    sort: z.object({ property: z.string(), order: z.enum(["asc", "desc"]).optional() }).optional(),
  })
  .openapi("SearchRequest");
const SearchResult = z.object({
  ok: z.literal(true),
  entities: z.array(z.looseObject({})),
  next: z.string().nullable(),
  total: z.number(),
});

/** Port's search: `POST /v1/entities/search`, the blueprint-scoped variant, and free-text `GET /v1/search`. */
export const searchApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

async function runSearch(c: Context<AppEnv>, body: SearchRequest, blueprint?: string) {
  const db = database(c.env.DB);
  const access = await accessOf(c);
  return search(db, searchScopeFor(access, new Date()), body, blueprint);
}

searchApi.openapi(
  createRoute({
    method: "post",
    path: "/entities/search",
    tags: ["Search"],
    summary: "Search entities across blueprints",
    request: { body: jsonBody(SearchBody) },
    responses: { 200: jsonResponse(SearchResult, "A page of matches, only entities you may read"), ...errorResponses },
  }),
  async (c) => c.json({ ok: true as const, ...(await runSearch(c, c.req.valid("json"))) }, 200),
);

searchApi.openapi(
  createRoute({
    method: "post",
    path: "/blueprints/{blueprint}/entities/search",
    tags: ["Search"],
    summary: "Search one blueprint's entities",
    request: {
      params: z.object({ blueprint: z.string().openapi({ param: { name: "blueprint", in: "path" } }) }),
      body: jsonBody(SearchBody),
    },
    responses: { 200: jsonResponse(SearchResult, "A page of matches"), ...errorResponses },
  }),
  async (c) => c.json({ ok: true as const, ...(await runSearch(c, c.req.valid("json"), c.req.valid("param").blueprint)) }, 200),
);

searchApi.openapi(
  createRoute({
    method: "get",
    path: "/search",
    tags: ["Search"],
    summary: "Free-text search",
    description:
      "Identifiers, titles and string properties; any part of a word of 3+ characters, prefixes below that. Identifier and title hits rank first.",
    request: {
      query: z.object({
        q: z
          .string()
          .min(1)
          .max(200)
          .refine((q) => ![...q].some((ch) => ch < " "), "must not contain control characters"),
        limit: z.coerce.number().int().min(1).max(100).default(20),
      }),
    },
    responses: { 200: jsonResponse(z.looseObject({ ok: z.literal(true) }), "Hits grouped by blueprint"), ...errorResponses },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const db = database(c.env.DB);
    const access = await accessOf(c);
    return c.json({ ok: true as const, groups: await searchFreeText(db, searchScopeFor(access, new Date()), q.q, q.limit) }, 200);
  },
);
