import type { StoredScorecard } from "../../src/db/scorecard-store";
import type { Blueprint } from "../../src/domain/catalog/types";
import { scorecardHref } from "../components/scorecard-summary";
import { Layout, type Viewer } from "../layout";

/** An action as the landing page lists it. */
export interface BuilderAction {
  identifier: string;
  title: string;
  blueprint: string;
}

const enc = encodeURIComponent;

function Explanation() {
  return (
    <div class="empty">
      <p>
        The builders define the catalog: blueprints (their properties and relations), self-service actions and scorecards. They are for
        admins and for a blueprint's moderators (the role <code>&lt;blueprint&gt;-moderator</code>). You have neither role, so there is
        nothing for you to build yet.
      </p>
      <p>
        Ask an admin for the moderator role of a blueprint you look after. Meanwhile, browse the <a href="/catalog">catalog</a> or run an
        action from <a href="/self-service">self-service</a>.
      </p>
    </div>
  );
}

function BlueprintTable(props: { blueprints: Blueprint[] }) {
  return (
    <table class="grid">
      <thead>
        <tr>
          <th scope="col">Blueprint</th>
          <th scope="col" class="num">
            Properties
          </th>
          <th scope="col" class="num">
            Relations
          </th>
          <th scope="col">Build</th>
        </tr>
      </thead>
      <tbody>
        {props.blueprints.map((b) => (
          <tr>
            <td>
              <a href={`/blueprints/${enc(b.identifier)}`}>{b.title}</a> <code class="muted small">{b.identifier}</code>
            </td>
            <td class="num">{Object.keys(b.schema.properties).length}</td>
            <td class="num">{Object.keys(b.relations).length}</td>
            <td class="builder-links">
              <a href={`/builder/blueprints/${enc(b.identifier)}`} aria-label={`Edit blueprint ${b.title}`}>
                Edit
              </a>
              <a href={`/builder/blueprints/${enc(b.identifier)}/scorecards/new`} aria-label={`New scorecard for ${b.title}`}>
                New scorecard
              </a>
              <a href={`/actions/new?blueprint=${enc(b.identifier)}`} aria-label={`New action for ${b.title}`}>
                New action
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface LinkItem {
  href: string;
  /** The link's accessible name ("Edit scorecard Readiness"). */
  label: string;
  text: string;
  blueprint: string;
  also?: { href: string; text: string };
}

/** A section listing definitions to edit, each with the blueprint it belongs to. */
function LinkList(props: { id: string; title: string; empty: string; items: LinkItem[] }) {
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.items.length === 0 ? (
        <p class="muted">{props.empty}</p>
      ) : (
        <ul class="builder-list">
          {props.items.map((item) => (
            <li>
              <a href={item.href} aria-label={item.label}>
                {item.text}
              </a>{" "}
              <span class="muted small">on {item.blueprint}</span>
              {item.also ? (
                <>
                  {" "}
                  · <a href={item.also.href}>{item.also.text}</a>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * `/builder`: what the viewer may build. Admins see every blueprint and may create new ones; a moderator
 * sees the blueprints they moderate with their actions and scorecards; anyone else an explanation.
 */
export function BuilderHomePage(props: {
  viewer?: Viewer | undefined;
  mayCreateBlueprints: boolean;
  blueprints: Blueprint[];
  actions: BuilderAction[];
  scorecards: StoredScorecard[];
}) {
  const titleOf = new Map(props.blueprints.map((b) => [b.identifier, b.title]));
  const manages = props.blueprints.length > 0 || props.mayCreateBlueprints;
  return (
    <Layout viewer={props.viewer} title="Builder">
      <h1>Builder</h1>
      {!manages ? (
        <Explanation />
      ) : (
        <>
          <p class="muted">Low-code editors for what you manage. Each shows a form beside the JSON the API takes; edit either.</p>
          <section aria-labelledby="builder-blueprints">
            <h2 id="builder-blueprints">Blueprints</h2>
            {props.mayCreateBlueprints ? (
              <p>
                <a class="button-link" href="/builder/blueprints/new">
                  New blueprint
                </a>
              </p>
            ) : (
              <p class="muted small">Only admins create blueprints; you edit the ones you moderate.</p>
            )}
            {props.blueprints.length === 0 ? <p class="empty">No blueprints yet.</p> : <BlueprintTable blueprints={props.blueprints} />}
          </section>
          <LinkList
            id="builder-actions"
            title="Actions"
            empty="No actions on your blueprints yet; “New action” above starts one."
            items={props.actions.map((a) => ({
              href: `/actions/${enc(a.identifier)}/edit`,
              label: `Edit action ${a.title}`,
              text: a.title,
              blueprint: titleOf.get(a.blueprint) ?? a.blueprint,
            }))}
          />
          <LinkList
            id="builder-scorecards"
            title="Scorecards"
            empty="No scorecards on your blueprints yet; “New scorecard” above starts one."
            items={props.scorecards.map((s) => ({
              href: `/builder/blueprints/${enc(s.blueprint)}/scorecards/${enc(s.identifier)}`,
              label: `Edit scorecard ${s.title}`,
              text: s.title,
              blueprint: titleOf.get(s.blueprint) ?? s.blueprint,
              also: { href: scorecardHref(s.blueprint, s.identifier), text: "results" },
            }))}
          />
        </>
      )}
    </Layout>
  );
}
