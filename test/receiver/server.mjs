import { createServer } from "node:http";

/**
 * A customer backend for tests: a real HTTP server (Node, outside workerd) the Worker's queue consumer
 * posts webhooks to. Behaviour is scripted by the URL, per key:
 *   POST /hook/<key>?status=503,503,200&delay=0&retryAfter=5&body=…
 * answers the n-th request to <key> with the n-th status (the last one repeats), after `delay` ms.
 *   GET /received/<key> lists what arrived: [{method, url, headers, body, at}].
 */
export function startReceiver() {
  const received = new Map();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://receiver");
    const [, kind, key = ""] = url.pathname.split("/");
    if (req.method === "GET" && kind === "received") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(received.get(key) ?? []));
      return;
    }
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const list = received.get(key) ?? [];
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      list.push({ method: req.method ?? "", url: url.pathname + url.search, headers, body, at: Date.now() });
      received.set(key, list);
      const statuses = (url.searchParams.get("status") ?? "200").split(",").map(Number);
      const status = statuses[Math.min(list.length - 1, statuses.length - 1)] ?? 200;
      const delay = Number(url.searchParams.get("delay") ?? 0);
      const retryAfter = url.searchParams.get("retryAfter");
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(status, { "content-type": "application/json", ...(retryAfter ? { "retry-after": retryAfter } : {}) });
        res.end(url.searchParams.get("body") ?? JSON.stringify({ received: true, status }));
      }, delay);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve({ server, url: `http://127.0.0.1:${address.port}` });
    });
  });
}
