import type { Child } from "hono/jsx";
import type { IntegrationType } from "../../src/domain/integrations/definition";
import type { ErrorDetail } from "../../src/lib/errors";

/** The integration form's fields as strings; `config` is keyed by the path under `config.` (e.g. `pagination.type`). */
export interface IntegrationFormValues {
  identifier: string;
  title: string;
  type: IntegrationType;
  config: Record<string, string>;
  mapping: string;
  everyMinutes: string;
  onMissing: "delete" | "stale";
  maxSharePercent: string;
  pageSize: string;
  enabled: boolean;
  /** Secret fields that hold a stored value (shown as "unchanged" placeholders). */
  storedSecrets?: string[];
}

/** Problems by field name (the API path); mapping problems all go to the mapping field. */
export type FieldErrors = Map<string, string[]>;

export function fieldErrors(problems: ErrorDetail[], fields: Set<string>): { byField: FieldErrors; other: ErrorDetail[] } {
  const byField: FieldErrors = new Map();
  const other: ErrorDetail[] = [];
  for (const p of problems) {
    // A problem of a group (config.pagination) goes to the group's first field.
    const field = p.path.startsWith("mapping")
      ? "mapping"
      : [...fields].find((f) => p.path === f || p.path.startsWith(`${f}.`) || f.startsWith(`${p.path}.`));
    if (!field) {
      other.push(p);
      continue;
    }
    const message = field === p.path ? p.message : `${p.path}: ${p.message}`;
    byField.set(field, [...(byField.get(field) ?? []), message]);
  }
  return { byField, other };
}

const TYPE_LABELS: Record<IntegrationType, string> = {
  "http-json": "HTTP JSON endpoint",
  "aws-cloudcontrol": "AWS (Cloud Control API)",
  backstage: "Backstage catalog-info.yaml",
  webhook: "Webhook (ingest events)",
};

