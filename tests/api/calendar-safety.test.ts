import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, buildWorld, fireAs, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';

/**
 * Issue 6 §3.7 (a start in year 0 froze the server), §3.8 (one bad override broke every deadline) and
 * §2 (warnings for a year without its official schedule), over HTTP against the real app.
 */
let app: TestApp;
let w: World;

beforeAll(async () => {
  // The clock moves by months here; sessions must outlive that.
  app = await startTestApp({ env: { SESSION_TTL_HOURS: '8760' } });
  w = await buildWorld(app);
});
afterAll(() => app.close());

const due = (start: string, workingDays: string | number) =>
  w.http.get(`/api/calendar/due?start=${encodeURIComponent(start)}&workingDays=${encodeURIComponent(String(workingDays))}`, { token: w.staff.token });

describe('§3.7 calendar walks are bounded: out-of-range input is a 400, quickly, and the server keeps answering', () => {
  it('answers the exact inputs of the report with 400 CALENDAR_OUT_OF_RANGE while /healthz keeps answering', async () => {
    const started = Date.now();
    const [year0, year1, farFuture, health] = await Promise.all([
      due('0000-01-01T00:00:00Z', 1),
      due('0001-01-01T03:00:00Z', 1),
      due('9999-12-31T23:59:59Z', 1),
      w.http.get('/healthz'),
    ]);
    for (const res of [year0, year1, farFuture]) {
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe('CALENDAR_OUT_OF_RANGE');
      expect(res.body.error.details).toMatchObject({ from: '2000-01-01', to: '2100-12-31' });
    }
    expect(health.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await w.http.get('/healthz')).status).toBe(200);
  });

  it('refuses a start whose due instant would leave the range, and a leap second, with 400', async () => {
    const late = await due('2100-12-31T09:00:00+07:00', 365);
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe('CALENDAR_OUT_OF_RANGE');
    const leap = await due('2026-12-31T23:59:60Z', 1);
    expect(leap.status, JSON.stringify(leap.body)).toBe(400);
    expect(leap.body.error.code).toMatch(/^[A-Z_]+$/);
  });

  it('refuses non-finite and huge numbers with 400', async () => {
    for (const n of ['Infinity', '-Infinity', '1e999', '366']) {
      const res = await due('2026-05-05T09:00:00+07:00', n);
      expect(res.status, n).toBe(400);
    }
    for (const year of ['1999', '2101', 'Infinity', '1e999']) {
      expect((await w.http.get(`/api/calendar/days-off?year=${year}`, { token: w.staff.token })).status, year).toBe(400);
      expect((await w.http.get(`/api/calendar/schedules?year=${year}`, { token: w.staff.token })).status, year).toBe(400);
    }
  });

  it('still answers in range', async () => {
    const res = await due('2100-12-30T09:00:00+07:00', 1);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.due).toBe(new Date('2100-12-31T09:00:00+07:00').toISOString());
  });
});

