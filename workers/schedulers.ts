import type { Config } from '../src/config.ts';
import type { Queues } from '../src/queues/queues.ts';

/** The recurring work: [scheduler id, interval in ms, job template]. */
function schedules(config: Readonly<Config>) {
  return [
    // A lost or late job can never hide a late dossier: the sweep finds overdue records from the database itself.
    { id: 'deadline-sweep', every: config.sweepEveryMinutes * 60_000, template: { name: 'deadline-sweep' } },
    // Điều 5.3: the data are backed up every two weeks (configurable).
    { id: 'backup', every: config.backup.everyDays * 86_400_000, template: { name: 'backup', data: { kind: 'scheduled' } } },
    { id: 'audit-checkpoint', every: 3_600_000, template: { name: 'audit-checkpoint' } },
    // Files of uploads whose transaction rolled back, and temporary files of interrupted uploads.
    { id: 'files-gc', every: 3_600_000, template: { name: 'files-gc' } },
  ];
}

/**
 * Registers the recurring jobs with upsertJobScheduler. At process start every one is upserted (a changed
 * interval replaces the old one); `onlyMissing` re-creates only those Redis lost (a Redis that restarted
 * without persistence), without touching the others' timing.
 */
export async function upsertSchedulers(queues: Queues, config: Readonly<Config>, options: { onlyMissing?: boolean } = {}): Promise<void> {
  for (const { id, every, template } of schedules(config)) {
    if (options.onlyMissing && (await queues.maintenance.getJobScheduler(id))) continue;
    await queues.maintenance.upsertJobScheduler(id, { every }, template);
  }
}
