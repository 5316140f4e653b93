import { iso } from '../../lib/rows.ts';
import type { Executor } from '../../db/db.ts';
import type { DeadlineDeps } from '../dossiers/dossier-deadline.service.ts';
import { NotYetDueError } from '../dossiers/dossier-deadline.service.ts';
import { notify } from '../notifications/notifications.service.ts';
import { UnhandledDeadlineJobError, type DeadlineJob, type DeadlineResult, type SubjectDeadlines } from '../workflow/deadlines.ts';
import { applyEvent } from '../workflow/fire-event.ts';
import { machineOf } from '../workflow/record-type.ts';
import { restoreSnapshot } from '../workflow/transition-loop.ts';
import { documentRecordType, HANDLING_STATES } from './document-planning.ts';
import { loadDocument, type DocumentRow } from './document-rows.ts';

/**
 * What the deadline worker and the sweep do when an incoming document's handling deadline nears or passes
 * (issue 8: "a reply deadline gets reminders and overdue marks exactly like a dossier step"; DESIGN §8).
 * Each handler re-reads the document and acts only if it is still open with the same deadline; the mark
 * (the machine's DEADLINE_PASSED, in the timeline) and the notifications commit in one transaction, and
 * notifications are deduplicated, so a job that runs twice has its effect once.
 */

/** The lead department's leads and the staff it was forwarded to (Điều 6.3: they answer for the handling). */
async function responsibles(trx: Executor, row: DocumentRow): Promise<number[]> {
  const leads =
    row.lead_department_id === null
      ? []
      : (
          await trx('users as u')
            .join('user_roles as r', 'r.user_id', 'u.id')
            .where({ 'r.role': 'dept_lead', 'u.disabled': false, 'u.department_id': row.lead_department_id })
            .select('u.id')
        ).map((r) => r.id as number);
  return [...leads, ...row.forwards.map((f) => f.user_id)];
}

function localTime(instant: string): string {
  return new Date(Date.parse(instant) + 7 * 3_600_000).toISOString().replace('T', ' ').slice(0, 16);
}

const label = (row: DocumentRow) => `${row.source_symbol ?? row.symbol ?? `số đến ${row.register_number}`} — ${row.summary.slice(0, 120)}`;
const stillOpenWith = (row: DocumentRow, dueAt: string) => HANDLING_STATES.includes(row.state) && iso(row.due_at) === dueAt && row.overdue_at === null;

function need(value: string | undefined, name: string): string {
  if (typeof value !== 'string') throw new UnhandledDeadlineJobError(`document deadline job without ${name}`);
  return value;
}

/** A reminder before the handling deadline: only if the document is still open with that deadline. */
export async function remindDocument(deps: DeadlineDeps, job: { id: number; dueAt: string }): Promise<DeadlineResult> {
  return deps.db.transaction(async (trx) => {
    const row = await loadDocument(trx, job.id);
    if (!row || !stillOpenWith(row, job.dueAt)) return 'stale';
    await notify(
      trx,
      await responsibles(trx, row),
      {
        kind: 'document-reminder',
        subjectType: 'document',
        subjectId: row.id,
        title: `Sắp đến hạn xử lý văn bản đến ${row.source_symbol ?? ''}`.trim(),
        body: `Văn bản ${label(row)} đến hạn xử lý lúc ${localTime(job.dueAt)}.`,
        dueAt: job.dueAt,
        dedupeKey: `document-${row.id}-reminder-${job.dueAt}`,
      },
      deps.clock().toISOString(),
      { email: deps.email },
    );
    return 'done';
  });
}

/**
 * The handling deadline passed while the document is open: mark it overdue (DEADLINE_PASSED) and notify
 * the lead department's leads and the staff it was forwarded to.
 */
export async function markDocumentOverdue(deps: DeadlineDeps, job: { id: number; dueAt: string }): Promise<DeadlineResult> {
  const now = deps.clock();
  if (now.toISOString() < job.dueAt) throw new NotYetDueError(`not due until ${job.dueAt}`);
  const record = documentRecordType(deps.documents);
  const planner = await record.planner();
  return deps.db.transaction(async (trx) => {
    const row = await loadDocument(trx, job.id);
    if (!row || !stillOpenWith(row, job.dueAt)) return 'stale';
    const event = { type: 'DEADLINE_PASSED', at: now.toISOString() };
    if (!restoreSnapshot(machineOf(record, row), row.snapshot).can(event)) return 'stale';
    await applyEvent(trx, record, planner, row, { kind: 'system' }, event, row.version, now);
    await notify(
      trx,
      await responsibles(trx, row),
      {
        kind: 'document-overdue',
        subjectType: 'document',
        subjectId: row.id,
        title: `Quá hạn xử lý văn bản đến ${row.source_symbol ?? ''}`.trim(),
        body: `Văn bản ${label(row)} đã quá hạn xử lý (hạn ${localTime(job.dueAt)}).`,
        dueAt: job.dueAt,
        dedupeKey: `document-${row.id}-overdue-${job.dueAt}`,
      },
      now.toISOString(),
      { email: deps.email },
    );
    return 'done';
  });
}

/** Open documents whose deadline passed without a mark (a job lost with a Redis): at most `limit`, oldest first. */
async function sweepDocuments(deps: DeadlineDeps, limit: number, onError: (id: number, err: unknown) => void): Promise<{ counts: Record<string, number>; more: boolean }> {
  const now = deps.clock().toISOString();
  const rows = await deps.db('documents')
    .whereIn('state', HANDLING_STATES as string[])
    .whereNull('overdue_at')
    .where('due_at', '<', now)
    .orderBy('due_at')
    .limit(limit + 1)
    .select('id', 'due_at');
  let overdue = 0;
  for (const r of rows.slice(0, limit)) {
    try {
      if ((await markDocumentOverdue(deps, { id: r.id, dueAt: iso(r.due_at) as string })) === 'done') overdue++;
    } catch (err) {
      onError(r.id, err);
    }
  }
  return { counts: { documentOverdue: overdue }, more: rows.length > limit };
}

export const DOCUMENT_DEADLINES: SubjectDeadlines<DeadlineDeps> = {
  handlers: {
    'document-reminder': (deps, job: DeadlineJob) => remindDocument(deps, { id: job.id, dueAt: need(job.dueAt, 'dueAt') }),
    'document-deadline': (deps, job: DeadlineJob) => markDocumentOverdue(deps, { id: job.id, dueAt: need(job.dueAt, 'dueAt') }),
  },
  sweep: (deps, limit, onError) => sweepDocuments(deps, limit, onError),
};
