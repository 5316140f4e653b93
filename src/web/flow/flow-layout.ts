import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk.bundled.js';
import { MACHINE_DEFINITIONS } from '../../domain/machines.ts';
import { machineFlow, type FlowState, type FlowTransition, type MachineFlow } from '../../domain/workflow/machine-flow.ts';
import { flowLabelsFor, type FlowLabels } from './flow-labels.ts';
import { textWidth, wrapItems, wrapText } from './text-metrics.ts';

/**
 * The layout of a machine's flow, computed once per machine version by ELK (layered, top-down: the
 * dossier flow is deep rather than wide, so it fits the width of a detail page) and then only coloured
 * per record by FlowDiagram. Coordinates are absolute, in px, origin at the top left.
 */
export interface Point {
  x: number;
  y: number;
}

export interface FlowNodeBox {
  path: string;
  kind: FlowState['kind'];
  /** A compound state is drawn as a container around its children, its label in a header. */
  compound: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The state's label, wrapped. */
  lines: string[];
  /**
   * Transitions that keep the record where it is (`ASSIGN`, `STEP_OVERDUE`, …), listed inside the box
   * rather than drawn as self-loops: they move nothing, and a dozen loops would hide the flow.
   */
  stays: FlowTransition[];
  /** Their labels, wrapped, after a ↻. */
  stayLines: string[];
}

export interface FlowEdgeRoute {
  /** Index of the transition in MachineFlow.transitions. */
  index: number;
  transition: FlowTransition;
  points: Point[];
  label: { x: number; y: number; width: number; height: number; lines: string[] };
}

export interface FlowLayout {
  machineId: string;
  version: number;
  title: string;
  flow: MachineFlow;
  labels: FlowLabels;
  width: number;
  height: number;
  nodes: FlowNodeBox[];
  edges: FlowEdgeRoute[];
  /** The start marker and its arrow into the initial state. */
  start: { x: number; y: number; radius: number; points: Point[] };
}

export const FLOW_FONT = { node: 13, edge: 11, stay: 10.5, legend: 12 } as const;
const LINE = 1.3;
const NODE_TEXT_MAX = 150;
const EDGE_TEXT_MAX = 120;
const PAD_X = 12;
const PAD_Y = 8;
const MIN_NODE_WIDTH = 110;
const START_ID = '__start';
const START_SIZE = 14;

let elkInstance: Promise<ELK> | null = null;

/**
 * ELK, loaded on first use: its bundle takes ≈ 1.5 s to load, which a process that never draws a flow
 * (the workers, most tests) should not pay. The bundle runs ELK in this thread (no web worker).
 */
function elk(): Promise<ELK> {
  // CommonJS: under NodeNext TypeScript types the default import as the module, whose `default` is the
  // constructor — which the bundle also provides.
  elkInstance ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default.default());
  return elkInstance;
}

/** The label of a state: the machine's own name when none is given. */
export function stateLabel(labels: FlowLabels, path: string): string {
  return labels.states[path] ?? path;
}

/** The label of an event: the machine's own name when none is given; `''` is an eventless transition. */
export function eventLabel(labels: FlowLabels, event: string): string {
  return labels.events[event] ?? (event === '' ? 'tự động' : event);
}

function edgeText(flow: MachineFlow, labels: FlowLabels, t: FlowTransition): string {
  const base = eventLabel(labels, t.event);
  // Several targets for one event from one state: say which condition leads where.
  const alternatives = flow.transitions.filter((o) => o.source === t.source && o.event === t.event && o.target !== null).length;
  const condition = alternatives > 1 && t.guard ? labels.guards[t.guard] : undefined;
  return condition ? `${base} (${condition})` : base;
}

const nodeId = (path: string) => `s:${path}`;

function textBlockHeight(lines: number, fontSize: number): number {
  return lines * fontSize * LINE;
}

/**
 * Lays out a machine's flow with ELK, sizing each box and edge label for its text in `labels`.
 * `version` only names the layout; prepareFlowLayout caches it per machine version.
 */
