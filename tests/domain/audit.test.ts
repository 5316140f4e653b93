import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckpoint, verifyEventLog } from '../../src/domain/audit/event-log.ts';
import { APPLICANT, buildWorld, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const run = promisify(execFile);

/** The hash-chained log detects an altered event, a deleted event, a deleted tail and a deleted stream. */
let app: TestApp;
let w: World;
const dossiers: number[] = [];

async function driveDossier(): Promise<number> {
  const res = await w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT }, { token: w.onestop.token });
  const id = res.body.id as number;
  await w.http.post(`/api/dossiers/${id}/events`, { type: 'ASSIGN', version: 2, assigneeId: w.specialist.id }, { token: w.lead.token });
  await w.http.post(`/api/dossiers/${id}/events`, { type: 'VERIFY', version: 3 }, { token: w.specialist.token });
  await w.http.post(`/api/dossiers/${id}/events`, { type: 'PROPOSE', version: 4, opinion: 'Đủ điều kiện', proposedResult: 'grant' }, { token: w.lead.token });
  return id;
}

async function cli(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent' };
  const database = app.database.database;
  env.DATABASE_URL = database.client === 'pg' ? database.url : `sqlite:${database.filename}`;
  try {
    const { stdout } = await run('npx', ['tsx', 'src/cli/idesk.ts', ...args], { env, cwd: process.cwd() });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

async function eventRow(dossierId: number, seq: number) {
  return app.deps.db('events').where({ stream_type: 'dossier', stream_id: String(dossierId), seq }).first();
}

beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
  for (let i = 0; i < 4; i++) dossiers.push(await driveDossier());
});
afterAll(() => app.close());

describe('audit verify', () => {
  it('passes on an untouched log, from the CLI too', async () => {
    const report = await verifyEventLog(app.deps.db);
    expect(report).toMatchObject({ ok: true, firstBroken: null });
    expect(report.eventsChecked).toBeGreaterThan(20);
    const out = await cli('audit', 'verify');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ ok: true });
  });

  it('finds an altered event and names it; the CLI exits 1', async () => {
    const target = await eventRow(dossiers[0] as number, 3);
    const original = target.payload;
    await app.deps.db('events').where({ id: target.id }).update({ payload: JSON.stringify({ assigneeId: w.specialist2.id }) });
    const report = await verifyEventLog(app.deps.db);
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toMatchObject({ problem: 'hash-mismatch', eventId: target.id, streamType: 'dossier', streamId: String(dossiers[0]), seq: 3 });
    const out = await cli('audit', 'verify');
    expect(out.code).toBe(1);
    expect(JSON.parse(out.stdout).firstBroken.eventId).toBe(target.id);
    await app.deps.db('events').where({ id: target.id }).update({ payload: typeof original === 'string' ? original : JSON.stringify(original) });
    expect((await verifyEventLog(app.deps.db)).ok).toBe(true);
  });

  it('finds an altered actor or instant', async () => {
    const target = await eventRow(dossiers[1] as number, 2);
    await app.deps.db('events').where({ id: target.id }).update({ at: '2026-03-01T00:00:00.000Z' });
    expect((await verifyEventLog(app.deps.db)).firstBroken).toMatchObject({ problem: 'hash-mismatch', eventId: target.id });
    await app.deps.db('events').where({ id: target.id }).update({ at: target.at });
    expect((await verifyEventLog(app.deps.db)).ok).toBe(true);
  });

  it('finds a deleted event in the middle of a history', async () => {
    const target = await eventRow(dossiers[1] as number, 3);
    await app.deps.db('events').where({ id: target.id }).delete();
    const report = await verifyEventLog(app.deps.db);
    expect(report.firstBroken).toMatchObject({ problem: 'missing-event', streamId: String(dossiers[1]), seq: 4 });
    await app.deps.db('events').insert(target);
    expect((await verifyEventLog(app.deps.db)).ok).toBe(true);
  });

  it('finds a deleted last event (the dossier is ahead of its history)', async () => {
    const target = await eventRow(dossiers[2] as number, 5);
    await app.deps.db('events').where({ id: target.id }).delete();
    const report = await verifyEventLog(app.deps.db);
    expect(report.firstBroken).toMatchObject({ problem: 'missing-tail', streamId: String(dossiers[2]), seq: 5 });
    await app.deps.db('events').insert(target);
    expect((await verifyEventLog(app.deps.db)).ok).toBe(true);
  });

  it('finds a whole record deleted with its history, through the checkpoint', async () => {
    app.clock.advance(120_000);
    const checkpoint = await createCheckpoint(app.deps.db, app.clock.now());
    expect(checkpoint?.eventCount).toBeGreaterThan(20);
    expect((await verifyEventLog(app.deps.db)).checkpointsChecked).toBe(1);
    const id = dossiers[3] as number;
    await app.deps.db('events').where({ stream_type: 'dossier', stream_id: String(id) }).delete();
    await app.deps.db('dossiers').where({ id }).delete();
    const report = await verifyEventLog(app.deps.db);
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toMatchObject({ problem: 'checkpoint-mismatch', checkpointId: checkpoint?.id });
  });
});
