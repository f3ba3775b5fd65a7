import { InitiativeShare, type TeamShare } from "../components/initiative-team-share";
import { Layout, type Viewer } from "../layout";

/** A team's page: its share of every initiative, and the entities it still has to fix. */
export function TeamPage(props: { viewer: Viewer | undefined; team: string; shares: TeamShare[] }) {
  return (
    <Layout viewer={props.viewer} title={`Team ${props.team}`}>
      <nav class="crumbs">
        <a href="/initiatives">Initiatives</a> / team {props.team}
      </nav>
      <h1>Team {props.team}</h1>
      <h2>Initiatives</h2>
      {props.shares.length === 0 ? <p class="muted">No initiative counts entities of this team (among those you may read).</p> : null}
      {props.shares.map((s) => (
        <InitiativeShare share={s} team={props.team} />
      ))}
    </Layout>
  );
}
