import type { Child } from "hono/jsx";
import { NO_VALUE_OPERATORS, QUERY_OPERATORS } from "../../src/domain/catalog/search/operators";
import { type Column, type Field, type FilterSpec, OPERATOR_LABELS, type TableState, tableHref, tableSwap } from "./table-state";

function blueprintPath(blueprint: string): string {
  return `/blueprints/${encodeURIComponent(blueprint)}`;
}

/**
 * A filter row's operator and value inputs, suited to the property's type: its operators only, a select
 * for enums and booleans. Without a property (the empty row before htmx picks one) every operator is offered.
 */
export function FilterOperands(props: { field: Field | undefined; operator?: string | undefined; value?: string | undefined }) {
  const { field, value = "" } = props;
  const operators: readonly string[] = field?.operators ?? QUERY_OPERATORS;
  const operator = props.operator ?? operators[0];
  const offerSelect =
    field && field.options.length > 0 && (operator === "=" || operator === "!=") && (!value || field.options.includes(value));
  const placeholder = field?.kind === "instant" || field?.kind === "timer" ? "2025-01-31" : field?.kind === "number" ? "42" : "value";
  return (
    <span class="filter-operands">
      <select name="fo" aria-label="Operator">
        {operators.map((op) => (
          <option value={op} selected={op === operator}>
            {OPERATOR_LABELS[op] ?? op}
          </option>
        ))}
        {operator && !operators.includes(operator) ? (
          <option value={operator} selected>
            {operator}
          </option>
        ) : null}
      </select>
      {offerSelect ? (
        <select name="fv" aria-label="Value">
          {field.options.map((o) => (
            <option value={o} selected={o === value}>
              {o}
            </option>
          ))}
        </select>
      ) : (
        <input
          type="text"
          name="fv"
          aria-label="Value"
          value={operator && NO_VALUE_OPERATORS.has(operator) ? "" : value}
          placeholder={placeholder}
          autocomplete="off"
        />
      )}
    </span>
  );
}

function FilterRow(props: { blueprint: string; fields: Field[]; filter?: FilterSpec; removeHref?: string }) {
  const { filter } = props;
  const field = props.fields.find((f) => f.key === filter?.property);
  return (
    <div class="filter-row">
      <select
        name="fp"
        aria-label="Property"
        hx-get={`${blueprintPath(props.blueprint)}/filter-operands`}
        hx-trigger="change"
        hx-target="next .filter-operands"
        hx-swap="outerHTML"
        hx-push-url="false"
      >
        {filter ? null : <option value="">Add a filter…</option>}
        {props.fields.map((f) => (
          <option value={f.key} selected={f.key === filter?.property}>
            {f.label}
          </option>
        ))}
        {filter && !field ? (
          <option value={filter.property} selected>
            {filter.property}
          </option>
        ) : null}
      </select>
      <FilterOperands field={field} operator={filter?.operator} value={filter?.value} />
      {props.removeHref ? (
        <a
          class="remove"
          href={props.removeHref}
          title="Remove this filter"
          aria-label="Remove this filter"
          {...tableSwap(props.removeHref)}
        >
          ×
        </a>
      ) : null}
    </div>
  );
}

/** The filter rows: one per applied filter (each removable) and an empty one to add another. */
export function FilterRows(props: { blueprint: string; fields: Field[]; state: TableState; oob?: boolean }) {
  const { state } = props;
  return (
    <div id="filter-rows" class="filter-rows" hx-swap-oob={props.oob ? "true" : undefined}>
      {state.filters.map((f, i) => (
        <FilterRow
          blueprint={props.blueprint}
          fields={props.fields}
          filter={f}
          removeHref={tableHref(props.blueprint, state, { filters: state.filters.filter((_, j) => j !== i) })}
        />
      ))}
      <FilterRow blueprint={props.blueprint} fields={props.fields} />
    </div>
  );
}

function ColumnChooser(props: { columns: Column[]; shown: Set<string> }) {
  return (
    <details class="col-chooser" id="col-chooser">
      <summary>Columns</summary>
      <div class="col-list">
        {/* Always sent, so that clearing every box means "no columns" rather than "the default ones". */}
        <input type="hidden" name="cols" value="" />
        {props.columns.map((c) => (
          <label>
            <input type="checkbox" name="cols" value={c.key} checked={props.shown.has(c.key)} /> {c.label}
            {c.relation ? <span class="muted small"> (relation)</span> : null}
          </label>
        ))}
      </div>
    </details>
  );
}

/**
 * The filter bar around the table: free text, filter rows, column chooser. A plain GET form, so it works
 * without JavaScript; with htmx it fetches only the table (`#entity-table`, inside the form so its hidden
 * sort inputs travel with the next submit) and pushes the URL.
 */
export function FilterBar(props: {
  blueprint: string;
  fields: Field[];
  columns: Column[];
  shown: Set<string>;
  state: TableState;
  children: Child;
}) {
  const { state } = props;
  const action = blueprintPath(props.blueprint);
  const filtered = state.q !== "" || state.filters.length > 0 || state.sort !== null || state.cols !== null;
  return (
    <form
      id="table-filters"
      class="filterbar"
      method="get"
      action={action}
      hx-get={action}
      hx-target="#entity-table"
      hx-swap="outerHTML"
      hx-push-url="true"
      hx-trigger="submit, input changed delay:300ms from:#table-q, search from:#table-q, change from:#col-chooser"
    >
      <div class="filterbar-top">
        <input
          type="search"
          id="table-q"
          name="q"
          value={state.q}
          placeholder="Filter by identifier or title"
          aria-label="Filter by identifier or title"
          autocomplete="off"
        />
        <ColumnChooser columns={props.columns} shown={props.shown} />
        <button type="submit">Apply</button>
        {filtered ? <a href={action}>Reset</a> : null}
      </div>
      <FilterRows blueprint={props.blueprint} fields={props.fields} state={state} />
      {props.children}
    </form>
  );
}
