import { randomBytes } from 'node:crypto';
import { connectQueues } from '../../src/bootstrap.ts';
import { createLogger } from '../../src/logger.ts';
import { QUEUE_NAMES } from '../../src/queues/queues.ts';
import { startWorkerProcess, type WorkerProcess, type WorkerProcessOptions } from '../../workers/worker-process.ts';
import type { WorkerDeps } from '../../workers/worker-deps.ts';
import type { TestApp } from './test-app.ts';

/** A random BullMQ key prefix: test files share one Redis and must not see each other's jobs. */
export function randomPrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

export interface TestWorkers {
  deps: WorkerDeps;
  process: WorkerProcess | null;
  close(): Promise<void>;
}

/**
 * The worker side of a test app, on the same database, calendar and clock, connected to the app's
 * REDIS_URL under its QUEUE_PREFIX. `start: false` gives the deps only (to call processors directly).
 */
export async function startTestWorkers(app: TestApp, options: WorkerProcessOptions & { start?: boolean } = {}): Promise<TestWorkers> {
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const { redis, queues } = connectQueues(app.deps.config, logger);
  const deps: WorkerDeps = { ...app.deps, logger, queues, redis, redisUrl: app.deps.config.redisUrl };
  const proc = options.start === false ? null : await startWorkerProcess(deps, { schedulers: false, ...options });
  return {
    deps,
    process: proc,
    close: async () => {
      await proc?.stop(2_000);
      // Leave the shared Redis as it was.
      for (const name of QUEUE_NAMES) await queues[name].obliterate({ force: true }).catch(() => undefined);
      await queues.close();
      redis.disconnect();
    },
  };
}
