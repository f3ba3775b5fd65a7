import type { AuditRecord } from "../../db/audit-store";
import type { EntityRecord } from "../../db/entity-store";
import type { WriteContext } from "./types";

/** An empty entity created because a write pointed a relation at it (`create_missing_related_entities`). */
export function placeholderRecord(blueprint: string, identifier: string, ctx: WriteContext): EntityRecord {
  return {
    blueprint,
    identifier,
    title: null,
    icon: null,
    team: [],
    properties: {},
    version: 1,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    createdBy: ctx.actor,
    updatedBy: ctx.actor,
  };
}

/** Their CREATE audit rows (events like any other), marked as created for a relation. */
export function placeholderAudits(placeholders: EntityRecord[], ctx: WriteContext): AuditRecord[] {
  return placeholders.map((p) => ({
    at: ctx.now,
    actor: ctx.actor,
    origin: ctx.origin,
    action: "CREATE",
    resourceType: "entity",
    blueprint: p.blueprint,
    entity: p.identifier,
    before: null,
    after: { identifier: p.identifier, blueprint: p.blueprint, properties: {}, relations: {}, createdForRelation: true },
    requestId: ctx.requestId,
  }));
}
