import type { AnyStateMachine } from 'xstate';

/**
 * A machine's states and transitions as data, read from the definition itself, for drawing the flow
 * of a record (src/web/flow): the drawing can then never disagree with the machine.
 *
 * Unlike machine-graph.ts, which flattens to leaf states for the reachability checks, this keeps
 * compound states and keeps each transition where it is declared: `WITHDRAW` declared once on
 * `inDepartment` is one transition from that state, not one per child.
 */
export interface FlowState {
  /** Dotted path, as the API reports states (`inDepartment.review`). */
  path: string;
  /** The compound state it is nested in, or null at the top level. */
  parent: string | null;
  kind: 'atomic' | 'compound' | 'final' | 'parallel' | 'history';
  /** Direct children, in declaration order (empty for a leaf). */
  children: string[];
}

export interface FlowTransition {
  /** The state that declares it (a compound state's transitions apply to all of its children). */
  source: string;
  /**
   * The state it leads to, or null when it stays where it is (a targetless transition that only
   * records something, e.g. `ASSIGN` or `STEP_OVERDUE`). A transition targeting a compound state
   * names the compound state (it enters its initial child).
   */
  target: string | null;
  /** The event type; `''` for an eventless (always) transition. */
  event: string;
  /** The guard's name, if any: one event may have several guarded targets, each its own transition. */
  guard: string | null;
}

export interface MachineFlow {
  machineId: string;
  /** The leaf state a new record starts in. */
  initial: string;
  /** Every state, parents before their children, in declaration order. */
  states: FlowState[];
  transitions: FlowTransition[];
}

/** The subset of xstate's StateNode this reads (its public, documented shape in xstate 5). */
interface Node {
  path: string[];
  type: FlowState['kind'];
  states: Record<string, Node>;
  initial?: { target: Node[] };
  transitions: Map<string, Array<{ target?: Node[]; guard?: unknown }>>;
  always?: Array<{ target?: Node[]; guard?: unknown }>;
}

const pathOf = (node: Node) => node.path.join('.');

function guardName(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && 'type' in guard && typeof guard.type === 'string') return guard.type;
  if (typeof guard === 'function') return guard.name || 'guard';
  return 'guard';
}

/** Every state and every transition of a machine, in declaration order. */
export function machineFlow(machine: AnyStateMachine): MachineFlow {
  const root = machine.root as unknown as Node;
  const states: FlowState[] = [];
  const transitions: FlowTransition[] = [];
  const visit = (node: Node, parent: string | null) => {
    const path = pathOf(node);
    const children = Object.values(node.states);
    states.push({ path, parent, kind: node.type, children: children.map(pathOf) });
    const defs = [...node.transitions.entries()].flatMap(([event, list]) => list.map((def) => ({ event, def })));
    for (const def of node.always ?? []) defs.push({ event: '', def });
    for (const { event, def } of defs) {
      const targets = def.target && def.target.length > 0 ? def.target : [null];
      for (const target of targets) {
        transitions.push({ source: path, target: target ? pathOf(target) : null, event, guard: guardName(def.guard) });
      }
    }
    for (const child of children) visit(child, path);
  };
  for (const child of Object.values(root.states)) visit(child, null);
  let initial = root;
  while (initial.initial?.target[0]) initial = initial.initial.target[0];
  return { machineId: machine.id, initial: pathOf(initial), states, transitions };
}
