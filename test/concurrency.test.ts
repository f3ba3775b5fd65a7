import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callJson } from "./helpers";
import { admin } from "./hostile/fixtures";

// Concurrency against the real Worker and D1: many writers at once on one entity (with and without
// If-Match) and overlapping bulk upserts. What must hold: exactly one winner per version, no lost update,
// no duplicate row, and relations and the value index that agree with the entity JSON.

type Entity = { identifier: string; version: number; properties: Record<string, unknown>; relations: Record<string, unknown> };
type Written = { status: number; body: { entity?: Entity; ok: boolean } };

const figures: string[] = [];
const PATCHES = 100;
const BULKS = 50;
const POOL = 60;
const BULK_SIZE = 20;

function patch(identifier: string, body: unknown, ifMatch?: number): Promise<Written> {
  return callJson(
    "PATCH",
    `/v1/blueprints/counter/entities/${identifier}`,
    body,
    ifMatch === undefined ? {} : { "if-match": `"${ifMatch}"` },
  );
}

async function read(blueprint: string, identifier: string): Promise<Entity> {
  const res = await callJson<{ entity: Entity }>("GET", `/v1/blueprints/${blueprint}/entities/${identifier}`);
  expect(res.status).toBe(200);
  return res.body.entity;
}

/**
 * Sends a write until it is not refused with 409 `write_conflict` (what the API answers when the rows kept
 * changing through its own retries: the client is told to retry, nothing was written). `first` sees the
 * status of the first try.
 */
async function untilWritten<T extends { status: number; body: unknown }>(
  send: () => Promise<T>,
  first: (status: number) => void,
): Promise<T & { attempts: number }> {
  for (let attempts = 1; ; attempts++) {
    const res = await send();
    if (attempts === 1) first(res.status);
    const conflict = res.status === 409 && (res.body as { error?: { code?: string } }).error?.code === "write_conflict";
    if (!conflict || attempts >= 60) return { ...res, attempts };
    await new Promise((r) => setTimeout(r, Math.random() * 20 * Math.min(attempts, 6)));
  }
}

function tally(statuses: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
}

beforeAll(async () => {
  const wide = Object.fromEntries(Array.from({ length: PATCHES }, (_, i) => [`p${i}`, { type: "number" }]));
  await admin("POST", "/v1/blueprints", {
    identifier: "counter",
    title: "Counter",
    schema: { properties: { n: { type: "number" }, by: { type: "string" }, ...wide } },
  });
  await admin("POST", "/v1/blueprints", {
    identifier: "node",
    title: "Node",
    schema: { properties: { writer: { type: "number" } } },
    relations: { parent: { target: "node", many: false, required: false }, links: { target: "node", many: true, required: false } },
  });
});

afterAll(() => {
  console.log(`[concurrency]\n${figures.join("\n")}`);
});

