import { exports } from "cloudflare:workers";

/** Sends a request to the Worker under test (the real app, real D1). */
export function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] ??= "application/json";
  }
  return exports.default.fetch(new Request(`http://portal.test${path}`, init));
}

/** Like `call`, and parses the JSON response. */
export async function callJson<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await call(method, path, body, headers);
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}

/** A minimal valid blueprint body with the given extras. */
export function blueprintBody(identifier: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { identifier, title: identifier, schema: { properties: {}, required: [] }, ...extra };
}
