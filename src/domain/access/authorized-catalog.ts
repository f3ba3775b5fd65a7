import { type AccessSnapshot, loadAccessSnapshot } from "../../db/access-snapshot";
import { entityCounts } from "../../db/blueprint-store";
import type { Database } from "../../db/client";
import { findEntities, owningTeams, type StoredEntity } from "../../db/entity-store";
import { type AppError, notFound } from "../../lib/errors";
import {
  countBlueprintEntities,
  type EntityPage,
  type EntityWithRelated,
  getEntity,
  listBlueprintEntities,
  type Visibility,
} from "../catalog/entity-read";
import { shapeRelations } from "../catalog/entity-shape";
import type { WriteOptions } from "../catalog/entity-write";
import type { SearchScope } from "../catalog/search/search";
import type { Blueprint, Entity } from "../catalog/types";
import { decide, decideUpdate, type ReadScope, readScope } from "./decisions";
import { forbidden } from "./guards";
import { type BlueprintPermissions, defaultPermissions } from "./permissions";
import type { Principal } from "./principal";

/**
 * The catalog as one principal may use it — Backstage's AuthorizedEntitiesCatalog idea: the catalog
 * services stay unaware of users; this wrapper turns permissions into read scopes (part of each query's
 * WHERE) and per-entity write checks.
 */
export interface CatalogAccess {
  principal: Principal;
  blueprints: Map<string, Blueprint>;
  permissions(blueprint: string): BlueprintPermissions;
  scope(blueprint: string): ReadScope;
  visibility(blueprint: string): Visibility;
}

/** The ownership relation path of a blueprint (`system.domain` → ["system", "domain"]); empty when Direct. */
export function ownershipPath(bp: Blueprint | undefined): string[] {
  return bp?.ownership?.type === "Inherited" && bp.ownership.path ? bp.ownership.path.split(".") : [];
}

/**
 * What access decisions need for one request: every blueprint and its permissions (one round trip, or none
 * when authentication already read them).
 */
export async function accessFor(db: Database, principal: Principal, preloaded?: AccessSnapshot): Promise<CatalogAccess> {
  const snapshot = preloaded ?? (await loadAccessSnapshot(db));
  const blueprints = new Map(snapshot.blueprints.map((b) => [b.identifier, b]));
  const stored = snapshot.permissions;
  const permissions = (bp: string) => stored.get(bp) ?? defaultPermissions(bp);
  const scope = (bp: string) => readScope(principal, permissions(bp), ownershipPath(blueprints.get(bp)));
  const scopes = new Map([...blueprints.keys()].map((bp) => [bp, scope(bp)]));
  return { principal, blueprints, permissions, scope, visibility: (bp) => ({ scope: scope(bp), scopes, blueprints }) };
}

function refuseRead(access: CatalogAccess, blueprint: string): AppError {
  return forbidden(
    `You may not read entities of '${blueprint}': ${decide(access.principal, access.permissions(blueprint), "read", [], blueprint).reason}`,
  );
}

/** The blueprint, if it exists (404) and the principal may read at least some of its entities (403). */
export function readableBlueprint(access: CatalogAccess, identifier: string): Blueprint {
  const blueprint = access.blueprints.get(identifier);
  if (!blueprint) throw notFound(`Blueprint '${identifier}'`);
  if (access.scope(identifier).kind === "none") throw refuseRead(access, identifier);
  return blueprint;
}

/** Blueprints with the number of entities the principal may see in each. */
export async function blueprintsWithVisibleCounts(
  db: Database,
  access: CatalogAccess,
): Promise<{ blueprint: Blueprint; entityCount: number }[]> {
  const all = await entityCounts(db);
  const out: { blueprint: Blueprint; entityCount: number }[] = [];
  for (const blueprint of access.blueprints.values()) {
    const scope = access.scope(blueprint.identifier);
    const entityCount =
      scope.kind === "all"
        ? (all.get(blueprint.identifier) ?? 0)
        : scope.kind === "none"
          ? 0
          : await countBlueprintEntities(db, blueprint.identifier, scope);
    out.push({ blueprint, entityCount });
  }
  return out;
}

