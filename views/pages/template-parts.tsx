import type { ApplyState } from "../../src/domain/templates/preview-template";

/** Pieces both template pages show: the applied state, and links to what a template creates. */

const STATES: Record<ApplyState, { label: string; badge: string }> = {
  applied: { label: "Applied", badge: "badge-green" },
  "partly-applied": { label: "Partly applied", badge: "badge-orange" },
  "not-applied": { label: "Not applied", badge: "badge-lightGray" },
};

export function StateBadge(props: { state: ApplyState }) {
  const { label, badge } = STATES[props.state];
  return <span class={`badge ${badge} template-state`}>{label}</span>;
}

export const templateHref = (name: string): string => `/templates/${encodeURIComponent(name)}`;
export const blueprintHref = (identifier: string): string => `/blueprints/${encodeURIComponent(identifier)}`;
export const actionHref = (identifier: string): string => `/actions/${encodeURIComponent(identifier)}/run`;

/** A scorecard named `<blueprint>/<scorecard>`, as templates report them, to its page. */
export function scorecardHref(name: string): string {
  const at = name.indexOf("/");
  return `${blueprintHref(name.slice(0, at))}/scorecards/${encodeURIComponent(name.slice(at + 1))}`;
}

/** A comma-separated list of titles, linked when `href` gives their pages; a dash when empty. */
export function NameList(props: { names: { identifier: string; title?: string }[]; href?: (identifier: string) => string }) {
  if (props.names.length === 0) return <span class="muted">—</span>;
  return (
    <ul class="name-list">
      {props.names.map((n) => (
        <li>{props.href ? <a href={props.href(n.identifier)}>{n.title ?? n.identifier}</a> : (n.title ?? n.identifier)}</li>
      ))}
    </ul>
  );
}

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
