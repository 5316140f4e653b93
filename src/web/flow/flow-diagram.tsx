import type { VNode } from 'preact';
import { cachedFlowLayout, eventLabel, FLOW_FONT, stateLabel, type FlowLayout, type FlowNodeBox, type Point } from './flow-layout.ts';
import { textWidth } from './text-metrics.ts';

/**
 * The flow of a record drawn from its machine: an SVG built as preact elements (every text escaped by
 * the renderer), styled by presentation attributes (`fill`, `stroke`) so that it needs no inline style
 * under a strict CSP (`style-src 'self'`), with classes for a stylesheet to refine. No script.
 */

/** One step of a record's history, as its timeline gives it (src/domain/workflow/timeline.ts). */
export interface FlowStep {
  type: string;
  fromState: string | null;
  toState: string | null;
}

export interface FlowDrawingProps {
  layout: FlowLayout;
  /** The record's current state as a dotted path; null draws the bare flow. */
  currentState: string | null;
  /** The steps the record took, oldest first. */
  taken?: readonly FlowStep[];
  /** Distinguishes the ids of two drawings of one machine on one page. */
  idPrefix?: string;
}

export interface FlowDiagramProps extends Omit<FlowDrawingProps, 'layout'> {
  machineId: string;
  version: number;
}

const FONT_FAMILY = 'Arial, "Liberation Sans", Helvetica, sans-serif';
const LINE = 1.3;

const COLOURS = {
  text: '#1e293b',
  muted: '#475569',
  node: { fill: '#ffffff', stroke: '#94a3b8' },
  container: { fill: '#f8fafc', stroke: '#cbd5e1' },
  visited: { fill: '#e0f2fe', stroke: '#0369a1' },
  current: { fill: '#0369a1', stroke: '#0c4a6e', text: '#ffffff' },
  edge: '#94a3b8',
  edgeText: '#475569',
  taken: '#0369a1',
  takenText: '#0c4a6e',
} as const;

/** Which drawn elements a record's history touched. */
export interface FlowMarks {
  visited: Set<string>;
  /** Indexes into MachineFlow.transitions. */
  takenTransitions: Set<number>;
  startTaken: boolean;
}

const within = (path: string, ancestor: string) => path === ancestor || path.startsWith(`${ancestor}.`);

/**
 * The states a record visited (with their containers) and the transitions it took, matched against
 * the machine's transitions: same event, declared on the state it left or on a container of it, and
 * leading to the state it reached (or to a container entering it).
 */
export function flowMarks(layout: FlowLayout, currentState: string | null, taken: readonly FlowStep[]): FlowMarks {
  const visited = new Set<string>();
  const visit = (path: string | null) => {
    if (!path) return;
    for (const s of layout.flow.states) if (within(path, s.path)) visited.add(s.path);
  };
  const takenTransitions = new Set<number>();
  let startTaken = false;
  for (const step of taken) {
    visit(step.fromState);
    visit(step.toState);
    if (step.fromState === null) {
      startTaken = true;
      continue;
    }
    const from = step.fromState;
    layout.flow.transitions.forEach((t, index) => {
      if (t.event !== step.type || !within(from, t.source)) return;
      const lands = t.target === null ? step.toState === from : step.toState !== null && within(step.toState, t.target);
      if (lands) takenTransitions.add(index);
    });
  }
  visit(currentState);
  return { visited, takenTransitions, startTaken };
}

const pointsAttr = (points: readonly Point[]) => points.map((p) => `${round(p.x)},${round(p.y)}`).join(' ');
const round = (n: number) => Math.round(n * 10) / 10;

function TextLines(props: { lines: readonly string[]; x: number; y: number; size: number; fill: string; weight?: 'bold'; className: string }): VNode {
  return (
    <text class={props.className} x={round(props.x)} y={round(props.y)} font-size={props.size} font-weight={props.weight} fill={props.fill} text-anchor="middle">
      {props.lines.map((line, i) => (
        <tspan x={round(props.x)} dy={i === 0 ? '0.9em' : `${LINE}em`}>
          {line}
        </tspan>
      ))}
    </text>
  );
}

function boxColours(node: FlowNodeBox, visited: boolean, current: boolean): { fill: string; stroke: string } {
  if (node.compound) return visited ? { fill: '#f0f9ff', stroke: COLOURS.visited.stroke } : COLOURS.container;
  return current ? COLOURS.current : visited ? COLOURS.visited : COLOURS.node;
}

