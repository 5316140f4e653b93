import type { PendingDocument, PendingDocuments } from '../../domain/documents/pending-documents.ts';
import { Badge } from '../components/badge.tsx';
import { Notice } from '../components/notice.tsx';
import { Table } from '../components/table.tsx';
import { formatDate } from '../format.ts';
import { documentStateLabel, PENDING_REASON_LABELS } from './document-labels.ts';
import { UrgencyBadge } from './registers.views.tsx';

function reference(d: PendingDocument): string {
  if (d.direction === 'incoming') return [d.number !== null ? `Số đến ${d.number}/${d.registerYear}` : null, d.sourceSymbol, d.issuerName].filter(Boolean).join(' · ');
  return d.symbol ?? 'Dự thảo';
}

/** "Văn bản chờ xử lý": what waits for this person, urgent first, overdue marked (pending-documents.ts). */
export function PendingDocumentsSection({ documents }: { documents: PendingDocuments }) {
  return (
    <section aria-labelledby="van-ban-cho-xu-ly">
      <h2 id="van-ban-cho-xu-ly">Văn bản chờ xử lý</h2>
      {documents.truncated && (
        <Notice kind="info">
          Có nhiều văn bản hơn số hiển thị ở đây; xem đầy đủ tại <a href="/van-ban-den">Văn bản đến</a> và <a href="/van-ban-di">Văn bản đi</a>.
        </Notice>
      )}
      <Table
        rows={documents.items}
        rowKey={(d) => d.id}
        rowClass={(d) => (d.overdue ? 'overdue' : undefined)}
        empty="Không có văn bản nào đang chờ bạn xử lý."
        columns={[
          { header: 'Việc cần làm', cell: (d) => <strong>{PENDING_REASON_LABELS[d.reason]}</strong> },
          {
            header: 'Văn bản',
            cell: (d) => (
              <>
                {d.direction === 'incoming' ? 'Đến' : 'Đi'} · {d.typeName}: <a href={`/van-ban/${d.id}`}>{d.summary}</a>
                <br />
                <span class="hint">{reference(d)}</span>
                {d.rejection && (
                  <>
                    <br />
                    <Badge tone="warn">Bị trả lại</Badge> {d.rejection}
                  </>
                )}
              </>
            ),
          },
          { header: 'Độ khẩn', cell: (d) => <UrgencyBadge urgency={d.urgency} /> },
          { header: 'Trạng thái', cell: (d) => documentStateLabel(d.state) },
          {
            header: 'Hạn',
            cell: (d) => (
              <>
                <span class="nowrap">{formatDate(d.dueAt)}</span> {d.overdue && <Badge tone="danger">Quá hạn</Badge>}
              </>
            ),
          },
        ]}
      />
    </section>
  );
}
