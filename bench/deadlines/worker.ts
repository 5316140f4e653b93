/**
 * The worker side of the deadline-precision benchmark, in its own process as `npm run worker` runs ours:
 * a BullMQ Worker on the 'deadlines' queue built like workers/deadlines.worker.ts (createRedis, the
 * prefix, concurrency), whose processor only records how late it started.
 *
 * Env: BENCH_REDIS_URL, BENCH_PREFIX, BENCH_CONCURRENCY, BENCH_EXPECTED (due jobs to wait for).
 */
import { Worker } from 'bullmq';
import { createRedis } from '../../src/queues/queues.ts';
import type { BenchJobData, WorkerMessage } from './protocol.ts';

const expected = Number(process.env.BENCH_EXPECTED);
const lateness: number[] = [];
let strays = 0;
const send = (m: WorkerMessage) => process.send?.(m);

const worker = new Worker<BenchJobData>(
  'deadlines',
  async (job) => {
    const now = Date.now();
    if (job.name !== 'due') {
      strays++;
      return;
    }
    lateness.push(now - job.data.dueAt);
    if (lateness.length === expected) send({ kind: 'done', lateness, strays });
  },
  {
    connection: createRedis(process.env.BENCH_REDIS_URL as string),
    prefix: process.env.BENCH_PREFIX as string,
    concurrency: Number(process.env.BENCH_CONCURRENCY),
  },
);
worker.on('error', (err) => process.stderr.write(`worker error: ${err.message}\n`));
await worker.waitUntilReady();
send({ kind: 'ready' });
process.on('message', async (m: { kind: string }) => {
  if (m.kind !== 'stop') return;
  await worker.close();
  process.exit(0);
});
