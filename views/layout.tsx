import { raw } from "hono/html";
import type { Child } from "hono/jsx";

/**
 * The page shell: head, navigation and main column. Scripts come from our own /vendor (no CDN), so the
 * portal works offline and under a strict Content-Security-Policy.
 */
export function Layout(props: { title: string; children: Child }) {
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${props.title} · Edge Portal`}</title>
          <link rel="stylesheet" href="/app.css" />
          <script src="/vendor/htmx.min.js" defer />
        </head>
        <body hx-boost="true">
          <header class="topbar">
            <a class="brand" href="/">
              Edge Portal
            </a>
            <nav>
              <a href="/">Catalog</a>
              <a href="/audit">Audit log</a>
              <a href="/docs/api">API</a>
            </nav>
          </header>
          <main>{props.children}</main>
        </body>
      </html>
    </>
  );
}
