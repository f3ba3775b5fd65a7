import { actionFormHref } from "../components/action-panel";
import { Layout, type Viewer } from "../layout";

/** One action as the hub lists it. */
export interface HubAction {
  identifier: string;
  title: string;
  description?: string | undefined;
  operation: string;
  blueprint: string;
  blueprintTitle: string;
  /** CREATE actions: may the viewer run it? (DAY-2 / DELETE depend on the entity.) */
  mayRun: boolean;
  mayManage: boolean;
}

export interface HubGroup {
  title: string;
  actions: HubAction[];
}

function ActionCard(props: { a: HubAction }) {
  const { a } = props;
  const bpHref = `/blueprints/${encodeURIComponent(a.blueprint)}`;
  return (
    <li class="card action-card" data-action={a.identifier}>
      <h3>
        {a.operation === "CREATE" ? <a href={actionFormHref(a.identifier)}>{a.title}</a> : a.title}{" "}
        <span class={`badge ${a.operation === "DELETE" ? "badge-red" : a.operation === "CREATE" ? "badge-green" : "badge-blue"}`}>
          {a.operation}
        </span>
      </h3>
      {a.description ? <p>{a.description}</p> : null}
      {a.operation === "CREATE" ? (
        a.mayRun ? null : (
          <p class="muted small">You may not run this action.</p>
        )
      ) : (
        <p class="muted small">
          Runs on an existing entity: run it from an entity page of <a href={bpHref}>{a.blueprintTitle}</a>.
        </p>
      )}
      {a.mayManage ? (
        <p class="small">
          <a href={`/actions/${encodeURIComponent(a.identifier)}/edit`}>Edit definition</a>
        </p>
      ) : null}
    </li>
  );
}

/** The groups (the fragment the search box swaps). */
export function ActionGroups(props: { groups: HubGroup[]; q: string }) {
  return (
    <div id="action-groups" aria-live="polite">
      {props.groups.length === 0 ? (
        <p class="empty">{props.q ? `No action matches “${props.q}”.` : "No self-service actions yet."}</p>
      ) : (
        props.groups.map((g) => (
          <section class="action-group">
            <h2>{g.title}</h2>
            <ul class="action-cards">
              {g.actions.map((a) => (
                <ActionCard a={a} />
              ))}
            </ul>
          </section>
        ))
      )}
    </div>
  );
}

/** `/self-service`: every action grouped by category, with a search box over title and description. */
export function ActionHubPage(props: { viewer?: Viewer | undefined; groups: HubGroup[]; q: string; mayCreate: boolean }) {
  return (
    <Layout viewer={props.viewer} title="Self-service">
      <h1>Self-service</h1>
      <search>
        <form
          class="search-form inline-form"
          method="get"
          action="/self-service"
          hx-get="/self-service"
          hx-target="#action-groups"
          hx-swap="outerHTML"
          hx-push-url="true"
          hx-trigger="input changed delay:200ms from:#action-q, search from:#action-q, submit"
        >
          <label for="action-q" class="visually-hidden">
            Search actions
          </label>
          <input
            type="search"
            id="action-q"
            name="q"
            value={props.q}
            placeholder="Search actions by title or description"
            autocomplete="off"
          />
          <button type="submit">Search</button>
          {props.mayCreate ? <a href="/actions/new">New action</a> : null}
        </form>
      </search>
      <ActionGroups groups={props.groups} q={props.q} />
    </Layout>
  );
}
