import { AwsClient } from "aws4fetch";
import type { ErrorDetail } from "../../../lib/errors";
import type { AwsConfig } from "../definition";
import type { SourceItem } from "../map-items";
import { type Fetcher, parseJson, type Source, SourceError } from "./source";

/**
 * AWS Cloud Control API: `ListResources` for every (region, type name) the mapping asks for, paged by
 * NextToken, and `GetResource` per resource for kinds whose selector sets `useGetResourceAPI` (types whose
 * list carries only identifiers). Requests are signed with SigV4 (aws4fetch). An item is
 * `{Identifier, Properties, __Kind, __Region}` as Port's AWS exporter gives it.
 */

const SERVICE = "cloudcontrolapi";
/** Cloud Control lists at most 100 per call; with GetResource per item, fewer, to stay far below the subrequest limit. */
const MAX_LIST = 100;
const MAX_LIST_WITH_GET = 40;
/** Errors that will pass if retried later: the step is retried instead of skipping the type. */
const RETRYABLE = /Throttling|ServiceInternalError|InternalFailure|ServiceUnavailable|RequestLimitExceeded|NetworkFailure/;

interface PairCursor {
  pair: number;
  token: string | null;
}

interface AwsError {
  status: number;
  type: string;
  message: string;
}

function awsError(status: number, body: unknown): AwsError {
  const b = (body ?? {}) as { __type?: unknown; message?: unknown; Message?: unknown };
  const type =
    String(b.__type ?? `HTTP ${status}`)
      .split("#")
      .pop() ?? "";
  return { status, type, message: String(b.Message ?? b.message ?? "") };
}

/** How one type name is listed: GetResource per item, and the ResourceModel the list needs. */
export interface AwsKindOptions {
  getResource: boolean;
  resourceModel: Record<string, unknown> | undefined;
}

export function awsCloudControlSource(config: AwsConfig, kinds: Map<string, AwsKindOptions>, fetcher: Fetcher): Source {
  const client = new AwsClient({
    accessKeyId: config.accessKeyId,
    secretAccessKey: config.secretAccessKey,
    ...(config.sessionToken ? { sessionToken: config.sessionToken } : {}),
    service: SERVICE,
    retries: 0,
  });
  const typeNames = [...kinds.keys()].filter((k) => /^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(k));
  const pairs = config.regions.flatMap((region) => typeNames.map((typeName) => ({ region, typeName })));

  /** One Cloud Control call; an error response comes back as AwsError unless it is worth a retry. */
  async function call(region: string, target: string, body: unknown): Promise<{ ok: unknown } | { error: AwsError }> {
    const url = config.endpoint ?? `https://${SERVICE}.${region}.amazonaws.com/`;
    const signed = await client.sign(url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `CloudApiService.${target}` },
      body: JSON.stringify(body),
      aws: { service: SERVICE, region },
    });
    let res: Response;
    try {
      res = await fetcher(signed, { signal: AbortSignal.timeout(20_000) });
    } catch (error) {
      throw new SourceError(`${target} in ${region} failed: ${(error as Error).message ?? String(error)}`);
    }
    const text = await res.text();
    const json = text === "" ? {} : parseJson(text, `${target} in ${region}`);
    if (res.ok) return { ok: json };
    const error = awsError(res.status, json);
    if (res.status >= 500 || RETRYABLE.test(error.type)) throw new SourceError(`${target} in ${region}: ${error.type} ${error.message}`);
    return { error };
  }

  return {
    async fetchPage(cursor, limit) {
      const at = (cursor as PairCursor | null) ?? { pair: 0, token: null };
      const pair = pairs[at.pair];
      if (!pair) return { items: [], next: null, problems: [] };
      const { region, typeName } = pair;
      const options = kinds.get(typeName);
      const detailed = options?.getResource === true;
      const nextPair = at.pair + 1 < pairs.length ? { pair: at.pair + 1, token: null } : null;
      const listed = await call(region, "ListResources", {
        TypeName: typeName,
        MaxResults: Math.min(limit, detailed ? MAX_LIST_WITH_GET : MAX_LIST),
        ...(at.token ? { NextToken: at.token } : {}),
        ...(options?.resourceModel ? { ResourceModel: JSON.stringify(options.resourceModel) } : {}),
      });
      if ("error" in listed) {
        const problem: ErrorDetail = {
          path: `config.regions.${config.regions.indexOf(region)}`,
          message: `${typeName} in ${region} could not be listed: ${listed.error.type} ${listed.error.message}`.trim(),
        };
        return { items: [], next: nextPair, problems: [problem] };
      }
      const out = listed.ok as { ResourceDescriptions?: { Identifier: string; Properties?: string }[]; NextToken?: string | null };
      const items: SourceItem[] = [];
      const problems: ErrorDetail[] = [];
      for (const d of out.ResourceDescriptions ?? []) {
        let properties = d.Properties;
        if (detailed) {
          const got = await call(region, "GetResource", { TypeName: typeName, Identifier: d.Identifier });
          if ("error" in got) {
            // Deleted between the list and the read: it is simply gone. Anything else leaves the fetch incomplete.
            if (got.error.type !== "ResourceNotFoundException") {
              problems.push({
                path: "mapping",
                message: `${typeName} '${d.Identifier}' in ${region}: ${got.error.type} ${got.error.message}`,
              });
            }
            continue;
          }
          properties = (got.ok as { ResourceDescription?: { Properties?: string } }).ResourceDescription?.Properties;
        }
        const data = {
          Identifier: d.Identifier,
          Properties: properties ? parseJson(properties, `${typeName} '${d.Identifier}' properties`) : {},
          __Kind: typeName,
          __Region: region,
        };
        items.push({ kind: typeName, data, ref: `${typeName} '${d.Identifier}' (${region})` });
      }
      const next = out.NextToken ? { pair: at.pair, token: out.NextToken } : nextPair;
      return { items, next, problems };
    },
  };
}