describe('§3.8 overrides: refused outside the range on the way in; a bad stored row never takes the service down', () => {
  it('refuses 0026-04-30 and 2101-01-01 with 400 CALENDAR_OUT_OF_RANGE and changes nothing', async () => {
    const before = await fingerprint(app.deps.db);
    for (const date of ['0026-04-30', '2101-01-01', '1999-12-31']) {
      const res = await w.http.put(`/api/calendar/overrides/${date}`, { kind: 'holiday' }, { token: w.admin.token });
      expect(res.status, date).toBe(400);
      expect(res.body.error.code).toBe('CALENDAR_OUT_OF_RANGE');
    }
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });

  it('skips a bad row written straight into the database: intake, transitions, due and days-off keep working; the admin sees it and deletes it', async () => {
    const at = app.deps.clock().toISOString();
    await app.deps.db('calendar_overrides').insert([
      { date: '0026-04-30', kind: 'holiday', name: null, created_at: at },
      { date: 'not a day', kind: 'workday', name: 'by hand', created_at: at },
      { date: '2026-03-10', kind: 'holiday', name: 'Nghỉ theo quyết định của tỉnh', created_at: at },
    ]);
    app.deps.calendar.invalidate();

    const intake = await w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT }, { token: w.onestop.token });
    expect(intake.status, JSON.stringify(intake.body)).toBe(201);
    // The sound row beside the bad ones still applies: 10 working days from Mon 2/3 09:00 skip Tue 10/3 (Mon 16/3 without it).
    expect(intake.body.dueAt).toBe(new Date('2026-03-17T09:00:00+07:00').toISOString());
    await fireAs(w.http, intake.body, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });

    const dueRes = await due('2026-03-09T09:00:00+07:00', 1);
    expect(dueRes.status).toBe(200);
    expect(dueRes.body.due).toBe(new Date('2026-03-11T09:00:00+07:00').toISOString());
    const daysOff = await w.http.get('/api/calendar/days-off?year=2026', { token: w.staff.token });
    expect(daysOff.status).toBe(200);
    expect(daysOff.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ date: '2026-03-10', reason: 'override-holiday' })]));

    const list = await w.http.get('/api/calendar/overrides', { token: w.admin.token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((o: { date: string }) => o.date)).toEqual(['2026-03-10']);
    expect(list.body.skipped).toEqual([
      expect.objectContaining({ date: '0026-04-30', kind: 'holiday', problem: expect.stringMatching(/outside/) }),
      expect.objectContaining({ date: 'not a day', kind: 'workday', problem: expect.stringMatching(/invalid date/) }),
    ]);
    const schedules = await w.http.get('/api/calendar/schedules', { token: w.admin.token });
    expect(schedules.body.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'OVERRIDE_SKIPPED', date: '0026-04-30' })]));
    const ready = await w.http.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', details: { calendar: { warnings: [{ code: 'OVERRIDE_SKIPPED' }, { code: 'OVERRIDE_SKIPPED' }] } } });

    expect((await w.http.delete('/api/calendar/overrides/0026-04-30', { token: w.admin.token })).status).toBe(200);
    await app.deps.db('calendar_overrides').whereIn('date', ['not a day', '2026-03-10']).delete();
    app.deps.calendar.invalidate();
    expect((await w.http.get('/api/calendar/overrides', { token: w.admin.token })).body).toEqual({ items: [], skipped: [] });
    expect((await w.http.get('/readyz')).body.details).toBeUndefined();
  });
});

describe('§2 a year without its official schedule is warned about from 1 September of the year before', () => {
  it('says nothing in March 2026 (2026 is shipped), warns about 2027 from 1 September 2026 in the admin API and /readyz', async () => {
    app.clock.set('2026-08-31T16:59:00Z'); // 23:59 on 31/8 in Vietnam
    expect((await w.http.get('/api/calendar/schedules', { token: w.admin.token })).body.warnings).toEqual([]);
    expect((await w.http.get('/readyz')).body.details).toBeUndefined();

    app.clock.set('2026-12-03T02:00:00Z');
    const res = await w.http.get('/api/calendar/schedules', { token: w.admin.token });
    expect(res.status).toBe(200);
    expect(res.body.warnings).toEqual([expect.objectContaining({ code: 'SCHEDULE_MISSING', year: 2027, message: expect.stringMatching(/2027.*Labour Code/) })]);
    expect(res.body.years.map((y: { year: number; basis: string }) => `${y.year}:${y.basis}`)).toEqual(['2026:official', '2027:labour-code']);
    const y2026 = res.body.years[0];
    expect(y2026.sources.map((s: { document: string }) => s.document).join(' ')).toMatch(/12729\/VPCP-KGVX/);
    expect(y2026.days).toEqual(expect.arrayContaining([{ date: '2026-08-22', kind: 'swapped-workday', name: expect.stringMatching(/Làm bù/) }]));
    const ready = await w.http.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready',
      checks: { database: 'ok', redis: 'not-configured' },
      details: { calendar: { warnings: [{ code: 'SCHEDULE_MISSING', year: 2027 }] } },
    });
    app.clock.set('2026-03-02T02:00:00.000Z');
  });
});
