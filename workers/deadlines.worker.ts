import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { CALENDAR_OUT_OF_RANGE } from '../src/calendar/working-calendar.ts';
import { DEADLINE_SUBJECTS } from '../src/domain/deadline-subjects.ts';
import { ValidationError } from '../src/domain/errors.ts';
import type { DeadlineDeps } from '../src/domain/dossiers/dossier-deadline.service.ts';
import { dispatchDeadlineJob, UnhandledDeadlineJobError, type DeadlineResult } from '../src/domain/workflow/deadlines.ts';
import { documentDeps, dossierDeps } from '../src/deps.ts';
import { createRedis, type DeadlineJobData } from '../src/queues/queues.ts';
import type { WorkerDeps } from './worker-deps.ts';

export function deadlineDeps(deps: WorkerDeps): DeadlineDeps {
  return { ...dossierDeps(deps), email: deps.config.smtp !== null, documents: documentDeps(deps) };
}

/**
 * Runs one deadline job with the handler of its subject and name. Every handler re-reads the record and
 * does nothing when it has moved on ('stale'); a version conflict with a clerk acting at the same moment
 * throws and the job is retried.
 * @throws UnrecoverableError for a job no handler knows or without the data it needs.
 */
export async function processDeadlineJob(job: Pick<Job<Partial<DeadlineJobData>>, 'name' | 'data'>, deps: DeadlineDeps): Promise<DeadlineResult> {
  // Jobs enqueued before deadline jobs named their subject carry only a dossier's id.
  const { dossierId, ...data } = job.data;
  const named = data.subject === undefined && dossierId !== undefined ? { ...data, subject: 'dossier', id: dossierId } : data;
  try {
    return await dispatchDeadlineJob(DEADLINE_SUBJECTS, job.name, named, deps);
  } catch (err) {
    if (err instanceof UnhandledDeadlineJobError) throw new UnrecoverableError(err.message);
    // A stored instant outside the calendar's range can never be walked: retrying would fail the same way.
    if (err instanceof ValidationError && err.code === CALENDAR_OUT_OF_RANGE) throw new UnrecoverableError(err.message);
    throw err;
  }
}

export interface WorkerTuning {
  /** How long a job's lock lasts; a worker that dies loses its jobs to another after this. */
  lockDuration?: number;
  stalledInterval?: number;
}

export function createDeadlinesWorker(deps: WorkerDeps, tuning: WorkerTuning = {}): Worker {
  const domain = deadlineDeps(deps);
  return new Worker<DeadlineJobData>('deadlines', (job) => processDeadlineJob(job, domain), {
    connection: createRedis(deps.redisUrl),
    prefix: deps.config.queuePrefix,
    concurrency: deps.config.workerConcurrency,
    ...tuning,
  });
}
