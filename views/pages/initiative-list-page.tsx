import type { StoredInitiative } from "../../src/db/initiative-store";
import { daysLeftText, initiativeHref, ProgressBar, targetText } from "../components/initiative-charts";
import { scorecardHref } from "../components/scorecard-summary";
import { Layout, type Viewer } from "../layout";

/** One row of the list: the initiative and where it stands for the viewer. */
export interface InitiativeRow {
  initiative: StoredInitiative;
  percent: number;
  done: number;
  total: number;
  daysLeft: number;
}

/** `/initiatives`: initiatives of blueprints the viewer may read, soonest target date first. */
export function InitiativeListPage(props: { viewer?: Viewer | undefined; rows: InitiativeRow[] }) {
  return (
    <Layout viewer={props.viewer} title="Initiatives">
      <h1>Initiatives</h1>
      <p class="muted">Drive a scorecard target to done across teams, by a date. Progress counts the entities you may read.</p>
      {props.rows.length === 0 ? (
        <p class="empty">No initiatives yet.</p>
      ) : (
        <div class="table-scroll">
          <table class="grid initiative-table">
            <thead>
              <tr>
                <th>Initiative</th>
                <th>Scorecard</th>
                <th>Target</th>
                <th>Owner</th>
                <th>Target date</th>
                <th>Done</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map(({ initiative: i, percent, done, total, daysLeft }) => (
                <tr id={`initiative-${i.identifier}`}>
                  <td>
                    <a href={initiativeHref(i.identifier)}>{i.title}</a>
                  </td>
                  <td>
                    <a href={scorecardHref(i.blueprint, i.scorecard)}>{i.scorecard}</a>
                    <div class="muted small">{i.blueprint}</div>
                  </td>
                  <td>{targetText(i.target, i.scorecard)}</td>
                  <td>{i.owner}</td>
                  <td>
                    {i.targetDate}
                    <div class={`small ${daysLeft < 0 ? "overdue" : "muted"}`}>{daysLeftText(daysLeft)}</div>
                  </td>
                  <td>
                    <ProgressBar percent={percent} done={done} total={total} small />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
