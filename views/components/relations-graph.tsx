import type { LabelledLink } from "../../src/domain/home/entity-activity";
import { entityHref } from "./table-state";

/**
 * An entity's neighbourhood as inline SVG (no script): the entity in the centre, entities pointing at it on
 * the left, entities it points at on the right, each edge labelled with the relation's title and each node
 * a link. Colours come from CSS classes (views/styles/80-home-entity.css), so themes apply.
 */

/** Most nodes per side; the rest become one "+N more" node linking to the full list below the graph. */
export const GRAPH_CAP = 8;

const WIDTH = 900;
const NODE_W = 190;
const NODE_H = 40;
const ROW_H = 52;
const PAD = 10;
const LEFT_X = 0;
const CENTRE_X = (WIDTH - NODE_W) / 2;
const RIGHT_X = WIDTH - NODE_W;
/** Characters that fit a node's width (12px text) and an edge label's (11px, between the columns). */
const NODE_CHARS = 24;
const LABEL_CHARS = 22;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One column entry: an entity, or the "+N more" link to the list. */
type Slot = { kind: "entity"; link: LabelledLink } | { kind: "more"; count: number; href: string };

function slotsOf(links: LabelledLink[], moreHref: string): Slot[] {
  const shown: Slot[] = links.slice(0, GRAPH_CAP).map((link) => ({ kind: "entity", link }));
  if (links.length > GRAPH_CAP) shown.push({ kind: "more", count: links.length - GRAPH_CAP, href: moreHref });
  return shown;
}

/** A node box with a title line and a muted second line. */
function NodeBox(props: { x: number; y: number; title: string; sub: string; className: string }) {
  return (
    <>
      <rect class={props.className} x={props.x} y={props.y} width={NODE_W} height={NODE_H} rx="6" />
      <text class="graph-node-title" x={props.x + 10} y={props.y + 17}>
        {clip(props.title, NODE_CHARS)}
      </text>
      <text class="graph-node-sub" x={props.x + 10} y={props.y + 32}>
        {clip(props.sub, NODE_CHARS + 4)}
      </text>
    </>
  );
}

/** A curved edge from (x1, y1) to (x2, y2), ending in an arrow at the target. */
function Edge(props: { x1: number; y1: number; x2: number; y2: number }) {
  const mid = (props.x1 + props.x2) / 2;
  return (
    <path
      class="graph-edge"
      d={`M ${props.x1} ${props.y1} C ${mid} ${props.y1}, ${mid} ${props.y2}, ${props.x2} ${props.y2}`}
      marker-end="url(#graph-arrow)"
    />
  );
}

/** One side's nodes, edges and labels. Incoming edges run node → centre, outgoing centre → node. */
function Side(props: { side: "in" | "out"; slots: Slot[]; top: number; centreY: number }) {
  const x = props.side === "in" ? LEFT_X : RIGHT_X;
  return (
    <>
      {props.slots.map((slot, i) => {
        const y = props.top + i * ROW_H;
        const midY = y + NODE_H / 2;
        const edge =
          props.side === "in" ? (
            <Edge x1={x + NODE_W} y1={midY} x2={CENTRE_X} y2={props.centreY} />
          ) : (
            <Edge x1={CENTRE_X + NODE_W} y1={props.centreY} x2={x} y2={midY} />
          );
        if (slot.kind === "more") {
          const text = `+${slot.count} more`;
          return (
            <>
              {edge}
              <a href={slot.href} aria-label={`${text} ${props.side === "in" ? "entities pointing here" : "related entities"}`}>
                <title>{`${text}: see the full list`}</title>
                <NodeBox x={x} y={y} title={text} sub="see the list below" className="graph-node graph-more" />
              </a>
            </>
          );
        }
        const { link } = slot;
        const name = link.title ?? link.identifier;
        const describe = `${link.label}: ${name} (${link.blueprint})`;
        return (
          <>
            {edge}
            <text
              class="graph-label"
              x={props.side === "in" ? x + NODE_W + 6 : x - 6}
              y={midY - 6}
              text-anchor={props.side === "in" ? "start" : "end"}
            >
              {clip(link.label, LABEL_CHARS)}
            </text>
            <a href={entityHref(link.blueprint, link.identifier)} aria-label={describe}>
              <title>{describe}</title>
              <NodeBox x={x} y={y} title={name} sub={link.blueprint} className="graph-node" />
            </a>
          </>
        );
      })}
    </>
  );
}

/**
 * The relations graph of one entity. `incoming` and `outgoing` are what the reader may see; links past
 * GRAPH_CAP per side are summed up in a "+N more" node pointing at `#relations-in` / `#relations-out`.
 */
export function RelationsGraph(props: {
  entity: { blueprint: string; identifier: string; title: string | null };
  blueprintTitle: string;
  incoming: LabelledLink[];
  outgoing: LabelledLink[];
}) {
  const left = slotsOf(props.incoming, "#relations-in");
  const right = slotsOf(props.outgoing, "#relations-out");
  if (left.length === 0 && right.length === 0) return null;
  const rows = Math.max(left.length, right.length, 1);
  const height = rows * ROW_H - (ROW_H - NODE_H) + 2 * PAD;
  const columnTop = (count: number) => PAD + ((rows - count) * ROW_H) / 2;
  const centreTop = (height - NODE_H) / 2;
  const name = props.entity.title ?? props.entity.identifier;
  // The <title> names the graph for screen readers; each node link carries its own label.
  return (
    <figure class="relations-graph">
      <svg class="graph-svg" viewBox={`0 0 ${WIDTH} ${height}`} width={WIDTH} height={height}>
        <title>{`Relations of ${name}: ${props.incoming.length} pointing here (left), ${props.outgoing.length} it points at (right)`}</title>
        <defs>
          <marker id="graph-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path class="graph-arrow" d="M 0 0 L 10 5 L 0 10 z" />
          </marker>
        </defs>
        <Side side="in" slots={left} top={columnTop(left.length)} centreY={height / 2} />
        <Side side="out" slots={right} top={columnTop(right.length)} centreY={height / 2} />
        <g>
          <title>{`${name} (${props.entity.blueprint})`}</title>
          <NodeBox x={CENTRE_X} y={centreTop} title={name} sub={props.blueprintTitle} className="graph-node graph-centre" />
        </g>
      </svg>
      <figcaption class="muted small">
        Left: entities pointing at this one. Right: entities it points at. The lists below name every relation.
      </figcaption>
    </figure>
  );
}
