import type { Principal } from '../../auth/principal.ts';
import { listDossiers } from '../../domain/dossiers/dossier.service.ts';
import { iso } from '../../lib/rows.ts';
import { Metrics, QUEUE_STATES, type QueueState } from '../../ops/metrics.ts';
import { QUEUE_NAMES } from '../../queues/queues.ts';
import { dossierDeps, type AppDeps } from '../deps.ts';

/**
 * Who the overdue gauge reads dossiers as: an admin sees them all, so listDossiers' own `overdue`
 * rule (step or appointment passed while the agency holds the dossier) is the one counted here.
 */
const METRICS_READER: Principal = {
  userId: 0,
  username: 'metrics',
  fullName: 'metrics',
  departmentId: null,
  roles: ['admin'],
  mustChangePassword: false,
  via: 'token',
  expiresAt: null,
};

/** The API process's metrics, reading queue depths, overdue dossiers and the last backup from `deps`. */
export function createAppMetrics(deps: AppDeps): Metrics {
  const queues = deps.queues;
  return new Metrics({
    now: deps.clock,
    onSourceError: (metric, err) => deps.logger.warn({ metric, err: (err as Error).message }, 'a metric could not be read'),
    queueCounts: queues
      ? async () => {
          // The connection holds commands while Redis is away: leave the gauge out instead of queueing them.
          if (deps.redis && deps.redis.status !== 'ready') throw new Error(`redis connection is ${deps.redis.status}`);
          const entries = await Promise.all(
            QUEUE_NAMES.map(async (name) => [name, (await queues[name].getJobCounts(...QUEUE_STATES)) as Record<QueueState, number>] as const),
          );
          return Object.fromEntries(entries);
        }
      : undefined,
    overdueByDepartment: async () => {
      const departments: Array<{ id: number; code: string }> = await deps.db('departments').select('id', 'code').orderBy('id');
      const counts = [];
      for (const { id, code } of departments) {
        const page = await listDossiers(dossierDeps(deps), METRICS_READER, { overdue: true, departmentId: id, page: 1, pageSize: 1 });
        counts.push({ department: code, count: page.total });
      }
      return counts;
    },
    lastBackupFinishedAt: async () => {
      const row = await deps.db('backups').where({ status: 'succeeded' }).whereNotNull('finished_at').orderBy('finished_at', 'desc').first('finished_at');
      return row ? new Date(iso(row.finished_at) as string) : null;
    },
  });
}
