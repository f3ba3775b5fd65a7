import type { Child } from "hono/jsx";
import type { FailingRule, HomeOverview } from "../../src/domain/home/home";
import { relativeTime } from "../../src/lib/relative-time";
import { RunTable } from "../components/run-table";
import { scorecardHref } from "../components/scorecard-summary";
import { entityHref } from "../components/table-state";
import { Layout, type Viewer } from "../layout";

function blueprintHref(blueprint: string): string {
  return `/blueprints/${encodeURIComponent(blueprint)}`;
}

/** A home section: a titled card with an optional "see all" link. */
function Section(props: { id: string; title: string; more?: { href: string; text: string }; children: Child }) {
  return (
    <section class="home-card" aria-labelledby={`${props.id}-title`}>
      <header class="home-card-head">
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        {props.more ? <a href={props.more.href}>{props.more.text}</a> : null}
      </header>
      {props.children}
    </section>
  );
}

function MyEntities(props: { overview: HomeOverview }) {
  const { teams, entities, counts } = props.overview;
  if (teams.length === 0) {
    return (
      <p class="empty">
        You are in no team, so no entity is yours yet. Ask an admin to add you to a team; meanwhile, browse the{" "}
        <a href="/catalog">catalog</a>.
      </p>
    );
  }
  if (entities.length === 0) {
    return (
      <p class="empty">
        Your teams ({teams.join(", ")}) own no entity you can see. An entity belongs to a team through its <code>team</code> field (or its
        blueprint's ownership relation); browse the <a href="/catalog">catalog</a>.
      </p>
    );
  }
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  return (
    <>
      <ul class="home-counts" aria-label="Your teams' entities per blueprint">
        {counts.map((c) => (
          <li>
            <a href={blueprintHref(c.blueprint)}>{c.title}</a> <span class="home-count">{c.count}</span>
          </li>
        ))}
      </ul>
      <table class="grid">
        <thead>
          <tr>
            <th>Entity</th>
            <th>Blueprint</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {entities.map((e) => (
            <tr>
              <td>
                <a href={entityHref(e.blueprint, e.identifier)}>{e.title ?? e.identifier}</a>
              </td>
              <td>{counts.find((c) => c.blueprint === e.blueprint)?.title ?? e.blueprint}</td>
              <td>
                <time datetime={e.updatedAt} title={e.updatedAt}>
                  {relativeTime(e.updatedAt)}
                </time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {total > entities.length ? (
        <p class="muted small">
          The {entities.length} most recently updated of {total}.
        </p>
      ) : null}
    </>
  );
}

function FailingRules(props: { overview: HomeOverview }) {
  const { teams, entities, failingRules } = props.overview;
  if (teams.length === 0) return <p class="empty">Once you are in a team, the scorecard rules its entities fail show here.</p>;
  if (failingRules.length === 0) {
    return (
      <p class="empty">
        {entities.length === 0 ? "Your teams own no entity to score yet." : "Your teams' entities pass every scorecard rule."}
      </p>
    );
  }
  return (
    <table class="grid">
      <thead>
        <tr>
          <th>Rule</th>
          <th class="num">Failing</th>
          <th>Entities</th>
        </tr>
      </thead>
      <tbody>
        {failingRules.map((r) => (
          <FailingRuleRow rule={r} />
        ))}
      </tbody>
    </table>
  );
}

function FailingRuleRow(props: { rule: FailingRule }) {
  const r = props.rule;
  return (
    <tr>
      <td>
        {r.ruleTitle}
        <div class="muted small">
          <a href={scorecardHref(r.blueprint, r.scorecard)}>{r.scorecardTitle}</a> · level {r.level}
        </div>
      </td>
      <td class="num">{r.failing}</td>
      <td>
        <ul class="home-sample">
          {r.sample.map((e) => (
            <li>
              <a href={entityHref(r.blueprint, e.identifier)}>{e.title ?? e.identifier}</a>
            </li>
          ))}
          {r.failing > r.sample.length ? <li class="muted">and {r.failing - r.sample.length} more</li> : null}
        </ul>
      </td>
    </tr>
  );
}

/**
 * The signed-in user's home: their teams' entities, the runs they started, runs waiting for their approval
 * and the scorecard rules their teams' entities fail. Every section says what to do when it is empty.
 */
export function HomePage(props: { viewer?: Viewer | undefined; overview: HomeOverview }) {
  const { overview } = props;
  return (
    <Layout viewer={props.viewer} title="Home">
      <h1>Home</h1>
      <p class="muted">
        {props.viewer ? `Signed in as ${props.viewer.email}` : ""}
        {overview.teams.length > 0 ? ` · teams ${overview.teams.join(", ")}` : " · no team"}
      </p>
      <div class="home-grid">
        <Section id="home-entities" title="My entities" more={{ href: "/catalog", text: "Catalog →" }}>
          <MyEntities overview={overview} />
        </Section>
        <Section id="home-approvals" title="Waiting for my approval" more={{ href: "/approvals", text: "All approvals →" }}>
          <RunTable runs={overview.approvals} showRequester empty="Nothing is waiting for your approval." />
        </Section>
        <Section id="home-runs" title="My recent runs" more={{ href: "/runs", text: "All my runs →" }}>
          <RunTable
            runs={overview.runs}
            empty={
              <>
                No runs yet. Browse <a href="/self-service">Self-service</a> to start one.
              </>
            }
          />
        </Section>
        <Section id="home-rules" title="Failing scorecard rules of my teams">
          <FailingRules overview={overview} />
        </Section>
      </div>
    </Layout>
  );
}
