/** Server-sent events: encoding and incremental parsing (no domain knowledge). */

/** One event of a run's stream; `seq` is the SSE id a reconnecting client sends back as Last-Event-ID. */
export interface RunEvent {
  seq: number;
  kind: "log" | "run" | "entity" | "end";
  data: unknown;
}

const encoder = new TextEncoder();

/** The wire form of an event: `id`, `event` and one `data` line of JSON. */
export function encodeEvent(event: RunEvent): Uint8Array {
  const id = event.seq > 0 ? `id: ${event.seq}\n` : "";
  return encoder.encode(`${id}event: ${event.kind}\ndata: ${JSON.stringify(event.data)}\n\n`);
}

/**
 * Parses an SSE byte stream into events, calling `onEvent` for each complete one; `retry:` lines and
 * comments are passed through as `raw` so a proxy can forward them.
 */
export function sseParser(onEvent: (event: { id: string | null; event: string; data: string } | { raw: string }) => void) {
  const decoder = new TextDecoder();
  let buffer = "";
  return {
    push(chunk: Uint8Array): void {
      buffer += decoder.decode(chunk, { stream: true });
      let cut = buffer.indexOf("\n\n");
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let id: string | null = null;
        let event = "message";
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("id: ")) id = line.slice(4);
          else if (line.startsWith("event: ")) event = line.slice(7);
          else if (line.startsWith("data: ")) data.push(line.slice(6));
        }
        if (data.length > 0) onEvent({ id, event, data: data.join("\n") });
        else onEvent({ raw: `${block}\n\n` });
        cut = buffer.indexOf("\n\n");
      }
    },
  };
}
