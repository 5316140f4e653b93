import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';

/** The working-day calendar over HTTP: Tết, 30/4–1/5, 2/9, a weekend holiday and its compensatory day, overrides. */
let app: TestApp;
let w: World;

beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
});
afterAll(() => app.close());

async function due(start: string, workingDays: number): Promise<string> {
  const res = await w.http.get(`/api/calendar/due?start=${encodeURIComponent(start)}&workingDays=${workingDays}`, { token: w.onestop.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.due;
}

const local = (iso: string) => new Date(iso).toISOString();

describe('GET /api/calendar/due', () => {
  it('skips 30/4 and 1/5 and the weekend after (the design example)', async () => {
    expect(await due('2026-04-29T09:00:00+07:00', 3)).toBe(local('2026-05-06T09:00:00+07:00'));
  });

  it('skips the Tết holiday', async () => {
    // The official schedule: Monday 16 to Friday 20 February 2026 (29 tháng Chạp to mùng 4 Tết).
    expect(await due('2026-02-13T10:00:00+07:00', 1)).toBe(local('2026-02-23T10:00:00+07:00'));
  });

  it('skips the National Day days of 2026 (Mon 31/8 swapped, 1/9, 2/9) and counts the make-up Saturday 22/8', async () => {
    expect(await due('2026-08-28T09:00:00+07:00', 1)).toBe(local('2026-09-03T09:00:00+07:00'));
    expect(await due('2026-08-21T09:00:00+07:00', 1)).toBe(local('2026-08-22T09:00:00+07:00'));
  });

  it('gives the compensatory day when a holiday falls on a weekend (Giỗ Tổ, Sunday 26/4/2026 → Monday 27/4 off)', async () => {
    expect(await due('2026-04-24T09:00:00+07:00', 1)).toBe(local('2026-04-28T09:00:00+07:00'));
    const daysOff = await w.http.get('/api/calendar/days-off?year=2026', { token: w.staff.token });
    expect(daysOff.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ date: '2026-04-27', reason: 'compensatory', working: false })]));
  });

  it('counts a start after office hours from the next opening, due at closing time', async () => {
    expect(await due('2026-03-02T18:00:00+07:00', 1)).toBe(local('2026-03-03T17:30:00+07:00'));
    expect(await due('2026-03-02T18:00:00+07:00', 3)).toBe(local('2026-03-05T17:30:00+07:00'));
  });

  it('adds fractions of a day in office hours', async () => {
    expect(await due('2026-03-02T10:30:00+07:00', 0.5)).toBe(local('2026-03-02T16:30:00+07:00'));
  });
});

describe('calendar overrides (the Prime Minister’s yearly schedule)', () => {
  it('an admin makes a day a holiday or a working day; due dates follow at once; removal restores', async () => {
    const put = await w.http.put('/api/calendar/overrides/2026-04-28', { kind: 'holiday', name: 'Nghỉ bù theo quyết định' }, { token: w.admin.token });
    expect(put.status).toBe(200);
    expect(await due('2026-04-24T09:00:00+07:00', 1)).toBe(local('2026-04-29T09:00:00+07:00'));

    const saturday = await w.http.put('/api/calendar/overrides/2026-04-25', { kind: 'workday', name: 'Làm bù' }, { token: w.admin.token });
    expect(saturday.status).toBe(200);
    expect(await due('2026-04-24T09:00:00+07:00', 1)).toBe(local('2026-04-25T09:00:00+07:00'));

    const list = await w.http.get('/api/calendar/overrides?year=2026', { token: w.onestop.token });
    expect(list.body.items.map((o: { date: string }) => o.date)).toEqual(['2026-04-25', '2026-04-28']);

    expect((await w.http.delete('/api/calendar/overrides/2026-04-25', { token: w.admin.token })).status).toBe(200);
    expect((await w.http.delete('/api/calendar/overrides/2026-04-28', { token: w.admin.token })).status).toBe(200);
    expect(await due('2026-04-24T09:00:00+07:00', 1)).toBe(local('2026-04-28T09:00:00+07:00'));
    const audited = await app.deps.db('events').where({ stream_type: 'calendar' }).orderBy('id').select('type', 'stream_id');
    expect(audited.map((e) => e.type)).toEqual(['OVERRIDE_SET', 'OVERRIDE_SET', 'OVERRIDE_REMOVED', 'OVERRIDE_REMOVED']);
  });

  it('only an admin edits overrides; bad dates are refused; nothing changes', async () => {
    const before = await fingerprint(app.deps.db);
    expect((await w.http.put('/api/calendar/overrides/2026-05-04', { kind: 'holiday' }, { token: w.onestop.token })).status).toBe(403);
    expect((await w.http.put('/api/calendar/overrides/2026-13-40', { kind: 'holiday' }, { token: w.admin.token })).status).toBe(400);
    expect((await w.http.put('/api/calendar/overrides/2026-05-04', { kind: 'sometimes' }, { token: w.admin.token })).status).toBe(400);
    expect((await w.http.delete('/api/calendar/overrides/2026-05-04', { token: w.admin.token })).status).toBe(404);
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });
});