function Field(props: { name: string; label: string; errors: FieldErrors; help?: string | undefined; children: Child }) {
  const errors = props.errors.get(props.name) ?? [];
  const id = `f-${props.name.replaceAll(".", "-")}`;
  return (
    <div class={`field${errors.length > 0 ? " has-errors" : ""}`}>
      <label for={id}>{props.label}</label>
      {props.children}
      {props.help ? <p class="field-help muted small">{props.help}</p> : null}
      {errors.length > 0 ? (
        <ul id={`${id}-errors`} class="field-errors">
          {errors.map((e) => (
            <li>{e}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

type InputKind = "text" | "password" | "number" | "url" | "textarea" | "mono";

function Input(props: {
  name: string;
  label: string;
  value: string;
  errors: FieldErrors;
  kind?: InputKind;
  help?: string;
  placeholder?: string;
  /** A secret with a stored value: the field stays empty and says that empty keeps it. */
  stored?: boolean | undefined;
}) {
  const value = props.value;
  const id = `f-${props.name.replaceAll(".", "-")}`;
  const placeholder = props.stored ? "stored — leave empty to keep" : props.placeholder;
  const invalid = props.errors.has(props.name) ? "true" : undefined;
  return (
    <Field name={props.name} label={props.label} errors={props.errors} help={props.help}>
      {props.kind === "textarea" || props.kind === "mono" ? (
        <textarea id={id} name={props.name} rows={4} class="mono" spellcheck={false} placeholder={placeholder} aria-invalid={invalid}>
          {value}
        </textarea>
      ) : (
        <input
          id={id}
          type={props.kind === "password" ? "password" : props.kind === "number" ? "number" : "text"}
          name={props.name}
          value={props.kind === "password" ? "" : value}
          placeholder={placeholder}
          autocomplete={props.kind === "password" ? "new-password" : "off"}
          aria-invalid={invalid}
        />
      )}
    </Field>
  );
}

function Select(props: { name: string; label: string; value: string; options: [string, string][]; errors: FieldErrors }) {
  return (
    <Field name={props.name} label={props.label} errors={props.errors}>
      <select id={`f-${props.name.replaceAll(".", "-")}`} name={props.name}>
        {props.options.map(([value, label]) => (
          <option value={value} selected={value === props.value}>
            {label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** One config field of a type's form: its key under `config.`, how it is shown. */
interface ConfigField {
  key: string;
  label: string;
  kind?: InputKind;
  help?: string;
  placeholder?: string;
  /** A select: [value, label] pairs; the first is the default. */
  options?: [string, string][];
  /** A secret string: never shown back, empty keeps the stored value. */
  secret?: boolean;
}

const TYPE_FIELDS: Record<IntegrationType, { legend: string; fields: ConfigField[] }> = {
  "http-json": {
    legend: "HTTP JSON endpoint",
    fields: [
      { key: "url", label: "URL", placeholder: "https://api.example.com/services" },
      {
        key: "method",
        label: "Method",
        options: [
          ["GET", "GET"],
          ["POST", "POST (JSON body)"],
        ],
      },
      { key: "body", label: "Request body (JSON, POST only)", kind: "mono" },
      { key: "headers", label: "Headers", kind: "mono", help: "One 'Name: value' per line." },
      {
        key: "secretHeaders",
        label: "Secret headers",
        kind: "mono",
        help: "Stored encrypted, shown masked; a value left as ******** keeps the stored one.",
      },
      {
        key: "itemsPath",
        label: "Items path",
        placeholder: ".",
        help: "Where the list is in the response, e.g. .data.items ('.' when the response is the list).",
      },
      { key: "kind", label: "Kind", placeholder: "item", help: "The kind mapping resources select these items with." },
      {
        key: "pagination.type",
        label: "Pagination",
        options: [
          ["none", "None (one response)"],
          ["cursor", "Cursor parameter"],
          ["page", "Page number"],
          ["next-url", "Next-page URL in the response"],
        ],
      },
      { key: "pagination.param", label: "Cursor / page parameter", placeholder: "cursor" },
      { key: "pagination.nextPath", label: "Next cursor / URL path", placeholder: ".meta.next" },
      { key: "pagination.sizeParam", label: "Page size parameter", placeholder: "limit" },
      { key: "pagination.size", label: "Page size asked for", kind: "number" },
      { key: "pagination.start", label: "First page number", kind: "number", placeholder: "1" },
    ],
  },
  "aws-cloudcontrol": {
    legend: "AWS Cloud Control",
    fields: [
      {
        key: "regions",
        label: "Regions",
        help: "Comma-separated, e.g. us-east-1, eu-west-1. Resource types come from the mapping's kinds.",
      },
      { key: "accessKeyId", label: "Access key id" },
      { key: "secretAccessKey", label: "Secret access key", secret: true },
      { key: "sessionToken", label: "Session token (optional)", secret: true },
      {
        key: "endpoint",
        label: "Endpoint (optional)",
        help: "Another Cloud Control endpoint (VPC endpoint); by default the regional AWS one.",
      },
    ],
  },
  backstage: {
    legend: "Backstage catalog",
    fields: [
      { key: "url", label: "catalog-info.yaml URL", help: "Location entities' targets are followed (relative to the file)." },
      { key: "text", label: "…or paste the YAML", kind: "mono" },
      {
        key: "headers",
        label: "Secret headers",
        kind: "mono",
        help: "e.g. 'Authorization: token …' for a private repository; stored encrypted.",
      },
    ],
  },
  webhook: {
    legend: "Webhook signature",
    fields: [
      {
        key: "signature.header",
        label: "Signature header",
        placeholder: "X-Hub-Signature-256",
        help: "Empty: no signature check (the ingest key alone).",
      },
      {
        key: "signature.algorithm",
        label: "HMAC algorithm",
        options: [
          ["sha256", "SHA-256"],
          ["sha1", "SHA-1"],
        ],
      },
      { key: "signature.prefix", label: "Prefix", placeholder: "sha256=" },
      {
        key: "signature.encoding",
        label: "Encoding",
        options: [
          ["hex", "hex"],
          ["base64", "base64"],
        ],
      },
      { key: "secret", label: "Signing secret", secret: true },
    ],
  },
};

/** The fields of one type's config (swapped in by htmx when the type changes). */
export function TypeFields(props: { v: IntegrationFormValues; errors: FieldErrors }) {
  const { v, errors } = props;
  const spec = TYPE_FIELDS[v.type];
  return (
    <fieldset class="integration-type-fields">
      <legend>{spec.legend}</legend>
      {spec.fields.map((f) => {
        const name = `config.${f.key}`;
        if (f.options) {
          const value = v.config[f.key] || (f.options[0]?.[0] ?? "");
          return <Select name={name} label={f.label} value={value} options={f.options} errors={errors} />;
        }
        if (f.secret) {
          return <Input name={name} label={f.label} kind="password" value="" stored={v.storedSecrets?.includes(f.key)} errors={errors} />;
        }
        return (
          <Input
            name={name}
            label={f.label}
            kind={f.kind}
            value={v.config[f.key] ?? ""}
            errors={errors}
            help={f.help}
            placeholder={f.placeholder}
          />
        );
      })}
    </fieldset>
  );
}

/** The whole form body: common settings, the type's fields, the mapping. */
export function IntegrationFields(props: { v: IntegrationFormValues; errors: FieldErrors; editing: boolean }) {
  const { v, errors } = props;
  return (
    <>
      {props.editing ? (
        <input type="hidden" name="identifier" value={v.identifier} />
      ) : (
        <Input name="identifier" label="Identifier" value={v.identifier} errors={errors} placeholder="aws-prod" />
      )}
      <Input name="title" label="Title" value={v.title} errors={errors} />
      {props.editing ? (
        <input type="hidden" name="type" value={v.type} />
      ) : (
        <Field name="type" label="Type" errors={errors}>
          <select
            id="f-type"
            name="type"
            hx-get="/integrations/type-fields"
            hx-trigger="change"
            hx-target="#type-dependent"
            hx-swap="innerHTML"
            hx-indicator="#type-indicator"
          >
            {(Object.keys(TYPE_LABELS) as IntegrationType[]).map((t) => (
              <option value={t} selected={t === v.type}>
                {TYPE_LABELS[t]}
              </option>
            ))}
          </select>
          <span id="type-indicator" class="htmx-indicator muted small">
            {" "}
            loading…
          </span>
        </Field>
      )}
      <div id="type-dependent">
        <TypeDependent v={v} errors={errors} />
      </div>
      <fieldset>
        <legend>Schedule and deletion</legend>
        <Input
          name="schedule.everyMinutes"
          label="Sync every (minutes)"
          kind="number"
          value={v.everyMinutes}
          errors={errors}
          help="At least 5; empty: only on demand."
        />
        <Select
          name="deletion.onMissing"
          label="When the source stops returning an entity"
          value={v.onMissing}
          options={[
            ["delete", "Delete it"],
            ["stale", "Mark it stale"],
          ]}
          errors={errors}
        />
        <Input name="deletion.maxShare" label="Refuse to delete more than (%)" kind="number" value={v.maxSharePercent} errors={errors} />
        <Input name="pageSize" label="Items per queue message" kind="number" value={v.pageSize} errors={errors} />
        <div class="field field-checkbox">
          <input id="f-enabled" type="checkbox" name="enabled" checked={v.enabled} />
          <label for="f-enabled">Enabled (scheduled syncs and ingest run)</label>
        </div>
      </fieldset>
    </>
  );
}

/** The parts that change with the type: its config fields and the mapping (a new type starts from its preset). */
export function TypeDependent(props: { v: IntegrationFormValues; errors: FieldErrors }) {
  const { v, errors } = props;
  return (
    <>
      <TypeFields v={v} errors={errors} />
      <Field name="mapping" label="Mapping (YAML or JSON, Port's port-app-config shape)" errors={errors}>
        <textarea
          id="f-mapping"
          name="mapping"
          rows={18}
          class="mono"
          spellcheck={false}
          aria-invalid={errors.has("mapping") ? "true" : undefined}
        >
          {v.mapping}
        </textarea>
      </Field>
    </>
  );
}

/** The field names the form has, for placing the domain's problems. */
export const FORM_FIELDS = new Set([
  "identifier",
  "title",
  "type",
  "schedule.everyMinutes",
  "deletion.onMissing",
  "deletion.maxShare",
  "pageSize",
  "enabled",
  "mapping",
  ...Object.values(TYPE_FIELDS).flatMap((t) => t.fields.map((f) => `config.${f.key}`)),
]);
