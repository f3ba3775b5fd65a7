import { raw } from "hono/html";

/**
 * The interactive API reference: Swagger UI from our own /vendor (copied from the swagger-ui-dist package
 * by `npm run prepare:assets`), reading /v1/openapi.json. No CDN, so it works offline.
 */
export function ApiDocsPage() {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>API reference · Edge Portal</title>
        <link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css" />
      </head>
      <body>
        <div id="swagger-ui" />
        <script src="/vendor/swagger-ui/swagger-ui-bundle.js" />
        <script src="/api-docs.js" />
        <noscript>
          {raw('<p>The API reference needs JavaScript. The raw document is at <a href="/v1/openapi.json">/v1/openapi.json</a>.</p>')}
        </noscript>
      </body>
    </html>
  );
}
