import type { ActionDraft, GrantDraft, KeyValueDraft, TemplateDraft } from "../../src/routes/ui/builder/action-draft";
import {
  CheckField,
  type EditorContext,
  GroupErrors,
  Hidden,
  OpButton,
  type Path,
  Section,
  SelectField,
  TextField,
} from "./action-builder-fields";

/** The action builder's sections after the inputs: how a run is carried out, approvals, permissions. */

const TEMPLATE_MODES = [
  ["text", "Text"],
  ["json", "JSON"],
] as const;

const TEMPLATE_HINT = "Templates: {{ .inputs.name }}, {{ .entity.identifier }}, {{ .trigger.by.email }}, {{ .run.id }}.";

function Template(props: { ctx: EditorContext; path: Path; label: string; value: TemplateDraft }) {
  const { ctx, path, value } = props;
  return (
    <div class="ab-pair">
      <GroupErrors ctx={ctx} path={path} />
      <SelectField ctx={ctx} path={[...path, "mode"]} label={`${props.label} is`} value={value.mode} options={TEMPLATE_MODES} />
      <TextField
        ctx={ctx}
        path={[...path, "value"]}
        label={props.label}
        value={value.value}
        mono
        rows={value.mode === "json" ? 3 : undefined}
      />
    </div>
  );
}

/** Rows of name and value (headers; an UPSERT's properties and relations). */
function KeyValues(props: {
  ctx: EditorContext;
  path: Path;
  rows: KeyValueDraft[];
  op: string;
  legend: string;
  noun: string;
  withMode: boolean;
}) {
  const { ctx, path } = props;
  return (
    <fieldset class="ab-group">
      <legend>{props.legend}</legend>
      <GroupErrors ctx={ctx} path={path} />
      <ol class="ab-kv">
        {props.rows.map((row, j) => (
          <li class="ab-kv-row">
            <TextField ctx={ctx} path={[...path, j, "key"]} label={`${props.noun} ${j + 1}`} value={row.key} mono />
            {props.withMode ? (
              <Template ctx={ctx} path={[...path, j]} label="Value" value={row} />
            ) : (
              <TextField ctx={ctx} path={[...path, j, "value"]} label="Value" value={row.value} mono />
            )}
            <OpButton op={`${props.op}.remove:${j}`} label="Remove" describe={`Remove ${props.noun.toLowerCase()} ${j + 1}`} />
          </li>
        ))}
      </ol>
      <OpButton op={`${props.op}.add`} label={`Add ${props.noun.toLowerCase()}`} />
    </fieldset>
  );
}

function blueprintOptions(ctx: EditorContext, none?: string) {
  return [...(none ? [["", none] as const] : []), ...ctx.managed.map((b) => [b, b] as const)];
}

/** How a run is carried out: a signed webhook, or a write to the catalog. */
export function InvocationSection(props: { ctx: EditorContext; draft: ActionDraft }) {
  const { ctx } = props;
  const m = props.draft.invocation;
  const path = ["invocation"] as const;
  return (
    <Section id="invocation" title="Invocation">
      <SelectField
        ctx={ctx}
        path={[...path, "type"]}
        label="When the form is submitted"
        value={m.type}
        options={[
          ["WEBHOOK", "Send a signed webhook to your backend"],
          ["UPSERT_ENTITY", "Create or update an entity (no backend)"],
          ["DELETE_ENTITY", "Delete an entity (no backend)"],
          ...(m.type === "" ? [["", "Another method (kept as JSON below)"] as const] : []),
        ]}
      />
      {m.type === "WEBHOOK" ? (
        <>
          <div class="ab-grid">
            <TextField ctx={ctx} path={[...path, "url"]} label="URL" value={m.url} placeholder="https://ci.example.com/portal" />
            <SelectField
              ctx={ctx}
              path={[...path, "method"]}
              label="Method"
              value={m.method}
              options={["POST", "PUT", "PATCH", "DELETE"].map((v) => [v, v] as const)}
            />
          </div>
          <CheckField
            ctx={ctx}
            path={[...path, "synchronized"]}
            label="Synchronized: the response decides the run (2xx succeeds, anything else fails)"
            checked={m.synchronized}
          />
          <CheckField
            ctx={ctx}
            path={[...path, "agent"]}
            label="Sent through Port's agent (kept for Port compatibility)"
            checked={m.agent}
          />
          <KeyValues ctx={ctx} path={[...path, "headers"]} rows={m.headers} op="header" legend="Headers" noun="Header" withMode={false} />
          <TextField
            ctx={ctx}
            path={[...path, "body"]}
            label="Body (JSON template)"
            value={m.body}
            rows={6}
            mono
            hint={`Leave empty to send Port's default body. ${TEMPLATE_HINT}`}
          />
        </>
      ) : null}
      {m.type === "UPSERT_ENTITY" ? (
        <>
          <SelectField
            ctx={ctx}
            path={[...path, "blueprint"]}
            label="Blueprint to write"
            value={m.blueprint}
            options={blueprintOptions(ctx)}
          />
          <p class="ab-hint">{TEMPLATE_HINT} Leave the identifier empty on a DAY-2 action to update its own entity.</p>
          <div class="ab-grid">
            <Template ctx={ctx} path={[...path, "identifier"]} label="Identifier" value={m.identifier} />
            <Template ctx={ctx} path={[...path, "title"]} label="Title" value={m.title} />
            <Template ctx={ctx} path={[...path, "icon"]} label="Icon" value={m.icon} />
            <Template ctx={ctx} path={[...path, "team"]} label="Team" value={m.team} />
          </div>
          <KeyValues
            ctx={ctx}
            path={[...path, "properties"]}
            rows={m.properties}
            op="property"
            legend="Properties"
            noun="Property"
            withMode
          />
          <KeyValues ctx={ctx} path={[...path, "relations"]} rows={m.relations} op="relation" legend="Relations" noun="Relation" withMode />
        </>
      ) : null}
      {m.type === "DELETE_ENTITY" ? (
        <>
          <SelectField
            ctx={ctx}
            path={[...path, "blueprint"]}
            label="Blueprint"
            value={m.blueprint}
            options={blueprintOptions(ctx, "(the action's blueprint)")}
          />
          <TextField
            ctx={ctx}
            path={[...path, "entityIdentifier"]}
            label="Entity to delete (template)"
            value={m.entityIdentifier}
            mono
            hint="Leave empty to delete the entity the action runs on."
          />
          <CheckField
            ctx={ctx}
            path={[...path, "deleteDependents"]}
            label="Also delete entities that depend on it"
            checked={m.deleteDependents}
          />
        </>
      ) : null}
    </Section>
  );
}

