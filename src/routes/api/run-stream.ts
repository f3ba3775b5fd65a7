import type { Env } from "../../env";

/**
 * Opens a run's event stream from its RunObject. The caller has already checked the reader may see the
 * run. `after` is the last event id the client saw (Last-Event-ID on reconnect).
 */
export async function runStream(env: Env, runId: string, after: string | null): Promise<Response> {
  const stub = env.RUNS.get(env.RUNS.idFromName(runId));
  const headers = after !== null && /^\d+$/.test(after) ? { "last-event-id": after } : undefined;
  const res = await stub.fetch(new Request("https://run/stream", headers ? { headers } : {}));
  // A Durable Object's response has immutable headers; copy it so middleware (security headers) can add its own.
  return new Response(res.body, res);
}
