import fs from 'node:fs';
import path from 'node:path';
import { UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxJobs } from '../../src/domain/outbox/outbox.ts';
import { createLogger } from '../../src/logger.ts';
import { processBackupJob } from '../../workers/backup.job.ts';
import { processMaintenanceJob } from '../../workers/maintenance.worker.ts';
import type { WorkerDeps } from '../../workers/worker-deps.ts';
import { expectError } from '../support/assertions.ts';
import { buildUser, buildWorld, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';
import { startTestWorkers, type TestWorkers } from '../support/test-workers.ts';
import { backupEnv, cleanupAll } from './backup-support.ts';

/** POST/GET /api/admin/backups, and the maintenance job that makes the backup an admin asked for. */
let app: TestApp;
let w: World;

beforeAll(async () => {
  app = await startTestApp({ env: backupEnv() });
  w = await buildWorld(app);
});
afterAll(async () => {
  await app.close();
  await cleanupAll();
});

const deps = () => ({ ...app.deps, logger: createLogger('silent') });

describe('POST /api/admin/backups', () => {
  it('answers 202 with the queued backup and writes its job to the outbox in the same transaction', async () => {
    const res = await w.http.post('/api/admin/backups', undefined, { token: w.admin.token });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ kind: 'manual', status: 'queued', requestedBy: w.admin.id, sizeBytes: null, sha256: null, verified: null, startedAt: null });
    expect(res.body.id).toBeGreaterThan(0);
    expect(res.body.name).toMatch(new RegExp(`^idesk-\\d{8}T\\d{6}Z-${res.body.id}$`));
    const jobId = `backup-${res.body.id}-${(res.body.createdAt as string).replace(/[-:.]/g, '')}`;
    const jobs = (await outboxJobs(app.deps.db)).filter((j) => j.jobId === jobId);
    expect(jobs).toEqual([
      expect.objectContaining({ action: 'add', queue: 'maintenance', name: 'backup', jobId, payload: { backupId: res.body.id }, runAt: null }),
    ]);
  });

  it('is refused to everyone but an admin, and changes nothing', async () => {
    const before = await fingerprint(app.deps.db);
    for (const user of [w.director, w.lead, w.onestop, w.staff]) {
      expectError(await w.http.post('/api/admin/backups', undefined, { token: user.token }), 403, 'FORBIDDEN');
      expectError(await w.http.get('/api/admin/backups', { token: user.token }), 403, 'FORBIDDEN');
    }
    expectError(await w.http.post('/api/admin/backups'), 401, 'UNAUTHENTICATED');
    expectError(await w.http.get('/api/admin/backups'), 401, 'UNAUTHENTICATED');
    // An admin who has not yet changed the initial password is held back like everywhere else.
    const fresh = await buildUser(app, ['admin'], null, { mustChangePassword: true });
    expectError(await w.http.post('/api/admin/backups', undefined, { token: fresh.token }), 403, 'PASSWORD_CHANGE_REQUIRED');
    const after = await fingerprint(app.deps.db);
    // Only the new account (and its login) were added meanwhile: nothing in backups or the outbox.
    expect(after.backups).toEqual(before.backups);
    expect(after.outbox).toEqual(before.outbox);
  });

  it('refuses a non-admin without touching any table', async () => {
    const before = await fingerprint(app.deps.db);
    expectError(await w.http.post('/api/admin/backups', undefined, { token: w.specialist.token }), 403, 'FORBIDDEN');
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });
});

