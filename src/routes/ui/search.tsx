import { type Context, Hono } from "hono";
import { SearchSuggestions } from "../../../views/components/search-box";
import { SearchResultsPage } from "../../../views/components/search-results";
import { database } from "../../db/client";
import { searchScopeFor } from "../../domain/access/authorized-catalog";
import { searchFreeText } from "../../domain/catalog/search/search";
import type { AppEnv } from "../../env";
import { accessOf } from "../api/common";
import { viewerOf } from "./viewer";

/** Hits in the header's dropdown, and on the full results page. */
const SUGGEST_LIMIT = 20;
const RESULTS_LIMIT = 100;
const MAX_QUERY = 200;

/** The global search: free text over every entity the caller may read, grouped by blueprint. */
export const searchPages = new Hono<AppEnv>();

function queryOf(c: Context<AppEnv>): string {
  return (c.req.query("q") ?? "").trim().slice(0, MAX_QUERY);
}

async function freeText(c: Context<AppEnv>, q: string, limit: number) {
  const db = database(c.env.DB);
  const access = await accessOf(c);
  return searchFreeText(db, searchScopeFor(access, new Date()), q, limit);
}

/** The dropdown fragment for the header's search box; empty for an empty query (the dropdown hides). */
searchPages.get("/search/suggest", async (c) => {
  const q = queryOf(c);
  if (q === "") return c.html("");
  return c.html(<SearchSuggestions q={q} groups={await freeText(c, q, SUGGEST_LIMIT)} />);
});

searchPages.get("/search", async (c) => {
  const q = queryOf(c);
  const groups = q === "" ? [] : await freeText(c, q, RESULTS_LIMIT);
  return c.html(<SearchResultsPage viewer={viewerOf(c)} q={q} groups={groups} />);
});
