import type { Blueprint, Entity } from "../../src/domain/catalog/types";
import { relativeTime } from "../../src/lib/relative-time";
import { PropertyValue } from "../components/property-value";
import { Layout, type Viewer } from "../layout";

/** How many property columns the table shows; the entity page shows them all. */
const MAX_COLUMNS = 8;

export function entityHref(blueprint: string, identifier: string): string {
  return `/blueprints/${encodeURIComponent(blueprint)}/entities/${encodeURIComponent(identifier)}`;
}

/** A blueprint's entities as a paged table, properties rendered by format. */
export function BlueprintPage(props: {
  viewer?: Viewer | undefined;
  blueprint: Blueprint;
  entities: Entity[];
  total: number;
  next: string | null;
  cursor: string | undefined;
}) {
  const { blueprint } = props;
  const columns = Object.entries(blueprint.schema.properties).slice(0, MAX_COLUMNS);
  const relations = Object.entries(blueprint.relations);
  return (
    <Layout viewer={props.viewer} title={blueprint.title}>
      <nav class="crumbs">
        <a href="/">Catalog</a> / {blueprint.title}
      </nav>
      <h1>{blueprint.title}</h1>
      {blueprint.description ? <p>{blueprint.description}</p> : null}
      <p class="muted">
        {props.total} entities · identifier <code>{blueprint.identifier}</code> · version {blueprint.version}
      </p>
      {props.entities.length === 0 ? (
        <p class="empty">No entities yet.</p>
      ) : (
        <table class="grid">
          <thead>
            <tr>
              <th>Title</th>
              {columns.map(([key, def]) => (
                <th>{def.title ?? key}</th>
              ))}
              {relations.map(([key, def]) => (
                <th>{def.title ?? key}</th>
              ))}
              <th>Team</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {props.entities.map((e) => (
              <tr>
                <td>
                  <a href={entityHref(blueprint.identifier, e.identifier)}>{e.title ?? e.identifier}</a>
                  <div class="muted small">{e.identifier}</div>
                </td>
                {columns.map(([key, def]) => (
                  <td>
                    <PropertyValue def={def} value={e.properties[key]} compact />
                  </td>
                ))}
                {relations.map(([key, def]) => (
                  <td>
                    {[e.relations[key] ?? []].flat().map((id) => (
                      <a class="rel" href={entityHref(def.target, id)}>
                        {id}
                      </a>
                    ))}
                  </td>
                ))}
                <td>{e.team.join(", ")}</td>
                <td>
                  <time datetime={e.updatedAt} title={e.updatedAt}>
                    {relativeTime(e.updatedAt)}
                  </time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager">
        {props.cursor ? <a href={`/blueprints/${encodeURIComponent(blueprint.identifier)}`}>First page</a> : null}
        {props.next ? (
          <a href={`/blueprints/${encodeURIComponent(blueprint.identifier)}?cursor=${encodeURIComponent(props.next)}`}>Next page →</a>
        ) : null}
      </nav>
    </Layout>
  );
}
