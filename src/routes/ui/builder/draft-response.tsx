import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { JsonProblems, JsonTextarea, SyncedField } from "../../../../views/components/builder-panes";
import type { AppEnv } from "../../../env";
import type { DraftOutcome } from "./draft-flow";

/**
 * The htmx answer to a live edit: the half that changed (the main swap), the problem list and `_synced`
 * out of band. A JSON that does not parse changes only the problem list (HX-Reswap: none keeps the form as
 * it was); a form edit overtaken by newer JSON edits changes nothing (204). `extra` adds a builder's own
 * out-of-band parts when the form pane is not re-rendered (the pane carries them itself otherwise).
 */
export function draftFragments<F>(
  c: Context<AppEnv>,
  outcome: DraftOutcome<F>,
  draftUrl: string,
  formPane: (form: F) => Child,
  extra: Child = null,
) {
  if (outcome.changed === "nothing") return c.body(null, 204);
  const { state } = outcome;
  if (outcome.changed === "problems") {
    c.header("HX-Reswap", "none");
    return c.html(<JsonProblems check={state.check} oob />);
  }
  if (outcome.changed === "form") {
    return c.html(
      <>
        {formPane(state.form)}
        <JsonProblems check={state.check} oob />
        <SyncedField text={state.synced} oob />
      </>,
    );
  }
  return c.html(
    <>
      {outcome.op ? formPane(state.form) : null}
      <JsonTextarea text={state.json} draftUrl={draftUrl} oob={outcome.op} />
      <JsonProblems check={state.check} oob />
      <SyncedField text={state.synced} oob />
      {outcome.op ? null : extra}
    </>,
  );
}
