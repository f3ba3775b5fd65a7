import type { IntegrationFormValues } from "../../../views/pages/integration-form";
import { INTEGRATION_TYPES, type IntegrationType, SECRET_MASK } from "../../domain/integrations/definition";
import { DEFAULT_MAPPINGS } from "../../domain/integrations/presets";
import type { IntegrationView } from "../../domain/integrations/view";
import type { ErrorDetail } from "../../lib/errors";

/**
 * The integration form, both ways: posted strings into the API body (so the domain validates and names
 * problems with the API's paths, which are also the form's field names), and a stored integration back
 * into form strings (secrets masked). Only what a form cannot say is checked here: `Name: value` header
 * lines and a JSON request body.
 */

type Posted = Record<string, string | File | (string | File)[]>;

function text(form: Posted, name: string): string {
  const v = form[name];
  return typeof v === "string" ? v : "";
}

/** Reads the posted fields the integration form has. */
export function valuesFromForm(form: Posted): IntegrationFormValues {
  const type = (INTEGRATION_TYPES as readonly string[]).includes(text(form, "type"))
    ? (text(form, "type") as IntegrationType)
    : "http-json";
  const config: Record<string, string> = {};
  for (const [name, value] of Object.entries(form))
    if (name.startsWith("config.") && typeof value === "string") config[name.slice(7)] = value;
  return {
    identifier: text(form, "identifier").trim(),
    title: text(form, "title"),
    type,
    config,
    mapping: text(form, "mapping"),
    everyMinutes: text(form, "schedule.everyMinutes").trim(),
    onMissing: text(form, "deletion.onMissing") === "stale" ? "stale" : "delete",
    maxSharePercent: text(form, "deletion.maxShare").trim(),
    pageSize: text(form, "pageSize").trim(),
    enabled: text(form, "enabled") === "on",
  };
}

/** `Name: value` lines into an object; a line without a colon is a problem at `path`. */
function headerLines(value: string, path: string, problems: ErrorDetail[]): Record<string, string> {
  const out: Record<string, string> = {};
  value.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    const cut = line.indexOf(":");
    if (cut <= 0) problems.push({ path, message: `line ${i + 1}: write 'Name: value'` });
    else out[line.slice(0, cut).trim()] = line.slice(cut + 1).trim();
  });
  return out;
}

function number(value: string): number | string {
  const n = Number(value);
  return value !== "" && Number.isFinite(n) ? n : value;
}

/** Only the fields that were filled in: an empty field means "the default" (or, for a secret, "unchanged"). */
function filled(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== "" && v !== undefined));
}

function configOf(v: IntegrationFormValues, problems: ErrorDetail[]): Record<string, unknown> {
  const c = (k: string) => (v.config[k] ?? "").trim();
  switch (v.type) {
    case "http-json": {
      let body: unknown;
      if (c("body") !== "") {
        try {
          body = JSON.parse(c("body"));
        } catch {
          problems.push({ path: "config.body", message: "must be JSON" });
        }
      }
      const pagination = filled({
        type: c("pagination.type") || "none",
        param: c("pagination.param"),
        nextPath: c("pagination.nextPath"),
        sizeParam: c("pagination.sizeParam"),
        size: c("pagination.size") === "" ? "" : number(c("pagination.size")),
        start: c("pagination.start") === "" ? "" : number(c("pagination.start")),
      });
      return filled({
        url: c("url"),
        method: c("method"),
        headers: headerLines(c("headers"), "config.headers", problems),
        secretHeaders: headerLines(c("secretHeaders"), "config.secretHeaders", problems),
        body,
        itemsPath: c("itemsPath"),
        kind: c("kind"),
        pagination,
      });
    }
    case "aws-cloudcontrol":
      return filled({
        regions: c("regions")
          .split(/[\s,]+/)
          .filter(Boolean),
        accessKeyId: c("accessKeyId"),
        secretAccessKey: c("secretAccessKey"),
        sessionToken: c("sessionToken"),
        endpoint: c("endpoint"),
      });
    case "backstage":
      return filled({ url: c("url"), text: v.config.text ?? "", headers: headerLines(c("headers"), "config.headers", problems) });
    case "webhook": {
      const signature = c("signature.header")
        ? filled({
            header: c("signature.header"),
            algorithm: c("signature.algorithm"),
            prefix: v.config["signature.prefix"] ?? "",
            encoding: c("signature.encoding"),
          })
        : null;
      return filled({ signature, secret: c("secret") });
    }
  }
}

