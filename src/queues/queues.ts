import { Queue, type ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

import { QUEUE_NAMES, type QueueName } from './queue-names.ts';

export { QUEUE_NAMES, type QueueName };

/**
 * Payload of a deadline job: the record it is about (`subject` is the aggregate's stream type) and the
 * facts the handler checks the record against when the job fires.
 */
export interface DeadlineJobData {
  subject: string;
  id: number;
  step?: string;
  dueAt?: string;
  requestedAt?: string;
  /** Jobs written before deadline jobs named their subject carry only this (a dossier's id). */
  dossierId?: number;
}

export interface EmailJobData {
  notificationId: number;
}

/**
 * A Redis connection for BullMQ. Commands wait for Redis to come back rather than fail
 * (`maxRetriesPerRequest: null`, the offline queue on): BullMQ requires it for workers, and a Queue
 * created while Redis is away must still work once it returns. Whoever must not wait (the outbox relay,
 * readiness checks) bounds its own calls with a timeout.
 */
export function createRedis(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    // Reconnect forever, backing off to 2 s: Redis restarts are routine.
    retryStrategy: (times) => Math.min(times * 100, 2_000),
    ...extra,
  });
}

export type Queues = Record<QueueName, Queue> & { close(): Promise<void> };

/** One BullMQ Queue per name on one producer connection, under the configured key prefix. */
export function createQueues(connection: Redis, prefix: string): Queues {
  const make = (name: QueueName) => {
    const queue = new Queue(name, { connection: connection as ConnectionOptions, prefix });
    // Connection errors are the connection's to report (see connectQueues); an unheard 'error' would crash.
    queue.on('error', () => undefined);
    return queue;
  };
  const queues = Object.fromEntries(QUEUE_NAMES.map((name) => [name, make(name)])) as Record<QueueName, Queue>;
  return {
    ...queues,
    close: async () => {
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}

/**
 * How long finished jobs stay in Redis. Keeping completed jobs for a week makes a replayed `add` with the
 * same deterministic id a no-op, so an outbox row delivered twice (relay crash before it marked the
 * row) never runs its jobs twice.
 */
export const KEEP_FINISHED = { removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 } } as const;
