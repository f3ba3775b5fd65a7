/** An action as the catalog pages offer it: a link to its form. */
export interface ActionLink {
  identifier: string;
  title: string;
  description?: string | undefined;
  operation: string;
}

/** The form of an action, on an entity for DAY-2 / DELETE actions. */
export function actionFormHref(identifier: string, entity?: string): string {
  const base = `/actions/${encodeURIComponent(identifier)}/run`;
  return entity === undefined ? base : `${base}?${new URLSearchParams({ entity })}`;
}

/** The entity page's "Actions" panel: DAY-2 / DELETE actions the viewer may run on this entity. */
export function EntityActionsPanel(props: { actions: ActionLink[]; entity: string }) {
  if (props.actions.length === 0) return null;
  return (
    <section class="action-panel" aria-labelledby="entity-actions">
      <h2 id="entity-actions">Actions</h2>
      <ul class="action-links">
        {props.actions.map((a) => (
          <li>
            <a class={`button-link${a.operation === "DELETE" ? " danger" : ""}`} href={actionFormHref(a.identifier, props.entity)}>
              {a.title}
            </a>
            {a.description ? <span class="muted small"> {a.description}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The blueprint page's CREATE actions, as buttons. */
export function CreateActionButtons(props: { actions: ActionLink[] }) {
  if (props.actions.length === 0) return null;
  return (
    <nav class="action-buttons" aria-label="Create with a self-service action">
      {props.actions.map((a) => (
        <a class="button-link" href={actionFormHref(a.identifier)} title={a.description ?? a.title}>
          + {a.title}
        </a>
      ))}
    </nav>
  );
}
