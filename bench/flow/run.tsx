/**
 * The cost of the flow drawing on a detail page (issue 7 §2.3): the ELK layout, once per machine
 * version per process, and the rendering per record, many times. `npm run bench:flow`; figures in
 * bench/RESULTS.md.
 */
import { render } from 'preact-render-to-string';
import { DOSSIER_STATES } from '../../machines/dossier/index.ts';
import { MACHINE_DEFINITIONS } from '../../src/domain/machines.ts';

const RENDERS = Number(process.env.FLOW_RENDERS ?? 2000);
const RELAYOUTS = Number(process.env.FLOW_RELAYOUTS ?? 20);

const ms = (from: number) => performance.now() - from;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] as number;
const fmt = (n: number) => n.toFixed(n < 10 ? 2 : 0);

let t = performance.now();
const { prepareFlowLayout, layoutMachineFlow } = await import('../../src/web/flow/flow-layout.ts');
const { FlowDiagram } = await import('../../src/web/flow/flow-diagram.tsx');
const { machineFlow } = await import('../../src/domain/workflow/machine-flow.ts');
const { flowLabelsFor } = await import('../../src/web/flow/flow-labels.ts');
console.log(`import (ELK bundle and the modules): ${fmt(ms(t))} ms`);

for (const d of [...MACHINE_DEFINITIONS].reverse()) {
  t = performance.now();
  await prepareFlowLayout(d.id, d.version);
  console.log(`first layout of ${d.id} v${d.version}: ${fmt(ms(t))} ms`);
}

const current = MACHINE_DEFINITIONS[MACHINE_DEFINITIONS.length - 1]!;
const relayouts: number[] = [];
for (let i = 0; i < RELAYOUTS; i++) {
  t = performance.now();
  await layoutMachineFlow(machineFlow(current.machine), flowLabelsFor(current.id), current.version);
  relayouts.push(ms(t));
}
console.log(`layout of ${current.id} v${current.version}, warm (${RELAYOUTS}×, not cached): median ${fmt(quantile(relayouts, 0.5))} ms, max ${fmt(Math.max(...relayouts))} ms`);

const TIMELINE = [
  { type: 'SUBMIT', fromState: null, toState: 'submitted' },
  { type: 'RECEIVE', fromState: 'submitted', toState: 'inDepartment.review' },
  { type: 'ASSIGN', fromState: 'inDepartment.review', toState: 'inDepartment.review' },
  { type: 'VERIFY', fromState: 'inDepartment.review', toState: 'inDepartment.leadReview' },
  { type: 'SEND_BACK', fromState: 'inDepartment.leadReview', toState: 'inDepartment.review' },
  { type: 'VERIFY', fromState: 'inDepartment.review', toState: 'inDepartment.leadReview' },
  { type: 'PROPOSE', fromState: 'inDepartment.leadReview', toState: 'leadershipApproval' },
  { type: 'APPROVE', fromState: 'leadershipApproval', toState: 'readyForReturn' },
];
const renders: number[] = [];
let bytes = 0;
for (let i = 0; i < RENDERS; i++) {
  const steps = TIMELINE.slice(0, 1 + (i % TIMELINE.length));
  const state = i % 7 === 0 ? DOSSIER_STATES[i % DOSSIER_STATES.length]! : (steps[steps.length - 1]!.toState as string);
  t = performance.now();
  const svg = render(<FlowDiagram machineId={current.id} version={current.version} currentState={state} taken={steps} />);
  renders.push(ms(t));
  bytes = svg.length;
}
const tail = renders.slice(Math.floor(RENDERS / 10));
console.log(
  `render per record (${RENDERS}×, first 10 % as warm-up): median ${fmt(quantile(tail, 0.5))} ms, p99 ${fmt(quantile(tail, 0.99))} ms, first ${fmt(renders[0]!)} ms; SVG ${(bytes / 1024).toFixed(1)} KiB`,
);
