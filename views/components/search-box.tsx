import { entityHref } from "./table-state";

/** Free-text hits grouped by blueprint, as searchFreeText returns them. */
export interface SearchGroup {
  blueprint: string;
  title: string;
  entities: { identifier: string; title: string | null }[];
}

/**
 * The header's search box: suggestions as you type (htmx fetches /search/suggest into the dropdown),
 * Enter (or no JavaScript) opens the full results page. The dropdown shows while the box has focus and
 * the fragment is not empty (CSS only).
 */
export function GlobalSearch() {
  return (
    <search class="global-search">
      <form method="get" action="/search">
        <input
          type="search"
          name="q"
          placeholder="Search the catalog"
          aria-label="Search the catalog"
          autocomplete="off"
          hx-get="/search/suggest"
          hx-trigger="input changed delay:200ms, search"
          hx-target="#search-suggest"
          hx-swap="innerHTML"
          hx-sync="this:replace"
        />
        <div id="search-suggest" class="suggest" aria-live="polite" />
      </form>
    </search>
  );
}

export function SearchGroups(props: { groups: SearchGroup[]; heading: "h2" | "h3"; q: string }) {
  return (
    <>
      {props.groups.map((g) => (
        <section class="search-group" data-blueprint={g.blueprint}>
          {props.heading === "h2" ? (
            <h2>
              {g.title} <span class="muted small">({g.entities.length})</span>
            </h2>
          ) : (
            <h3>{g.title}</h3>
          )}
          <ul class="hits">
            {g.entities.map((e) => (
              <li>
                <a href={entityHref(g.blueprint, e.identifier)}>
                  {e.title ?? e.identifier} <span class="muted small">{e.identifier}</span>
                </a>
              </li>
            ))}
          </ul>
          {props.heading === "h2" ? (
            <a class="small" href={`/blueprints/${encodeURIComponent(g.blueprint)}?${new URLSearchParams({ q: props.q })}`}>
              Filter the {g.title} table by “{props.q}” →
            </a>
          ) : null}
        </section>
      ))}
    </>
  );
}

/** The dropdown fragment: hits grouped by blueprint, and a link to every result. */
export function SearchSuggestions(props: { q: string; groups: SearchGroup[] }) {
  return (
    <div class="suggest-list">
      {props.groups.length === 0 ? (
        <p class="muted">No matches for “{props.q}”.</p>
      ) : (
        <SearchGroups groups={props.groups} heading="h3" q={props.q} />
      )}
      <a class="suggest-all" href={`/search?${new URLSearchParams({ q: props.q })}`}>
        All results for “{props.q}”
      </a>
    </div>
  );
}
