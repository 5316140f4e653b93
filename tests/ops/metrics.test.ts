import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/queues/queues.ts';
import { APPLICANT, buildWorld, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { find, parseSamples, valueOf, type Sample } from './prometheus-text.ts';

/** GET /metrics: Prometheus text for admins and admin-scoped API tokens; what it counts and reads at scrape time. */
let app: TestApp;
let w: World;
let prometheusToken: string;

beforeAll(async () => {
  // The clock moves by days here; sessions must outlive that.
  app = await startTestApp({ queues: true, env: { SESSION_TTL_HOURS: '8760' } });
  w = await buildWorld(app);
  const created = await w.http.post('/api/admin/api-tokens', { name: 'prometheus', userId: w.admin.id, roles: ['admin'] }, { token: w.admin.token });
  expect(created.status).toBe(201);
  prometheusToken = created.body.token;
});
afterAll(() => app?.close());

async function scrape(): Promise<Sample[]> {
  const res = await w.http.get('/metrics', { token: prometheusToken });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseSamples(res.body);
}

const transitions = (samples: Sample[], event: string, state: string) => valueOf(samples, 'idesk_dossier_transitions_total', { event, state });

describe('GET /metrics access', () => {
  it('answers 401 without credentials and 403 to non-admins, by session or by token', async () => {
    const anonymous = await w.http.get('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
    for (const user of [w.specialist, w.director, w.onestop]) {
      const res = await w.http.get('/metrics', { token: user.token });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
      expect((await w.http.get('/metrics', { headers: { cookie: `idesk_session=${user.token}` } })).status).toBe(403);
    }
    // An admin's token scoped to another role is not an admin.
    const scoped = await w.http.post('/api/admin/api-tokens', { name: 'reports', userId: w.admin.id, roles: ['staff'] }, { token: w.admin.token });
    expect((await w.http.get('/metrics', { token: scoped.body.token })).status).toBe(403);
  });

  it('answers an admin session, by bearer token or cookie', async () => {
    expect((await w.http.get('/metrics', { token: w.admin.token })).status).toBe(200);
    const res = await w.http.get('/metrics', { headers: { cookie: `idesk_session=${w.admin.token}` } });
    expect(res.status).toBe(200);
    expect(res.body).toContain('# TYPE idesk_http_request_duration_seconds histogram');
  });
});

describe('GET /metrics content', () => {
  it('times requests by method, route pattern and status, never by raw URL', async () => {
    const before = await scrape();
    for (let i = 0; i < 3; i++) expect((await w.http.get('/healthz')).status).toBe(200);
    const d = await w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT }, { token: w.onestop.token });
    expect(d.status).toBe(201);
    expect((await w.http.get(`/api/dossiers/${d.body.id}`, { token: w.lead.token })).status).toBe(200);
    expect((await w.http.get('/api/dossiers/999999', { token: w.lead.token })).status).toBe(404);
    expect((await w.http.get('/no/such/path-7f3a')).status).toBe(404);
    const res = await w.http.get('/metrics', { token: prometheusToken });
    const after = parseSamples(res.body);
    const count = (samples: Sample[], labels: Record<string, string>) => valueOf(samples, 'idesk_http_request_duration_seconds_count', labels);
    expect(count(after, { method: 'GET', route: '/healthz', status: '200' }) - count(before, { method: 'GET', route: '/healthz', status: '200' })).toBe(3);
    expect(count(after, { method: 'POST', route: '/api/dossiers', status: '201' })).toBeGreaterThanOrEqual(1);
    expect(count(after, { method: 'GET', route: '/api/dossiers/:id', status: '200' })).toBe(1);
    expect(count(after, { method: 'GET', route: '/api/dossiers/:id', status: '404' })).toBe(1);
    expect(count(after, { method: 'GET', route: '(unmatched)', status: '404' })).toBeGreaterThanOrEqual(1);
    // Buckets and sum come with the count.
    expect(find(after, 'idesk_http_request_duration_seconds_bucket', { route: '/healthz', le: '+Inf' })[0]?.value).toBe(count(after, { method: 'GET', route: '/healthz', status: '200' }));
    expect(find(after, 'idesk_http_request_duration_seconds_sum', { route: '/healthz' })).toHaveLength(1);
    // Raw URLs never become labels.
    expect(res.body).not.toContain(`/api/dossiers/${d.body.id}"`);
    expect(res.body).not.toContain('path-7f3a');
    // Process metrics from prom-client's defaults.
    expect(find(after, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(find(after, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);
  });

  it('counts committed transitions by event type and resulting state, and nothing for refused or replayed ones', async () => {
    const before = await scrape();
    const created = await w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT }, { token: w.onestop.token });
    expect(created.status).toBe(201);
    expect(created.body.state).toBe('inDepartment.review');
    const assign = { type: 'ASSIGN', version: created.body.version, assigneeId: w.specialist.id };
    const key = { headers: { 'idempotency-key': `assign-${created.body.id}` } };
    const fired = await w.http.post(`/api/dossiers/${created.body.id}/events`, assign, { token: w.lead.token, ...key });
    expect(fired.status).toBe(200);
    const to = fired.body.state as string;
    // The same request replayed (answered from the idempotency store), a stale version, an event not allowed now.
    expect((await w.http.post(`/api/dossiers/${created.body.id}/events`, assign, { token: w.lead.token, ...key })).status).toBe(200);
    expect((await w.http.post(`/api/dossiers/${created.body.id}/events`, assign, { token: w.lead.token })).status).toBe(409);
    expect((await w.http.post(`/api/dossiers/${created.body.id}/events`, { type: 'APPROVE', version: fired.body.version }, { token: w.director.token })).status).toBe(422);
    const after = await scrape();
    expect(transitions(after, 'SUBMIT', 'submitted') - transitions(before, 'SUBMIT', 'submitted')).toBe(1);
    expect(transitions(after, 'RECEIVE', 'inDepartment.review') - transitions(before, 'RECEIVE', 'inDepartment.review')).toBe(1);
    expect(transitions(after, 'ASSIGN', to) - transitions(before, 'ASSIGN', to)).toBe(1);
    expect(find(after, 'idesk_dossier_transitions_total', { event: 'APPROVE' })).toEqual([]);
    const total = (s: Sample[]) => find(s, 'idesk_dossier_transitions_total').reduce((sum, x) => sum + x.value, 0);
    expect(total(after) - total(before)).toBe(3);
  });

  it('counts an online submission as SUBMIT', async () => {
    const before = await scrape();
    const res = await w.http.post('/api/public/dossiers', { procedureId: w.procedures.noFee.id, applicant: APPLICANT });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const after = await scrape();
    expect(transitions(after, 'SUBMIT', 'submitted') - transitions(before, 'SUBMIT', 'submitted')).toBe(1);
  });

  it('reads queue depths per queue and state at scrape time', async () => {
    const before = await scrape();
    for (const queue of QUEUE_NAMES) {
      for (const state of ['waiting', 'delayed', 'active', 'failed']) {
        expect(find(before, 'idesk_queue_jobs', { queue, state }), `${queue} ${state}`).toHaveLength(1);
      }
    }
    const maintenance = app.deps.queues!.maintenance;
    await maintenance.add('probe', {}, { jobId: 'probe-delayed-1', delay: 3_600_000 });
    await maintenance.add('probe', {}, { jobId: 'probe-delayed-2', delay: 3_600_000 });
    await maintenance.add('probe', {}, { jobId: 'probe-waiting-1' });
    const after = await scrape();
    const depth = (s: Sample[], state: string) => valueOf(s, 'idesk_queue_jobs', { queue: 'maintenance', state });
    expect(depth(after, 'delayed') - depth(before, 'delayed')).toBe(2);
    expect(depth(after, 'waiting') - depth(before, 'waiting')).toBe(1);
  });

  it('counts the overdue dossiers per department by the rule the overdue list uses', async () => {
    const dept = await app.deps.db('departments').where({ id: w.departmentId }).first('code');
    const other = await app.deps.db('departments').where({ id: w.otherDepartmentId }).first('code');
    const overdue = (s: Sample[], code: string) => find(s, 'idesk_dossiers_overdue', { department: code });
    app.clock.set('2026-06-01T02:00:00.000Z'); // a Monday
    const d = await w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT }, { token: w.onestop.token });
    expect(d.status).toBe(201);
    const now = await scrape();
    const baseline = overdue(now, dept.code)[0]?.value as number;
    expect(overdue(now, other.code)).toEqual([{ name: 'idesk_dossiers_overdue', labels: { department: other.code }, value: 0 }]);
    // Past its step's due instant (and its appointment), the dossier counts; the list agrees.
    app.clock.set(new Date(Date.parse(d.body.dueAt) + 60_000));
    // Counted in the background: this scrape starts a new count, a later one reads it.
    await scrape();
    await app.deps.metrics!.overdueSettled();
    const later = await scrape();
    const list = await w.http.get(`/api/dossiers?overdue=true&departmentId=${w.departmentId}&pageSize=100`, { token: w.admin.token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((x: { id: number }) => x.id)).toContain(d.body.id);
    expect(overdue(later, dept.code)[0]?.value).toBe(list.body.total);
    expect(overdue(later, dept.code)[0]?.value).toBeGreaterThan(baseline);
    expect(overdue(later, other.code)[0]?.value).toBe(0);
  });

  it('reports the age of the newest successful backup, -1 when there is none', async () => {
    const age = async () => valueOf(await scrape(), 'idesk_backup_last_success_age_seconds');
    expect(await age()).toBe(-1);
    const now = app.clock.now().getTime();
    const row = (status: string, finishedAgoSeconds: number) => ({
      kind: 'manual',
      status,
      database_client: app.deps.config.database.client,
      created_at: new Date(now - finishedAgoSeconds * 1000 - 60_000).toISOString(),
      finished_at: new Date(now - finishedAgoSeconds * 1000).toISOString(),
    });
    await app.deps.db('backups').insert([row('succeeded', 7200), row('failed', 60)]);
    expect(await age()).toBe(7200);
    await app.deps.db('backups').insert(row('succeeded', 3600));
    expect(await age()).toBe(3600);
  });
});
