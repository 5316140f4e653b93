import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redisAnswers } from '../../bin/private-redis.ts';
import { compressedCalendar } from '../support/compressed-calendar.ts';
import { APPLICANT, buildProcedure, buildWorld } from '../support/factories.ts';
import { freePort, TestRedis } from '../support/redis-server.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { randomPrefix, startTestWorkers, type TestWorkers } from '../support/test-workers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

describe('npm start, the embedded default', () => {
  it('starts a private Redis when none answers, serves, and stops cleanly on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idesk-start-'));
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
    const [port, redisPort] = [await freePort(), await freePort()];
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production', DATA_DIR: dataDir, PORT: String(port), REDIS_URL: redisUrl, QUEUE_PREFIX: randomPrefix(), IDESK_ADMIN_PASSWORD: 'Quan-tri-2026', LOG_LEVEL: 'warn', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(async () => void child.kill('SIGKILL'));
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const until = Date.now() + 30_000;
    while (!output.includes('idesk on http://')) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output).toContain(`started a private one under ${path.join(dataDir, 'redis')}`);
    expect(await redisAnswers(redisUrl)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(fs.existsSync(path.join(dataDir, 'idesk.sqlite'))).toBe(true);

    const started = Date.now();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    // The private Redis went down with it.
    expect(await redisAnswers(redisUrl)).toBe(false);
  }, 60_000);
});

describe('workers and a Redis restart', () => {
  let redis: TestRedis;
  let app: TestApp;
  let workers: TestWorkers;

  it('carry on after Redis comes back: jobs written meanwhile are delivered and run', async () => {
    redis = await TestRedis.start();
    cleanups.push(() => redis.stop());
    app = await startTestApp({ env: { REDIS_URL: redis.url, QUEUE_PREFIX: randomPrefix() }, overrides: { calendar: compressedCalendar(500), clock: () => new Date() } });
    cleanups.push(() => app.close());
    const w = await buildWorld(app);
    const procedure = await buildProcedure(app, w.departmentId, { workingDays: 4, hasFee: false, stepAllocation: { review: 1 } });
    workers = await startTestWorkers(app, { watchdogMs: 500 });
    cleanups.push(() => workers.close());

    await redis.stop();
    const created = await w.http.post('/api/dossiers', { procedureId: procedure.id, applicant: APPLICANT }, { token: w.onestop.token });
    expect(created.status).toBe(201);
    await new Promise((r) => setTimeout(r, 1_000));
    await redis.restart();

    const until = Date.now() + 20_000;
    for (;;) {
      const marked = await app.deps.db('events').where({ stream_type: 'dossier', stream_id: String(created.body.id), type: 'STEP_OVERDUE' }).first();
      if (marked) break;
      if (Date.now() > until) throw new Error('the step was never marked overdue after Redis returned');
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 40_000);
});

describe('stopping a worker process', () => {
  it('waits for a running job only as long as the bound, then releases it', async () => {
    const { MAINTENANCE_JOBS } = await import('../../workers/maintenance.worker.ts');
    let started = false;
    MAINTENANCE_JOBS['test-slow'] = async () => {
      started = true;
      await new Promise((r) => setTimeout(r, 10_000));
    };
    const app = await startTestApp({ env: { QUEUE_PREFIX: randomPrefix() } });
    cleanups.push(() => app.close());
    const workers = await startTestWorkers(app);
    cleanups.push(async () => {
      delete MAINTENANCE_JOBS['test-slow'];
      await workers.close();
    });
    await workers.deps.queues.maintenance.add('test-slow', {}, { jobId: 'slow-1' });
    const until = Date.now() + 10_000;
    while (!started && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(started).toBe(true);
    const t0 = Date.now();
    await workers.process?.stop(500);
    expect(Date.now() - t0).toBeLessThan(2_000);
  }, 30_000);
});
