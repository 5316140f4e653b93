/**
 * A deadline worker that stops dead after committing the effect of a `step-deadline` job, before BullMQ
 * hears the job finished: the moment a crash hurts most. The test kills it there with SIGKILL.
 * Configured like the service, from the environment (DATABASE_URL, REDIS_URL, QUEUE_PREFIX).
 */
import { Worker } from 'bullmq';
import { bootstrap, connectQueues } from '../../../src/bootstrap.ts';
import { loadConfig } from '../../../src/config.ts';
import { createLogger } from '../../../src/logger.ts';
import { createRedis } from '../../../src/queues/queues.ts';
import { deadlineDeps, processDeadlineJob } from '../../../workers/deadlines.worker.ts';

const config = loadConfig();
const logger = createLogger('silent');
const deps = await bootstrap(config, logger);
const { redis, queues } = connectQueues(config, logger);
const domain = deadlineDeps({ ...deps, queues, redis, redisUrl: config.redisUrl });

const worker = new Worker(
  'deadlines',
  async (job) => {
    const result = await processDeadlineJob(job, domain);
    if (job.name !== 'step-deadline') return result;
    process.send?.({ committed: job.id, result });
    await new Promise(() => undefined);
  },
  { connection: createRedis(config.redisUrl), prefix: config.queuePrefix, lockDuration: 1_500, stalledInterval: 1_000 },
);
await worker.waitUntilReady();
process.send?.({ ready: true });
