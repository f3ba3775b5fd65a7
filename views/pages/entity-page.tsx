import type { RelationLink } from "../../src/db/entity-store";
import type { StoredScorecard } from "../../src/db/scorecard-store";
import type { Blueprint, Entity, PropertyDefinition } from "../../src/domain/catalog/types";
import { relativeTime } from "../../src/lib/relative-time";
import { type ActionLink, EntityActionsPanel } from "../components/action-panel";
import { PropertyValue } from "../components/property-value";
import { type EntityScorecardResult, EntityScorecards } from "../components/scorecard-summary";
import { Layout, type Viewer } from "../layout";
import { entityHref } from "./blueprint-page";

function RelationList(props: { links: RelationLink[]; empty: string }) {
  if (props.links.length === 0) return <p class="muted">{props.empty}</p>;
  return (
    <table class="grid">
      <thead>
        <tr>
          <th>Relation</th>
          <th>Blueprint</th>
          <th>Entity</th>
        </tr>
      </thead>
      <tbody>
        {props.links.map((l) => (
          <tr>
            <td>{l.relation}</td>
            <td>
              <a href={`/blueprints/${encodeURIComponent(l.blueprint)}`}>{l.blueprint}</a>
            </td>
            <td>
              <a href={entityHref(l.blueprint, l.identifier)}>{l.title ?? l.identifier}</a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Mirror, aggregation and calculation values, with the reason when one could not be computed. */
function DerivedList(props: { blueprint: Blueprint; entity: Entity }) {
  const { blueprint, entity } = props;
  const rows = [
    ...Object.entries(blueprint.mirrorProperties).map(([key, m]) => ({
      key,
      title: m.title ?? key,
      kind: `mirror of ${m.path}`,
      type: undefined,
    })),
    ...Object.entries(blueprint.aggregationProperties).map(([key, a]) => ({
      key,
      title: String(a.title ?? key),
      kind: "aggregation",
      type: "number",
    })),
    ...Object.entries(blueprint.calculationProperties).map(([key, c]) => ({
      key,
      title: String(c.title ?? key),
      kind: "calculation",
      type: c.type,
    })),
  ];
  if (rows.length === 0) return null;
  return (
    <>
      <h2>Derived</h2>
      <dl class="props">
        {rows.map((r) => (
          <>
            <dt title={r.kind}>{r.title}</dt>
            <dd>
              <PropertyValue
                def={typeof r.type === "string" ? ({ type: r.type } as PropertyDefinition) : undefined}
                value={entity.properties[r.key]}
              />
              {entity.derivationErrors?.[r.key] ? <div class="muted small">{entity.derivationErrors[r.key]}</div> : null}
            </dd>
          </>
        ))}
      </dl>
    </>
  );
}

/** One entity: its properties by format, and its relations in both directions. */
export function EntityPage(props: {
  viewer?: Viewer | undefined;
  blueprint: Blueprint;
  entity: Entity;
  outgoing: RelationLink[];
  incoming: RelationLink[];
  /** DAY-2 / DELETE actions the viewer may run on this entity. */
  actions?: ActionLink[];
  /** Its results per scorecard (`entityScorecards`) and the scorecards' definitions (level colors). */
  scorecards?: Record<string, EntityScorecardResult>;
  scorecardDefinitions?: StoredScorecard[];
}) {
  const { blueprint, entity } = props;
  return (
    <Layout viewer={props.viewer} title={entity.title ?? entity.identifier}>
      <nav class="crumbs">
        <a href="/">Catalog</a> / <a href={`/blueprints/${encodeURIComponent(blueprint.identifier)}`}>{blueprint.title}</a> /{" "}
        {entity.title ?? entity.identifier}
      </nav>
      <h1>{entity.title ?? entity.identifier}</h1>
      <p class="muted">
        <code>{entity.identifier}</code> · version {entity.version} · updated{" "}
        <time datetime={entity.updatedAt} title={entity.updatedAt}>
          {relativeTime(entity.updatedAt)}
        </time>{" "}
        by {entity.updatedBy}
        {entity.team.length > 0 ? ` · team ${entity.team.join(", ")}` : ""}
      </p>
      <EntityActionsPanel actions={props.actions ?? []} entity={entity.identifier} />
      <h2>Properties</h2>
      <dl class="props">
        {Object.entries(blueprint.schema.properties).map(([key, def]) => (
          <>
            <dt>{def.title ?? key}</dt>
            <dd>
              <PropertyValue def={def} value={entity.properties[key]} />
            </dd>
          </>
        ))}
      </dl>
      <DerivedList blueprint={blueprint} entity={entity} />
      <EntityScorecards blueprint={blueprint.identifier} results={props.scorecards ?? {}} definitions={props.scorecardDefinitions ?? []} />
      <h2>Relations</h2>
      <RelationList links={props.outgoing} empty="This entity points at nothing." />
      <h2>Referenced by</h2>
      <RelationList links={props.incoming} empty="Nothing points at this entity." />
    </Layout>
  );
}