describe("one entity, many writers", () => {
  it(`${PATCHES} concurrent PATCHes with the same If-Match: exactly one wins, the rest get 412 and change nothing`, async () => {
    await admin("POST", "/v1/blueprints/counter/entities", { identifier: "burst", properties: { n: 0 } });
    const start = await read("counter", "burst");
    const results = await Promise.all(
      Array.from({ length: PATCHES }, (_, i) =>
        patch("burst", { properties: { n: (start.properties.n as number) + 1, by: `w${i}` } }, start.version),
      ),
    );
    const statuses = tally(results.map((r) => r.status));
    figures.push(`same If-Match ×${PATCHES}: ${JSON.stringify(statuses)}`);
    expect(statuses).toEqual({ 200: 1, 412: PATCHES - 1 });
    const winner = results.find((r) => r.status === 200)?.body.entity;
    const end = await read("counter", "burst");
    expect(end.version).toBe(start.version + 1);
    expect(end.properties).toMatchObject({ n: 1, by: winner?.properties.by });
    const audits = await callJson<{ audits: { action: string }[] }>(
      "GET",
      "/v1/audit-log?blueprint=counter&entity=burst&action=UPDATE&limit=1000",
    );
    expect(audits.body.audits.length, "one UPDATE in the audit log").toBe(1);
  }, 30_000);

  it(`${PATCHES} concurrent read-increment-write clients with If-Match and retry: the counter ends at ${PATCHES}, one winner per version`, async () => {
    await admin("POST", "/v1/blueprints/counter/entities", { identifier: "count", properties: { n: 0 } });
    const start = await read("counter", "count");
    const winners = new Map<number, number>();
    let attempts = 0;
    const client = async (i: number) => {
      for (let tries = 0; tries < 400; tries++) {
        const current = await read("counter", "count");
        attempts += 1;
        const res = await patch("count", { properties: { n: (current.properties.n as number) + 1, by: `c${i}` } }, current.version);
        if (res.status === 200) {
          const version = res.body.entity?.version as number;
          winners.set(version, (winners.get(version) ?? 0) + 1);
          return;
        }
        expect(res.status, JSON.stringify(res.body)).toBe(412);
        await new Promise((r) => setTimeout(r, Math.random() * 15 * Math.min(tries + 1, 8)));
      }
      throw new Error(`client ${i} never won`);
    };
    await Promise.all(Array.from({ length: PATCHES }, (_, i) => client(i)));
    const end = await read("counter", "count");
    figures.push(
      `read-increment-write ×${PATCHES}: ${attempts} PATCH attempts, final n = ${end.properties.n}, version ${start.version} → ${end.version}`,
    );
    expect(end.properties.n, "no lost update").toBe(PATCHES);
    expect(end.version).toBe(start.version + PATCHES);
    expect(
      [...winners.values()].every((n) => n === 1),
      "one winner per version",
    ).toBe(true);
    expect(winners.size).toBe(PATCHES);
  }, 120_000);

  it(`${PATCHES} concurrent PATCHes without If-Match, each setting its own property: none is lost`, async () => {
    await admin("POST", "/v1/blueprints/counter/entities", { identifier: "merge", properties: { n: 0 } });
    const start = await read("counter", "merge");
    const firstTry: number[] = [];
    const results = await Promise.all(
      Array.from({ length: PATCHES }, (_, i) =>
        untilWritten(
          () => patch("merge", { properties: { [`p${i}`]: i } }),
          (status) => firstTry.push(status),
        ),
      ),
    );
    const end = await read("counter", "merge");
    const attempts = results.reduce((a, r) => a + r.attempts, 0);
    figures.push(
      `unconditional merges ×${PATCHES}: first tries ${JSON.stringify(tally(firstTry))}, ${attempts} requests until all were written`,
    );
    for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
    for (let i = 0; i < PATCHES; i++) expect(end.properties[`p${i}`], `p${i} was acknowledged, so it must be stored`).toBe(i);
    expect(end.version).toBe(start.version + PATCHES);
  }, 120_000);

  it("50 concurrent creates of one identifier: exactly one 201, the rest 409, one row", async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        callJson("POST", "/v1/blueprints/counter/entities", { identifier: "once", properties: { by: `w${i}` } }),
      ),
    );
    expect(tally(results.map((r) => r.status))).toEqual({ 201: 1, 409: 49 });
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM entities WHERE blueprint = 'counter' AND identifier = 'once'").first<{
      n: number;
    }>();
    expect(rows?.n).toBe(1);
  }, 30_000);
});

