import type { VNode } from 'preact';
import type { FlowStep } from './flow-diagram.tsx';
import { flowLabelsFor } from './flow-labels.ts';
import { cachedFlowLayout, eventLabel, stateLabel } from './flow-layout.ts';

/**
 * The flow of one record for a narrow column (issue 14 §5): not the whole machine, whose drawing is
 * unreadable at a sidebar's width, but the path the record took so far, its current step, and the steps
 * it may go to next — as lists, read by a screen reader in order. The whole drawing is one link away,
 * at a size that fits the screen (`fullHref`).
 */
export interface FlowSummaryProps {
  machineId: string;
  version: number;
  currentState: string;
  /** The record's history, oldest first (its timeline). */
  taken: readonly FlowStep[];
  /** The full-size drawing. */
  fullHref: string;
}

export interface FlowSummaryData {
  /** The states the record went through, oldest first, each with the event that led into it. */
  path: Array<{ state: string; label: string; via: string | null }>;
  /** Where it may go from its current state: each event once per target. */
  next: Array<{ event: string; label: string; target: string; targetLabel: string }>;
  /** What may happen without leaving the state (assigning, attaching…). */
  here: string[];
  final: boolean;
}

const within = (path: string, ancestor: string) => path === ancestor || path.startsWith(`${ancestor}.`);

/**
 * The path and next steps of a record, from the laid-out machine version (prepareFlowLayout first).
 * @throws Error when the layout of that machine version has not been prepared.
 */
export function flowSummary(machineId: string, version: number, currentState: string, taken: readonly FlowStep[]): FlowSummaryData {
  const layout = cachedFlowLayout(machineId, version);
  if (!layout) throw new Error(`the flow of ${machineId} version ${version} is not laid out: await prepareFlowLayout() first`);
  const labels = flowLabelsFor(machineId);
  const path: FlowSummaryData['path'] = [];
  for (const step of taken) {
    if (!step.toState || step.toState === path.at(-1)?.state) continue;
    path.push({ state: step.toState, label: stateLabel(labels, step.toState), via: eventLabel(labels, step.type) });
  }
  if (path.at(-1)?.state !== currentState) path.push({ state: currentState, label: stateLabel(labels, currentState), via: null });
  const seen = new Set<string>();
  const next: FlowSummaryData['next'] = [];
  const here = new Set<string>();
  for (const t of layout.flow.transitions) {
    if (!within(currentState, t.source)) continue;
    if (t.target === null) {
      here.add(eventLabel(labels, t.event));
      continue;
    }
    const key = `${t.event}→${t.target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    next.push({ event: t.event, label: eventLabel(labels, t.event), target: t.target, targetLabel: stateLabel(labels, t.target) });
  }
  const state = layout.flow.states.find((s) => s.path === currentState);
  return { path, next, here: [...here], final: state?.kind === 'final' };
}

/** The path so far and the next steps, for the sidebar of a record's page. */
export function FlowSummary(props: FlowSummaryProps): VNode {
  const s = flowSummary(props.machineId, props.version, props.currentState, props.taken);
  return (
    <div class="flow-summary">
      <h3 id="flow-path-h">Các bước đã qua</h3>
      <ol class="flow-path" aria-labelledby="flow-path-h">
        {s.path.map((p, i) => {
          const current = i === s.path.length - 1;
          return (
            <li class={current ? 'flow-path__current' : undefined} aria-current={current ? 'step' : undefined} data-state={p.state}>
              <strong>{p.label}</strong>
              {current && <span class="badge badge-brand">Hiện tại</span>}
              {p.via && <span class="muted small"> — {p.via}</span>}
            </li>
          );
        })}
      </ol>
      <h3 id="flow-next-h">Bước tiếp theo</h3>
      {s.final ? (
        <p>Đã kết thúc ở bước này.</p>
      ) : s.next.length === 0 ? (
        <p class="muted">Không có bước tiếp theo.</p>
      ) : (
        <ul class="flow-next" aria-labelledby="flow-next-h">
          {s.next.map((n) => (
            <li data-event={n.event} data-target={n.target}>
              {n.label} → <strong>{n.targetLabel}</strong>
            </li>
          ))}
        </ul>
      )}
      {s.here.length > 0 && <p class="small muted">Tại bước này còn có thể: {s.here.join('; ')}.</p>}
      <p>
        <a href={props.fullHref}>Xem toàn bộ sơ đồ quy trình</a>
      </p>
    </div>
  );
}
