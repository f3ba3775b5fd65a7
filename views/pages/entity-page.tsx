import type { StoredScorecard } from "../../src/db/scorecard-store";
import type { Blueprint, Entity, PropertyDefinition } from "../../src/domain/catalog/types";
import type { EntityActivity, LabelledLink } from "../../src/domain/home/entity-activity";
import { relativeTime } from "../../src/lib/relative-time";
import { type ActionLink, EntityActionsPanel } from "../components/action-panel";
import { EntityHistory } from "../components/audit-diff";
import { PropertyValue } from "../components/property-value";
import { RelationsGraph } from "../components/relations-graph";
import { RunTable } from "../components/run-table";
import { type EntityScorecardResult, EntityScorecards } from "../components/scorecard-summary";
import { Layout, type Viewer } from "../layout";
import { entityHref } from "./blueprint-page";

function RelationList(props: { id: string; links: LabelledLink[]; empty: string }) {
  if (props.links.length === 0) return <p class="muted">{props.empty}</p>;
  return (
    <table class="grid" id={props.id}>
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
            <td title={l.relation}>{l.label}</td>
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

/** The entity page's own address with `?history=` (older audit entries), anchored at the history. */
function historyHref(blueprint: string, identifier: string, cursor: string | null): string {
  return `${entityHref(blueprint, identifier)}${cursor ? `?history=${encodeURIComponent(cursor)}` : ""}#history`;
}

/**
 * One entity: its properties by format, derived values, a relations graph with the full lists, scorecards,
 * the runs that touched it and its audit history with diffs.
 */
export function EntityPage(props: {
  viewer?: Viewer | undefined;
  blueprint: Blueprint;
  entity: Entity;
  /** Labelled relations, runs and history (`entityActivity`). */
  activity: EntityActivity;
  /** DAY-2 / DELETE actions the viewer may run on this entity. */
  actions?: ActionLink[];
  /** Its results per scorecard (`entityScorecards`) and the scorecards' definitions (level colors). */
  scorecards?: Record<string, EntityScorecardResult>;
  scorecardDefinitions?: StoredScorecard[];
  /** The history page shown (`?history=`), so the pager can offer a way back to the newest. */
  historyCursor?: string | undefined;
}) {
  const { blueprint, entity, activity } = props;
  return (
    <Layout viewer={props.viewer} title={entity.title ?? entity.identifier}>
      <nav class="crumbs">
        <a href="/catalog">Catalog</a> / <a href={`/blueprints/${encodeURIComponent(blueprint.identifier)}`}>{blueprint.title}</a> /{" "}
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
      <section aria-labelledby="relations-title">
        <h2 id="relations-title">Relations</h2>
        <RelationsGraph entity={entity} blueprintTitle={blueprint.title} incoming={activity.incoming} outgoing={activity.outgoing} />
        <h3>Points at</h3>
        <RelationList id="relations-out" links={activity.outgoing} empty="This entity points at nothing." />
        <h3>Referenced by</h3>
        <RelationList id="relations-in" links={activity.incoming} empty="Nothing points at this entity." />
      </section>
      <EntityScorecards blueprint={blueprint.identifier} results={props.scorecards ?? {}} definitions={props.scorecardDefinitions ?? []} />
      <section aria-labelledby="runs-title">
        <h2 id="runs-title">Runs</h2>
        <RunTable runs={activity.runs} empty="No run you may see acted on this entity or changed it." />
        {activity.moreRuns ? <p class="muted small">Showing the newest {activity.runs.length}.</p> : null}
      </section>
      <section id="history" aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        <EntityHistory
          entries={activity.history}
          olderHref={activity.historyNext ? historyHref(blueprint.identifier, entity.identifier, activity.historyNext) : null}
          newestHref={props.historyCursor ? historyHref(blueprint.identifier, entity.identifier, null) : null}
        />
      </section>
    </Layout>
  );
}
