import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, buildDossier, buildUser, buildWorld, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';
import { expectError } from '../support/assertions.ts';

/**
 * Issue 6 §3.3: `Idempotency-Key` on the creation routes. Three counter intakes or online submissions
 * with one key made three dossiers; now the first answer is replayed and nothing more is created.
 */
let app: TestApp;
let w: World;

beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
});
afterAll(() => app.close());

const count = async () => Number((await app.deps.db('dossiers').count<{ n: number }[]>('id as n').first())?.n);

describe('creation routes honour Idempotency-Key', () => {
  it('POST /api/dossiers three times with one key → one dossier, the same answer, replays marked', async () => {
    const before = await count();
    const body = { procedureId: w.procedures.standard.id, applicant: APPLICANT, subject: 'Cấp giấy phép bán buôn rượu' };
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await w.http.post('/api/dossiers', body, { token: w.onestop.token, headers: { 'idempotency-key': 'intake-7f3a' } }));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.map((a) => a.headers.get('idempotent-replayed'))).toEqual([null, 'true', 'true']);
    expect(answers[2]?.body).toEqual(answers[0]?.body);
    expect(await count()).toBe(before + 1);
  });

  it('the same key with another body → 409 IDEMPOTENCY_KEY_REUSED, changing nothing', async () => {
    const before = await fingerprint(app.deps.db);
    const res = await w.http.post(
      '/api/dossiers',
      { procedureId: w.procedures.standard.id, applicant: { ...APPLICANT, name: 'Công ty khác' } },
      { token: w.onestop.token, headers: { 'idempotency-key': 'intake-7f3a' } },
    );
    expectError(res, 409, 'IDEMPOTENCY_KEY_REUSED');
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });

  it('keys belong to their caller: another clerk with the same key creates their own dossier', async () => {
    const other = await buildUser(app, ['onestop']);
    const before = await count();
    const body = { procedureId: w.procedures.standard.id, applicant: APPLICANT, subject: 'Cấp giấy phép bán buôn rượu' };
    const res = await w.http.post('/api/dossiers', body, { token: other.token, headers: { 'idempotency-key': 'intake-7f3a' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect(await count()).toBe(before + 1);
  });

  it('POST /api/public/dossiers three times with one key → one dossier; the tracking secret is shown once and never stored in clear', async () => {
    const before = await count();
    const body = { procedureId: w.procedures.noFee.id, applicant: APPLICANT };
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await w.http.post('/api/public/dossiers', body, { headers: { 'idempotency-key': 'portal-42' } }));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.code)).size).toBe(1);
    expect(typeof answers[0]?.body.trackingSecret).toBe('string');
    expect(answers[1]?.body.trackingSecret).toBeUndefined();
    expect(answers[1]?.headers.get('idempotent-replayed')).toBe('true');
    expect(await count()).toBe(before + 1);
    const stored = await app.deps.db('idempotency_keys').where({ key: 'portal-42' }).first();
    expect(String(stored.response)).not.toContain(answers[0]?.body.trackingSecret);
    // The secret from the first answer works.
    const tracked = await w.http.get(`/api/public/dossiers/${answers[0]?.body.code}`, { headers: { 'x-tracking-secret': answers[0]?.body.trackingSecret } });
    expect(tracked.status).toBe(200);
  });
});

describe('administrative creation routes honour it too', () => {
  it('POST /api/departments and /api/procedures replay their first answer; without a key the retry is a duplicate', async () => {
    const dept = { code: 'QLCN', name: 'Phòng Quản lý Công nghiệp' };
    const opts = { token: w.admin.token, headers: { 'idempotency-key': 'dept-qlcn' } };
    const first = await w.http.post('/api/departments', dept, opts);
    const again = await w.http.post('/api/departments', dept, opts);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expectError(await w.http.post('/api/departments', dept, { token: w.admin.token }), 409, 'DUPLICATE');

    const procedure = { code: '2.000633', name: 'Cấp Giấy phép sản xuất rượu thủ công', departmentId: first.body.id, workingDays: 10, hasFee: true, leadReview: true };
    const p1 = await w.http.post('/api/procedures', procedure, { token: w.admin.token, headers: { 'idempotency-key': 'proc-633' } });
    const p2 = await w.http.post('/api/procedures', procedure, { token: w.admin.token, headers: { 'idempotency-key': 'proc-633' } });
    expect([p1.status, p2.status]).toEqual([201, 201]);
    expect(p2.body).toEqual(p1.body);
    expect(await app.deps.db('procedures').where({ code: '2.000633' }).count<{ n: number }[]>('id as n').first()).toMatchObject({ n: 1 });
  });
});

describe('the apology bound (§3.11)', () => {
  it('accepts a new appointment at the bound it names, and not a minute after', async () => {
    const d = await buildDossier(w, { state: 'inDepartment.review', assigned: true });
    const url = `/api/dossiers/${d.id}/events`;
    const far = await w.http.post(url, { type: 'ISSUE_APOLOGY', version: d.version, reason: 'Cần thẩm định thêm', newDueAt: '2030-01-01T00:00:00Z' }, { token: w.lead.token });
    expectError(far, 422, 'APOLOGY_DATE_TOO_LATE');
    const latest: string = far.body.error.details.latestDueAt;
    const after = new Date(Date.parse(latest) + 60_000).toISOString();
    expectError(await w.http.post(url, { type: 'ISSUE_APOLOGY', version: d.version, reason: 'Chậm', newDueAt: after }, { token: w.lead.token }), 422, 'APOLOGY_DATE_TOO_LATE');
    const ok = await w.http.post(url, { type: 'ISSUE_APOLOGY', version: d.version, reason: 'Cần thẩm định thêm', newDueAt: latest }, { token: w.lead.token });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.dueAt).toBe(latest);
    expect(ok.body.originalDueAt).toBe(d.body.dueAt);
  });
});
