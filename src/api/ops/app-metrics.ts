import { LIST_SQL } from '../../domain/dossiers/dossier.service.ts';
import { iso } from '../../lib/rows.ts';
import { Metrics, QUEUE_STATES, type QueueState } from '../../ops/metrics.ts';
import { QUEUE_NAMES } from '../../queues/queues.ts';
import type { AppDeps } from '../deps.ts';

/** The API process's metrics, reading queue depths, overdue dossiers and the last backup from `deps`. */
export function createAppMetrics(deps: AppDeps): Metrics {
  const queues = deps.queues;
  return new Metrics({
    now: deps.clock,
    emailConfigured: deps.config.smtp !== null,
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
    // The overdue list's rule (listDossiers with overdue=true), counted per department in one read of
    // the partial index over actionable dossiers; run in the background, never per scrape.
    overdueByDepartment: async () => {
      const now = deps.clock().toISOString();
      const departments: Array<{ id: number; code: string }> = await deps.db('departments').select('id', 'code').orderBy('id');
      const pg = deps.db.client.config.client === 'pg';
      const rows: Array<{ department_id: number; n: number }> = await deps.db
        .from(pg ? 'dossiers' : deps.db.raw('dossiers INDEXED BY dossiers_actionable_index'))
        .whereRaw(LIST_SQL.actionable)
        .whereRaw(LIST_SQL.overdueGivenActionable(''), [now, now])
        .groupBy('department_id')
        .select('department_id')
        .count('* as n');
      const counts = new Map(rows.map((r) => [r.department_id, Number(r.n)]));
      return departments.map(({ id, code }) => ({ department: code, count: counts.get(id) ?? 0 }));
    },
    lastBackupFinishedAt: async () => {
      const row = await deps.db('backups').where({ status: 'succeeded' }).whereNotNull('finished_at').orderBy('finished_at', 'desc').first('finished_at');
      return row ? new Date(iso(row.finished_at) as string) : null;
    },
  });
}
