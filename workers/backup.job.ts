import { UnrecoverableError, type Job } from 'bullmq';
import { NotFoundError } from '../src/domain/errors.ts';
import { createBackupRow, runBackup, type BackupDeps, type BackupView } from '../src/infrastructure/backups/backup.service.ts';

/** `{ backupId }` for a backup an admin asked for (the row exists); `{ kind: 'scheduled' }` from the job scheduler. */
export interface BackupJobData {
  backupId?: number;
  kind?: 'scheduled';
}

/**
 * Runs one `backup` job of the maintenance queue (Điều 5.3: the scheduler in workers/schedulers.ts enqueues
 * one every config.backup.everyDays, 14 by default). A scheduled job first creates its catalog row and
 * writes the row's id into the job's data, so that a retry (or a run after a crash) redoes that same
 * backup instead of starting another one. A failed backup throws: BullMQ records the failure and retries.
 * @throws UnrecoverableError for data no backup can come from (an unknown backup id, no id and no kind).
 */
export async function processBackupJob(
  job: Pick<Job<BackupJobData>, 'name' | 'data'> & { updateData?: Job<BackupJobData>['updateData'] },
  deps: BackupDeps,
): Promise<BackupView> {
  const { backupId, kind } = job.data ?? {};
  const now = deps.clock();
  try {
    if (typeof backupId === 'number') return await runBackup(deps, { backupId }, now);
    if (kind !== 'scheduled') throw new UnrecoverableError(`backup job without a backupId or kind 'scheduled': ${JSON.stringify(job.data)}`);
    const created = (await createBackupRow(deps.db, deps.config, 'scheduled', null, now)).id;
    if (job.updateData) await job.updateData({ ...job.data, backupId: created });
    return await runBackup(deps, { backupId: created }, now);
  } catch (err) {
    if (err instanceof NotFoundError) throw new UnrecoverableError(err.message);
    throw err;
  }
}
