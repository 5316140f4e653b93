import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createApplicantNoticesWorker } from './applicant-notices.worker.ts';
import { createDeadlinesWorker, type WorkerTuning } from './deadlines.worker.ts';
import { createMaintenanceWorker } from './maintenance.worker.ts';
import { emailTransportStatus } from '../src/domain/notifications/email-transport.ts';
import { createNotificationsWorker } from './notifications.worker.ts';
import { OutboxRelay } from './outbox-relay.ts';
import { upsertSchedulers } from './schedulers.ts';
import type { WorkerDeps } from './worker-deps.ts';

export interface WorkerProcess {
  relay: OutboxRelay;
  workers(): Worker[];
  /** Stops taking work, lets active jobs finish within `graceMs`, then releases them and closes. */
  stop(graceMs?: number): Promise<void>;
}

export interface WorkerProcessOptions {
  tuning?: WorkerTuning;
  /** Register the recurring jobs (sweep, backups, checkpoints); on by default. */
  schedulers?: boolean;
  /** How often the watchdog checks the workers' Redis connections. */
  watchdogMs?: number;
}

/** Logs a worker's errors without flooding the log while Redis is away. */
function quietErrors(worker: Worker, logger: Logger): void {
  let last = 0;
  worker.on('error', (err) => {
    if (Date.now() - last < 30_000) return;
    last = Date.now();
    logger.warn({ queue: worker.name, err: err.message }, 'worker error');
  });
  worker.on('failed', (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) logger.error({ queue: worker.name, job: job.id, err: err.message }, 'job failed for good');
  });
}

/**
 * Starts the outbox relay, the deadline, notification and maintenance workers, and the recurring jobs.
 * A watchdog recreates a worker whose Redis connection ended for good (ioredis gave up), so workers come
 * back after a Redis restart on their own.
 */
export async function startWorkerProcess(deps: WorkerDeps, options: WorkerProcessOptions = {}): Promise<WorkerProcess> {
  const factories: Array<() => Worker | null> = [
    () => createDeadlinesWorker(deps, options.tuning),
    () => createMaintenanceWorker(deps),
    () => createNotificationsWorker(deps),
    () => createApplicantNoticesWorker(deps),
  ];
  const slots: Array<{ make: () => Worker | null; worker: Worker }> = [];
  for (const make of factories) {
    const worker = make();
    if (worker) {
      quietErrors(worker, deps.logger);
      slots.push({ make, worker });
    }
  }
  const email = emailTransportStatus(deps.config.smtp);
  if (!email.configured) deps.logger.info({ queue: 'notifications', reason: 'SMTP_URL is not set' }, 'no e-mail worker: notifications are shown in the app only and no e-mail job is queued');
  const relay = new OutboxRelay(deps.db, deps.queues, deps.logger);
  relay.start();
  if (options.schedulers !== false) {
    // Not awaited: with Redis away this waits for it, and the process must start all the same.
    void upsertSchedulers(deps.queues, deps.config).catch((err) => deps.logger.warn({ err: (err as Error).message }, 'could not register the recurring jobs yet'));
  }
  let stopping = false;
  let checking = false;
  const watchdog = setInterval(async () => {
    // A check that waits on a Redis that is away must not pile up behind itself.
    if (checking) return;
    checking = true;
    try {
      await check();
    } finally {
      checking = false;
    }
  }, options.watchdogMs ?? 10_000);
  watchdog.unref();

  async function check(): Promise<void> {
    for (const slot of slots) {
      if (stopping) return;
      // The connection each worker was given (createRedis): 'end' means ioredis stopped trying.
      const connection = slot.worker.opts.connection as unknown as Redis;
      if (slot.worker.isRunning() && connection.status !== 'end') continue;
      deps.logger.warn({ queue: slot.worker.name }, 'worker lost Redis for good; recreating it');
      await slot.worker.close(true).catch(() => undefined);
      const fresh = slot.make();
      if (fresh) {
        quietErrors(fresh, deps.logger);
        slot.worker = fresh;
      }
    }
    if (options.schedulers !== false && !stopping) await upsertSchedulers(deps.queues, deps.config, { onlyMissing: true }).catch(() => undefined);
  }

  return {
    relay,
    workers: () => slots.map((s) => s.worker),
    stop: async (graceMs = deps.config.shutdownGraceMs) => {
      stopping = true;
      clearInterval(watchdog);
      await relay.stop();
      await Promise.all(
        slots.map(async ({ worker }) => {
          // close() stops taking jobs and waits for the active ones. Past the bound we stop waiting and
          // the process goes: the jobs' locks lapse and another worker runs them again (their effects
          // happen once: every job re-reads its record), so nothing acknowledged is lost.
          const graceful = worker.close().catch(() => undefined);
          const finished = await Promise.race([graceful.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref())]);
          if (!finished) deps.logger.warn({ queue: worker.name, graceMs }, 'jobs still running at shutdown were released');
        }),
      );
    },
  };
}
