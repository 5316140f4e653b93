import { OUTCOME_LABELS, stateLabel } from '../labels.ts';

type Tone = 'plain' | 'danger' | 'ok' | 'warn' | 'brand';

export function Badge({ tone = 'plain', children }: { tone?: Tone; children: string | number }) {
  return <span class={tone === 'plain' ? 'badge' : `badge badge-${tone}`}>{children}</span>;
}

const FINAL_OK = new Set(['completed']);
const FINAL_OTHER = new Set(['refused', 'withdrawn', 'stopped']);
const WAITING = new Set(['awaitingSupplement', 'awaitingPayment']);

/** A dossier's state in Vietnamese, coloured by what it means for the people working on it. */
export function StateBadge({ state }: { state: string }) {
  const tone: Tone = FINAL_OK.has(state) ? 'ok' : FINAL_OTHER.has(state) ? 'plain' : WAITING.has(state) ? 'warn' : 'brand';
  return <Badge tone={tone}>{stateLabel(state)}</Badge>;
}

/** "Quá hạn" when a due instant has passed. */
export function OverdueBadge({ overdue }: { overdue: boolean }) {
  return overdue ? <Badge tone="danger">Quá hạn</Badge> : null;
}

/** Early, on time or late, for a step or a dossier that finished. */
export function OutcomeBadge({ outcome }: { outcome: string | null | undefined }) {
  if (!outcome) return null;
  return <Badge tone={outcome === 'late' ? 'danger' : 'ok'}>{OUTCOME_LABELS[outcome] ?? outcome}</Badge>;
}
