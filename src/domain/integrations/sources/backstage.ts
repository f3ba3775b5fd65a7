import { parseAllDocuments } from "yaml";
import type { ErrorDetail } from "../../../lib/errors";
import type { BackstageConfig } from "../definition";
import { type BackstageDoc, withRelations } from "./backstage-relations";
import { type Fetcher, fetchText, type Source, sameOrigin } from "./source";

/** Most files one read may take in, following Location targets. */
const MAX_FILES = 20;

function isEntityDoc(value: unknown): value is BackstageDoc {
  const v = value as { kind?: unknown; metadata?: { name?: unknown } } | null;
  return typeof v?.kind === "string" && typeof v.metadata?.name === "string";
}

/** Parses every YAML document of a file; a broken document is a problem (the fetch is then incomplete). */
function parseFile(text: string, where: string, problems: ErrorDetail[]): BackstageDoc[] {
  const out: BackstageDoc[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    if (doc.errors.length > 0) {
      problems.push({ path: "config", message: `${where}, document ${i + 1}: ${doc.errors[0]?.message.split("\n")[0] ?? "invalid YAML"}` });
      return;
    }
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value === null || value === undefined) return;
    if (!isEntityDoc(value)) {
      problems.push({ path: "config", message: `${where}, document ${i + 1}: not a Backstage entity (needs kind and metadata.name)` });
      return;
    }
    out.push(value);
  });
  return out;
}

/**
 * Backstage `catalog-info.yaml` documents from a URL (Location entities' targets followed, relative to the
 * file, on the URL's origin only) or pasted text. Every document becomes an item of its kind with Backstage's
 * relations computed, in the order the mapping lists kinds, so a Domain is written before the Systems that
 * point at it. The whole catalog is one source page; boundedPages slices it.
 */
export function backstageSource(config: BackstageConfig, kindOrder: string[], fetcher: Fetcher): Source {
  async function readAll(problems: ErrorDetail[]): Promise<BackstageDoc[]> {
    if (config.text !== undefined && config.text.trim() !== "") return parseFile(config.text, "pasted text", problems);
    const docs: BackstageDoc[] = [];
    const root = config.url as string;
    const queue = [root];
    const read = new Set<string>();
    while (queue.length > 0) {
      const url = queue.shift() as string;
      if (read.has(url)) continue;
      if (read.size >= MAX_FILES) {
        problems.push({ path: "config.url", message: `more than ${MAX_FILES} files through Location targets; the rest was not read` });
        break;
      }
      read.add(url);
      const text = await fetchText(
        fetcher,
        new Request(url, { headers: { accept: "application/yaml, text/yaml, */*", ...config.headers } }),
      );
      for (const doc of parseFile(text, url, problems)) {
        if (doc.kind !== "Location") {
          docs.push(doc);
          continue;
        }
        const spec = (doc.spec ?? {}) as { target?: unknown; targets?: unknown };
        for (const target of [spec.target ?? [], spec.targets ?? []].flat()) {
          const next = typeof target === "string" ? URL.parse(target, url) : null;
          if (!next || !["http:", "https:"].includes(next.protocol)) {
            problems.push({ path: "config.url", message: `${url}: Location target '${String(target)}' is not an http(s) URL` });
          } else if (!sameOrigin(next, root)) {
            // The configured headers (secrets) are for config.url's server; a file must not send them elsewhere.
            problems.push({
              path: "config.url",
              message: `${url}: Location target '${next.href}' is not on ${new URL(root).origin}; not read`,
            });
          } else queue.push(next.href);
        }
      }
    }
    return docs;
  }

  return {
    async fetchPage() {
      const problems: ErrorDetail[] = [];
      const entities = withRelations(await readAll(problems));
      const rank = (kind: string) => {
        const i = kindOrder.indexOf(kind);
        return i < 0 ? kindOrder.length : i;
      };
      const ordered = entities.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e.kind) - rank(b.e.kind) || a.i - b.i);
      const items = ordered.map(({ e }) => ({ kind: e.kind, data: e, ref: `${e.kind} '${e.metadata.name}'` }));
      return { items, next: null, problems };
    },
  };
}
