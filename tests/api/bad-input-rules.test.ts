import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, buildWorld, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';
import type { Answer } from '../support/http.ts';
import { expectError } from '../support/assertions.ts';

/**
 * The one date-time rule, the one number rule and the one id rule hold on every route: what used to pass
 * validation and then answer 500 (or the wrong record) is a 400 VALIDATION_FAILED naming the field, and
 * changes nothing.
 */
let app: TestApp;
let w: World;
let dossier: { id: number; code: string };

beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
  const received = await w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT }, { token: w.onestop.token });
  expect(received.status).toBe(201);
  dossier = { id: received.body.id, code: received.body.code };
});
afterAll(() => app.close());

async function refused(send: () => Promise<Answer>, field?: string, code = 'VALIDATION_FAILED'): Promise<Answer> {
  const before = await fingerprint(app.deps.db);
  const res = await send();
  expectError(res, 400, code);
  if (field) expect(res.body.error.details.problems.map((p: { path: string }) => p.path)).toContain(field);
  expect(await fingerprint(app.deps.db)).toEqual(before);
  return res;
}

const LEAP_SECOND = '2026-12-31T23:59:60Z';
const FAR_FUTURE = '9999-12-31T23:59:59Z';

describe('one date-time rule', () => {
  it.each([
    [LEAP_SECOND, 'VALIDATION_FAILED'],
    ['2026-02-29T09:00:00Z', 'VALIDATION_FAILED'],
    ['2026-04-29T24:00:00Z', 'VALIDATION_FAILED'],
    [FAR_FUTURE, 'CALENDAR_OUT_OF_RANGE'],
    ['0000-01-01T00:00:00Z', 'CALENDAR_OUT_OF_RANGE'],
    ['0001-01-01T03:00:00Z', 'CALENDAR_OUT_OF_RANGE'],
    ['2101-01-01T00:00:00+07:00', 'CALENDAR_OUT_OF_RANGE'],
  ])('%s → 400 %s in a query (start), a body (expiresAt, effectiveFrom) and an event (newDueAt)', async (instant, code) => {
    const start = encodeURIComponent(instant);
    await refused(() => w.http.get(`/api/calendar/due?start=${start}&workingDays=1`, { token: w.onestop.token }), 'query/start', code);
    await refused(() => w.http.post('/api/admin/api-tokens', { name: 'x', userId: 1, roles: ['admin'], expiresAt: instant }, { token: w.admin.token }), 'body/expiresAt', code);
    await refused(() => w.http.post(`/api/procedures/${w.procedures.standard.id}/rules`, { workingDays: 5, effectiveFrom: instant }, { token: w.admin.token }), 'body/effectiveFrom', code);
    await refused(
      () => w.http.post(`/api/dossiers/${dossier.id}/events`, { type: 'ISSUE_APOLOGY', version: 2, reason: 'Chậm', newDueAt: instant }, { token: w.lead.token }),
      'body/newDueAt',
      code,
    );
  });

  it('names the range in the message and the details', async () => {
    const res = await refused(() => w.http.get(`/api/calendar/due?start=${FAR_FUTURE}&workingDays=1`, { token: w.onestop.token }), 'query/start', 'CALENDAR_OUT_OF_RANGE');
    expect(res.body.error.details).toMatchObject({ from: '2000-01-01', to: '2100-12-31' });
    expect(res.body.error.details.problems[0].message).toMatch(/2000–2100/);
  });

  it('an out-of-range year beside another problem is just VALIDATION_FAILED', async () => {
    await refused(() => w.http.get(`/api/calendar/due?start=${FAR_FUTURE}&workingDays=-1`, { token: w.onestop.token }), 'query/workingDays');
  });

  it('dates are bounded the same way (a calendar override for year 26)', async () => {
    await refused(() => w.http.put('/api/calendar/overrides/0026-04-30', { kind: 'holiday' }, { token: w.admin.token }), 'params/date', 'CALENDAR_OUT_OF_RANGE');
    await refused(() => w.http.put('/api/calendar/overrides/2026-02-30', { kind: 'holiday' }, { token: w.admin.token }), 'params/date');
  });

  it('an instant inside the range still answers', async () => {
    const res = await w.http.get(`/api/calendar/due?start=${encodeURIComponent('2026-04-29T09:00:00+07:00')}&workingDays=1`, { token: w.onestop.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});

describe('one number rule', () => {
  it.each(['Infinity', '-Infinity', '1e999', '1e300', 'NaN', '0x10', '1e0', '+1', '01', '%201'])('%s in a number or integer query parameter → 400', async (n) => {
    await refused(() => w.http.get(`/api/dossiers?page=${n}`, { token: w.onestop.token }), 'query/page');
    await refused(() => w.http.get(`/api/dossiers?pageSize=${n}`, { token: w.onestop.token }), 'query/pageSize');
    await refused(() => w.http.get(`/api/notifications?page=${n}`, { token: w.onestop.token }), 'query/page');
    await refused(() => w.http.get(`/api/admin/backups?pageSize=${n}`, { token: w.admin.token }), 'query/pageSize');
    await refused(() => w.http.get(`/api/calendar/days-off?year=${n}`, { token: w.onestop.token }), 'query/year');
    await refused(() => w.http.get(`/api/calendar/due?start=2026-04-29T09:00:00Z&workingDays=${n}`, { token: w.onestop.token }), 'query/workingDays');
  });

  it('page is bounded: page=10001 → 400, page=10000 is an empty page', async () => {
    await refused(() => w.http.get('/api/dossiers?page=10001', { token: w.onestop.token }), 'query/page');
    const last = await w.http.get('/api/dossiers?page=10000&pageSize=1', { token: w.onestop.token });
    expect(last.status).toBe(200);
    expect(last.body.items).toEqual([]);
  });

  it('integers in bodies fit an integer column: a version of 1e300 → 400', async () => {
    await refused(() => w.http.post(`/api/dossiers/${dossier.id}/events`, undefined, { token: w.onestop.token, raw: '{"type":"STOP","version":1e300,"reason":"x"}' }), 'body/version');
    await refused(() => w.http.post(`/api/dossiers/${dossier.id}/events`, undefined, { token: w.onestop.token, raw: '{"type":"STOP","version":1e999,"reason":"x"}' }), 'body/version');
  });

  it('plain decimals still work', async () => {
    const res = await w.http.get('/api/calendar/due?start=2026-04-29T09:00:00Z&workingDays=1.5', { token: w.onestop.token });
    expect(res.status).toBe(200);
  });
});

describe('text that cannot be stored', () => {
  it('a lone surrogate in a body (\\ud800) → 400 naming the field, on SQLite and PostgreSQL alike', async () => {
    await refused(() => w.http.post('/api/public/dossiers', undefined, { raw: `{"procedureId":${w.procedures.standard.id},"applicant":{"name":"An"},"subject":"\\ud800"}` }), 'body/subject');
    await refused(() => w.http.post(`/api/dossiers/${dossier.id}/events`, undefined, { token: w.onestop.token, raw: '{"type":"STOP","version":2,"reason":"x\\udc00y"}' }), 'body/reason');
    // A whole pair is a character like any other.
    const ok = await w.http.post('/api/public/dossiers', undefined, { raw: `{"procedureId":${w.procedures.standard.id},"applicant":{"name":"An"},"subject":"\\ud83d\\ude00"}` });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  });

  it('a NUL character in a query string (%00) → 400 naming the parameter (PostgreSQL answered 500; found by the fuzzer)', async () => {
    await refused(() => w.http.get('/api/users?departmentId=1&q=a%00b', { token: w.admin.token }), 'query/q');
    await refused(() => w.http.get(`/api/dossiers?applicantName=C%00ty`, { token: w.onestop.token }), 'query/applicantName');
    expect((await w.http.get('/api/users?q=ab', { token: w.admin.token })).status).toBe(200);
  });
});

describe('one id rule', () => {
  it.each(['00000000001', '01', '+1', '0x1', '1e0', '1.0', '%201', '2147483648', '99999999999999999999', '-1', '0'])('/api/dossiers/%s → 400', async (id) => {
    // The dossier is id 1 in a fresh database: none of these spellings may reach it.
    expect(dossier.id).toBe(1);
    await refused(() => w.http.get(`/api/dossiers/${id}`, { token: w.onestop.token }), 'params/id');
    await refused(() => w.http.post(`/api/dossiers/${id}/events`, { type: 'STOP', version: 2, reason: 'x' }, { token: w.onestop.token }), 'params/id');
  });

  it('the canonical spelling still answers', async () => {
    expect((await w.http.get(`/api/dossiers/${dossier.id}`, { token: w.onestop.token })).status).toBe(200);
  });
});

describe('validation errors name what is valid', () => {
  it('a wrong form name → one problem listing the forms', async () => {
    const res = await refused(() => w.http.get(`/api/dossiers/${dossier.id}/forms/nosuch`, { token: w.onestop.token }));
    const problems = res.body.error.details.problems;
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe('params/form');
    expect(problems[0].message).toMatch(/^must be one of: receipt, supplement-request, refusal, apology, stop-notice, tracking-sheet/);
    expect(problems[0].allowedValues).toContain('tracking-sheet');
    expect(res.body.error.message).not.toMatch(/equal to constant/);
  });

  it('an unknown state filter → 400 listing the states; a parent state still filters', async () => {
    const res = await refused(() => w.http.get('/api/dossiers?state=nosuch', { token: w.onestop.token }), 'query/state');
    expect(res.body.error.details.problems[0].allowedValues).toEqual(expect.arrayContaining(['inDepartment', 'inDepartment.review', 'completed']));
    expect((await w.http.get('/api/dossiers?state=inDepartment', { token: w.onestop.token })).status).toBe(200);
  });

  it('from after to → 400 (the log book)', async () => {
    await refused(() => w.http.get('/api/log-book?from=2026-03-02&to=2026-03-01', { token: w.onestop.token }), 'query/to');
    expect((await w.http.get('/api/log-book?from=2026-03-01&to=2026-03-01', { token: w.onestop.token })).status).toBe(200);
  });
});
