import { bootstrap } from '../src/bootstrap.ts';
import { createLogger } from '../src/logger.ts';
import { startWorkerProcess } from '../workers/worker-process.ts';
import { configOrExit, failed, onShutdown } from './process.ts';

/** `npm run worker`: the outbox relay, the deadline, notification and maintenance workers. */
async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  const deps = await bootstrap(config, logger, {}, { queues: true, holder: 'worker' });
  const workers = await startWorkerProcess({ ...deps, queues: deps.queues!, redis: deps.redis!, redisUrl: config.redisUrl });
  logger.info({ queuePrefix: config.queuePrefix }, 'idesk workers running');
  onShutdown(logger, async () => {
    await workers.stop();
    await deps.queues?.close();
    deps.redis?.disconnect();
    await deps.db.destroy();
    await deps.databaseLock?.release();
  });
}

main().catch(failed);
