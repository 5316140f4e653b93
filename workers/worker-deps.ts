import type { Redis } from 'ioredis';
import type { CoreDeps } from '../src/deps.ts';
import type { Queues } from '../src/queues/queues.ts';

/** A worker process has the core dependencies and, always, its queues. */
export interface WorkerDeps extends CoreDeps {
  queues: Queues;
  redis: Redis;
  /** The Redis URL workers open their own (blocking) connections to. */
  redisUrl: string;
}
