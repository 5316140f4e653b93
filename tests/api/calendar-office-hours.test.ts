import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, buildWorld, fireAs, type TestUser, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Non-default OFFICE_HOURS (mornings only, 4 hours a day): a working day is the configured office day
 * everywhere, including the paused supplement clock, which divided by a hard-coded 480 minutes.
 */
let app: TestApp;
let w: World;
const at = (local: string) => new Date(local).toISOString();

beforeAll(async () => {
  app = await startTestApp({ env: { OFFICE_HOURS: '08:00-12:00', SESSION_TTL_HOURS: '8760' } });
  w = await buildWorld(app);
});
afterAll(() => app.close());

const fire = (d: { id: number; version: number }, user: TestUser, type: string, extra: Record<string, unknown> = {}) => fireAs(w.http, d, user, type, extra);

describe('OFFICE_HOURS=08:00-12:00', () => {
  it('a working day is one morning: 1 day from Monday 09:00 is Tuesday 09:00, half a day is two hours', async () => {
    const one = await w.http.get(`/api/calendar/due?start=${encodeURIComponent('2026-03-02T09:00:00+07:00')}&workingDays=1`, { token: w.staff.token });
    expect(one.body.due).toBe(at('2026-03-03T09:00:00+07:00'));
    const half = await w.http.get(`/api/calendar/due?start=${encodeURIComponent('2026-03-02T09:00:00+07:00')}&workingDays=0.5`, { token: w.staff.token });
    expect(half.body.due).toBe(at('2026-03-02T11:00:00+07:00'));
  });

  it('pause: the appointment moves by the working time waited, counted in days of the configured length', async () => {
    app.clock.set(at('2026-03-02T09:00:00+07:00'));
    const res = await w.http.post('/api/dossiers', { procedureId: w.procedures.pause.id, applicant: APPLICANT }, { token: w.onestop.token });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const d = res.body;
    expect(d.dueAt).toBe(at('2026-03-18T09:00:00+07:00')); // 12 working days
    await fire(d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    await fire(d, w.specialist, 'INVALID', { reason: 'Thiếu hồ sơ' });
    app.clock.set(at('2026-03-03T09:00:00+07:00'));
    await fire(d, w.onestop, 'REQUEST_SUPPLEMENT', { guidance: '1. Sơ đồ mặt bằng' });
    app.clock.set(at('2026-03-05T10:00:00+07:00'));
    const back = await fire(d, w.onestop, 'SUPPLEMENT');
    // Waited Tue 09–12 (3 h), Wed 08–12 (4 h), Thu 08–10 (2 h) = 9 office hours = 2.25 mornings.
    // From Wed 18/3 09:00: 3 h that morning, 4 h on Thursday, 2 h on Friday → Fri 20/3 10:00.
    // (Dividing by 480 minutes moved it by 4.5 hours only: Thu 19/3 09:30.)
    expect(back.dueAt).toBe(at('2026-03-20T10:00:00+07:00'));
  });
});
