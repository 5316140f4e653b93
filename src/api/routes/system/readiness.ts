import type { AppDeps } from '../../deps.ts';
import type { CalendarWarning } from '../../../domain/calendar/calendar.service.ts';

export type CheckResult = 'ok' | 'failed' | 'not-configured';

export interface Readiness {
  status: 'ready' | 'not-ready';
  checks: { database: CheckResult; redis: CheckResult };
  /** Present only when there is something to act on; never affects `status`. */
  details?: { calendar: { warnings: { code: CalendarWarning['code']; year?: number }[] } };
}

/** How long each dependency may take to answer before the process reports itself not ready. */
const DATABASE_TIMEOUT_MS = 2_000;
const REDIS_TIMEOUT_MS = 1_000;

async function probe(what: string, timeoutMs: number, run: () => Promise<unknown>, deps: AppDeps): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch (err) {
    // The reason goes to the log only: the endpoint is public.
    deps.logger.warn({ check: what, err: (err as Error).message }, 'readiness check failed');
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether this process can serve: the database answers a trivial query and, when the process was started
 * with queues, Redis answers PING. Without queues Redis is `not-configured` and does not count.
 */
export async function checkReadiness(deps: AppDeps): Promise<Readiness> {
  const redis = deps.redis;
  const [database, redisCheck] = await Promise.all([
    probe('database', DATABASE_TIMEOUT_MS, () => deps.db.raw('select 1'), deps),
    redis
      ? probe('redis', REDIS_TIMEOUT_MS, async () => {
          // The connection holds commands while Redis is away: do not queue a PING per probe.
          if (redis.status !== 'ready') throw new Error(`connection is ${redis.status}`);
          await redis.ping();
        }, deps)
      : Promise.resolve('not-configured' as const),
  ]);
  const ready = database === 'ok' && redisCheck !== 'failed';
  const readiness: Readiness = { status: ready ? 'ready' : 'not-ready', checks: { database, redis: redisCheck } };
  const warnings = database === 'ok' ? await calendarWarnings(deps) : [];
  if (warnings.length > 0) readiness.details = { calendar: { warnings } };
  return readiness;
}

/**
 * The calendar's warnings for operators (a year without its official schedule, skipped overrides), by
 * code and year only: the endpoint is public, the messages and dates are in the admin API and the log.
 */
async function calendarWarnings(deps: AppDeps): Promise<{ code: CalendarWarning['code']; year?: number }[]> {
  if (!deps.calendar.warnings) return [];
  try {
    const warnings = await deps.calendar.warnings();
    return warnings.map((w) => (w.code === 'SCHEDULE_MISSING' ? { code: w.code, year: w.year } : { code: w.code }));
  } catch (err) {
    deps.logger.warn({ check: 'calendar', err: (err as Error).message }, 'readiness: calendar warnings unavailable');
    return [];
  }
}
