import { Worker, type Job } from 'bullmq';
import { createCheckpoint } from '../src/domain/audit/event-log.ts';
import { DEADLINE_SUBJECTS } from '../src/domain/deadline-subjects.ts';
import { sweepAll } from '../src/domain/workflow/deadlines.ts';
import { fileStoreAt } from '../src/files/file-store.ts';
import { collectOrphanFiles } from '../src/files/orphan-files.ts';
import { createRedis } from '../src/queues/queues.ts';
import { processBackupJob } from './backup.job.ts';
import { deadlineDeps } from './deadlines.worker.ts';
import type { WorkerDeps } from './worker-deps.ts';

/** The recurring and on-demand housekeeping jobs, by job name. */
export const MAINTENANCE_JOBS: Record<string, (job: Job, deps: WorkerDeps) => Promise<unknown>> = {
  // A lost or late job can never hide a late record (DESIGN §8): every subject is swept, batch after
  // batch while work remains, within a budget that leaves the worker's lock (lockDuration) far away.
  'deadline-sweep': async (_job, deps) =>
    sweepAll(DEADLINE_SUBJECTS, deadlineDeps(deps), {
      limit: 500,
      budgetMs: 4 * 60_000,
      onError: (subject, id, err) => deps.logger.warn({ subject, id, err: (err as Error).message }, 'sweep: will try again next run'),
    }),
  // Chains every event written since the last checkpoint (DESIGN §9): deleting a whole record's history is detected.
  'audit-checkpoint': async (_job, deps) => createCheckpoint(deps.db, deps.clock()),
  // Điều 5.3: the data are backed up every two weeks (the scheduler's jobs) and when an admin asks (the outbox's).
  backup: processBackupJob,
  // A file stored for a transaction that rolled back is an orphan no row references: collected after an hour.
  'files-gc': async (_job, deps) => {
    const result = await collectOrphanFiles(deps.db, fileStoreAt(deps.config.filesDir), deps.clock());
    if (result.removed.length > 0 || result.temporary > 0) deps.logger.info({ removed: result.removed.length, temporary: result.temporary }, 'file store: orphans collected');
    return { removed: result.removed.length, temporary: result.temporary };
  },
};

/** Runs one maintenance job; unknown names fail (a job no code handles must not be silently dropped). */
export async function processMaintenanceJob(job: Job, deps: WorkerDeps): Promise<unknown> {
  const handler = MAINTENANCE_JOBS[job.name];
  if (!handler) throw new Error(`no handler for maintenance job ${job.name}`);
  return handler(job, deps);
}

export function createMaintenanceWorker(deps: WorkerDeps): Worker {
  // One at a time: a backup and a sweep need not compete for the database.
  return new Worker('maintenance', (job) => processMaintenanceJob(job, deps), {
    connection: createRedis(deps.redisUrl),
    prefix: deps.config.queuePrefix,
    concurrency: 1,
    // A backup of a large database may keep the event loop busy for a while (verification): a long lock
    // keeps another worker from taking the job for stalled meanwhile.
    lockDuration: 10 * 60_000,
  });
}
