import { Hono } from "hono";
import { TokensPage } from "../../../views/pages/auth-pages";
import { database } from "../../db/client";
import { createPersonalToken, listPersonalTokens, revokeCredential } from "../../domain/identity/credentials";
import type { AppEnv } from "../../env";
import { AppError } from "../../lib/errors";
import { principalOf, writeContext } from "../api/common";
import { viewerOf } from "./viewer";

/** `/settings/tokens`: a user's personal API tokens. */
export const settingsPages = new Hono<AppEnv>();

settingsPages.get("/tokens", async (c) => {
  const viewer = viewerOf(c);
  if (!viewer) throw new AppError(401, "unauthenticated", "Sign in to manage your tokens");
  const tokens = await listPersonalTokens(database(c.env.DB), principalOf(c).userId);
  return c.html(<TokensPage viewer={viewer} tokens={tokens} />);
});

settingsPages.post("/tokens", async (c) => {
  const viewer = viewerOf(c);
  if (!viewer) throw new AppError(401, "unauthenticated", "Sign in to manage your tokens");
  const db = database(c.env.DB);
  const userId = principalOf(c).userId;
  const form = await c.req.parseBody();
  const name = typeof form.name === "string" ? form.name : "";
  const days = typeof form.expiresInDays === "string" && form.expiresInDays !== "" ? Number(form.expiresInDays) : undefined;
  try {
    const created = await createPersonalToken(db, userId, { name, expiresInDays: days }, writeContext(c, "UI"));
    // No-store: the page holds a secret that must not linger in caches or history snapshots.
    c.header("Cache-Control", "no-store");
    return c.html(
      <TokensPage viewer={viewer} tokens={await listPersonalTokens(db, userId)} created={{ token: created.token, name }} />,
      201,
    );
  } catch (error) {
    if (!(error instanceof AppError) || error.status !== 400) throw error;
    return c.html(<TokensPage viewer={viewer} tokens={await listPersonalTokens(db, userId)} error={error.message} />, 400);
  }
});

settingsPages.post("/tokens/:id/revoke", async (c) => {
  await revokeCredential(database(c.env.DB), c.req.param("id"), principalOf(c).userId, writeContext(c, "UI"));
  return c.redirect("/settings/tokens", 303);
});
