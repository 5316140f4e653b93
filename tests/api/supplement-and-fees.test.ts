import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentDeps, dossierDeps } from '../../src/api/deps.ts';
import { outboxJobs } from '../../src/domain/outbox/outbox.ts';
import { processDeadlineJob } from '../../workers/deadlines.worker.ts';
import { expectError } from '../support/assertions.ts';
import { APPLICANT, buildProcedure, buildWorld, fireAs, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';

/**
 * Issue 6 §2: a supplement is requested once per dossier in all (the online check included), a sector's
 * window for asking is reminded before it closes and a later request is recorded as late; fees are
 * collected at intake or with the result, with the amount or "theo quy định" on the receipt.
 */
let app: TestApp;
let w: World;

beforeAll(async () => {
  // The clock moves days ahead here: sessions outlive it.
  app = await startTestApp({ env: { SESSION_TTL_HOURS: '2000' } });
  w = await buildWorld(app);
});
afterAll(() => app.close());

const post = (url: string, body: Record<string, unknown>, token?: string, headers: Record<string, string> = {}) => w.http.post(url, body, { token, headers });

describe('a supplement once in all', () => {
  it('after the online check asked once, neither the check nor the one-stop after receipt may ask again', async () => {
    const online = await post('/api/public/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT });
    const d = { id: online.body.id, version: 1 };
    await fireAs(w.http, d, w.onestop, 'REQUEST_SUPPLEMENT', { guidance: '1. Sơ đồ kho hàng' });
    const back = await post(`/api/public/dossiers/${online.body.code}/events`, { type: 'SUPPLEMENT', version: d.version }, undefined, { 'x-tracking-secret': online.body.trackingSecret });
    d.version = back.body.version;
    const before = await fingerprint(app.deps.db);
    expectError(await post(`/api/dossiers/${d.id}/events`, { type: 'REQUEST_SUPPLEMENT', version: d.version, guidance: '2. Hợp đồng thuê kho' }, w.onestop.token), 422, 'INVALID_TRANSITION');
    expect(await fingerprint(app.deps.db)).toEqual(before);
    await fireAs(w.http, d, w.onestop, 'RECEIVE');
    await fireAs(w.http, d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    const returned = await fireAs(w.http, d, w.specialist, 'INVALID', { reason: 'Thiếu hợp đồng thuê kho' });
    expect(returned.allowedEvents).not.toContain('REQUEST_SUPPLEMENT');
    expectError(await post(`/api/dossiers/${d.id}/events`, { type: 'REQUEST_SUPPLEMENT', version: d.version, guidance: '2. Hợp đồng thuê kho' }, w.onestop.token), 422, 'INVALID_TRANSITION');
  });
});

describe('the sector’s window for asking for a supplement', () => {
  it('is reminded one working day before it closes; a request after it is recorded as late, one within it is not', async () => {
    app.clock.set('2026-03-02T02:00:00.000Z');
    // Alcohol: 3 working days after receipt (Decree 105/2017/NĐ-CP as amended).
    const procedure = await buildProcedure(app, w.departmentId, { workingDays: 10, supplementWindowDays: 3 });
    const received = await post('/api/dossiers', { procedureId: procedure.id, applicant: APPLICANT }, w.onestop.token);
    const d = { id: received.body.id, version: received.body.version };
    const window = (await outboxJobs(app.deps.db)).filter((j) => j.jobId.startsWith(`dossier-${d.id}-supplement-window-`));
    // Receipt Mon 2 March 09:00 → the window closes Thu 5 March 09:00; the reminder runs Wed 4 March 09:00.
    expect(window).toMatchObject([{ action: 'add', runAt: '2026-03-04T02:00:00.000Z', payload: { subject: 'dossier', id: d.id, dueAt: '2026-03-05T02:00:00.000Z' } }]);

    await fireAs(w.http, d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    const deadlineDeps = { ...dossierDeps(app.deps), email: false, documents: documentDeps(app.deps) };
    app.clock.set('2026-03-04T02:00:00.000Z');
    expect(await processDeadlineJob({ name: 'supplement-window', data: { subject: 'dossier', id: d.id, dueAt: '2026-03-05T02:00:00.000Z' } }, deadlineDeps)).toBe('done');
    const reminded = await app.deps.db('notifications').where({ subject_type: 'dossier', subject_id: String(d.id), kind: 'supplement-window' }).pluck('recipient_id');
    expect(reminded.sort()).toEqual([w.specialist.id, w.lead.id].sort());

    app.clock.set('2026-03-06T02:00:00.000Z');
    await fireAs(w.http, d, w.specialist, 'INVALID', { reason: 'Thiếu giấy tờ' });
    await fireAs(w.http, d, w.onestop, 'REQUEST_SUPPLEMENT', { guidance: '1. Bản sao giấy phép kinh doanh' });
    const timeline = (await w.http.get(`/api/dossiers/${d.id}`, { token: w.onestop.token })).body.timeline;
    expect(timeline.at(-1).payload).toMatchObject({ supplementRequestBy: '2026-03-05T02:00:00.000Z', supplementRequestLate: true });
    // The reminder of a window that was used is stale: nothing more is sent.
    expect(await processDeadlineJob({ name: 'supplement-window', data: { subject: 'dossier', id: d.id, dueAt: '2026-03-05T02:00:00.000Z' } }, deadlineDeps)).toBe('stale');

    app.clock.set('2026-03-02T02:00:00.000Z');
    const timely = await post('/api/dossiers', { procedureId: procedure.id, applicant: APPLICANT }, w.onestop.token);
    const t = { id: timely.body.id, version: timely.body.version };
    await fireAs(w.http, t, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    await fireAs(w.http, t, w.specialist, 'INVALID', { reason: 'Thiếu giấy tờ' });
    await fireAs(w.http, t, w.onestop, 'REQUEST_SUPPLEMENT', { guidance: '1. Bản sao giấy phép kinh doanh' });
    const onTime = (await w.http.get(`/api/dossiers/${t.id}`, { token: w.onestop.token })).body.timeline;
    expect(onTime.at(-1).payload).toMatchObject({ supplementRequestLate: false });
    const removed = (await outboxJobs(app.deps.db)).filter((j) => j.jobId.startsWith(`dossier-${t.id}-supplement-window-`)).map((j) => j.action);
    expect(removed).toEqual(['add', 'remove']);
  });
});

describe('fees', () => {
  async function procedureWith(body: Record<string, unknown>) {
    const res = await post('/api/procedures', { code: `F${Math.floor(Math.random() * 1e9)}`, name: 'Cấp Giấy phép bán buôn rượu', departmentId: w.departmentId, workingDays: 10, ...body }, w.admin.token);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  async function receiveAndApprove(procedureId: number) {
    const res = await post('/api/dossiers', { procedureId, applicant: APPLICANT }, w.onestop.token);
    const d = { id: res.body.id, version: res.body.version };
    const receipt = await w.http.get(`/api/dossiers/${d.id}/forms/receipt`, { token: w.onestop.token });
    await fireAs(w.http, d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    await fireAs(w.http, d, w.specialist, 'VERIFY');
    await fireAs(w.http, d, w.lead, 'PROPOSE', { opinion: 'Đủ điều kiện', proposedResult: 'grant' });
    const approved = await fireAs(w.http, d, w.director, 'APPROVE');
    return { receipt: receipt.body, approved };
  }

  it('an appraisal fee collected at intake is printed with its amount, and the result does not wait for payment', async () => {
    const procedure = await procedureWith({ fee: { collectedAt: 'intake', amount: 1_500_000 } });
    expect(procedure.rules).toMatchObject({ hasFee: false, fee: { collectedAt: 'intake', amount: 1_500_000 } });
    const { receipt, approved } = await receiveAndApprove(procedure.id);
    expect(receipt.fields.fee).toEqual({ collectedAt: 'intake', amount: 1_500_000, text: '1.500.000 đồng' });
    expect(approved.state).toBe('readyForReturn');
  });

  it('a fee with the result "theo quy định" is printed so, and the result waits for it (national status 6)', async () => {
    const procedure = await procedureWith({ fee: { collectedAt: 'result', amount: null } });
    expect(procedure.rules).toMatchObject({ hasFee: true, fee: { collectedAt: 'result', amount: null } });
    const { receipt, approved } = await receiveAndApprove(procedure.id);
    expect(receipt.fields.fee).toEqual({ collectedAt: 'result', amount: null, text: 'theo quy định' });
    expect(approved).toMatchObject({ state: 'awaitingPayment', nationalStatus: 6 });
  });

  it('no fee prints none; hasFee alone still means a fee with the result; a contradiction is refused and stores nothing', async () => {
    const free = await procedureWith({});
    expect(free.rules).toMatchObject({ hasFee: false, fee: null });
    expect((await receiveAndApprove(free.id)).receipt.fields.fee).toBeNull();
    expect((await procedureWith({ hasFee: true })).rules).toMatchObject({ hasFee: true, fee: { collectedAt: 'result', amount: null } });
    const before = await fingerprint(app.deps.db);
    const res = await post('/api/procedures', { code: 'F-conflict', name: 'X', departmentId: w.departmentId, workingDays: 10, hasFee: false, fee: { collectedAt: 'result', amount: 50_000 } }, w.admin.token);
    expectError(res, 400, 'FEE_CONFLICT');
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });
  it('a fee of 0 đồng is a free procedure: created and added as rules (not a 500), stored as no fee, and the result never waits for payment', async () => {
    for (const collectedAt of ['intake', 'result'] as const) {
      const free = await procedureWith({ fee: { collectedAt, amount: 0 } });
      expect(free.rules).toMatchObject({ hasFee: false, fee: null });
      const { receipt, approved } = await receiveAndApprove(free.id);
      expect(receipt.fields.fee).toBeNull();
      expect(approved.state).toBe('readyForReturn');
    }
    const paid = await procedureWith({ fee: { collectedAt: 'result', amount: 50_000 } });
    const rules = await post(`/api/procedures/${paid.id}/rules`, { workingDays: 10, hasFee: false, fee: { collectedAt: 'result', amount: 0 }, effectiveFrom: '2020-01-01T00:00:00.000Z' }, w.admin.token);
    expect(rules.status, JSON.stringify(rules.body)).toBe(201);
    const stored = await app.deps.db('procedure_rules').where({ procedure_id: paid.id }).orderBy('effective_from').first();
    expect(stored).toMatchObject({ fee_collected_at: null, fee_amount: null });
    expect(Boolean(stored.has_fee)).toBe(false);
  });

  it('hasFee with a fee of 0 đồng contradicts itself: refused, nothing stored', async () => {
    const before = await fingerprint(app.deps.db);
    const res = await post('/api/procedures', { code: 'F-zero', name: 'X', departmentId: w.departmentId, workingDays: 10, hasFee: true, fee: { collectedAt: 'result', amount: 0 } }, w.admin.token);
    expectError(res, 400, 'FEE_CONFLICT');
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });
});
