import type { Context } from "hono";
import type { AppEnv } from "../../../env";
import { AppError, type ErrorDetail, invalid } from "../../../lib/errors";
import { decodeFormPaths, FormPathError } from "../../../lib/form-paths";
import { parseJsonBody } from "../../../lib/json-parse";
import { isPlainObject, type Tree } from "./form-fields";

/**
 * What a builder posts, read once: the form fields (decoded by path) and the builder's own controls,
 * whose names start with "_" (`_op`, `_from`, `_json`, `_synced`, `_version`, `_overwrite`, …).
 */
export interface BuilderPost {
  tree: Tree;
  /** A structural edit (`add-property`, `remove-rule:2`, `refresh`), or "". */
  op: string;
  /** Which half a live edit came from. */
  from: "form" | "json";
  json: string;
  /** The JSON text of the last moment form and JSON were in step (see draft-flow). */
  synced: string;
  /** The version the save is conditioned on: `_overwrite` (after a conflict) or the version opened. */
  version: number | undefined;
  /** Builder-specific hidden fields (`_editing`, `_blueprint`). */
  controls: Record<string, string>;
}

function positive(text: string | undefined): number | undefined {
  const n = Number(text);
  return text && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Reads a builder's post; field names that are not paths are a 400 naming the field. */
export async function readBuilderPost(c: Context<AppEnv>): Promise<BuilderPost> {
  const body = await c.req.parseBody({ all: true });
  const controls: Record<string, string> = {};
  const fields: [string, unknown][] = [];
  for (const [name, value] of Object.entries(body)) {
    if (!name.startsWith("_")) fields.push([name, value]);
    else {
      const first = Array.isArray(value) ? value[0] : value;
      if (typeof first === "string") controls[name] = first;
    }
  }
  let tree: Tree;
  try {
    tree = decodeFormPaths(fields);
  } catch (error) {
    if (error instanceof FormPathError) throw invalid([{ path: "", message: error.message }]);
    throw error;
  }
  return {
    tree,
    op: controls._op ?? "",
    from: controls._from === "json" ? "json" : "form",
    // Browsers submit a textarea's line breaks as CRLF; the JSON the server rendered has LF.
    json: (controls._json ?? "").replaceAll("\r\n", "\n"),
    synced: (controls._synced ?? "").replaceAll("\r\n", "\n"),
    version: positive(controls._overwrite) ?? positive(controls._version),
    controls,
  };
}

/** The JSON pane's text: an object, or where and why it is not one. */
export function parseJsonDraft(text: string): { value: Record<string, unknown> } | { syntax: string } {
  try {
    const value = parseJsonBody(text);
    return isPlainObject(value) ? { value } : { syntax: "the definition must be a JSON object ({…})" };
  } catch (error) {
    if (error instanceof AppError && error.code === "invalid_json") return { syntax: error.details[0]?.message ?? error.message };
    throw error;
  }
}

/** A definition as the JSON pane shows it. */
export function definitionText(definition: unknown): string {
  return JSON.stringify(definition, null, 2);
}

/** The problems of a refused write: its located details, or its message when it has none. */
export function problemsOf(error: AppError): ErrorDetail[] {
  return error.details.length > 0 ? error.details : [{ path: "", message: error.message }];
}

/** Status codes a builder shows on its page instead of the error page. */
export const SHOWN_ON_PAGE = new Set([400, 403, 404, 409, 412]);
