import type { Context } from "hono";
import type { Viewer } from "../../../views/layout";
import { isAdmin } from "../../domain/access/principal";
import type { AppEnv } from "../../env";

/** What pages need to know of the signed-in user; undefined for anonymous or token requests. */
export function viewerOf(c: Context<AppEnv>): Viewer | undefined {
  const p = c.get("principal");
  if (!p) return undefined;
  return { email: p.email, csrfToken: p.csrfToken ?? "", isAdmin: isAdmin(p) };
}
