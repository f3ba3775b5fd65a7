import type { Exemption, ScoredEntity, StoredScorecard } from "../../src/db/scorecard-store";
import type { Blueprint } from "../../src/domain/catalog/types";
import { LevelBadge, type LevelCount, LevelDistributionChart, LevelHistoryChart } from "../components/scorecard-charts";
import { scorecardHref } from "../components/scorecard-summary";
import { entityHref } from "../components/table-state";
import { Layout, type Viewer } from "../layout";

/** One rule's outcome for one entity: passing, failing, or passing only through an active exemption. */
function RuleCell(props: { passed: boolean; exempt: boolean; rule: string }) {
  if (props.exempt) {
    return (
      <td class="rule-cell">
        <span class="badge rule-exempt" title={`${props.rule}: exempt`}>
          exempt
        </span>
      </td>
    );
  }
  return props.passed ? (
    <td class="rule-cell">
      <span class="rule-pass" title={`${props.rule}: passing`} aria-hidden="true">
        ✓
      </span>
      <span class="visually-hidden">passing</span>
    </td>
  ) : (
    <td class="rule-cell">
      <span class="rule-fail" title={`${props.rule}: failing`} aria-hidden="true">
        ✗
      </span>
      <span class="visually-hidden">failing</span>
    </td>
  );
}

/** A scorecard: entities per level, the level history, and the entities × rules table (readable entities only). */
export function ScorecardPage(props: {
  viewer?: Viewer | undefined;
  blueprint: Blueprint;
  scorecard: StoredScorecard;
  levels: LevelCount[];
  entities: ScoredEntity[];
  history: { day: string; levelIndex: number; n: number }[];
  historyDays: number;
  exemptions: Exemption[];
  team?: string | undefined;
  limit: number;
  /** May the viewer change the scorecard (Admin, or the blueprint's moderator)? */
  mayEdit: boolean;
}) {
  const { blueprint, scorecard } = props;
  const mayEdit = props.mayEdit;
  const bpHref = `/blueprints/${encodeURIComponent(blueprint.identifier)}`;
  const exempt = new Set(props.exemptions.filter((e) => e.active).map((e) => `${e.identifier}\u0000${e.rule}`));
  const colorOf = (title: string) => scorecard.levels.find((l) => l.title === title)?.color;
  const total = props.levels.reduce((n, l) => n + l.count, 0);
  return (
    <Layout viewer={props.viewer} title={scorecard.title}>
      <nav class="crumbs">
        <a href="/">Catalog</a> / <a href={bpHref}>{blueprint.title}</a> / {scorecard.title}
      </nav>
      <h1>{scorecard.title}</h1>
      {scorecard.description ? <p>{scorecard.description}</p> : null}
      <p class="muted">
        scorecard <code>{scorecard.identifier}</code> of <code>{blueprint.identifier}</code> · {scorecard.rules.length}{" "}
        {scorecard.rules.length === 1 ? "rule" : "rules"} · {total} {total === 1 ? "entity" : "entities"}
        {props.team ? ` in team ${props.team}` : ""}
        {mayEdit ? (
          <>
            {" "}
            ·{" "}
            <a
              href={`/builder/blueprints/${encodeURIComponent(blueprint.identifier)}/scorecards/${encodeURIComponent(scorecard.identifier)}`}
            >
              Edit in builder
            </a>
          </>
        ) : null}
      </p>
      <form method="get" action={scorecardHref(blueprint.identifier, scorecard.identifier)} class="inline-form">
        <label for="scorecard-team">Team</label>
        <input id="scorecard-team" name="team" value={props.team ?? ""} placeholder="any" />
        <button type="submit">Filter</button>
      </form>
      <h2>By level</h2>
      <LevelDistributionChart levels={props.levels} />
      <h2>Last {props.historyDays} days</h2>
      {props.team ? <p class="muted small">History covers every team you may read.</p> : null}
      <LevelHistoryChart levels={scorecard.levels} history={props.history} days={props.historyDays} />
      <h2>Entities</h2>
      {props.entities.length === 0 ? (
        <p class="empty">No scored entities{props.team ? " in this team" : ""}.</p>
      ) : (
        <div class="table-scroll">
          <table class="grid scorecard-table">
            <thead>
              <tr>
                <th>Entity</th>
                <th>Team</th>
                <th>Level</th>
                <th>Score</th>
                {scorecard.rules.map((r) => (
                  <th title={r.description ?? r.identifier}>
                    {r.title}
                    <div class="muted small">{r.level}</div>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.entities.map((e) => (
                <tr id={`entity-${e.identifier}`}>
                  <td>
                    <a href={entityHref(blueprint.identifier, e.identifier)}>{e.title ?? e.identifier}</a>
                  </td>
                  <td>{e.team.join(", ")}</td>
                  <td>
                    <LevelBadge title={e.level} color={colorOf(e.level)} />
                  </td>
                  <td>{e.score}</td>
                  {scorecard.rules.map((r) => (
                    <RuleCell
                      rule={r.title}
                      passed={e.effective[r.identifier] === 1}
                      exempt={e.effective[r.identifier] === 1 && exempt.has(`${e.identifier}\u0000${r.identifier}`)}
                    />
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.entities.length >= props.limit ? (
        <p class="muted small">Showing the first {props.limit} entities, lowest level first.</p>
      ) : null}
    </Layout>
  );
}
