import { Hono } from "hono";
import { ApiDocsPage } from "../../../views/pages/api-docs-page";
import type { AppEnv } from "../../env";

/** `/docs/api`: the interactive API reference over /v1/openapi.json. */
export const docsPages = new Hono<AppEnv>();

docsPages.get("/api", (c) => c.html(<ApiDocsPage />));
