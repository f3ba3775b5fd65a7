import { AppError } from "../../../lib/errors";
import { type IntegrationType, sourceConfig } from "../definition";
import { type Mapping, mappedKinds } from "../mapping";
import { type AwsKindOptions, awsCloudControlSource } from "./aws-cloudcontrol";
import { backstageSource } from "./backstage";
import { httpJsonSource } from "./http-json";
import { boundedPages, type Fetcher, type Source } from "./source";

/** An integration's settings as sources need them: secrets opened, mapping parsed. */
export interface OpenIntegration {
  identifier: string;
  type: IntegrationType;
  config: Record<string, unknown>;
  secrets: Record<string, unknown>;
  mapping: Mapping;
}

/** The source of an integration, paged in slices of at most the page size. */
export function sourceFor(integration: OpenIntegration, fetcher: Fetcher): Source {
  const { type, config, secrets, mapping } = integration;
  switch (type) {
    case "http-json":
      return boundedPages(httpJsonSource(sourceConfig(type, config, secrets), fetcher));
    case "aws-cloudcontrol": {
      const kinds = new Map<string, AwsKindOptions>();
      for (const r of mapping.resources) {
        const known = kinds.get(r.kind);
        kinds.set(r.kind, {
          getResource: (known?.getResource ?? false) || r.selector.useGetResourceAPI === true,
          resourceModel: known?.resourceModel ?? r.selector.resourceModel,
        });
      }
      return boundedPages(awsCloudControlSource(sourceConfig(type, config, secrets), kinds, fetcher));
    }
    case "backstage":
      return boundedPages(backstageSource(sourceConfig(type, config, secrets), mappedKinds(mapping), fetcher));
    case "webhook":
      throw new AppError(409, "nothing_to_fetch", "A webhook integration receives events at its ingest URL; it has nothing to fetch");
  }
}
