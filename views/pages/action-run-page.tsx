import { ActionForm, type ActionFormModel } from "../components/action-form";
import { entityHref } from "../components/table-state";
import { Layout, type Viewer } from "../layout";

/** What the form page says about the action it runs. */
export interface ActionSummary {
  identifier: string;
  title: string;
  description?: string | undefined;
  operation: string;
  blueprint: string;
  blueprintTitle: string;
}

const OPERATION_WORDS: Record<string, string> = { CREATE: "creates", "DAY-2": "changes", DELETE: "deletes" };

/** An action's form, on an entity for DAY-2 / DELETE actions. */
export function ActionRunPage(props: {
  viewer?: Viewer | undefined;
  action: ActionSummary;
  entity: { identifier: string; title: string | null } | null;
  model: ActionFormModel;
}) {
  const { action, entity } = props;
  const bpHref = `/blueprints/${encodeURIComponent(action.blueprint)}`;
  return (
    <Layout viewer={props.viewer} title={action.title}>
      <nav class="crumbs">
        <a href="/self-service">Self-service</a> / <a href={bpHref}>{action.blueprintTitle}</a>
        {entity ? (
          <>
            {" / "}
            <a href={entityHref(action.blueprint, entity.identifier)}>{entity.title ?? entity.identifier}</a>
          </>
        ) : null}{" "}
        / {action.title}
      </nav>
      <h1>{action.title}</h1>
      {action.description ? <p>{action.description}</p> : null}
      <p class="muted small">
        <span class={`badge ${action.operation === "DELETE" ? "badge-red" : "badge-blue"}`}>{action.operation}</span> This action{" "}
        {OPERATION_WORDS[action.operation] ?? "acts on"} {action.blueprintTitle} entities
        {entity ? (
          <>
            {" "}
            and runs on <code>{entity.identifier}</code>
          </>
        ) : null}
        .
      </p>
      <ActionForm model={props.model} />
    </Layout>
  );
}

/** A DAY-2 / DELETE action opened without an entity: point at where it is run from. */
export function ActionNeedsEntityPage(props: { viewer?: Viewer | undefined; action: ActionSummary }) {
  const { action } = props;
  return (
    <Layout viewer={props.viewer} title={action.title}>
      <nav class="crumbs">
        <a href="/self-service">Self-service</a> / {action.title}
      </nav>
      <h1>{action.title}</h1>
      {action.description ? <p>{action.description}</p> : null}
      <p class="hint">
        This {action.operation} action runs on an existing entity: run it from an entity page of{" "}
        <a href={`/blueprints/${encodeURIComponent(action.blueprint)}`}>{action.blueprintTitle}</a>.
      </p>
    </Layout>
  );
}