export async function layoutMachineFlow(flow: MachineFlow, labels: FlowLabels, version: number): Promise<FlowLayout> {
  const stays = new Map<string, FlowTransition[]>();
  for (const t of flow.transitions) if (t.target === null) stays.set(t.source, [...(stays.get(t.source) ?? []), t]);
  const stayText = (path: string) => {
    const events = [...new Set((stays.get(path) ?? []).map((t) => eventLabel(labels, t.event)))];
    return events.length === 0 ? [] : wrapItems([`↻ ${events[0]}`, ...events.slice(1)], FLOW_FONT.stay, NODE_TEXT_MAX);
  };
  const byPath = new Map(flow.states.map((s) => [s.path, s]));
  const nodeText = new Map<string, { lines: string[]; stayLines: string[] }>();

  const elkNode = (state: FlowState): ElkNode => {
    const compound = state.children.length > 0;
    const lines = wrapText(stateLabel(labels, state.path), FLOW_FONT.node, compound ? NODE_TEXT_MAX * 2 : NODE_TEXT_MAX, true);
    const stayLines = stayText(state.path);
    nodeText.set(state.path, { lines, stayLines });
    const textWidthMax = Math.max(...lines.map((l) => textWidth(l, FLOW_FONT.node, true)), ...stayLines.map((l) => textWidth(l, FLOW_FONT.stay)));
    const textHeight = textBlockHeight(lines.length, FLOW_FONT.node) + (stayLines.length > 0 ? 4 + textBlockHeight(stayLines.length, FLOW_FONT.stay) : 0);
    if (compound) {
      return {
        id: nodeId(state.path),
        layoutOptions: { 'elk.padding': `[top=${Math.ceil(textHeight + 2 * PAD_Y)},left=14,bottom=14,right=14]` },
        // ELK keeps a container at least this wide, so its header fits.
        width: Math.ceil(textWidthMax + 2 * PAD_X),
        children: state.children.map((c) => elkNode(byPath.get(c) as FlowState)),
      };
    }
    return {
      id: nodeId(state.path),
      // The outcomes along the bottom.
      ...(state.kind === 'final' ? { layoutOptions: { 'elk.layered.layering.layerConstraint': 'LAST' } } : {}),
      width: Math.max(MIN_NODE_WIDTH, Math.ceil(textWidthMax + 2 * PAD_X)),
      height: Math.ceil(textHeight + 2 * PAD_Y),
    };
  };

  const edges: ElkExtendedEdge[] = [];
  const edgeLines = new Map<string, string[]>();
  flow.transitions.forEach((t, index) => {
    if (t.target === null) return;
    const id = `t:${index}`;
    const lines = wrapText(edgeText(flow, labels, t), FLOW_FONT.edge, EDGE_TEXT_MAX);
    edgeLines.set(id, lines);
    edges.push({
      id,
      sources: [nodeId(t.source)],
      targets: [nodeId(t.target)],
      labels: [
        {
          text: lines.join(' '),
          // At the start of its edge: a state's ways out read as a list beside it, each by its own line.
          layoutOptions: { 'elk.edgeLabels.placement': 'TAIL' },
          width: Math.ceil(Math.max(...lines.map((l) => textWidth(l, FLOW_FONT.edge))) + 6),
          height: Math.ceil(textBlockHeight(lines.length, FLOW_FONT.edge) + 2),
        },
      ],
    });
  });
  edges.push({ id: 't:start', sources: [START_ID], targets: [nodeId(flow.initial)] });

  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '36',
      'elk.spacing.nodeNode': '28',
      'elk.layered.spacing.edgeNodeBetweenLayers': '14',
      'elk.spacing.edgeEdge': '10',
      'elk.spacing.edgeNode': '14',
      'elk.spacing.edgeLabel': '3',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      // Back edges are those against the order of declaration: the machine is written in the order of the flow.
      'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
      // Network simplex keeps long edges straight and the drawing narrow (≈ 620 px for the dossier
      // against ≈ 1 300 px with the default placement): it fits a detail page at its natural size.
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.padding': '[top=12,left=12,bottom=12,right=12]',
      'org.eclipse.elk.json.shapeCoords': 'ROOT',
      'org.eclipse.elk.json.edgeCoords': 'ROOT',
    },
    children: [{ id: START_ID, width: START_SIZE, height: START_SIZE, layoutOptions: { 'elk.layered.layering.layerConstraint': 'FIRST' } }, ...flow.states.filter((s) => s.parent === null).map(elkNode)],
    edges,
  };

  const laid = await (await elk()).layout(graph);

  const nodes: FlowNodeBox[] = [];
  let start: FlowLayout['start'] | null = null;
  const collect = (n: ElkNode) => {
    if (n.id === START_ID) {
      start = { x: (n.x ?? 0) + START_SIZE / 2, y: (n.y ?? 0) + START_SIZE / 2, radius: START_SIZE / 2, points: [] };
      return;
    }
    const path = n.id.slice(2);
    const state = byPath.get(path) as FlowState;
    const text = nodeText.get(path) as { lines: string[]; stayLines: string[] };
    nodes.push({
      path,
      kind: state.kind,
      compound: state.children.length > 0,
      x: n.x ?? 0,
      y: n.y ?? 0,
      width: n.width ?? 0,
      height: n.height ?? 0,
      lines: text.lines,
      stays: stays.get(path) ?? [],
      stayLines: text.stayLines,
    });
    for (const child of n.children ?? []) collect(child);
  };
  for (const child of laid.children ?? []) collect(child);

  const routes: FlowEdgeRoute[] = [];
  const allEdges = collectEdges(laid);
  for (const e of allEdges) {
    const section = e.sections?.[0];
    const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
    if (e.id === 't:start') {
      if (start) (start as FlowLayout['start']).points = points;
      continue;
    }
    const index = Number(e.id.slice(2));
    const l = e.labels?.[0];
    routes.push({
      index,
      transition: flow.transitions[index] as FlowTransition,
      points,
      label: { x: l?.x ?? 0, y: l?.y ?? 0, width: l?.width ?? 0, height: l?.height ?? 0, lines: edgeLines.get(e.id) ?? [] },
    });
  }
  routes.sort((a, b) => a.index - b.index);
  if (!start) throw new Error('ELK dropped the start marker');
  return {
    machineId: flow.machineId,
    version,
    title: labels.title,
    flow,
    labels,
    width: Math.ceil(laid.width ?? 0),
    height: Math.ceil(laid.height ?? 0),
    nodes,
    edges: routes,
    start,
  };
}

