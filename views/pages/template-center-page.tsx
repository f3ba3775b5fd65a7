import type { Child } from "hono/jsx";
import type { ApplyState } from "../../src/domain/templates/preview-template";
import type { TemplateContents } from "../../src/domain/templates/registry";
import { Layout, type Viewer } from "../layout";
import { NameList, plural, StateBadge, templateHref } from "./template-parts";

export interface TemplateCard {
  contents: TemplateContents;
  state: ApplyState;
}

/** What one template creates, part by part; parts it has none of are left out. */
function Contents(props: { t: TemplateContents }) {
  const { t } = props;
  const parts: [string, number, Child][] = [
    ["Requires", t.requires.length, <NameList names={t.requires.map((identifier) => ({ identifier }))} href={templateHref} />],
    ["Blueprints", t.blueprints.length, <NameList names={t.blueprints} />],
    ["Entities", t.entities.length, plural(t.entities.length, "demo entity", "demo entities")],
    ["Actions", t.actions.length, <NameList names={t.actions} />],
    ["Automations", t.automations.length, <NameList names={t.automations} />],
    ["Scorecards", t.scorecards.length, <NameList names={t.scorecards} />],
  ];
  return (
    <dl class="template-contents">
      {parts
        .filter(([, count]) => count > 0)
        .map(([label, , value]) => (
          <>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </>
        ))}
    </dl>
  );
}

function Card(props: { card: TemplateCard }) {
  const { contents: t, state } = props.card;
  return (
    <article class="card template-card" aria-labelledby={`template-${t.name}`}>
      <header>
        <h3 id={`template-${t.name}`}>
          <a href={templateHref(t.name)}>{t.title}</a>
        </h3>
        <StateBadge state={state} />
      </header>
      <p class="muted small">
        <code>{t.name}</code>
      </p>
      <p>{t.description}</p>
      <Contents t={t} />
      <p>
        <a href={templateHref(t.name)}>{state === "applied" ? "See what it created" : "Preview and apply"}</a>
      </p>
    </article>
  );
}

/** `/templates`: every template and action pack, what each creates, and whether it is applied. */
export function TemplateCenterPage(props: { viewer: Viewer | undefined; cards: TemplateCard[] }) {
  const groups = [
    {
      id: "catalog-templates",
      title: "Catalog templates",
      intro: "Blueprints with demo entities, and the actions, automations and scorecards that go with them.",
      cards: props.cards.filter((c) => c.contents.kind === "catalog"),
    },
    {
      id: "action-packs",
      title: "Action packs",
      intro:
        "Self-service actions with typed forms, wired to the example backend (npm run example:backend), and the few blueprints they need. Applying a pack applies the templates it requires first.",
      cards: props.cards.filter((c) => c.contents.kind === "action-pack"),
    },
  ];
  return (
    <Layout viewer={props.viewer} title="Templates">
      <h1>Template center</h1>
      <p class="muted">
        Each template can be previewed before it is applied. Applying is idempotent and never overwrites: what already exists (perhaps
        customised since) is left as it is, and only what is missing is created.
      </p>
      {groups.map((g) => (
        <section aria-labelledby={g.id}>
          <h2 id={g.id}>{g.title}</h2>
          <p class="muted small">{g.intro}</p>
          <div class="template-grid">
            {g.cards.map((card) => (
              <Card card={card} />
            ))}
          </div>
        </section>
      ))}
    </Layout>
  );
}
