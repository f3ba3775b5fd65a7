/** One problem with the input, located by a dotted path (e.g. `properties.type`). */
export interface ErrorDetail {
  path: string;
  message: string;
}

/**
 * An error that reaches the client as `{ok:false, error:{code, message, details}}` with `status`.
 * Domain code throws it; the app's error handler renders it. Anything else becomes a 500.
 *
 * @example throw new AppError(404, "not_found", "Blueprint 'service' does not exist")
 */
export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 412 | 413 | 415 | 422 | 428 | 429 | 503,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** 400 with one or more located problems; the message summarises the first. */
export function invalid(details: ErrorDetail[], code = "invalid_input"): AppError {
  const first = details[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ""}${first.message}` : "Invalid input";
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : "";
  return new AppError(400, code, summary + more, details);
}

export function notFound(what: string): AppError {
  return new AppError(404, "not_found", `${what} does not exist`);
}

export function conflict(message: string, details: ErrorDetail[] = []): AppError {
  return new AppError(409, "conflict", message, details);
}

/** Thrown when a write was based on a version that is no longer current. */
export function versionMismatch(expected: number, actual: number): AppError {
  return new AppError(
    412,
    "version_mismatch",
    `The resource is at version ${actual}, not ${expected}: it changed since you read it. Re-read and retry.`,
  );
}