function stateClasses(node: FlowNodeBox, visited: boolean, current: boolean): string {
  return ['flow-state', node.compound ? 'flow-state--compound' : '', node.kind === 'final' ? 'flow-state--final' : '', visited ? 'flow-state--visited' : '', current ? 'flow-state--current' : '']
    .filter(Boolean)
    .join(' ');
}

/** The label and the in-place events of a state, centred at `cx` from `top`. */
function StateText(props: { node: FlowNodeBox; layout: FlowLayout; marks: FlowMarks; current: boolean; cx: number; top: number }): VNode {
  const { node, marks, current, layout, cx, top } = props;
  const labelHeight = node.lines.length * FLOW_FONT.node * LINE;
  const takenStay = node.stays.some((t) => marks.takenTransitions.has(layout.flow.transitions.indexOf(t)));
  return (
    <>
      <TextLines className="flow-state-label" lines={node.lines} x={cx} y={top} size={FLOW_FONT.node} weight="bold" fill={current ? COLOURS.current.text : COLOURS.text} />
      {node.stayLines.length > 0 ? (
        <g
          class={`flow-stays${takenStay ? ' flow-stays--taken' : ''}`}
          data-stays-of={node.path}
          data-stays={node.stays.map((t) => t.event).join(' ')}
          data-taken={takenStay ? node.stays.filter((t) => marks.takenTransitions.has(layout.flow.transitions.indexOf(t))).map((t) => t.event).join(' ') : undefined}
        >
          <TextLines className="flow-stay-label" lines={node.stayLines} x={cx} y={top + labelHeight + 4} size={FLOW_FONT.stay} fill={current ? COLOURS.current.text : COLOURS.muted} />
        </g>
      ) : null}
    </>
  );
}

function textHeight(node: FlowNodeBox): number {
  const stays = node.stayLines.length > 0 ? 4 + node.stayLines.length * FLOW_FONT.stay * LINE : 0;
  return node.lines.length * FLOW_FONT.node * LINE + stays;
}

/** A state's box; a leaf carries its text, a container's header is drawn later, over the edges. */
function StateBox(props: { node: FlowNodeBox; layout: FlowLayout; marks: FlowMarks; current: boolean }): VNode {
  const { node, marks, current, layout } = props;
  const visited = marks.visited.has(node.path);
  const colours = boxColours(node, visited, current);
  return (
    <g class={stateClasses(node, visited, current)} data-state={node.path} data-visited={visited ? 'true' : undefined} data-current={current ? 'true' : undefined}>
      <rect
        x={round(node.x)}
        y={round(node.y)}
        width={round(node.width)}
        height={round(node.height)}
        rx={node.compound ? 10 : 8}
        fill={colours.fill}
        stroke={colours.stroke}
        stroke-width={current ? 3 : node.compound ? 1.5 : visited ? 2 : 1.25}
      />
      {node.kind === 'final' ? (
        // A final state: a double border, as in statecharts.
        <rect x={round(node.x + 3)} y={round(node.y + 3)} width={round(node.width - 6)} height={round(node.height - 6)} rx={6} fill="none" stroke={current ? COLOURS.current.text : colours.stroke} stroke-width={1} />
      ) : null}
      {node.compound ? null : <StateText node={node} layout={layout} marks={marks} current={current} cx={node.x + node.width / 2} top={node.y + (node.height - textHeight(node)) / 2} />}
    </g>
  );
}

/** A container's header, on a background of its own so that edges into its children pass under it. */
function ContainerHeader(props: { node: FlowNodeBox; layout: FlowLayout; marks: FlowMarks; current: boolean }): VNode {
  const { node } = props;
  const visited = props.marks.visited.has(node.path);
  const width = Math.max(...node.lines.map((l) => textWidth(l, FLOW_FONT.node, true)), ...node.stayLines.map((l) => textWidth(l, FLOW_FONT.stay))) + 12;
  const cx = node.x + node.width / 2;
  return (
    <g class="flow-state-header" data-state-header={node.path}>
      <rect x={round(cx - width / 2)} y={round(node.y + 5)} width={round(width)} height={round(textHeight(node) + 6)} rx={4} fill={boxColours(node, visited, props.current).fill} />
      <StateText node={node} layout={props.layout} marks={props.marks} current={props.current} cx={cx} top={node.y + 8} />
    </g>
  );
}

interface LegendItem {
  kind: 'current' | 'visited' | 'plain' | 'taken' | 'edge' | 'stay';
  text: string;
}

