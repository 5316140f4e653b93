import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, buildWorld, loginAs, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';

/** Clerks acting at once: one wins, the others learn they were late; numbers stay unique and gap-free. */
let app: TestApp;
let w: World;

beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
});
afterAll(() => app.close());

async function receivedDossier(): Promise<{ id: number; version: number }> {
  const res = await w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT }, { token: w.onestop.token });
  expect(res.status).toBe(201);
  return { id: res.body.id, version: res.body.version };
}

async function eventCount(id: number): Promise<number> {
  const row = await app.deps.db('events').where({ stream_type: 'dossier', stream_id: String(id) }).count<{ n: number }[]>('id as n').first();
  return Number(row?.n);
}

describe('racing the same transition on the same version', () => {
  it('exactly one of two clients wins; the other gets 409 STALE_VERSION', async () => {
    const d = await receivedDossier();
    const send = () => w.http.post(`/api/dossiers/${d.id}/events`, { type: 'ASSIGN', version: d.version, assigneeId: w.specialist.id }, { token: w.lead.token });
    const answers = await Promise.all([send(), send()]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)?.body.error.code).toBe('STALE_VERSION');
    expect(await eventCount(d.id)).toBe(d.version + 1);
  });

  it('of twelve clients firing different events at once, one wins and the history has one entry', async () => {
    const d = await receivedDossier();
    const sends = Array.from({ length: 12 }, (_, i) =>
      i % 2 === 0
        ? w.http.post(`/api/dossiers/${d.id}/events`, { type: 'ASSIGN', version: d.version, assigneeId: i % 4 === 0 ? w.specialist.id : w.specialist2.id }, { token: w.lead.token })
        : w.http.post(`/api/dossiers/${d.id}/events`, { type: 'STOP', version: d.version, reason: 'Dừng theo đề nghị' }, { token: w.onestop.token }),
    );
    const answers = await Promise.all(sends);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(11);
    const winner = answers.find((a) => a.status === 200)?.body;
    expect(winner.version).toBe(d.version + 1);
    const current = await w.http.get(`/api/dossiers/${d.id}`, { token: w.onestop.token });
    expect(current.body.version).toBe(d.version + 1);
    expect(current.body.state).toBe(winner.state);
    expect(await eventCount(d.id)).toBe(d.version + 1);
  });
});

describe('dossier codes under concurrency', () => {
  it('are unique and gap-free within the day', async () => {
    const sends = Array.from({ length: 24 }, (_, i) =>
      i % 3 === 0
        ? w.http.post('/api/public/dossiers', { procedureId: w.procedures.noFee.id, applicant: APPLICANT })
        : w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT }, { token: w.onestop.token }),
    );
    const answers = await Promise.all(sends);
    expect(answers.every((a) => a.status === 201)).toBe(true);
    const all = await app.deps.db('dossiers').select('code').orderBy('code');
    const day = '260302';
    const sequences = all.map((r) => {
      const match = /^H37\.26-(\d{6})-(\d{4,})$/.exec(r.code);
      expect(match?.[1]).toBe(day);
      return Number(match?.[2]);
    });
    expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => i + 1));
  });

  it('start again at 0001 on the next day (Asia/Ho_Chi_Minh)', async () => {
    app.clock.set('2026-03-02T16:59:59.999Z'); // 23:59:59 on 2 March in Vietnam
    const late = await loginAs(app, w.onestop.username, w.onestop.password);
    const lastOfDay = await w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT }, { token: late.token });
    expect(lastOfDay.body.code).toMatch(/^H37\.26-260302-\d{4}$/);
    app.clock.set('2026-03-02T17:00:00.000Z'); // 00:00 on 3 March
    const res = await w.http.post('/api/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT }, { token: late.token });
    app.clock.set('2026-03-02T02:00:00.000Z');
    expect(res.body.code).toBe('H37.26-260303-0001');
  });
});

describe('Idempotency-Key', () => {
  it('a replay returns the first answer and changes nothing', async () => {
    const d = await receivedDossier();
    const body = { type: 'ASSIGN', version: d.version, assigneeId: w.specialist.id };
    const headers = { 'idempotency-key': `assign-${d.id}` };
    const first = await w.http.post(`/api/dossiers/${d.id}/events`, body, { token: w.lead.token, headers });
    expect(first.status).toBe(200);
    const before = await fingerprint(app.deps.db);
    const again = await w.http.post(`/api/dossiers/${d.id}/events`, body, { token: w.lead.token, headers });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });

  it('the same key with another request → 409 IDEMPOTENCY_KEY_REUSED, nothing changed', async () => {
    const d = await receivedDossier();
    const headers = { 'idempotency-key': `k-${d.id}` };
    await w.http.post(`/api/dossiers/${d.id}/events`, { type: 'ASSIGN', version: d.version, assigneeId: w.specialist.id }, { token: w.lead.token, headers });
    const before = await fingerprint(app.deps.db);
    const other = await w.http.post(`/api/dossiers/${d.id}/events`, { type: 'ASSIGN', version: d.version, assigneeId: w.specialist2.id }, { token: w.lead.token, headers });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });

  it('two retries racing with one key both get the winning answer; one transition happens', async () => {
    const d = await receivedDossier();
    const body = { type: 'ASSIGN', version: d.version, assigneeId: w.specialist.id };
    const headers = { 'idempotency-key': `race-${d.id}` };
    const answers = await Promise.all([1, 2, 3].map(() => w.http.post(`/api/dossiers/${d.id}/events`, body, { token: w.lead.token, headers })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers[1]?.body).toEqual(answers[0]?.body);
    expect(answers[2]?.body).toEqual(answers[0]?.body);
    expect(await eventCount(d.id)).toBe(d.version + 1);
  });

  it('a replay is shown only to whoever may still act: a wrong tracking secret gets 404, not the stored answer', async () => {
    const online = await w.http.post('/api/public/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT });
    const body = { type: 'WITHDRAW', version: 1, reason: 'Đổi ý' };
    const url = `/api/public/dossiers/${online.body.code}/events`;
    const first = await w.http.post(url, body, { headers: { 'x-tracking-secret': online.body.trackingSecret, 'idempotency-key': 'w-1' } });
    expect(first.status).toBe(200);
    const stolen = await w.http.post(url, body, { headers: { 'x-tracking-secret': 'guess', 'idempotency-key': 'w-1' } });
    expect(stolen.status).toBe(404);
    const again = await w.http.post(url, body, { headers: { 'x-tracking-secret': online.body.trackingSecret, 'idempotency-key': 'w-1' } });
    expect(again.body).toEqual(first.body);
  });

  it('keys are per caller: another user with the same key is not replayed', async () => {
    const d = await receivedDossier();
    const headers = { 'idempotency-key': `shared-${d.id}` };
    await w.http.post(`/api/dossiers/${d.id}/events`, { type: 'ASSIGN', version: d.version, assigneeId: w.specialist.id }, { token: w.lead.token, headers });
    const stop = await w.http.post(`/api/dossiers/${d.id}/events`, { type: 'STOP', version: d.version + 1, reason: 'Dừng' }, { token: w.onestop.token, headers });
    expect(stop.status).toBe(200);
    expect(stop.body.state).toBe('stopped');
  });
});
