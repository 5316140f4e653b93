import type { Config } from '../src/config.ts';
import type { Queues } from '../src/queues/queues.ts';

/**
 * The recurring work, registered with upsertJobScheduler (idempotent: every worker process may call it
 * at start; a changed interval replaces the old one).
 */
export async function upsertSchedulers(queues: Queues, config: Readonly<Config>): Promise<void> {
  // A lost or late job can never hide a late dossier: the sweep finds overdue records from the database itself.
  await queues.maintenance.upsertJobScheduler('deadline-sweep', { every: config.sweepEveryMinutes * 60_000 }, { name: 'deadline-sweep' });
  // Điều 5.3: backups every two weeks (configurable).
  await queues.maintenance.upsertJobScheduler('backup', { every: config.backup.everyDays * 86_400_000 }, { name: 'backup', data: { kind: 'scheduled' } });
  await queues.maintenance.upsertJobScheduler('audit-checkpoint', { every: 3_600_000 }, { name: 'audit-checkpoint' });
}
