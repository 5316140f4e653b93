import type { Logger } from 'pino';
import type { Db } from '../src/db/db.ts';
import { json } from '../src/lib/rows.ts';
import type { OutboxJob } from '../src/domain/outbox/outbox.ts';
import { KEEP_FINISHED, type Queues } from '../src/queues/queues.ts';

/** Redis calls wait for Redis to come back; the relay gives up on one after this and tries again later. */
const CALL_TIMEOUT_MS = 3_000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: Redis did not answer within ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface RelayOptions {
  /** Pause between passes when the outbox is empty. */
  idleMs: number;
  /** Rows read per pass. */
  batch: number;
  /** Longest pause after a failure (Redis away); doubles from idleMs up to this. */
  maxBackoffMs: number;
}

/**
 * Moves the jobs that committed transitions wrote to the outbox into BullMQ (DESIGN §8). Rows go in id
 * order and a row is marked delivered only after all its jobs reached Redis; when Redis is away the relay
 * stops at the first failure, keeps the rest in the database and tries again with a growing pause. Job ids
 * are deterministic and finished jobs are kept for a week, so delivering a row twice (a crash between
 * Redis and the database) enqueues nothing twice.
 */
export class OutboxRelay {
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;
  private backoffMs: number;

  constructor(
    private readonly db: Db,
    private readonly queues: Queues,
    private readonly logger: Logger,
    private readonly options: RelayOptions = { idleMs: 200, batch: 100, maxBackoffMs: 5_000 },
  ) {
    this.backoffMs = options.idleMs;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops after the pass in flight (a row is never left half-marked). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.pass;
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.pass = this.deliverPending()
        .then((delivered) => {
          this.backoffMs = this.options.idleMs;
          // More may be waiting: go again at once.
          this.schedule(delivered === this.options.batch ? 0 : this.options.idleMs);
        })
        .catch((err) => {
          this.logger.warn({ err: (err as Error).message, retryInMs: this.backoffMs }, 'outbox relay: delivery failed, will retry');
          this.schedule(this.backoffMs);
          this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs);
        });
    }, ms);
  }

  /**
   * One pass: delivers up to `batch` rows in order.
   * @returns how many rows were delivered.
   * @throws the first Redis error (the row stays pending; its attempt is counted).
   */
  async deliverPending(): Promise<number> {
    const rows = await this.db('outbox').whereNull('delivered_at').orderBy('id').limit(this.options.batch).select('id', 'jobs');
    let delivered = 0;
    for (const row of rows) {
      try {
        for (const job of json<OutboxJob[]>(row.jobs)) await this.deliver(job);
      } catch (err) {
        await this.db('outbox')
          .where({ id: row.id })
          .update({ attempts: this.db.raw('attempts + 1'), last_error: String((err as Error).message).slice(0, 500) });
        throw err;
      }
      await this.db('outbox').where({ id: row.id }).whereNull('delivered_at').update({ delivered_at: new Date().toISOString(), last_error: null });
      delivered++;
    }
    return delivered;
  }

  private async deliver(job: OutboxJob): Promise<void> {
    const queue = this.queues[job.queue];
    if (job.action === 'remove') {
      // 0 when the job is gone already or running; a running stale job re-reads the record and does nothing.
      await withTimeout(queue.remove(job.jobId), `remove ${job.jobId}`);
      return;
    }
    const delay = job.runAt ? Math.max(0, Date.parse(job.runAt) - Date.now()) : 0;
    // A timed-out add may still land later: the next pass adds it again under the same id, a no-op.
    await withTimeout(
      queue.add(job.name, job.payload, { jobId: job.jobId, delay, attempts: 8, backoff: { type: 'exponential', delay: 1_000 }, ...KEEP_FINISHED }),
      `add ${job.jobId}`,
    );
  }
}