const LEGEND: LegendItem[] = [
  { kind: 'current', text: 'Trạng thái hiện tại' },
  { kind: 'visited', text: 'Đã qua' },
  { kind: 'plain', text: 'Chưa qua' },
  { kind: 'taken', text: 'Bước đã thực hiện' },
  { kind: 'edge', text: 'Bước có thể' },
  { kind: 'stay', text: '↻ Việc không chuyển trạng thái' },
];
const SWATCH = 26;
const LEGEND_ROW = 24;

/** The legend's items placed in rows no wider than the drawing. */
function legendPlacement(width: number): { items: Array<LegendItem & { x: number; row: number }>; rows: number } {
  const items: Array<LegendItem & { x: number; row: number }> = [];
  let x = 12;
  let row = 0;
  for (const item of LEGEND) {
    const w = (item.kind === 'stay' ? 0 : SWATCH + 6) + textWidth(item.text, FLOW_FONT.legend) + 18;
    if (x > 12 && x + w > width - 12) {
      row += 1;
      x = 12;
    }
    items.push({ ...item, x: round(x), row });
    x += w;
  }
  return { items, rows: row + 1 };
}

function Legend(props: { width: number; top: number; arrowId: string; takenArrowId: string }): VNode {
  const { items } = legendPlacement(props.width);
  return (
    <g class="flow-legend" aria-hidden="true">
      {items.map((item) => {
        const y = props.top + item.row * LEGEND_ROW;
        const mid = y + LEGEND_ROW / 2;
        const textX = item.kind === 'stay' ? item.x : round(item.x + SWATCH + 6);
        const swatch =
          item.kind === 'current' || item.kind === 'visited' || item.kind === 'plain' ? (
            <rect x={item.x} y={mid - 8} width={SWATCH} height={16} rx={4} fill={COLOURS[item.kind === 'plain' ? 'node' : item.kind].fill} stroke={COLOURS[item.kind === 'plain' ? 'node' : item.kind].stroke} stroke-width={item.kind === 'current' ? 3 : item.kind === 'visited' ? 2 : 1.25} />
          ) : item.kind === 'taken' || item.kind === 'edge' ? (
            <polyline
              points={`${item.x},${mid} ${item.x + SWATCH - 2},${mid}`}
              fill="none"
              stroke={item.kind === 'taken' ? COLOURS.taken : COLOURS.edge}
              stroke-width={item.kind === 'taken' ? 2.5 : 1.25}
              marker-end={`url(#${item.kind === 'taken' ? props.takenArrowId : props.arrowId})`}
            />
          ) : null;
        return (
          <g class={`flow-legend-item flow-legend-item--${item.kind}`}>
            {swatch}
            <text x={textX} y={mid} dy="0.35em" font-size={FLOW_FONT.legend} fill={COLOURS.text}>
              {item.text}
            </text>
          </g>
        );
      })}
    </g>
  );
}

