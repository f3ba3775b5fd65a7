import type { initiativeProgress } from "../../src/domain/scorecards/initiatives";
import { daysLeftText, InitiativeHistoryChart, initiativeHref, ProgressBar, targetText } from "../components/initiative-charts";
import { scorecardHref } from "../components/scorecard-summary";
import { entityHref } from "../components/table-state";
import { Layout, type Viewer } from "../layout";

export type InitiativeProgress = Awaited<ReturnType<typeof initiativeProgress>>;

/** Why an initiative has no daily share: only level targets over all teams keep one. */
function noHistoryReason(p: InitiativeProgress): string {
  const i = p.initiative;
  if (!("level" in i.target)) return "Rule targets have no daily history; the numbers above are today's.";
  if (i.teams.length > 0) return "Initiatives limited to some teams have no daily history; the numbers above are today's.";
  return "No history yet: scores are recorded daily from the day the initiative started.";
}

/**
 * `/initiatives/:id`: the target, the date, progress (overall or one team's share), the share over time and
 * the entities still failing by team with what each needs — all over the entities the viewer may read.
 */
export function InitiativePage(props: { viewer?: Viewer | undefined; progress: InitiativeProgress; team?: string | undefined }) {
  const { progress: p, team } = props;
  const i = p.initiative;
  const teams = team ? p.teams.filter((t) => t.team === team) : p.teams;
  const mine = team ? teams[0] : undefined;
  const percentOf = (done: number, total: number) => (total === 0 ? 100 : Math.round((1000 * done) / total) / 10);
  return (
    <Layout viewer={props.viewer} title={i.title}>
      <nav class="crumbs">
        <a href="/initiatives">Initiatives</a> / {i.title}
      </nav>
      <h1>{i.title}</h1>
      {i.description ? <p class="initiative-description">{i.description}</p> : null}
      <dl class="props initiative-facts">
        <dt>Target</dt>
        <dd>
          {targetText(i.target, i.scorecard)} (
          <a href={scorecardHref(i.blueprint, i.scorecard)}>
            scorecard <code>{i.scorecard}</code> of <code>{i.blueprint}</code>
          </a>
          )
        </dd>
        <dt>Owner</dt>
        <dd>{i.owner}</dd>
        {i.teams.length > 0 ? (
          <>
            <dt>Teams</dt>
            <dd>{i.teams.join(", ")}</dd>
          </>
        ) : null}
        <dt>Target date</dt>
        <dd>
          {i.targetDate} · <span class={p.daysLeft < 0 ? "overdue" : "muted"}>{daysLeftText(p.daysLeft)}</span>
        </dd>
      </dl>
      <form method="get" action={initiativeHref(i.identifier)} class="inline-form">
        <label for="initiative-team">Team</label>
        <input id="initiative-team" name="team" value={team ?? ""} placeholder="all" />
        <button type="submit">Show share</button>
        {team ? <a href={initiativeHref(i.identifier)}>All teams</a> : null}
      </form>
      <h2>Progress{team ? ` of team ${team}` : ""}</h2>
      {team ? (
        mine ? (
          <ProgressBar percent={percentOf(mine.done, mine.total)} done={mine.done} total={mine.total} />
        ) : (
          <p class="empty">No entities of team {team} in this initiative (that you may read).</p>
        )
      ) : (
        <ProgressBar percent={p.percent} done={p.done} total={p.total} />
      )}
      {team ? (
        <p class="muted small">
          Overall: {p.percent}% ({p.done}/{p.total}).
        </p>
      ) : null}
      {p.truncated ? <p class="muted small">Only the first entities are counted: the scorecard has too many to read at once.</p> : null}
      <h2>Over time</h2>
      {team && p.history.length > 0 ? <p class="muted small">The history covers every team you may read.</p> : null}
      {p.history.length > 0 ? <InitiativeHistoryChart history={p.history} /> : <p class="muted">{noHistoryReason(p)}</p>}
      <h2>Still failing by team</h2>
      {teams.length === 0 ? (
        <p class="empty">No entities{team ? ` of team ${team}` : ""} to show.</p>
      ) : (
        teams.map((t) => (
          <section class="initiative-team" id={`team-${t.team}`}>
            <h3>
              {t.team === "(no team)" ? t.team : <a href={initiativeHref(i.identifier, t.team)}>{t.team}</a>}{" "}
              <ProgressBar percent={percentOf(t.done, t.total)} done={t.done} total={t.total} small />
            </h3>
            {t.failing.length === 0 ? (
              <p class="muted small">All {t.total} meet the target.</p>
            ) : (
              <table class="grid compact initiative-failing">
                <thead>
                  <tr>
                    <th>Entity</th>
                    <th>Needs</th>
                  </tr>
                </thead>
                <tbody>
                  {t.failing.map((e) => (
                    <tr>
                      <td>
                        <a href={entityHref(i.blueprint, e.identifier)}>{e.title ?? e.identifier}</a>
                      </td>
                      <td>
                        <ul class="needs">
                          {e.needs.map((n) => (
                            <li>{n}</li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        ))
      )}
    </Layout>
  );
}
