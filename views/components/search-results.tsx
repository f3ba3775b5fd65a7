import { Layout, type Viewer } from "../layout";
import { type SearchGroup, SearchGroups } from "./search-box";

/** The full results page, GET /search?q=. */
export function SearchResultsPage(props: { viewer?: Viewer | undefined; q: string; groups: SearchGroup[] }) {
  const count = props.groups.reduce((n, g) => n + g.entities.length, 0);
  return (
    <Layout viewer={props.viewer} title={props.q ? `Search: ${props.q}` : "Search"}>
      <h1>Search</h1>
      <search>
        <form method="get" action="/search" class="inline-form search-form">
          <input type="search" name="q" value={props.q} aria-label="Search the catalog" placeholder="Identifier, title or text" />
          <button type="submit">Search</button>
        </form>
      </search>
      {props.q === "" ? (
        <p class="muted">Search identifiers, titles and text properties of every entity you may read.</p>
      ) : count === 0 ? (
        <p class="empty">No matches for “{props.q}”.</p>
      ) : (
        <>
          <p class="muted">
            {count} {count === 1 ? "match" : "matches"} in {props.groups.length} {props.groups.length === 1 ? "blueprint" : "blueprints"}
          </p>
          <SearchGroups groups={props.groups} heading="h2" q={props.q} />
        </>
      )}
    </Layout>
  );
}
