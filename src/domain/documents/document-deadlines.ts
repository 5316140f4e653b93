import type { WorkingTime } from '../../calendar/working-calendar.ts';
import { jobIdStamp, type AddJob } from '../outbox/outbox.ts';
import { DOCUMENT_AGGREGATE } from '../aggregates.ts';

/** How long before a handling deadline the reminder fires: the configured lead, at most half of what is left. */
function remindAt(calendar: WorkingTime, dueAt: string, setAt: string, days: number): string {
  const configured = calendar.subtractWorkingDays(new Date(dueAt), days).getTime();
  const half = Date.parse(setAt) + (Date.parse(dueAt) - Date.parse(setAt)) / 2;
  return new Date(Math.max(configured, half)).toISOString();
}

/**
 * The deadline jobs an open incoming document with a handling deadline waits on: a reminder before it
 * and the deadline itself (the same handling as a dossier step, DESIGN §8). The id names the document and
 * the due instant, so a job stays the same while the deadline does and the worker can tell a stale one.
 */
export function documentDeadlineJobs(calendar: WorkingTime, id: number, dueAt: string | null, setAt: string, reminderWorkingDays: number): AddJob[] {
  if (dueAt === null) return [];
  const job = (name: string, runAt: string): AddJob => ({
    action: 'add',
    queue: 'deadlines',
    name,
    jobId: `document-${id}-${name}-${jobIdStamp(dueAt)}`,
    payload: { subject: DOCUMENT_AGGREGATE.streamType, id, dueAt },
    runAt,
  });
  return [job('document-reminder', remindAt(calendar, dueAt, setAt, reminderWorkingDays)), job('document-deadline', dueAt)];
}