describe('the backup job', () => {
  it('runs the backup an admin asked for (job data { backupId }) and the list shows it finished and verified', async () => {
    const queued = (await w.http.post('/api/admin/backups', undefined, { token: w.admin.token })).body;
    const done = await processBackupJob({ name: 'backup', data: { backupId: queued.id } }, deps());
    expect(done).toMatchObject({ id: queued.id, kind: 'manual', status: 'succeeded', verified: true, error: null });
    expect(fs.existsSync(path.join(app.deps.config.backup.dir, queued.name, 'manifest.json'))).toBe(true);

    const list = await w.http.get('/api/admin/backups', { token: w.admin.token });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const listed = list.body.items.find((b: { id: number }) => b.id === queued.id);
    expect(listed).toEqual({
      id: queued.id,
      kind: 'manual',
      status: 'succeeded',
      requestedBy: w.admin.id,
      databaseClient: app.deps.config.database.client,
      name: queued.name,
      sizeBytes: expect.any(Number),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      verified: true,
      verification: expect.stringContaining('checksums ok'),
      error: null,
      createdAt: queued.createdAt,
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
    });
    expect(listed.sizeBytes).toBeGreaterThan(10_000);
    // Newest first, with the total.
    expect(list.body.items[0].id).toBeGreaterThanOrEqual(queued.id);
    expect(list.body.total).toBe(await app.deps.db('backups').count({ n: '*' }).first().then((r) => Number(r?.n)));
  });

  it('does nothing when the same job is delivered again after the backup finished', async () => {
    const queued = (await w.http.post('/api/admin/backups', undefined, { token: w.admin.token })).body;
    const first = await processBackupJob({ name: 'backup', data: { backupId: queued.id } }, deps());
    const folders = fs.readdirSync(app.deps.config.backup.dir);
    const again = await processBackupJob({ name: 'backup', data: { backupId: queued.id } }, deps());
    expect(again).toEqual(first);
    expect(fs.readdirSync(app.deps.config.backup.dir)).toEqual(folders);
  });

  it('is the maintenance queue\'s `backup` job; a scheduled one creates its row and keeps its id in the job data for retries', async () => {
    const updates: unknown[] = [];
    const job = { name: 'backup', data: { kind: 'scheduled' }, updateData: async (data: unknown) => void updates.push(data) };
    const done = (await processMaintenanceJob(job as never, deps() as unknown as WorkerDeps)) as { id: number; kind: string; status: string };
    expect(done).toMatchObject({ kind: 'scheduled', status: 'succeeded' });
    expect(updates).toEqual([{ kind: 'scheduled', backupId: done.id }]);
  });

  it('fails for good on data no backup can come from', async () => {
    await expect(processBackupJob({ name: 'backup', data: { backupId: 999_999 } }, deps())).rejects.toThrow(UnrecoverableError);
    await expect(processBackupJob({ name: 'backup', data: {} }, deps())).rejects.toThrow(UnrecoverableError);
  });
});

describe('with Redis: the API request travels through the outbox relay to the maintenance worker', () => {
  let redisApp: TestApp;
  let workers: TestWorkers;

  afterAll(async () => {
    await workers?.close();
    await redisApp?.close();
  });

  it('ends with the backup made and verified', async () => {
    redisApp = await startTestApp({ env: backupEnv(), queues: true });
    const world = await buildWorld(redisApp);
    workers = await startTestWorkers(redisApp);
    const queued = (await world.http.post('/api/admin/backups', undefined, { token: world.admin.token })).body;
    const until = Date.now() + 20_000;
    let row = await redisApp.deps.db('backups').where({ id: queued.id }).first();
    while (row.status !== 'succeeded' && row.status !== 'failed' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      row = await redisApp.deps.db('backups').where({ id: queued.id }).first();
    }
    expect(row).toMatchObject({ status: 'succeeded', error: null });
    // The row is written before the worker tells Redis the job is done: wait for that too.
    const jobId = `backup-${queued.id}-${(queued.createdAt as string).replace(/[-:.]/g, '')}`;
    let state = await (await workers.deps.queues.maintenance.getJob(jobId))?.getState();
    while (state !== 'completed' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      state = await (await workers.deps.queues.maintenance.getJob(jobId))?.getState();
    }
    expect(state).toBe('completed');
  });
});