/** Approval before a run is carried out, and who is told. */
export function ApprovalSection(props: { ctx: EditorContext; draft: ActionDraft }) {
  const { ctx, draft } = props;
  return (
    <Section id="approval" title="Approval">
      <Hidden path={["approvalAsBoolean"]} value={draft.approvalAsBoolean} />
      <div class="ab-grid">
        <SelectField
          ctx={ctx}
          path={["approval"]}
          label="Runs need"
          value={draft.approval}
          options={[
            ["none", "No approval"],
            ["ANY", "One approver (any)"],
            ["ALL", "Every approver (all)"],
          ]}
        />
        <TextField
          ctx={ctx}
          path={["approvalTtlHours"]}
          label="Declined after (hours undecided)"
          value={draft.approvalTtlHours}
          inputmode="numeric"
        />
        <SelectField
          ctx={ctx}
          path={["notification"]}
          label="Notify approvers"
          value={draft.notification}
          options={[
            ["none", "No notification"],
            ["email", "Email (Port's default; approvers see the Approvals page)"],
            ["webhook", "A signed webhook"],
          ]}
        />
        {draft.notification === "webhook" ? (
          <>
            <TextField
              ctx={ctx}
              path={["notificationUrl"]}
              label="Notification URL"
              value={draft.notificationUrl}
              placeholder="https://hooks.slack.com/…"
            />
            <SelectField
              ctx={ctx}
              path={["notificationFormat"]}
              label="Format"
              value={draft.notificationFormat}
              options={[
                ["json", "JSON"],
                ["slack", "Slack message"],
              ]}
            />
          </>
        ) : null}
      </div>
    </Section>
  );
}

function Grant(props: { ctx: EditorContext; path: Path; grant: GrantDraft; legend: string; owner: boolean }) {
  const { ctx, path, grant } = props;
  return (
    <fieldset class="ab-group">
      <legend>{props.legend}</legend>
      <GroupErrors ctx={ctx} path={path} />
      <div class="ab-grid">
        <TextField ctx={ctx} path={[...path, "roles"]} label="Roles (one per line)" value={grant.roles} rows={3} />
        <TextField ctx={ctx} path={[...path, "users"]} label="Users (emails, one per line)" value={grant.users} rows={3} />
        <TextField ctx={ctx} path={[...path, "teams"]} label="Teams (one per line)" value={grant.teams} rows={3} />
      </div>
      {props.owner ? (
        <CheckField
          ctx={ctx}
          path={[...path, "ownedByTeam"]}
          label="Members of the team that owns the entity (DAY-2 and DELETE actions)"
          checked={grant.ownedByTeam}
        />
      ) : null}
    </fieldset>
  );
}

/** Who may run the action and who may approve its runs. */
export function PermissionsSection(props: { ctx: EditorContext; draft: ActionDraft }) {
  return (
    <Section id="permissions" title="Permissions">
      <p class="ab-hint">Admins may always run an action. Approvers never approve their own runs.</p>
      <Grant ctx={props.ctx} path={["execute"]} grant={props.draft.execute} legend="Who may run it" owner />
      <Grant ctx={props.ctx} path={["approve"]} grant={props.draft.approve} legend="Who may approve runs" owner={false} />
    </Section>
  );
}
