import type { Blueprint, Entity } from "../../src/domain/catalog/types";
import { relativeTime } from "../../src/lib/relative-time";
import { PropertyValue } from "./property-value";
import { type Column, DEFAULT_PAGE_SIZE, entityHref, type Field, type TableState, tableHref, tableSwap } from "./table-state";

/** The result of running the table's search, or why it could not run. */
export interface TableResult {
  entities: Entity[];
  next: string | null;
  total: number;
  /** Problems with the view's input (a 400), shown above the table. */
  errors: string[];
}

function SortHeader(props: { blueprint: string; state: TableState; field: string; label: string; sortable: boolean }) {
  const { state, field } = props;
  if (!props.sortable) return <th>{props.label}</th>;
  const active = state.sort === field;
  const order = active && state.order === "asc" ? "desc" : "asc";
  const href = tableHref(props.blueprint, state, { sort: field, order });
  return (
    <th aria-sort={active ? (state.order === "asc" ? "ascending" : "descending") : undefined}>
      <a class="sort" title={`Sort by ${props.label} (${order === "asc" ? "ascending" : "descending"})`} {...tableSwap(href)}>
        {props.label}
        {active ? <span class="sort-mark">{state.order === "asc" ? " ▲" : " ▼"}</span> : null}
      </a>
    </th>
  );
}

/**
 * The table region that htmx swaps (`#entity-table`): errors, count, rows, pager. Sort headers and pager
 * links are real links (full page without JavaScript) that htmx turns into fragment requests.
 */
export function EntityTable(props: { blueprint: Blueprint; fields: Field[]; columns: Column[]; state: TableState; result: TableResult }) {
  const { blueprint, state, result } = props;
  const bp = blueprint.identifier;
  const sortable = new Set(props.fields.filter((f) => f.sortable).map((f) => f.key));
  const header = (key: string, label: string) => (
    <SortHeader blueprint={bp} state={state} field={key} label={label} sortable={sortable.has(key)} />
  );
  return (
    <div id="entity-table" class="entity-table">
      {/* The current sort rides along with the next filter-form submit. */}
      {state.sort ? <input type="hidden" name="sort" value={state.sort} /> : null}
      {state.sort ? <input type="hidden" name="order" value={state.order} /> : null}
      {state.limit !== DEFAULT_PAGE_SIZE ? <input type="hidden" name="limit" value={String(state.limit)} /> : null}
      {result.errors.length > 0 ? (
        <div class="alert table-errors" role="alert">
          <strong>This view could not be shown (400 Bad Request):</strong>
          <ul>
            {result.errors.map((e) => (
              <li>{e}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p class="muted table-count">
          {result.total} {result.total === 1 ? "entity" : "entities"}
          {state.q || state.filters.length > 0 ? " match" : ""}
          {state.from ? " · later page" : ""}
        </p>
      )}
      {result.entities.length === 0 ? (
        result.errors.length > 0 ? null : (
          <p class="empty">{state.q || state.filters.length > 0 ? "No entities match." : "No entities yet."}</p>
        )
      ) : (
        <table class="grid">
          <thead>
            <tr>
              {header("$title", "Title")}
              {props.columns.map((c) => header(c.relation ? `relation:${c.key}` : c.key, c.label))}
              <th>Team</th>
              {header("$updatedAt", "Updated")}
            </tr>
          </thead>
          <tbody>
            {result.entities.map((e) => (
              <tr>
                <td>
                  <a href={entityHref(bp, e.identifier)}>{e.title ?? e.identifier}</a>
                  <div class="muted small">{e.identifier}</div>
                </td>
                {props.columns.map((c) => {
                  const rel = c.relation ? blueprint.relations[c.key] : undefined;
                  return rel ? (
                    <td>
                      {[e.relations[c.key] ?? []].flat().map((id) => (
                        <a class="rel" href={entityHref(rel.target, id)}>
                          {id}
                        </a>
                      ))}
                    </td>
                  ) : (
                    <td>
                      <PropertyValue def={blueprint.schema.properties[c.key]} value={e.properties[c.key]} compact />
                    </td>
                  );
                })}
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
        {state.from ? <a {...tableSwap(tableHref(bp, state))}>← First page</a> : null}
        {result.next ? (
          <a rel="next" {...tableSwap(tableHref(bp, state, { from: result.next }))}>
            Next page →
          </a>
        ) : null}
      </nav>
    </div>
  );
}
