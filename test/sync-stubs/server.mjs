import { createServer } from "node:http";
import { verifySigV4 } from "./sigv4.mjs";

/**
 * The sources integration tests sync from: a real HTTP server (Node, outside workerd). Each test sets up a
 * scenario under its own key (PUT /setup/<key>, JSON) and reads what arrived (GET /log/<key>).
 *
 * - http-json, the same items paged four ways:
 *   GET /json/<key>/cursor?cursor=&limit=   → {data, meta: {next}}   (cursor "c<offset>")
 *   GET /json/<key>/page?page=&per_page=    → {results}
 *   GET /json/<key>/next?offset=            → {items, links: {next}} (a relative URL)
 *   GET /json/<key>/plain                   → the whole list
 *   `failOnce: ["c2", …]` answers 503 once to the request for that cursor (or page number, or offset).
 * - AWS Cloud Control (JSON protocol, SigV4 checked): POST /aws/<key>/ with X-Amz-Target
 *   CloudApiService.ListResources | GetResource. `aws: {accessKeyId, secretAccessKey, resources: {region:
 *   {TypeName: [{Identifier, Properties}]}}, deny: ["region TypeName"], identifiersOnly: [TypeName]}`.
 * - Backstage files: GET /files/<key>/<name> serves `files[name]` as YAML.
 */
export function startSyncStubs() {
  const scenarios = new Map();
  const logs = new Map();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://stub");
      const [, area = "", key = "", ...rest] = url.pathname.split("/");
      const send = (status, payload, type = "application/json") => {
        res.writeHead(status, { "content-type": type });
        res.end(typeof payload === "string" ? payload : JSON.stringify(payload));
      };
      if (area === "setup" && req.method === "PUT") {
        scenarios.set(key, { ...JSON.parse(body), failed: new Set() });
        logs.set(key, []);
        return send(200, { ok: true });
      }
      if (area === "log") return send(200, logs.get(key) ?? []);
      const scenario = scenarios.get(key);
      if (!scenario) return send(404, { error: `no scenario '${key}'` });
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      logs.get(key).push({ method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body });
      if (area === "json") return send(...jsonSource(scenario, rest[0], url, key));
      if (area === "aws")
        return send(...cloudControl(scenario.aws, { method: req.method ?? "", url, headers, body }), "application/x-amz-json-1.0");
      if (area === "files") {
        const file = scenario.files?.[rest.join("/")];
        return file === undefined ? send(404, "not found", "text/plain") : send(200, file, "application/yaml");
      }
      return send(404, { error: "unknown path" });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` }));
  });
}

function failsOnce(scenario, at) {
  if (!(scenario.failOnce ?? []).includes(at) || scenario.failed.has(at)) return false;
  scenario.failed.add(at);
  return true;
}

function jsonSource(scenario, style, url, key) {
  const items = scenario.items ?? [];
  if (style === "plain") return failsOnce(scenario, "plain") ? [503, { error: "busy" }] : [200, items];
  if (style === "cursor") {
    const cursor = url.searchParams.get("cursor") ?? "c0";
    if (failsOnce(scenario, cursor)) return [503, { error: "try again" }];
    const offset = Number(cursor.slice(1));
    const limit = Number(url.searchParams.get("limit") ?? 100);
    const end = offset + limit;
    return [200, { data: items.slice(offset, end), meta: { next: end < items.length ? `c${end}` : null } }];
  }
  if (style === "page") {
    const page = url.searchParams.get("page") ?? "1";
    if (failsOnce(scenario, page)) return [503, { error: "try again" }];
    const size = Number(url.searchParams.get("per_page") ?? 100);
    return [200, { results: items.slice((Number(page) - 1) * size, Number(page) * size) }];
  }
  if (style === "next") {
    const offset = Number(url.searchParams.get("offset") ?? 0);
    if (failsOnce(scenario, String(offset))) return [503, { error: "try again" }];
    const end = offset + (scenario.pageSize ?? 100);
    return [200, { items: items.slice(offset, end), links: { next: end < items.length ? `/json/${key}/next?offset=${end}` : null } }];
  }
  return [404, { error: "unknown style" }];
}

/** Cloud Control's JSON protocol: errors are {__type, Message} with HTTP 400 (403 for a bad signature). */
function cloudControl(aws, req) {
  const fail = (status, type, message) => [status, { __type: type, Message: message }];
  if (!aws) return fail(400, "InvalidRequestException", "no AWS scenario");
  const invalid = verifySigV4(req, (id) => (id === aws.accessKeyId ? aws.secretAccessKey : undefined), { service: "cloudcontrolapi" });
  if (invalid) return fail(403, "InvalidSignatureException", invalid);
  if (req.headers["content-type"] !== "application/x-amz-json-1.0") return fail(400, "SerializationException", "wrong content type");
  const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(req.headers.authorization)?.[1];
  const input = JSON.parse(req.body || "{}");
  const all = aws.resources?.[region]?.[input.TypeName] ?? [];
  if ((aws.deny ?? []).includes(`${region} ${input.TypeName}`))
    return fail(400, "AccessDeniedException", `not allowed to list ${input.TypeName}`);
  const target = req.headers["x-amz-target"];
  if (target === "CloudApiService.ListResources") {
    const offset = Number(input.NextToken ?? 0);
    const end = offset + Math.min(input.MaxResults ?? 20, 100);
    const identifiersOnly = (aws.identifiersOnly ?? []).includes(input.TypeName);
    const ResourceDescriptions = all.slice(offset, end).map((r) => ({
      Identifier: r.Identifier,
      Properties: JSON.stringify(identifiersOnly ? { [r.IdentifierProperty ?? "Id"]: r.Identifier } : r.Properties),
    }));
    return [200, { TypeName: input.TypeName, ResourceDescriptions, ...(end < all.length ? { NextToken: String(end) } : {}) }];
  }
  if (target === "CloudApiService.GetResource") {
    const found = all.find((r) => r.Identifier === input.Identifier);
    if (!found) return fail(400, "ResourceNotFoundException", `${input.Identifier} not found`);
    return [
      200,
      { TypeName: input.TypeName, ResourceDescription: { Identifier: found.Identifier, Properties: JSON.stringify(found.Properties) } },
    ];
  }
  return fail(400, "UnknownOperationException", `unknown target ${target}`);
}
