import type { WorkingTime } from '../../calendar/working-calendar.ts';
import { VN_UTC_OFFSET_MINUTES } from '../../calendar/working-calendar.ts';
import { jobIdStamp, type AddJob } from '../outbox/outbox.ts';
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

/** How long before a due instant the reminder fires: the configured lead (1 working day), or half the step when shorter. */
export function reminderLeadDays(allocationDays: number, configured = 1): number {
  return Math.min(configured, allocationDays / 2);
}

export interface DeadlineSettings {
  /** Working days an applicant has to supplement. */
  supplementWaitDays: number;
  /** Working days before a due instant that the reminder fires. */
  reminderWorkingDays: number;
}

/** What a dossier's deadlines depend on at one moment. */
export interface DeadlineFacts {
  dossierId: number;
  /** The current step with its due instant. */
  step: { name: Step; dueAt: string; allocationDays: number } | null;
  /** The appointment, while the agency holds the dossier and no result exists yet. */
  appointment: { dueAt: string; apologyBy: string | null } | null;
  /** When the applicant was asked to supplement, while the dossier waits for it. */
  supplementRequestedAt: string | null;
  /** The sector's window for asking for a supplement, while it is open and unused. */
  supplementWindow?: { closesAt: string; days: number } | null;
}


/**
 * The deadline jobs that should be waiting for a dossier: the step's due instant and a reminder before
 * it, the appointment with the apology warning before it, and the end of the wait for a supplement.
 * Each id names the dossier and the instant it is about, so a job stays the same while its facts do,
 * and the worker can tell when it fires whether the dossier is still where the job expected.
 */
export function liveDeadlineJobs(calendar: WorkingTime, facts: DeadlineFacts, settings: DeadlineSettings): AddJob[] {
  const { dossierId, step, appointment } = facts;
  const job = (name: string, key: string, runAt: string, payload: Record<string, unknown>): AddJob => ({
    action: 'add',
    queue: 'deadlines',
    name,
    jobId: `dossier-${dossierId}-${name}-${jobIdStamp(key)}`,
    payload: { subject: 'dossier', id: dossierId, ...payload },
    runAt,
  });
  const jobs: AddJob[] = [];
  if (step) {
    const remindAt = calendar.subtractWorkingDays(new Date(step.dueAt), reminderLeadDays(step.allocationDays, settings.reminderWorkingDays)).toISOString();
    jobs.push(job('step-reminder', step.dueAt, remindAt, { step: step.name, dueAt: step.dueAt }));
    jobs.push(job('step-deadline', step.dueAt, step.dueAt, { step: step.name, dueAt: step.dueAt }));
  }
  if (appointment) {
    // The last moment to issue the apology with a new appointment (DOMAIN §1.3): warn the people concerned.
    if (appointment.apologyBy) jobs.push(job('apology-warning', appointment.dueAt, appointment.apologyBy, { dueAt: appointment.dueAt }));
    jobs.push(job('appointment-deadline', appointment.dueAt, appointment.dueAt, { dueAt: appointment.dueAt }));
  }
  if (facts.supplementWindow) {
    // Remind the department before the window for asking for a supplement closes (sector decrees: 3 or 5 working days).
    const { closesAt, days } = facts.supplementWindow;
    const remindAt = calendar.subtractWorkingDays(new Date(closesAt), reminderLeadDays(days, settings.reminderWorkingDays)).toISOString();
    jobs.push(job('supplement-window', closesAt, remindAt, { dueAt: closesAt }));
  }
  if (facts.supplementRequestedAt) {
    // An applicant who does not supplement in time is stopped by the system (DOMAIN §1.3: 15 working days).
    const expiresAt = supplementDueAt(calendar, facts.supplementRequestedAt, settings);
    jobs.push(job('supplement-expiry', facts.supplementRequestedAt, expiresAt, { requestedAt: facts.supplementRequestedAt }));
  }
  return jobs;
}

/**
 * The last instant for the applicant to supplement, SUPPLEMENT_WAIT_DAYS working days after the request
 * (DOMAIN §1.3: 15 working days, or the sector's limit): printed on Mẫu 02, shown on the tracking page,
 * and when the deadline worker stops the dossier.
 */
export function supplementDueAt(calendar: WorkingTime, requestedAt: string, settings: Pick<DeadlineSettings, 'supplementWaitDays'>): string {
  return calendar.addWorkingDays(new Date(requestedAt), settings.supplementWaitDays).toISOString();
}
