import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { GlobalSearch } from "./components/search-box";

/** The signed-in user as pages need them: who, and the CSRF token their forms and htmx requests carry. */
export interface Viewer {
  email: string;
  csrfToken: string;
  isAdmin: boolean;
}

/**
 * The page shell: head, navigation and main column. Scripts come from our own /vendor (no CDN), so the
 * portal works offline and under a strict Content-Security-Policy.
 */
export function Layout(props: { title: string; viewer?: Viewer | undefined; scripts?: string[]; children: Child }) {
  const viewer = props.viewer;
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${props.title} · Edge Portal`}</title>
          <link rel="stylesheet" href="/app.css" />
          <link rel="icon" href="data:," />
          {/* htmx without eval or inline script execution, so the strict Content-Security-Policy holds. */}
          <meta name="htmx-config" content='{"allowEval":false,"allowScriptTags":false,"includeIndicatorStyles":false}' />
          <script src="/vendor/htmx.min.js" defer />
          <script src="/app.js" defer />
          {/* Page-specific htmx extensions (e.g. SSE on the run page), after htmx itself. */}
          {(props.scripts ?? []).map((src) => (
            <script src={src} defer />
          ))}
        </head>
        <body hx-boost="true" hx-headers={viewer ? JSON.stringify({ "X-CSRF-Token": viewer.csrfToken }) : undefined}>
          <a class="skip-link" href="#main">
            Skip to content
          </a>
          <div class="progress" aria-hidden="true" />
          <header class="topbar">
            <a class="brand" href="/">
              Edge Portal
            </a>
            <nav aria-label="Main">
              <a href="/">Home</a>
              <a href="/catalog">Catalog</a>
              {viewer ? (
                <>
                  <a href="/self-service">Self-service</a>
                  <a href="/runs">Runs</a>
                  <a href="/approvals">Approvals</a>
                  <a href="/initiatives">Initiatives</a>
                  <a href="/builder">Builder</a>
                </>
              ) : null}
              {viewer?.isAdmin ? (
                // Admin pages in a native disclosure: keyboard- and screen-reader-friendly without script.
                <details class="nav-more">
                  <summary>Admin</summary>
                  <div class="menu">
                    <a href="/templates">Templates</a>
                    <a href="/integrations">Integrations</a>
                    <a href="/events">Events</a>
                    <a href="/audit">Audit log</a>
                  </div>
                </details>
              ) : null}
              <a href="/docs/api">API</a>
            </nav>
            {viewer ? <GlobalSearch /> : null}
            {viewer ? (
              <div class="who">
                <a href="/settings/tokens" title="Your API tokens">
                  {viewer.email}
                </a>
                <form method="post" action="/logout" class="inline">
                  <input type="hidden" name="_csrf" value={viewer.csrfToken} />
                  <button type="submit" class="link">
                    Sign out
                  </button>
                </form>
              </div>
            ) : null}
          </header>
          <main id="main" tabindex={-1}>
            {/* Notices of failed htmx requests land here (public/app.js); screen readers announce them. */}
            <div id="flash" role="alert" aria-live="assertive" />
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}
