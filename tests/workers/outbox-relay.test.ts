import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxJobs } from '../../src/domain/outbox/outbox.ts';
import { OutboxRelay } from '../../workers/outbox-relay.ts';
import { APPLICANT, buildWorld, type World } from '../support/factories.ts';
import { TestRedis } from '../support/redis-server.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { randomPrefix, startTestWorkers, type TestWorkers } from '../support/test-workers.ts';

/**
 * Redis goes away during a burst of transitions: every transition still commits and answers 200; when
 * Redis returns, the relay delivers every implied job, once.
 */
let redis: TestRedis;
let app: TestApp;
let w: World;
let workers: TestWorkers;
let relay: OutboxRelay | null = null;

beforeAll(async () => {
  redis = await TestRedis.start();
  // The real clock: due instants lie days ahead, so the jobs wait in Redis as delayed jobs.
  app = await startTestApp({ env: { REDIS_URL: redis.url, QUEUE_PREFIX: randomPrefix() }, overrides: { clock: () => new Date() } });
  w = await buildWorld(app);
  // The relay only: no worker takes the jobs, so what reached Redis can be counted.
  workers = await startTestWorkers(app, { start: false });
});
afterAll(async () => {
  await redis.restart().catch(() => undefined);
  await relay?.stop();
  await workers.close();
  await redis.stop();
  await app.close();
});

/** What should be waiting in Redis: the outbox's adds and removes replayed in order. */
async function expectedJobs(): Promise<Map<string, { name: string; runAt: string | null }>> {
  const live = new Map<string, { name: string; runAt: string | null }>();
  for (const job of await outboxJobs(app.deps.db)) {
    if (job.action === 'add') live.set(job.jobId, { name: job.name, runAt: job.runAt });
    else live.delete(job.jobId);
  }
  return live;
}

describe('the outbox relay', () => {
  it('loses nothing while Redis is down and delivers everything once when it returns', async () => {
    relay = new OutboxRelay(app.deps.db, workers.deps.queues, workers.deps.logger, { idleMs: 50, batch: 100, maxBackoffMs: 200 });
    relay.start();

    await redis.stop();
    const statuses: number[] = [];
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT }, { token: w.onestop.token });
      statuses.push(res.status);
      ids.push(res.body.id);
    }
    for (const [i, id] of ids.entries()) {
      const assign = await w.http.post(`/api/dossiers/${id}/events`, { type: 'ASSIGN', version: 2, assigneeId: w.specialist.id }, { token: w.lead.token });
      statuses.push(assign.status);
      if (i % 2 === 0) {
        // A step ends: its jobs are to be removed, the next step's added.
        statuses.push((await w.http.post(`/api/dossiers/${id}/events`, { type: 'VERIFY', version: 3 }, { token: w.specialist.token })).status);
      }
    }
    expect(statuses.every((s) => s === 200 || s === 201)).toBe(true);
    // The relay tried, failed (each Redis call is given 3 s), and kept the rows.
    let tried: { last_error: string } | undefined;
    for (let i = 0; i < 100 && !tried; i++) {
      tried = await app.deps.db('outbox').where('attempts', '>', 0).first('last_error');
      if (!tried) await new Promise((r) => setTimeout(r, 100));
    }
    expect(tried?.last_error).toMatch(/Redis did not answer/);
    const pending = await app.deps.db('outbox').whereNull('delivered_at').count<{ n: number }[]>('id as n').first();
    expect(Number(pending?.n)).toBeGreaterThan(0);
    expect(await app.deps.db('outbox').whereNotNull('delivered_at').first()).toBeUndefined();

    await redis.restart();
    const until = Date.now() + 15_000;
    for (;;) {
      const left = await app.deps.db('outbox').whereNull('delivered_at').count<{ n: number }[]>('id as n').first();
      if (Number(left?.n) === 0) break;
      if (Date.now() > until) throw new Error('the relay did not catch up');
      await new Promise((r) => setTimeout(r, 100));
    }
    await relay.stop();

    const expected = await expectedJobs();

    const delayed = await workers.deps.queues.deadlines.getDelayed(0, -1);
    const inRedis = delayed.map((job) => job.id as string).sort();
    expect(inRedis).toEqual([...expected.keys()].sort());
    expect(new Set(inRedis).size).toBe(inRedis.length);
    expect(await workers.deps.queues.deadlines.getJobCounts('waiting', 'active', 'completed', 'failed')).toEqual({ waiting: 0, active: 0, completed: 0, failed: 0 });
    for (const job of delayed) {
      const want = expected.get(job.id as string);
      expect(job.name).toBe(want?.name);
      expect(job.timestamp + job.delay).toBeGreaterThanOrEqual(Date.parse(want?.runAt as string) - 50);
    }

    // Delivering again (a relay that crashed before marking its rows) changes nothing in Redis.
    await app.deps.db('outbox').update({ delivered_at: null });
    const again = new OutboxRelay(app.deps.db, workers.deps.queues, workers.deps.logger);
    while ((await again.deliverPending()) > 0);
    expect((await workers.deps.queues.deadlines.getDelayed(0, -1)).map((j) => j.id as string).sort()).toEqual(inRedis);
  });
});
