import type { Blueprint } from "../../src/domain/catalog/types";
import { Layout, type Viewer } from "../layout";

/** The catalog: every blueprint with the number of its entities the viewer may read. */
export function CatalogPage(props: { viewer?: Viewer | undefined; rows: { blueprint: Blueprint; entityCount: number }[] }) {
  return (
    <Layout viewer={props.viewer} title="Catalog">
      <h1>Software catalog</h1>
      {props.rows.length === 0 ? (
        <p class="empty">
          No blueprints yet. Apply a template with <code>POST /v1/templates/sdlc/apply</code> or create one with{" "}
          <code>POST /v1/blueprints</code>.
        </p>
      ) : (
        <table class="grid">
          <thead>
            <tr>
              <th>Blueprint</th>
              <th>Description</th>
              <th class="num">Entities</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map(({ blueprint, entityCount }) => (
              <tr>
                <td>
                  <a href={`/blueprints/${encodeURIComponent(blueprint.identifier)}`}>{blueprint.title}</a>
                  <div class="muted small">{blueprint.identifier}</div>
                </td>
                <td>{blueprint.description ?? ""}</td>
                <td class="num">{entityCount}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