describe("overlapping bulk upserts", () => {
  const ids = (from: number) => Array.from({ length: BULK_SIZE }, (_, k) => `n${(from + k) % POOL}`);
  /** Bulk `w`: a window of the pool; each entity points at two others of the pool (created if missing). */
  const bulk = (w: number) =>
    ids(w * 7).map((id, k) => ({
      identifier: id,
      properties: { writer: w },
      relations: { parent: `n${(w * 7 + k + 1) % POOL}`, links: [`n${(w + k) % POOL}`, `n${(w * 3 + k + 31) % POOL}`] },
    }));

  it(`${BULKS} concurrent bulk upserts over ${POOL} shared identifiers: no duplicate rows, relations and index agree with the JSON`, async () => {
    const firstTry: number[] = [];
    const results = await Promise.all(
      Array.from({ length: BULKS }, (_, w) =>
        untilWritten(
          () =>
            callJson<{ ok: boolean; entities: { identifier: string }[]; errors: { identifier: string; statusCode: number }[] }>(
              "POST",
              "/v1/blueprints/node/entities/bulk?upsert=true&create_missing_related_entities=true",
              { entities: bulk(w) },
            ),
          (status) => firstTry.push(status),
        ),
      ),
    );
    const failed = results.flatMap((r) => r.body.errors ?? []);
    const attempts = results.reduce((a, r) => a + r.attempts, 0);
    figures.push(
      `bulk upserts ×${BULKS} (${BULK_SIZE} each over ${POOL} ids): first tries ${JSON.stringify(tally(firstTry))}, ` +
        `${attempts} requests until all were written, final ${JSON.stringify(tally(results.map((r) => r.status)))}, ${failed.length} entity errors`,
    );
    for (const r of results) expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
    // Which bulk wrote each identifier successfully: the stored entity must be exactly one of those writes.
    const writersOf = new Map<string, Set<number>>();
    results.forEach((r, w) => {
      for (const e of r.body.entities ?? []) writersOf.set(e.identifier, (writersOf.get(e.identifier) ?? new Set()).add(w));
    });

    const duplicates = await env.DB.prepare(
      "SELECT identifier, COUNT(*) AS n FROM entities WHERE blueprint = 'node' GROUP BY identifier HAVING COUNT(*) > 1",
    ).all();
    expect(duplicates.results, "duplicate rows (SQL)").toEqual([]);

    const listed = await callJson<{ entities: Entity[] }>("GET", "/v1/blueprints/node/entities?limit=1000");
    const seen = new Map<string, number>();
    for (const e of listed.body.entities) seen.set(e.identifier, (seen.get(e.identifier) ?? 0) + 1);
    expect(
      [...seen.values()].every((n) => n === 1),
      "duplicate rows (API)",
    ).toBe(true);
    expect(seen.size).toBe(POOL);

    for (const e of listed.body.entities) {
      const writers = writersOf.get(e.identifier);
      if (!writers) {
        expect(e.properties.writer, `${e.identifier} was only created as a relation target`).toBeUndefined();
        continue;
      }
      const w = e.properties.writer as number;
      expect(writers.has(w), `${e.identifier} holds writer ${w}, a bulk that did not write it`).toBe(true);
      const sent = bulk(w).find((b) => b.identifier === e.identifier);
      expect(e.relations, `${e.identifier}: relations from the same write as its properties`).toEqual(sent?.relations);
    }

    const relationRows = await env.DB.prepare(
      `SELECT s.identifier AS source, r.relation, t.identifier AS target FROM relations r
         JOIN entities s ON s.id = r.source_id LEFT JOIN entities t ON t.id = r.target_id WHERE s.blueprint = 'node'`,
    ).all<{ source: string; relation: string; target: string | null }>();
    expect(
      relationRows.results.filter((r) => r.target === null),
      "relation rows pointing at no entity",
    ).toEqual([]);
    const fromRows = new Map<string, { parent: string | null; links: string[] }>();
    for (const r of relationRows.results) {
      const entry = fromRows.get(r.source) ?? { parent: null, links: [] };
      if (r.relation === "parent") {
        expect(entry.parent, `${r.source} has two parent rows`).toBeNull();
        entry.parent = r.target;
      } else entry.links.push(r.target as string);
      fromRows.set(r.source, entry);
    }
    for (const e of listed.body.entities) {
      const rows = fromRows.get(e.identifier) ?? { parent: null, links: [] };
      expect(rows.parent, `${e.identifier}.parent rows = JSON`).toBe(e.relations.parent ?? null);
      expect(rows.links.sort(), `${e.identifier}.links rows = JSON`).toEqual([...((e.relations.links as string[]) ?? [])].sort());
    }

    const index = await env.DB.prepare(
      `SELECT e.identifier, json_extract(e.properties, '$.writer') AS json, (SELECT group_concat(v.num) FROM entity_values v
          WHERE v.entity_id = e.id AND v.property = 'writer') AS indexed FROM entities e WHERE e.blueprint = 'node'`,
    ).all<{ identifier: string; json: number | null; indexed: string | null }>();
    for (const row of index.results) {
      expect(row.indexed === null ? null : Number(row.indexed), `${row.identifier}: value index = JSON`).toBe(row.json);
    }
  }, 120_000);
});