/** The API body a posted form stands for, and the problems found before the domain sees it. */
export function bodyFromValues(v: IntegrationFormValues): { body: Record<string, unknown>; problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = [];
  const share = number(v.maxSharePercent);
  const body = {
    identifier: v.identifier,
    title: v.title,
    type: v.type,
    config: configOf(v, problems),
    mapping: v.mapping,
    schedule: v.everyMinutes === "" ? null : { everyMinutes: number(v.everyMinutes) },
    deletion: {
      onMissing: v.onMissing,
      ...(v.maxSharePercent === "" ? {} : { maxShare: typeof share === "number" ? share / 100 : share }),
    },
    ...(v.pageSize === "" ? {} : { pageSize: number(v.pageSize) }),
    enabled: v.enabled,
  };
  return { body, problems };
}

/** A fresh form of `type`: its preset mapping, the usual defaults. */
export function newFormValues(type: IntegrationType = "http-json"): IntegrationFormValues {
  return {
    identifier: "",
    title: "",
    type,
    config: type === "aws-cloudcontrol" ? { regions: "us-east-1" } : {},
    mapping: JSON.stringify(DEFAULT_MAPPINGS[type], null, 2),
    everyMinutes: type === "webhook" ? "" : "60",
    onMissing: "delete",
    maxSharePercent: "50",
    pageSize: "500",
    enabled: true,
  };
}

function lines(record: unknown): string {
  return Object.entries((record ?? {}) as Record<string, unknown>)
    .map(([k, val]) => `${k}: ${String(val)}`)
    .join("\n");
}

/** A stored integration as form strings; secret fields stay empty (empty keeps them), header values masked. */
export function valuesFromView(view: IntegrationView): IntegrationFormValues {
  const c = view.config as Record<string, unknown> & { pagination?: Record<string, unknown>; signature?: Record<string, unknown> | null };
  const str = (x: unknown) => (x === undefined || x === null || x === SECRET_MASK ? "" : typeof x === "string" ? x : JSON.stringify(x));
  const config: Record<string, string> = {
    url: str(c.url),
    method: str(c.method),
    headers: lines(c.headers),
    secretHeaders: lines(c.secretHeaders),
    body: c.body === undefined ? "" : JSON.stringify(c.body, null, 2),
    itemsPath: str(c.itemsPath),
    kind: str(c.kind),
    regions: Array.isArray(c.regions) ? c.regions.join(", ") : "",
    accessKeyId: str(c.accessKeyId),
    endpoint: str(c.endpoint),
    text: str(c.text),
  };
  for (const [k, val] of Object.entries(c.pagination ?? {})) config[`pagination.${k}`] = str(val);
  for (const [k, val] of Object.entries(c.signature ?? {})) config[`signature.${k}`] = str(val);
  return {
    identifier: view.identifier,
    title: view.title,
    type: view.type,
    config,
    mapping: JSON.stringify(view.mapping, null, 2),
    everyMinutes: view.schedule ? String(view.schedule.everyMinutes) : "",
    onMissing: view.deletion.onMissing,
    maxSharePercent: String(Math.round(view.deletion.maxShare * 1000) / 10),
    pageSize: String(view.pageSize),
    enabled: view.enabled,
    storedSecrets: Object.keys(c).filter((k) => c[k] === SECRET_MASK),
  };
}
