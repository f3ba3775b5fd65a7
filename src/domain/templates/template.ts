/** A bundle of blueprints and demo entities that can be applied to a catalog in one step. */
export interface Template {
  name: string;
  title: string;
  description: string;
  /**
   * `catalog`: a data model with demo entities (the default). `action-pack`: self-service actions, with the
   * few blueprints they need, on top of the templates it `requires`.
   */
  kind?: "catalog" | "action-pack";
  /** Templates applied first (idempotently), because this one's relations or actions use their blueprints. */
  requires?: string[];
  /** Port-shaped blueprint bodies; relations may point at blueprints of the same template. */
  blueprints: Record<string, unknown>[];
  /** Port-shaped entity bodies, in an order where required relation targets come first. */
  entities: { blueprint: string; entity: Record<string, unknown> }[];
  /** Port-shaped self-service actions on the template's blueprints. */
  actions?: Record<string, unknown>[];
  /** Port-shaped automations (created after the actions, which they may follow). */
  automations?: Record<string, unknown>[];
  /** Port-shaped scorecards, each on a blueprint of the template. */
  scorecards?: { blueprint: string; scorecard: Record<string, unknown> }[];
}
