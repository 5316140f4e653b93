import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { markAppointmentPassed, markStepOverdue, remindStep, warnApology, expireSupplement, type DeadlineDeps, type DeadlineResult } from '../src/domain/dossiers/dossier-deadline.service.ts';
import { dossierDeps } from '../src/deps.ts';
import { createRedis, type DeadlineJobData } from '../src/queues/queues.ts';
import type { WorkerDeps } from './worker-deps.ts';

export function deadlineDeps(deps: WorkerDeps): DeadlineDeps {
  return { ...dossierDeps(deps), email: deps.config.smtp !== null };
}

/**
 * Runs one deadline job. Every handler re-reads the dossier and does nothing when it has moved on
 * ('stale'); a version conflict with a clerk acting at the same moment throws and the job is retried.
 * @throws UnrecoverableError for a job no handler knows or without the data it needs.
 */
export async function processDeadlineJob(job: Pick<Job<DeadlineJobData>, 'name' | 'data'>, deps: DeadlineDeps): Promise<DeadlineResult> {
  const { dossierId, step, dueAt, requestedAt } = job.data;
  const need = <T>(value: T | undefined, field: string): T => {
    if (value === undefined || value === null) throw new UnrecoverableError(`${job.name} job without ${field}`);
    return value;
  };
  need(dossierId, 'dossierId');
  switch (job.name) {
    case 'step-reminder':
      return remindStep(deps, { dossierId, step: need(step, 'step'), dueAt: need(dueAt, 'dueAt') });
    case 'step-deadline':
      return markStepOverdue(deps, { dossierId, step: need(step, 'step'), dueAt: need(dueAt, 'dueAt') });
    case 'apology-warning':
      return warnApology(deps, { dossierId, dueAt: need(dueAt, 'dueAt') });
    case 'appointment-deadline':
      return markAppointmentPassed(deps, { dossierId, dueAt: need(dueAt, 'dueAt') });
    case 'supplement-expiry':
      return expireSupplement(deps, { dossierId, requestedAt: need(requestedAt, 'requestedAt') });
    default:
      throw new UnrecoverableError(`no handler for deadline job ${job.name}`);
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
