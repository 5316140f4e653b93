import type { Logger } from 'pino';
import type { AppDeps } from './api/deps.ts';
import { PrincipalCache } from './api/principal-cache.ts';
import { RateLimiter } from './api/rate-limiter.ts';
import { configWarnings, type Config } from './config.ts';
import { createDb, migrateLatest } from './db/db.ts';
import { ensureAdmin } from './domain/accounts/sessions.service.ts';
import { DbCalendarProvider } from './domain/calendar/calendar.service.ts';
import { createMachineRegistry } from './domain/machines.ts';
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
 * Opens the database, brings the schema up to date, creates the first admin on an empty database and
 * assembles the app's dependencies. A generated admin password is printed once to the console (never
 * to the log).
 */
export async function bootstrap(
  config: Readonly<Config>,
  logger: Logger,
  overrides: Partial<AppDeps> = {},
  options: { queues?: boolean } = {},
): Promise<AppDeps> {
  const db = overrides.db ?? createDb(config.database);
  await migrateLatest(db);
  const clock = overrides.clock ?? (() => new Date());
  const generated = await ensureAdmin(db, config.adminPassword, clock(), config.scryptCost);
  if (generated !== undefined) {
    logger.info({ username: 'admin' }, 'created the first admin account');
    if (generated !== null) {
      process.stdout.write(`\n  idesk: first start. Log in as "admin" with the password ${generated}\n  (shown once; you will be asked to change it)\n\n`);
    }
  }
  for (const warning of configWarnings(config)) logger.warn(warning);
  const producer = options.queues ? connectQueues(config, logger) : null;
  return {
    config,
    db,
    queues: overrides.queues ?? producer?.queues ?? null,
    redis: overrides.redis ?? producer?.redis ?? null,
    logger: overrides.logger ?? logger,
    clock,
    calendar: overrides.calendar ?? new DbCalendarProvider(db, config.officeHours, { clock, logger: overrides.logger ?? logger }),
    machines: overrides.machines ?? createMachineRegistry(),
    principals: overrides.principals ?? new PrincipalCache(5_000, () => clock().getTime()),
    limiters: overrides.limiters ?? {
      login: new RateLimiter(config.login.perIpPerMinute, 60_000, () => clock().getTime()),
      publicSubmit: new RateLimiter(config.publicSubmitPerIpPerMinute, 60_000, () => clock().getTime()),
    },
  };
}
