/**
 * Backstage's relations, computed the way its catalog does (BuiltinKindsEntityProcessor): each spec field
 * that names another entity becomes a relation, and every relation also appears reversed on its target
 * (`providesApi` on a Component gives `apiProvidedBy` on the API). Mappings then read targets from
 * `.relations` without parsing entity references.
 */
import { ownEntry } from "../../../lib/own";

export interface EntityRef {
  kind: string;
  namespace: string;
  name: string;
}

export interface Relation {
  type: string;
  /** `kind:namespace/name`, lowercase kind and namespace, as Backstage prints references. */
  targetRef: string;
  target: EntityRef;
}

/** A Backstage document: apiVersion, kind, metadata, spec. */
export interface BackstageDoc {
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A document with its computed relations. */
export interface BackstageEntity extends BackstageDoc {
  relations: Relation[];
}

/** spec field → relation type and the kind a reference without one has. */
const FIELDS: Record<string, [field: string, relation: string, defaultKind: string][]> = {
  component: [
    ["owner", "ownedBy", "group"],
    ["system", "partOf", "system"],
    ["subcomponentOf", "partOf", "component"],
    ["providesApis", "providesApi", "api"],
    ["consumesApis", "consumesApi", "api"],
    ["dependsOn", "dependsOn", "component"],
    ["dependencyOf", "dependencyOf", "component"],
  ],
  api: [
    ["owner", "ownedBy", "group"],
    ["system", "partOf", "system"],
  ],
  resource: [
    ["owner", "ownedBy", "group"],
    ["system", "partOf", "system"],
    ["dependsOn", "dependsOn", "resource"],
    ["dependencyOf", "dependencyOf", "component"],
  ],
  system: [
    ["owner", "ownedBy", "group"],
    ["domain", "partOf", "domain"],
  ],
  domain: [
    ["owner", "ownedBy", "group"],
    ["subdomainOf", "partOf", "domain"],
  ],
  group: [
    ["parent", "childOf", "group"],
    ["children", "parentOf", "group"],
    ["members", "hasMember", "user"],
  ],
  user: [["memberOf", "memberOf", "group"]],
};

const REVERSE: Record<string, string> = {
  ownedBy: "ownerOf",
  partOf: "hasPart",
  providesApi: "apiProvidedBy",
  consumesApi: "apiConsumedBy",
  dependsOn: "dependencyOf",
  dependencyOf: "dependsOn",
  childOf: "parentOf",
  parentOf: "childOf",
  memberOf: "hasMember",
  hasMember: "memberOf",
};

/** Parses `[kind:][namespace/]name`. */
export function parseEntityRef(ref: string, defaultKind: string, defaultNamespace: string): EntityRef | null {
  const m = /^(?:([^:/]+):)?(?:([^:/]+)\/)?([^:/]+)$/.exec(ref.trim());
  if (!m) return null;
  return { kind: (m[1] ?? defaultKind).toLowerCase(), namespace: (m[2] ?? defaultNamespace).toLowerCase(), name: m[3] as string };
}

export function refString(r: EntityRef): string {
  return `${r.kind}:${r.namespace}/${r.name}`;
}

function selfRef(e: { kind: string; metadata: { name: string; namespace?: string } }): EntityRef {
  return { kind: e.kind.toLowerCase(), namespace: (e.metadata.namespace ?? "default").toLowerCase(), name: e.metadata.name };
}

/** Adds `relations` to every entity: its own and the reverse of every relation pointing at it. */
export function withRelations(docs: BackstageDoc[]): BackstageEntity[] {
  const byRef = new Map<string, BackstageEntity>();
  const out = docs.map((d) => {
    const entity: BackstageEntity = { ...d, relations: [] };
    byRef.set(refString(selfRef(d)), entity);
    return entity;
  });
  const seen = new Set<string>();
  const add = (e: BackstageEntity, type: string, target: EntityRef) => {
    const key = `${refString(selfRef(e))} ${type} ${refString(target)}`;
    if (seen.has(key)) return;
    seen.add(key);
    e.relations.push({ type, targetRef: refString(target), target });
  };
  for (const e of out) {
    const from = selfRef(e);
    for (const [field, type, defaultKind] of ownEntry(FIELDS, from.kind) ?? []) {
      for (const raw of [e.spec?.[field] ?? []].flat()) {
        if (typeof raw !== "string") continue;
        const target = parseEntityRef(raw, defaultKind, from.namespace);
        if (!target) continue;
        add(e, type, target);
        const reverse = REVERSE[type];
        const other = byRef.get(refString(target));
        if (reverse && other) add(other, reverse, from);
      }
    }
  }
  return out;
}
