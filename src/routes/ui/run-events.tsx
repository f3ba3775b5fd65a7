import type { Child } from "hono/jsx";
import { AffectedEntity, LogLine, RunEnded, type RunStateView, RunStatusPanel, type RunViewer } from "../../../views/components/run-status";
import { stateOf } from "../../../views/pages/run-page";
import type { RunView } from "../../domain/actions/run-view";
import type { Env } from "../../env";
import { sseParser } from "../../lib/sse";
import { runStream } from "../api/run-stream";

/**
 * A run's event stream for the run page: the RunObject's JSON events re-encoded as HTML fragments that the
 * htmx SSE extension swaps in (`run` → status panel, `log` → a log line, `entity` → an affected entity,
 * `end` → a closing note). Event ids are kept, so a reconnecting browser's Last-Event-ID resumes where it
 * left off. Text is escaped by hono/jsx rendering.
 */

type Parsed = { id: string | null; event: string; data: string } | { raw: string };

async function html(node: Child): Promise<string> {
  return String(await (node as { toString(): string | Promise<string> }).toString());
}

/** One SSE frame; HTML spanning lines becomes several `data:` lines, which the browser joins back. */
function frame(id: string | null, event: string, body: string): string {
  const data = body
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}`)
    .join("\n");
  return `${id !== null ? `id: ${id}\n` : ""}event: ${event}\n${data}\n\n`;
}

interface StreamContext {
  run: RunView;
  viewer: RunViewer | undefined;
}

function panel(ctx: StreamContext, state: RunStateView) {
  return <RunStatusPanel runId={ctx.run.id} state={state} requester={ctx.run.createdBy} viewer={ctx.viewer} />;
}

function asState(data: Record<string, unknown>, fallback: RunStateView): RunStateView {
  return {
    status: typeof data.status === "string" ? data.status : fallback.status,
    statusLabel: typeof data.statusLabel === "string" ? data.statusLabel : null,
    summary: typeof data.summary === "string" ? data.summary : null,
    links: Array.isArray(data.links) ? data.links.map(String) : [],
    approval: (data.approval as RunStateView["approval"]) ?? null,
    endedAt: typeof data.endedAt === "string" ? data.endedAt : null,
    logCount: typeof data.logCount === "number" ? data.logCount : 0,
  };
}

/** The HTML for one upstream event, or null for kinds the page does not show. */
async function reencode(ctx: StreamContext, e: Parsed): Promise<string | null> {
  if ("raw" in e) return e.raw;
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(e.data) as Record<string, unknown>;
  } catch {
    return null;
  }
  switch (e.event) {
    case "run":
      return frame(e.id, "run", await html(panel(ctx, asState(data, stateOf(ctx.run)))));
    case "log":
      return frame(e.id, "log", await html(<LogLine at={String(data.at ?? "")} message={String(data.message ?? "")} />));
    case "entity":
      return frame(e.id, "entity", await html(<AffectedEntity blueprint={String(data.blueprint)} identifier={String(data.identifier)} />));
    case "end":
      return frame(e.id, "end", await html(<RunEnded status={String(data.status ?? "")} />));
    default:
      return null;
  }
}

/**
 * Opens the run's stream (the caller checked the viewer may read the run) and answers it as HTML events.
 * The current state goes first, without an id, so a (re)connecting page is fresh even when the events it
 * missed were before `after`.
 */
export async function runEventsResponse(env: Env, ctx: StreamContext, after: string | null): Promise<Response> {
  const upstream = await runStream(env, ctx.run.id, after);
  const body = upstream.body;
  if (!upstream.ok || !body) return new Response("The run's event stream is not available", { status: 503 });
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const encoder = new TextEncoder();
  const queue: Parsed[] = [];
  const parser = sseParser((e) => queue.push(e));
  const pump = async () => {
    const reader = body.getReader();
    try {
      await writer.write(encoder.encode(frame(null, "run", await html(panel(ctx, stateOf(ctx.run))))));
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.push(value);
        while (queue.length > 0) {
          const out = await reencode(ctx, queue.shift() as Parsed);
          if (out !== null) await writer.write(encoder.encode(out));
        }
      }
      await writer.close();
    } catch {
      // The browser went away (or the upstream broke): stop both ends.
      await reader.cancel().catch(() => {});
      await writer.abort().catch(() => {});
    }
  };
  void pump();
  return new Response(readable, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" },
  });
}
