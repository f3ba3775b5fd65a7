import type { AuditEntry } from "../../src/domain/audit/audit-log";
import { relativeTime } from "../../src/lib/relative-time";
import { Layout, type Viewer } from "../layout";

/** The newest audit entries; the API offers filters and paging. */
export function AuditPage(props: { viewer?: Viewer | undefined; entries: AuditEntry[]; next: string | null }) {
  return (
    <Layout viewer={props.viewer} title="Audit log">
      <h1>Audit log</h1>
      <table class="grid">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>Action</th>
            <th>Resource</th>
            <th>Origin</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((a) => (
            <tr>
              <td>
                <time datetime={a.trigger.at} title={a.trigger.at}>
                  {relativeTime(a.trigger.at)}
                </time>
              </td>
              <td>{a.trigger.by.userId}</td>
              <td>
                <span class={`badge badge-${a.action === "DELETE" ? "red" : a.action === "CREATE" ? "green" : "blue"}`}>{a.action}</span>
              </td>
              <td>
                {a.resourceType} {a.context.blueprint ?? ""}
                {a.context.entity ? ` / ${a.context.entity}` : ""}
              </td>
              <td>{a.trigger.origin}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.next ? (
        <nav class="pager">
          <a href={`/audit?cursor=${encodeURIComponent(props.next)}`}>Older →</a>
        </nav>
      ) : null}
    </Layout>
  );
}
