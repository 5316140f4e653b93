import type { ComponentChildren, VNode } from 'preact';
import type { TimelineEntry } from '../../domain/workflow/timeline.ts';
import { formatDateTime } from '../format.ts';
import { Table } from './table.tsx';

/** Who did it, as a record's timeline names them (the applicant and the system have no account name). */
export function actorName(entry: TimelineEntry): string {
  if (entry.actor.kind === 'applicant') return 'Người nộp hồ sơ';
  if (entry.actor.kind === 'system') return 'Hệ thống';
  return entry.actor.name ?? `#${entry.actor.id}`;
}

/**
 * "Quá trình xử lý": the timeline of any machine-driven record (the workflow kit's timelineOf), in the words
 * of its own labels — what happened, who, the state it led to, and what the event carried.
 */
export function TimelineSection({ timeline, doneLabel, stateLabel, content }: {
  timeline: TimelineEntry[];
  doneLabel(type: string): string;
  stateLabel(state: string): string;
  content(entry: TimelineEntry): ComponentChildren;
}): VNode {
  return (
    <section class="area-timeline" aria-labelledby="lich-su">
      <h2 id="lich-su">Quá trình xử lý</h2>
      <Table
        rows={timeline}
        rowKey={(e) => e.seq}
        empty="Chưa có sự kiện nào."
        columns={[
          { header: 'Thời gian', cell: (e) => formatDateTime(e.at), class: 'nowrap' },
          { header: 'Sự kiện', cell: (e) => doneLabel(e.type) },
          { header: 'Người thực hiện', cell: (e) => actorName(e) },
          { header: 'Trạng thái sau', cell: (e) => (e.toState && e.toState !== e.fromState ? stateLabel(e.toState) : '') },
          { header: 'Nội dung', cell: content },
        ]}
      />
    </section>
  );
}
