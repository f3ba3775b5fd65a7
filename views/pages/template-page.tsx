import type { Child } from "hono/jsx";
import type { AppliedTemplate, TemplateResult } from "../../src/domain/templates/apply-template";
import { type ApplyState, type EntityRef, type TemplatePlan, toCreate } from "../../src/domain/templates/preview-template";
import type { ContentItem, TemplateContents } from "../../src/domain/templates/registry";
import { entityHref } from "../components/table-state";
import { Layout, type Viewer } from "../layout";
import { actionHref, blueprintHref, NameList, plural, StateBadge, scorecardHref, templateHref } from "./template-parts";

/** One template's plan with its contents (for titles): the page shows one per template applied. */
export interface TemplateSection {
  plan: TemplatePlan;
  contents: TemplateContents;
}

/** The named things of one part, titled from the template's contents where it has them. */
function titled(ids: string[], known: ContentItem[]): ContentItem[] {
  return ids.map((identifier) => known.find((k) => k.identifier === identifier) ?? { identifier, title: identifier });
}

function EntityList(props: { entities: EntityRef[]; linked: boolean }) {
  if (props.entities.length === 0) return <span class="muted">—</span>;
  return (
    <ul class="name-list">
      {props.entities.map((e) => (
        <li>
          {props.linked ? (
            <a href={entityHref(e.blueprint, e.identifier)}>
              {e.blueprint} / {e.identifier}
            </a>
          ) : (
            <code>
              {e.blueprint} / {e.identifier}
            </code>
          )}
        </li>
      ))}
    </ul>
  );
}

/** A table of parts: what applying creates and what it leaves alone (or, after applying, did). */
function PartsTable(props: { headings: [string, string]; rows: Row[] }) {
  const rows = props.rows.filter(([, count]) => count > 0);
  if (rows.length === 0) return <p class="muted">This template has no contents of its own.</p>;
  return (
    <table class="grid template-parts">
      <thead>
        <tr>
          <th scope="col">Part</th>
          <th scope="col">{props.headings[0]}</th>
          <th scope="col">{props.headings[1]}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, , first, second]) => (
          <tr>
            <th scope="row">{label}</th>
            <td>{first}</td>
            <td>{second}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The parts made of named things (entities are counted or listed with their blueprint instead), with their pages. */
const NAMED_PARTS = [
  { part: "blueprints", label: "Blueprints", href: blueprintHref },
  { part: "actions", label: "Actions", href: actionHref },
  { part: "automations", label: "Automations", href: undefined },
  { part: "scorecards", label: "Scorecards", href: scorecardHref },
] as const;

type Row = [string, number, Child, Child];

/** Rows in display order: blueprints, entities, then the other named parts. */
function inOrder(named: Row[], entities: Row): Row[] {
  const [blueprints, ...rest] = named;
  return blueprints ? [blueprints, entities, ...rest] : [entities];
}

function PlanSection(props: { section: TemplateSection; own: boolean }) {
  const { plan, contents: c } = props.section;
  const total = toCreate(plan);
  const named = NAMED_PARTS.map(({ part, label, href }): Row => {
    const { create, existing } = plan[part];
    return [
      label,
      create.length + existing.length,
      <NameList names={titled(create, c[part])} />,
      <NameList names={titled(existing, c[part])} href={href} />,
    ];
  });
  const entities: Row = [
    "Entities",
    plan.entities.create.length + plan.entities.existing.length,
    <EntityList entities={plan.entities.create} linked={false} />,
    <EntityList entities={plan.entities.existing} linked={true} />,
  ];
  return (
    <section class="card template-plan" aria-labelledby={`plan-${plan.template}`}>
      <h3 id={`plan-${plan.template}`}>
        {props.own ? plan.title : <a href={templateHref(plan.template)}>{plan.title}</a>} <code class="small">{plan.template}</code>
        {props.own ? null : <span class="muted small"> (required, applied first)</span>}
      </h3>
      <p class={total === 0 ? "muted" : undefined}>
        {total === 0 ? "Nothing to create: all of it is already there." : `${plural(total, "thing")} to create.`}
      </p>
      <PartsTable headings={["Will create", "Already exists (left as it is)"]} rows={inOrder(named, entities)} />
    </section>
  );
}

const leftAlone = (n: number): Child => (n === 0 ? <span class="muted">—</span> : `${n} left as they were`);

/** What one apply did to one template: created (linked) and unchanged, part by part. */
function ResultTable(props: { result: TemplateResult; contents: TemplateContents | undefined }) {
  const { result: r } = props;
  const named = NAMED_PARTS.map(({ part, label, href }): Row => {
    const { created, unchanged } = r[part];
    return [
      label,
      created.length + unchanged.length,
      <NameList names={titled(created, props.contents?.[part] ?? [])} href={href} />,
      leftAlone(unchanged.length),
    ];
  });
  const entities: Row = [
    "Entities",
    r.entities.created + r.entities.unchanged,
    r.entities.created === 0 ? <span class="muted">—</span> : plural(r.entities.created, "entity", "entities"),
    leftAlone(r.entities.unchanged),
  ];
  return <PartsTable headings={["Created", "Unchanged"]} rows={inOrder(named, entities)} />;
}

function AppliedResult(props: { result: AppliedTemplate; sections: TemplateSection[] }) {
  const results = [...props.result.requirements, props.result];
  const contentsOf = (name: string) => props.sections.find((s) => s.plan.template === name)?.contents;
  return (
    <section class="card template-result" role="status" aria-labelledby="apply-result">
      <h2 id="apply-result">Applied</h2>
      {results.map((r) => (
        <div class="template-result-part">
          <h3>
            {contentsOf(r.template)?.title ?? r.template} <code class="small">{r.template}</code>
          </h3>
          <ResultTable result={r} contents={contentsOf(r.template)} />
        </div>
      ))}
    </section>
  );
}

/**
 * `/templates/{name}`: what applying the template (and the templates it requires) would create and what
 * already exists, the form that applies it, and after a post what it did.
 */
export function TemplatePage(props: {
  viewer: Viewer | undefined;
  template: TemplateContents;
  state: ApplyState;
  sections: TemplateSection[];
  result: AppliedTemplate | null;
}) {
  const t = props.template;
  return (
    <Layout viewer={props.viewer} title={t.title}>
      <nav class="crumbs">
        <a href="/templates">Templates</a> / {t.title}
      </nav>
      <h1 class="template-title">
        {t.title} <StateBadge state={props.state} />
      </h1>
      <p>{t.description}</p>
      {props.result ? <AppliedResult result={props.result} sections={props.sections} /> : null}
      <h2>{props.result ? "What applying again would do" : "What applying does"}</h2>
      {t.requires.length > 0 ? (
        <div class="template-requires">
          Applies first what it requires: <NameList names={t.requires.map((identifier) => ({ identifier }))} href={templateHref} />
        </div>
      ) : null}
      {props.sections.map((s) => (
        <PlanSection section={s} own={s.plan.template === t.name} />
      ))}
      <form method="post" action={templateHref(t.name)} class="template-apply" hx-indicator="#apply-progress" hx-disabled-elt="find button">
        <input type="hidden" name="_csrf" value={props.viewer?.csrfToken ?? ""} />
        <button type="submit">Apply template</button>
        <span id="apply-progress" class="htmx-indicator muted" role="status">
          Applying…
        </span>
        <p class="muted small">Idempotent: what already exists is left as it is, so applying twice changes nothing.</p>
      </form>
    </Layout>
  );
}
