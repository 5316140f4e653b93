import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeadlinesWorker } from '../../workers/deadlines.worker.ts';
import { OutboxRelay } from '../../workers/outbox-relay.ts';
import { compressedCalendar } from '../support/compressed-calendar.ts';
import { APPLICANT, buildProcedure, buildWorld, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { randomPrefix, startTestWorkers, type TestWorkers } from '../support/test-workers.ts';

/** A worker killed with SIGKILL in the middle of a job: the job runs again, and its effect happens once. */
let app: TestApp;
let w: World;
let workers: TestWorkers;
let relay: OutboxRelay;
let child: ChildProcess | null = null;
const prefix = randomPrefix();

beforeAll(async () => {
  app = await startTestApp({ env: { QUEUE_PREFIX: prefix }, overrides: { calendar: compressedCalendar(1_000), clock: () => new Date() } });
  w = await buildWorld(app);
  workers = await startTestWorkers(app, { start: false });
  relay = new OutboxRelay(app.deps.db, workers.deps.queues, workers.deps.logger, { idleMs: 50, batch: 100, maxBackoffMs: 500 });
  relay.start();
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await relay.stop();
  await workers.close();
  await app.close();
});

function startHangingWorker(): Promise<{ committed: Promise<string> }> {
  const database = app.database.database;
  child = fork(path.join(import.meta.dirname, 'support/hanging-worker.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: database.client === 'pg' ? database.url : `sqlite:${database.filename}`,
      REDIS_URL: app.deps.config.redisUrl,
      QUEUE_PREFIX: prefix,
      IDESK_ADMIN_PASSWORD: 'Quan-tri-2026',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let committed: (id: string) => void;
    const done = new Promise<string>((r) => (committed = r));
    child?.on('message', (m: { ready?: boolean; committed?: string }) => {
      if (m.ready) resolve({ committed: done });
      if (m.committed) committed(m.committed);
    });
    child?.once('exit', (code) => reject(new Error(`the hanging worker exited with ${code}`)));
  });
}

describe('a worker killed in the middle of a job', () => {
  it('leaves the job to run again, with its effect once', async () => {
    const procedure = await buildProcedure(app, w.departmentId, { workingDays: 3, hasFee: false, stepAllocation: { review: 1 } });
    const { committed } = await startHangingWorker();
    const created = await w.http.post('/api/dossiers', { procedureId: procedure.id, applicant: APPLICANT }, { token: w.onestop.token });
    expect(created.status).toBe(201);
    const id = created.body.id as number;

    const jobId = await committed;
    // The effect is in the database; BullMQ has not heard the job finished. Kill the worker now.
    child?.removeAllListeners('exit');
    child?.kill('SIGKILL');
    const overdueEvents = () => app.deps.db('events').where({ stream_type: 'dossier', stream_id: String(id), type: 'STEP_OVERDUE' });
    expect(await overdueEvents()).toHaveLength(1);
    const job = await workers.deps.queues.deadlines.getJob(jobId);
    expect(await job?.getState()).toBe('active');

    // Another worker finds the job stalled (its lock lapsed with the dead process) and runs it again.
    const survivor = createDeadlinesWorker(workers.deps, { lockDuration: 1_500, stalledInterval: 1_000 });
    try {
      const until = Date.now() + 20_000;
      let state = await job?.getState();
      while (state !== 'completed') {
        if (Date.now() > until) throw new Error(`the job stayed ${state}`);
        await new Promise((r) => setTimeout(r, 200));
        state = await (await workers.deps.queues.deadlines.getJob(jobId))?.getState();
      }
      const finished = await workers.deps.queues.deadlines.getJob(jobId);
      // It ran again, found the step already marked, and did nothing more.
      expect(finished?.returnvalue).toBe('stale');
      expect(finished?.stalledCounter ?? 0).toBeGreaterThanOrEqual(1);
    } finally {
      await survivor.close();
    }
    expect(await overdueEvents()).toHaveLength(1);
    const notes = await app.deps.db('notifications').where({ subject_id: String(id), kind: 'step-overdue' }).select('recipient_id');
    expect(notes.map((n) => n.recipient_id).sort()).toEqual([...new Set(notes.map((n) => n.recipient_id))].sort());
    expect(notes.length).toBeGreaterThan(0);
  }, 45_000);
});