export async function listVisibleEntities(
  db: Database,
  access: CatalogAccess,
  blueprint: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<EntityPage> {
  const scope = access.scope(blueprint);
  if (scope.kind === "none" && access.blueprints.has(blueprint)) throw refuseRead(access, blueprint);
  return listBlueprintEntities(db, blueprint, page, scope, access.blueprints, access.visibility(blueprint).scopes);
}

export async function countVisibleEntities(db: Database, access: CatalogAccess, blueprint: string): Promise<number> {
  return countBlueprintEntities(db, blueprint, access.scope(blueprint));
}

export async function getVisibleEntity(
  db: Database,
  access: CatalogAccess,
  blueprint: string,
  identifier: string,
  includeRelated: boolean,
): Promise<EntityWithRelated> {
  const result = await getEntity(db, blueprint, identifier, { includeRelated, visibility: access.visibility(blueprint) });
  if (!result) throw refuseRead(access, blueprint);
  return result;
}

/** The teams that own an existing entity (directly, or along the blueprint's ownership path). */
async function ownersOfStored(db: Database, bp: Blueprint, entity: StoredEntity): Promise<string[]> {
  const path = ownershipPath(bp);
  return path.length === 0 ? entity.team : owningTeams(db, entity.id, path);
}

/** The teams that will own an entity about to be written. */
async function ownersOfNext(db: Database, bp: Blueprint, next: Entity): Promise<string[]> {
  const path = ownershipPath(bp);
  const first = path[0];
  if (first === undefined) return next.team;
  const target = [next.relations[first] ?? []].flat()[0];
  const targetBlueprint = bp.relations[first]?.target;
  if (!target || !targetBlueprint) return [];
  const [stored] = await findEntities(db, targetBlueprint, [target]);
  if (!stored) return [];
  // The rest of the path starts at the related entity: its own teams when the path ends there.
  const rest = path.slice(1);
  return rest.length === 0 ? stored.team : owningTeams(db, stored.id, rest);
}

function changedFields(bp: Blueprint, before: StoredEntity, next: Entity) {
  const differs = (a: unknown, b: unknown) => JSON.stringify(a ?? null) !== JSON.stringify(b ?? null);
  const keys = (a: object, b: object) => [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const oldRelations = shapeRelations(bp, before.relations);
  return {
    properties: keys(before.properties, next.properties).filter((k) => differs(before.properties[k], next.properties[k])),
    relations: keys(oldRelations, next.relations).filter((k) => differs(oldRelations[k], next.relations[k])),
    other: (["title", "icon", "team"] as const).filter((k) => differs(before[k], next[k])),
  };
}

/** Entity write options with the principal's register/update checks and placeholder rule attached. */
export function authorizedWriteOptions(db: Database, access: CatalogAccess, base: WriteOptions): WriteOptions {
  const p = access.principal;
  return {
    ...base,
    async authorize({ blueprint, existing, next }) {
      const perms = access.permissions(blueprint.identifier);
      if (!existing) {
        const d = decide(p, perms, "register", await ownersOfNext(db, blueprint, next), blueprint.identifier);
        return d.allowed ? null : forbidden(`You may not create this entity: ${d.reason}`);
      }
      const owners = await ownersOfStored(db, blueprint, existing);
      if (!decide(p, perms, "read", owners, blueprint.identifier).allowed) return refuseRead(access, blueprint.identifier);
      const d = decideUpdate(p, perms, owners, blueprint.identifier, changedFields(blueprint, existing, next));
      return d.allowed ? null : forbidden(`You may not change this entity: ${d.reason}`);
    },
    mayCreateIn(target) {
      const d = decide(p, access.permissions(target), "register", [], target);
      return d.allowed ? null : `you may not create entities there (${d.reason})`;
    },
  };
}

/** The unregister check for each entity a delete would remove. */
export function authorizedDelete(db: Database, access: CatalogAccess) {
  return async (bp: Blueprint, entity: StoredEntity): Promise<AppError | null> => {
    const d = decide(
      access.principal,
      access.permissions(bp.identifier),
      "unregister",
      await ownersOfStored(db, bp, entity),
      bp.identifier,
    );
    return d.allowed ? null : forbidden(`You may not delete '${entity.identifier}' (${bp.identifier}): ${d.reason}`);
  };
}

/** What a search needs of the caller: every blueprint with the caller's read scope, and who they are. */
export function searchScopeFor(access: CatalogAccess, now: Date): SearchScope {
  const scopes = new Map([...access.blueprints.keys()].map((bp) => [bp, access.scope(bp)]));
  return { blueprints: access.blueprints, scopes, user: { email: access.principal.email, teams: access.principal.teams }, now };
}

/** The teams owning an entity the principal may read (for ownedByTeam grants on actions); [] if it is gone. */
export async function ownersOfEntity(db: Database, access: CatalogAccess, blueprint: string, identifier: string): Promise<string[]> {
  const bp = access.blueprints.get(blueprint);
  const [stored] = await findEntities(db, blueprint, [identifier]);
  return bp && stored ? ownersOfStored(db, bp, stored) : [];
}
