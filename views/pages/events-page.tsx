import type { listEvents } from "../../src/domain/events/events-log";
import { relativeTime } from "../../src/lib/relative-time";
import { RunLink } from "../components/run-status";
import { entityHref } from "../components/table-state";
import { Layout, type Viewer } from "../layout";

/** One event as GET /v1/events returns it, with what it set off. */
export type EventItem = Awaited<ReturnType<typeof listEvents>>["events"][number];

const TYPE_BADGES: Record<string, string> = {
  ENTITY_CREATED: "badge-green",
  ENTITY_UPDATED: "badge-blue",
  ENTITY_DELETED: "badge-red",
  TIMER_PROPERTY_EXPIRED: "badge-orange",
  RUN_CREATED: "badge-purple",
  RUN_UPDATED: "badge-purple",
};

const DELIVERY_BADGES: Record<string, string> = { PENDING: "badge-blue", DELIVERED: "badge-green", FAILED: "badge-red" };

function eventsHref(params: { blueprint?: string | undefined; cursor?: string | undefined }): string {
  const p = new URLSearchParams();
  if (params.blueprint) p.set("blueprint", params.blueprint);
  if (params.cursor) p.set("cursor", params.cursor);
  const q = p.toString();
  return `/events${q ? `?${q}` : ""}`;
}

/** What the event is about: the entity (a link unless it was deleted), the timer, the run, the blueprint. */
function Subject(props: { e: EventItem }) {
  const { type, context } = props.e;
  const bp = context.blueprintIdentifier;
  const entity = context.entityIdentifier;
  return (
    <>
      {bp && entity ? (
        type === "ENTITY_DELETED" ? (
          <span>
            {bp} / {entity} <span class="muted small">(deleted)</span>
          </span>
        ) : (
          <a href={entityHref(bp, entity)}>
            {bp} / {entity}
          </a>
        )
      ) : bp ? (
        <a href={`/blueprints/${encodeURIComponent(bp)}`}>{bp}</a>
      ) : null}
      {"propertyIdentifier" in context && context.propertyIdentifier ? (
        <div class="small">
          timer <code>{context.propertyIdentifier}</code>
        </div>
      ) : null}
      {context.runId ? (
        <div class="small">
          run <RunLink id={context.runId} />
        </div>
      ) : null}
    </>
  );
}

/** The automation runs (or why none started) and the subscription deliveries one event set off. */
function SetOff(props: { e: EventItem }) {
  const { automations, deliveries } = props.e;
  if (automations.length === 0 && deliveries.length === 0) return <span class="muted">—</span>;
  return (
    <ul class="values">
      {automations.map((a) => (
        <li>
          automation <code>{a.automation}</code>: {a.runId ? <RunLink id={a.runId} /> : <span class="muted">{a.note ?? "no run"}</span>}
        </li>
      ))}
      {deliveries.map((d) => (
        <li>
          webhook <code>{d.subscription ?? d.id}</code> <span class={`badge ${DELIVERY_BADGES[d.status] ?? ""}`}>{d.status}</span>{" "}
          <span class="muted small">
            {d.attempts} {d.attempts === 1 ? "attempt" : "attempts"}
            {d.url ? ` · ${d.url}` : ""}
          </span>
          {d.lastResult ? (
            <div class="muted small" title={d.lastResult}>
              {d.lastResult.length > 160 ? `${d.lastResult.slice(0, 160)}…` : d.lastResult}
            </div>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** Recent events, newest first, with what each set off; "older" pages by cursor (admins). */
export function EventsPage(props: {
  viewer?: Viewer | undefined;
  events: EventItem[];
  next: string | null;
  blueprint?: string | undefined;
}) {
  return (
    <Layout viewer={props.viewer} title="Events">
      <h1>Events</h1>
      <p class="muted">
        Every change is an event. Each row shows what it set off: automation runs (or why none started) and webhook subscription deliveries.
      </p>
      <form method="get" action="/events" class="inline-form">
        <label for="events-blueprint">Blueprint</label>
        <input id="events-blueprint" name="blueprint" value={props.blueprint ?? ""} placeholder="any" />
        <button type="submit">Filter</button>
      </form>
      {props.events.length === 0 ? (
        <p class="empty">No events.</p>
      ) : (
        <table class="grid events">
          <thead>
            <tr>
              <th>When</th>
              <th>Event</th>
              <th>About</th>
              <th>By</th>
              <th>Set off</th>
            </tr>
          </thead>
          <tbody>
            {props.events.map((e) => (
              <tr id={e.id}>
                <td>
                  <time datetime={e.at} title={e.at}>
                    {relativeTime(e.at)}
                  </time>
                </td>
                <td>
                  <span class={`badge ${TYPE_BADGES[e.type] ?? ""}`}>{e.type}</span>
                  <div class="muted small">{e.id}</div>
                </td>
                <td>
                  <Subject e={e} />
                </td>
                <td>
                  {e.trigger.by.email}
                  <div class="muted small">{e.trigger.origin}</div>
                </td>
                <td>
                  <SetOff e={e} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.next ? (
        <nav class="pager">
          <a href={eventsHref({ blueprint: props.blueprint, cursor: props.next })}>Older →</a>
        </nav>
      ) : null}
    </Layout>
  );
}
