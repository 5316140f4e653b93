import type { AnyStateMachine } from 'xstate';

/**
 * The structure of a machine as a graph of its leaf states, read from the definition itself: for the
 * reachability checks every registered machine must pass, for state tags, and for drawings.
 * Guards are ignored: an edge is a transition that some context could take.
 */
interface Node {
  path: string[];
  type: string;
  tags: Iterable<string>;
  parent?: Node;
  states: Record<string, Node>;
  initial?: { target: Node[] };
  transitions: Map<string, Array<{ target?: Node[] }>>;
  always?: Array<{ target?: Node[] }>;
}

const pathOf = (node: Node) => node.path.join('.');

/** The leaf state a transition into `node` ends in (compound states enter their initial child). */
function enter(node: Node): Node {
  let current = node;
  while (current.type === 'compound' && current.initial?.target[0]) current = current.initial.target[0];
  return current;
}

function leaves(node: Node): Node[] {
  const children = Object.values(node.states);
  return children.length === 0 ? [node] : children.flatMap(leaves);
}

function ancestry(node: Node): Node[] {
  const chain: Node[] = [];
  for (let n: Node | undefined = node; n; n = n.parent) chain.push(n);
  return chain;
}

/** Leaf states one transition away (a transition of the state or of any ancestor; targetless ones stay). */
function successors(node: Node): Node[] {
  const out: Node[] = [];
  for (const owner of ancestry(node)) {
    const defs = [...[...owner.transitions.values()].flat(), ...(owner.always ?? [])];
    for (const def of defs) {
      if (!def.target || def.target.length === 0) continue;
      for (const target of def.target) out.push(enter(target));
    }
  }
  return out;
}

/** Every leaf state as a dotted path (what the API reports). */
export function leafStates(machine: AnyStateMachine): string[] {
  return leaves(machine.root as unknown as Node).map(pathOf);
}

/** Leaf states whose own or inherited tags include `tag`, as dotted paths. */
export function statesTagged(machine: AnyStateMachine, tag: string): string[] {
  return leaves(machine.root as unknown as Node)
    .filter((leaf) => ancestry(leaf).some((n) => [...n.tags].includes(tag)))
    .map(pathOf);
}

/** Final leaf states. */
export function finalStates(machine: AnyStateMachine): string[] {
  return leaves(machine.root as unknown as Node).filter((n) => n.type === 'final').map(pathOf);
}

/** Leaf states no sequence of events reaches from the initial state. */
export function unreachableStates(machine: AnyStateMachine): string[] {
  const root = machine.root as unknown as Node;
  const seen = new Set<Node>();
  const queue = [enter(root)];
  while (queue.length > 0) {
    const node = queue.shift() as Node;
    if (seen.has(node)) continue;
    seen.add(node);
    queue.push(...successors(node));
  }
  return leaves(root).filter((n) => !seen.has(n)).map(pathOf);
}

/** Non-final leaf states from which no final state can be reached: a record there would be stuck for good. */
export function statesThatCannotFinish(machine: AnyStateMachine): string[] {
  const all = leaves(machine.root as unknown as Node);
  const canFinish = new Set(all.filter((n) => n.type === 'final'));
  // Grow backwards until nothing changes: at most one pass per state.
  for (let changed = true; changed; ) {
    changed = false;
    for (const node of all) {
      if (!canFinish.has(node) && successors(node).some((s) => canFinish.has(s))) {
        canFinish.add(node);
        changed = true;
      }
    }
  }
  return all.filter((n) => !canFinish.has(n)).map(pathOf);
}
