import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { AppDeps } from '../../src/api/deps.ts';
import { bootstrap } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startServer } from '../../src/server.ts';
import { TestClock } from './clock.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

export const ADMIN_PASSWORD = 'Quan-tri-2026';

export interface TestApp {
  url: string;
  deps: AppDeps;
  clock: TestClock;
  database: TestDatabase;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  overrides?: Partial<AppDeps>;
  /**
   * Connect the BullMQ producer side to Redis (REDIS_URL, default the local one) under a random
   * QUEUE_PREFIX unless `env` names one; close() closes the connection and deletes the prefix's keys.
   */
  queues?: boolean;
}

/** The real app over HTTP on a random port, with its own database and a hand-moved clock. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const clock = new TestClock();
  // Its own data folder (the file store lives there), unless the test names one.
  const dataDir = options.env?.DATA_DIR ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'idesk-data-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    IDESK_ADMIN_PASSWORD: ADMIN_PASSWORD,
    // Cheap hashing: the suite logs in hundreds of times. Production keeps the default cost.
    SCRYPT_COST: '1024',
    LOGIN_PER_IP_PER_MINUTE: '10000',
    PUBLIC_SUBMIT_PER_IP_PER_MINUTE: '10000',
    PUBLIC_SUBMIT_PER_IP_PER_DAY: '100000',
    PUBLIC_WRONG_SECRETS_PER_MINUTE: '10000',
    IDESK_AGENCY_ID: 'H37.26',
    ...(dataDir ? { DATA_DIR: dataDir } : {}),
    ...(database.database.client === 'pg' ? { DATABASE_URL: database.database.url } : { DATABASE_URL: `sqlite:${database.database.filename}` }),
    ...(options.queues ? { QUEUE_PREFIX: `t${randomBytes(6).toString('hex')}` } : {}),
    ...options.env,
  });
  const deps = await bootstrap(config, createLogger(process.env.TEST_LOG ?? 'silent'), { db: database.db, clock: clock.now, ...options.overrides }, { queues: options.queues ?? false });
  const server: Server = await startServer(deps, 0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    clock,
    database,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (options.queues) await closeQueues(deps);
      await deps.listThreads?.close();
      await deps.databaseLock?.release();
      await database.drop();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Closes the producer side and removes every key under the test's prefix (skipped when Redis is away). */
async function closeQueues(deps: AppDeps): Promise<void> {
  const { redis, queues, config } = deps;
  if (redis?.status === 'ready') {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.queuePrefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  // Away, the connection would hold commands until Redis returns: drop it first so closing cannot wait.
  if (redis?.status !== 'ready') redis?.disconnect();
  await queues?.close().catch(() => {});
  redis?.disconnect();
}
