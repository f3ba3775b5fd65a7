import type { Child } from "hono/jsx";

/**
 * A secret shown once (a new API token, an ingest URL). `hx-history="false"` keeps htmx from saving this
 * page into its history cache (localStorage) when the user navigates on: the secret would outlive the page
 * there, readable by any script of the origin later, and Cache-Control does not reach that cache.
 */
export function ShownOnce(props: { class?: string; role?: string; secret: string; children: Child }) {
  return (
    <div class={props.class ? `card ${props.class}` : "card"} role={props.role} hx-history="false">
      {props.children}
      <pre class="secret">{props.secret}</pre>
    </div>
  );
}