/** Edges may come back on the root or on the nodes ELK chose as their containers. */
function collectEdges(node: ElkNode): ElkExtendedEdge[] {
  return [...(node.edges ?? []), ...(node.children ?? []).flatMap(collectEdges)];
}

const layouts = new Map<string, FlowLayout>();
const pending = new Map<string, Promise<FlowLayout>>();
const key = (machineId: string, version: number) => `${machineId}@${version}`;

/**
 * Lays out a registered machine version once; later calls return the same layout. Await it before
 * rendering FlowDiagram (a page handler is async; the component is not).
 * @throws Error when no such machine version is registered.
 */
export function prepareFlowLayout(machineId: string, version: number): Promise<FlowLayout> {
  const k = key(machineId, version);
  const done = layouts.get(k);
  if (done) return Promise.resolve(done);
  let promise = pending.get(k);
  if (!promise) {
    const def = MACHINE_DEFINITIONS.find((d) => d.id === machineId && d.version === version);
    if (!def) return Promise.reject(new Error(`machine ${machineId} version ${version} is not registered`));
    promise = layoutMachineFlow(machineFlow(def.machine), flowLabelsFor(machineId), version).then(
      (layout) => {
        layouts.set(k, layout);
        pending.delete(k);
        return layout;
      },
      (error: unknown) => {
        pending.delete(k);
        throw error;
      },
    );
    pending.set(k, promise);
  }
  return promise;
}

/**
 * Lays out every registered machine version, for a server to call once at start (ELK blocks the event
 * loop for ≈ 0.2–0.5 s per machine version, ≈ 2 s for the first with the bundle's loading: better before
 * listening than on a user's first detail page).
 */
export async function prepareFlowLayouts(): Promise<FlowLayout[]> {
  const out: FlowLayout[] = [];
  for (const def of MACHINE_DEFINITIONS) out.push(await prepareFlowLayout(def.id, def.version));
  return out;
}

/** The layout prepareFlowLayout computed, or undefined when it has not been awaited yet. */
export function cachedFlowLayout(machineId: string, version: number): FlowLayout | undefined {
  return layouts.get(key(machineId, version));
}
