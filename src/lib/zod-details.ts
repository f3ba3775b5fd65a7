import type { z } from "zod";
import type { ErrorDetail } from "./errors";

/** Joins a zod issue path into the dotted form our error details use (`properties.ports.2`). */
export function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  const parts = path.map((p) => String(p));
  return [prefix, ...parts].filter((p) => p !== "").join(".");
}

/**
 * Turns a zod error into our `{path, message}` details, with `prefix` before every path.
 *
 * @example zodDetails(result.error, "properties") // [{path: "properties.type", message: "..."}]
 */
export function zodDetails(error: z.ZodError, prefix = ""): ErrorDetail[] {
  return error.issues.flatMap((issue) =>
    // zod reports unknown keys on the parent object; name each key instead, so the path points at it.
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: joinPath(prefix, [...issue.path, key]), message: `is not a known field ('${String(key)}')` }))
      : [{ path: joinPath(prefix, issue.path), message: issue.message }],
  );
}
