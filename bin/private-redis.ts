import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Whether a Redis answers PING at this URL within a second. */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export interface PrivateRedis {
  dir: string;
  stop(): Promise<void>;
}

/**
 * The embedded default needs a Redis: when none answers at REDIS_URL on this machine and `redis-server`
 * is on the PATH, start a private one under DATA_DIR/redis (append-only file on, so queued jobs survive
 * a restart) and say so. Returns null when a Redis answers already or none can be started here.
 */
export async function ensureRedis(url: string, dataDir: string, logger: Logger): Promise<PrivateRedis | null> {
  if (await redisAnswers(url)) return null;
  const parsed = new URL(url);
  const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(parsed.hostname);
  if (!local || spawnSync('redis-server', ['--version']).status !== 0) {
    logger.warn({ redis: `${parsed.hostname}:${parsed.port || 6379}` }, 'no Redis answers: deadline jobs wait in the database until one does');
    return null;
  }
  const dir = path.join(dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  const port = parsed.port || '6379';
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', port, '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--logfile', path.join(dir, 'redis.log')],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 50 && !(await redisAnswers(url)); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await redisAnswers(url))) {
    child.kill('SIGTERM');
    throw new Error(`started redis-server on port ${port} but it does not answer (see ${dir}/redis.log)`);
  }
  logger.info({ port, dir }, 'started a private Redis');
  process.stdout.write(`idesk: no Redis answered at ${url}; started a private one under ${dir}\n`);
  return {
    dir,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
