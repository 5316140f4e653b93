import type { Logger } from 'pino';
import type { AppDeps } from './api/deps.ts';
import { ListThreads } from './api/list-threads/list-threads.ts';
import { PrincipalCache } from './api/principal-cache.ts';
import { RateLimiter } from './api/rate-limiter.ts';
import { configWarnings, type Config } from './config.ts';
import { holdDatabase } from './db/database-locks.ts';
import { createDb, migrateLatest } from './db/db.ts';
import { DbCalendarProvider } from './domain/calendar/calendar.service.ts';
import { createMachineRegistry } from './domain/machines.ts';
import { ensureFirstAdmin } from './first-admin.ts';
import { createQueues, createRedis } from './queues/queues.ts';

/**
 * Connects the BullMQ producer side. Redis being down is not fatal: ioredis keeps reconnecting, the
 * API keeps answering, and the outbox keeps the jobs until the relay can deliver them.
 */
export function connectQueues(config: Readonly<Config>, logger: Logger) {
  const redis = createRedis(config.redisUrl);
  let lastWarned = 0;
  redis.on('error', (err: Error) => {
    // One line every 30 s at most while Redis is away, not one per reconnection attempt.
    if (Date.now() - lastWarned > 30_000) {
      lastWarned = Date.now();
      logger.warn({ err: err.message }, 'redis is not answering');
    }
  });
  return { redis, queues: createQueues(redis, config.queuePrefix) };
}

/**
 * Opens the database, holds it in use (a restore is refused while this process runs: release
 * `deps.databaseLock` when closing), brings the schema up to date and creates the first admin on an empty
 * database — both under the schema lock, so replicas starting together take turns — and assembles the
 * app's dependencies.
 * @throws ConflictError RESTORE_IN_PROGRESS while a restore holds the database; ConfigError for an
 *   IDESK_ADMIN_PASSWORD the password policy refuses.
 */
export async function bootstrap(
  config: Readonly<Config>,
  logger: Logger,
  overrides: Partial<AppDeps> = {},
  options: { queues?: boolean; holder?: string } = {},
): Promise<AppDeps> {
  const db = overrides.db ?? createDb(config.database);
  const clock = overrides.clock ?? (() => new Date());
  const databaseLock = await holdDatabase(config.database, options.holder ?? 'service', logger);
  try {
    await migrateLatest(db, () => ensureFirstAdmin(db, config, logger, clock()));
  } catch (err) {
    await databaseLock.release();
    throw err;
  }
  for (const warning of configWarnings(config)) logger.warn(warning);
  const producer = options.queues ? connectQueues(config, logger) : null;
  return {
    config,
    db,
    databaseLock,
    queues: overrides.queues ?? producer?.queues ?? null,
    redis: overrides.redis ?? producer?.redis ?? null,
    logger: overrides.logger ?? logger,
    clock,
    calendar: overrides.calendar ?? new DbCalendarProvider(db, config.officeHours, { clock, logger: overrides.logger ?? logger }),
    machines: overrides.machines ?? createMachineRegistry(),
    principals: overrides.principals ?? new PrincipalCache(5_000, () => clock().getTime()),
    listThreads: overrides.listThreads ?? (config.readThreads > 0 ? new ListThreads(config, overrides.logger ?? logger, config.readThreads) : null),
    limiters: overrides.limiters ?? {
      login: new RateLimiter(config.login.perIpPerMinute, 60_000, () => clock().getTime()),
      publicSubmit: new RateLimiter(config.publicSubmitPerIpPerMinute, 60_000, () => clock().getTime()),
      publicSubmitDay: new RateLimiter(config.publicSubmitPerIpPerDay, 24 * 60 * 60_000, () => clock().getTime()),
      wrongSecrets: new RateLimiter(config.publicWrongSecretsPerMinute, 60_000, () => clock().getTime()),
    },
  };
}
