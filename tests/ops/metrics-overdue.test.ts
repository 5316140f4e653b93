import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, buildWorld, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { find, parseSamples, type Sample } from './prometheus-text.ts';

/**
 * Issue 6 §4: a scrape of /metrics never counts the overdue dossiers itself (at a million dossiers the
 * count took seconds and froze the process): the count runs in the background at most every 30 s of
 * the app's clock, and a scrape reads the last one.
 */
let app: TestApp;
let w: World;
let token: string;
let overdueCounts = 0;

beforeAll(async () => {
  app = await startTestApp({ env: { SESSION_TTL_HOURS: '8760' } });
  w = await buildWorld(app);
  token = w.admin.token;
  // The overdue count is the one grouped query over step due instants.
  app.deps.db.on('query', (q: { sql: string }) => {
    if (/group by/i.test(q.sql) && q.sql.includes('step_due_at')) overdueCounts++;
  });
});
afterAll(() => app?.close());

async function scrape(): Promise<Sample[]> {
  const res = await w.http.get('/metrics', { token });
  expect(res.status).toBe(200);
  return parseSamples(res.body);
}

describe('the overdue gauge', () => {
  it('is counted in the background, not per scrape, and follows changes after a refresh', async () => {
    const dept = (await app.deps.db('departments').where({ id: w.departmentId }).first('code')).code as string;
    const gauge = (s: Sample[]) => find(s, 'idesk_dossiers_overdue', { department: dept })[0]?.value;
    app.clock.set('2026-06-01T02:00:00.000Z');
    const first = await scrape();
    expect(gauge(first)).toBe(0);
    expect(overdueCounts).toBe(1);
    for (let i = 0; i < 5; i++) expect(gauge(await scrape())).toBe(0);
    expect(overdueCounts).toBe(1);

    const d = await w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT }, { token: w.onestop.token });
    expect(d.status).toBe(201);
    app.clock.set(new Date(Date.parse(d.body.dueAt) + 60_000));
    // The first scrape after 30 s starts one count and answers the last value at once.
    expect(gauge(await scrape())).toBe(0);
    expect(overdueCounts).toBe(2);
    await app.deps.metrics!.overdueSettled();
    for (let i = 0; i < 3; i++) expect(gauge(await scrape())).toBe(1);
    expect(overdueCounts).toBe(2);

    // Within 30 s of the app's clock no new count; past them, one.
    app.clock.advance(20_000);
    await scrape();
    expect(overdueCounts).toBe(2);
    app.clock.advance(15_000);
    await scrape();
    await app.deps.metrics!.overdueSettled();
    expect(overdueCounts).toBe(3);
    // The list agrees with the gauge.
    const list = await w.http.get(`/api/dossiers?overdue=true&departmentId=${w.departmentId}`, { token });
    expect(list.body.total).toBe(gauge(await scrape()));
  });
});
