import type { WorkingTime } from '../../calendar/working-calendar.ts';
import { VN_UTC_OFFSET_MINUTES } from '../../calendar/working-calendar.ts';
import type { OutboxJob } from '../outbox/outbox.ts';
import type { Step } from '../procedures/step-allocation.ts';

/** The step (and so the step allocation) each state stands for; waiting states have none. */
const STEP_OF_STATE: Record<string, Step> = {
  submitted: 'intake',
  'inDepartment.review': 'review',
  'inDepartment.inspection': 'inspection',
  'inDepartment.leadReview': 'leadReview',
  leadershipApproval: 'leadershipApproval',
  returnedToOneStop: 'returnedToOneStop',
  readyForReturn: 'readyForReturn',
};

export function stepOfState(state: string): Step | null {
  return STEP_OF_STATE[state] ?? null;
}

export type Outcome = 'early' | 'onTime' | 'late';

function localDate(isoInstant: string): string {
  return new Date(Date.parse(isoInstant) + VN_UTC_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10);
}

/**
 * Trước hạn / đúng hạn / quá hạn (DOMAIN §1.6): after the due instant is late; on the due day (not
 * after the instant) is on time; an earlier day is early.
 */
export function outcomeOf(finishedAt: string, dueAt: string): Outcome {
  if (finishedAt > dueAt) return 'late';
  return localDate(finishedAt) === localDate(dueAt) ? 'onTime' : 'early';
}

/** How long before a due instant the reminder fires: 1 working day, or half the allocation when shorter. */
export function reminderLeadDays(allocationDays: number): number {
  return Math.min(1, allocationDays / 2);
}

/**
 * The deadline jobs of a dossier at a version: the step's due instant and a reminder before it, and the
 * appointment with the apology warning when the appointment was (re)set. The job ids carry the version:
 * a job of an older version finds the dossier moved on and does nothing.
 */
export function deadlineJobs(
  calendar: WorkingTime,
  dossierId: number,
  version: number,
  step: { name: Step; dueAt: string; allocationDays: number } | null,
  appointment: { dueAt: string; apologyBy: string | null } | null,
): OutboxJob[] {
  const jobs: OutboxJob[] = [];
  const base = { dossierId, version };
  const id = (kind: string) => `dossier-${dossierId}-v${version}-${kind}`;
  if (step) {
    const remindAt = calendar.subtractWorkingDays(new Date(step.dueAt), reminderLeadDays(step.allocationDays)).toISOString();
    jobs.push(
      { queue: 'deadlines', name: 'step-reminder', jobId: id('step-reminder'), payload: { ...base, step: step.name, dueAt: step.dueAt }, runAt: remindAt },
      { queue: 'deadlines', name: 'step-deadline', jobId: id('step-deadline'), payload: { ...base, step: step.name, dueAt: step.dueAt }, runAt: step.dueAt },
    );
  }
  if (appointment) {
    if (appointment.apologyBy) {
      // The last moment to issue the apology with a new appointment (DOMAIN §1.3): warn the people concerned.
      jobs.push({ queue: 'deadlines', name: 'apology-warning', jobId: id('apology-warning'), payload: { ...base, dueAt: appointment.dueAt }, runAt: appointment.apologyBy });
    }
    jobs.push({ queue: 'deadlines', name: 'appointment-deadline', jobId: id('appointment-deadline'), payload: { ...base, dueAt: appointment.dueAt }, runAt: appointment.dueAt });
  }
  return jobs;
}
