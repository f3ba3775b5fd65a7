import { daysLeftText, initiativeHref, ProgressBar, targetText } from "./initiative-charts";

/** One team's part of an initiative: its progress and the entities it still has to fix. */
export interface TeamShare {
  initiative: { identifier: string; title: string; blueprint: string; scorecard: string; target: { level: string } | { rules: string[] } };
  daysLeft: number;
  total: number;
  done: number;
  failing: { identifier: string; title: string | null; needs: string[] }[];
}

export function InitiativeShare(props: { share: TeamShare; team: string }) {
  const { share } = props;
  const percent = share.total === 0 ? 100 : Math.round((1000 * share.done) / share.total) / 10;
  const bp = encodeURIComponent(share.initiative.blueprint);
  return (
    <section class="card">
      <h3>
        <a href={initiativeHref(share.initiative.identifier, props.team)}>{share.initiative.title}</a>
      </h3>
      <p class="muted">
        {targetText(share.initiative.target, share.initiative.scorecard)} · {daysLeftText(share.daysLeft)}
      </p>
      <ProgressBar percent={percent} done={share.done} total={share.total} />
      {share.failing.length > 0 ? (
        <ul>
          {share.failing.map((f) => (
            <li>
              <a href={`/blueprints/${bp}/entities/${encodeURIComponent(f.identifier)}`}>{f.title ?? f.identifier}</a> needs{" "}
              {f.needs.join(", ")}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
