import type { DossierView } from '../../domain/dossiers/dossier-presenter.ts';
import { formatDateTime } from '../format.ts';
import { stepLabel } from '../labels.ts';
import { OverdueBadge, StateBadge } from './badge.tsx';
import { Table } from './table.tsx';

/**
 * Whether a dossier is late where it stands: its step past its due instant, or its appointment passed
 * while the agency holds it (the list's `overdue` filter says the same in SQL).
 */
export function isOverdue(d: DossierView, now: Date): boolean {
  const at = now.toISOString();
  if (d.finishedAt && d.state === 'completed') return false;
  if (d.stepDueAt && d.stepDueAt < at) return true;
  if (d.stepOverdueAt) return true;
  return Boolean(d.lateAt) && !['completed', 'refused', 'withdrawn', 'stopped'].includes(d.state);
}

/** A list of dossiers: code (a link to the detail), procedure, applicant, state, step and its due instant, appointment. */
export function DossierTable({ dossiers, now, caption, empty }: { dossiers: DossierView[]; now: Date; caption?: string; empty: string }) {
  return (
    <Table
      caption={caption}
      rows={dossiers}
      rowKey={(d) => d.id}
      empty={empty}
      rowClass={(d) => (isOverdue(d, now) ? 'overdue' : undefined)}
      columns={[
        { header: 'Mã hồ sơ', cell: (d) => <a href={`/dossiers/${d.id}`}>{d.code}</a>, class: 'nowrap' },
        { header: 'Thủ tục', cell: (d) => d.procedure.name },
        { header: 'Người nộp', cell: (d) => d.applicant.name },
        { header: 'Trạng thái', cell: (d) => <StateBadge state={d.state} /> },
        {
          header: 'Bước hiện tại — hạn',
          cell: (d) =>
            d.step ? (
              <>
                {stepLabel(d.step)}
                <br />
                <span class="nowrap">{formatDateTime(d.stepDueAt)}</span> <OverdueBadge overdue={isOverdue(d, now)} />
              </>
            ) : (
              <OverdueBadge overdue={isOverdue(d, now)} />
            ),
        },
        { header: 'Ngày tiếp nhận', cell: (d) => formatDateTime(d.receivedAt), class: 'nowrap' },
        { header: 'Hẹn trả', cell: (d) => formatDateTime(d.dueAt), class: 'nowrap' },
      ]}
    />
  );
}