/** Ids in the SVG must be unique on the page and valid XML names. */
function safeId(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** What a screen reader hears: the current state and the way there. */
function description(layout: FlowLayout, currentState: string | null, taken: readonly FlowStep[]): string {
  const parts: string[] = [];
  if (currentState) parts.push(`Trạng thái hiện tại: ${stateLabel(layout.labels, currentState)}.`);
  const moves = taken.filter((s) => s.toState !== null && s.toState !== s.fromState);
  if (moves.length > 0) {
    parts.push(`Đã qua: ${moves.map((s) => `${eventLabel(layout.labels, s.type)} → ${stateLabel(layout.labels, s.toState as string)}`).join('; ')}.`);
  }
  return parts.join(' ');
}

/** Draws a laid-out flow, coloured for one record. */
export function FlowDrawing(props: FlowDrawingProps): VNode {
  const { layout, currentState } = props;
  const taken = props.taken ?? [];
  const marks = flowMarks(layout, currentState, taken);
  const prefix = safeId(props.idPrefix ?? `flow-${layout.machineId}-${layout.version}`);
  const ids = { title: `${prefix}-title`, desc: `${prefix}-desc`, arrow: `${prefix}-arrow`, takenArrow: `${prefix}-arrow-taken` };
  const legend = legendPlacement(layout.width);
  const legendTop = layout.height + 4;
  const height = legendTop + legend.rows * LEGEND_ROW + 8;
  const containers = layout.nodes.filter((n) => n.compound);
  const leaves = layout.nodes.filter((n) => !n.compound);
  // Taken edges on top of the others, so that a crossing never hides the way the record went.
  const edges = [...layout.edges].sort((a, b) => Number(marks.takenTransitions.has(a.index)) - Number(marks.takenTransitions.has(b.index)));
  const desc = description(layout, currentState, taken);
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      class="flow-diagram"
      viewBox={`0 0 ${layout.width} ${height}`}
      width={layout.width}
      height={height}
      role="img"
      aria-labelledby={desc ? `${ids.title} ${ids.desc}` : ids.title}
      font-family={FONT_FAMILY}
      data-machine={layout.machineId}
      data-version={layout.version}
    >
      <title id={ids.title}>{layout.title}</title>
      {desc ? <desc id={ids.desc}>{desc}</desc> : null}
      <defs>
        <marker id={ids.arrow} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse" markerUnits="userSpaceOnUse">
          <path d="M0,0 L10,5 L0,10 z" fill={COLOURS.edge} />
        </marker>
        <marker id={ids.takenArrow} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" orient="auto-start-reverse" markerUnits="userSpaceOnUse">
          <path d="M0,0 L10,5 L0,10 z" fill={COLOURS.taken} />
        </marker>
      </defs>
      <g class="flow-containers">
        {containers.map((node) => (
          <StateBox node={node} layout={layout} marks={marks} current={node.path === currentState} />
        ))}
      </g>
      <g class={`flow-start${marks.startTaken ? ' flow-start--taken' : ''}`}>
        <circle cx={round(layout.start.x)} cy={round(layout.start.y)} r={layout.start.radius} fill={COLOURS.text} />
        <polyline points={pointsAttr(layout.start.points)} fill="none" stroke={marks.startTaken ? COLOURS.taken : COLOURS.edge} stroke-width={marks.startTaken ? 2.5 : 1.25} marker-end={`url(#${marks.startTaken ? ids.takenArrow : ids.arrow})`} />
      </g>
      <g class="flow-edges">
        {edges.map((edge) => {
          const isTaken = marks.takenTransitions.has(edge.index);
          const t = edge.transition;
          return (
            <g class={`flow-edge${isTaken ? ' flow-edge--taken' : ''}`} data-event={t.event} data-source={t.source} data-target={t.target ?? ''} data-taken={isTaken ? 'true' : undefined}>
              <polyline
                points={pointsAttr(edge.points)}
                fill="none"
                stroke={isTaken ? COLOURS.taken : COLOURS.edge}
                stroke-width={isTaken ? 2.5 : 1.25}
                stroke-linejoin="round"
                marker-end={`url(#${isTaken ? ids.takenArrow : ids.arrow})`}
              />
            </g>
          );
        })}
      </g>
      <g class="flow-states">
        {leaves.map((node) => (
          <StateBox node={node} layout={layout} marks={marks} current={node.path === currentState} />
        ))}
      </g>
      {/* Labels last: nothing is drawn over them. */}
      <g class="flow-headers">
        {containers.map((node) => (
          <ContainerHeader node={node} layout={layout} marks={marks} current={node.path === currentState} />
        ))}
      </g>
      <g class="flow-edge-labels">
        {edges.map((edge) => {
          const isTaken = marks.takenTransitions.has(edge.index);
          const { label } = edge;
          return (
            <g class={`flow-edge-label${isTaken ? ' flow-edge-label--taken' : ''}`} data-event={edge.transition.event}>
              <rect x={round(label.x)} y={round(label.y)} width={round(label.width)} height={round(label.height)} rx={3} fill="#ffffff" fill-opacity={0.9} />
              <TextLines
                className="flow-edge-text"
                lines={label.lines}
                x={label.x + label.width / 2}
                y={label.y + 1}
                size={FLOW_FONT.edge}
                weight={isTaken ? 'bold' : undefined}
                fill={isTaken ? COLOURS.takenText : COLOURS.edgeText}
              />
            </g>
          );
        })}
      </g>
      <Legend width={layout.width} top={legendTop} arrowId={ids.arrow} takenArrowId={ids.takenArrow} />
    </svg>
  );
}

/**
 * The flow of a record of a registered machine version, its current state highlighted and the path it
 * took marked. The layout must have been prepared: `await prepareFlowLayout(machineId, version)` in the
 * page handler (once per version per process; later calls return at once).
 * @throws Error when the layout of that machine version has not been prepared.
 */
export function FlowDiagram(props: FlowDiagramProps): VNode {
  const layout = cachedFlowLayout(props.machineId, props.version);
  if (!layout) throw new Error(`the flow of ${props.machineId} version ${props.version} is not laid out: await prepareFlowLayout() first`);
  return <FlowDrawing layout={layout} currentState={props.currentState} taken={props.taken} idPrefix={props.idPrefix} />;
}
