import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProcedureRules } from '../../src/domain/procedures/procedures.service.ts';
import { outboxJobs } from '../../src/domain/outbox/outbox.ts';
import { APPLICANT, buildProcedure, buildWorld, fireAs, type TestUser, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** Appointments, step deadlines, the supplement clock, early/on-time/late, hand-overs, outbox jobs, rules in force. */
let app: TestApp;
let w: World;
const START = '2026-03-02T02:00:00.000Z'; // Monday 09:00 in Vietnam

beforeAll(async () => {
  // The clock moves by days here; sessions must outlive that.
  app = await startTestApp({ env: { SESSION_TTL_HOURS: '8760' } });
  w = await buildWorld(app);
});
afterAll(() => app.close());

const at = (local: string) => new Date(local).toISOString();

async function jobsOf(dossierId: number) {
  return (await outboxJobs(app.deps.db)).filter((j) => j.jobId.startsWith(`dossier-${dossierId}-`));
}

async function counter(procedureId: number) {
  const res = await w.http.post('/api/dossiers', { procedureId, applicant: APPLICANT }, { token: w.onestop.token });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const fire = (d: { id: number; version: number }, user: TestUser, type: string, extra: Record<string, unknown> = {}) => fireAs(w.http, d, user, type, extra);

async function toApproval(d: { id: number; version: number }) {
  await fire(d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
  await fire(d, w.specialist, 'VERIFY');
  await fire(d, w.lead, 'PROPOSE', { opinion: 'Đủ điều kiện cấp phép', proposedResult: 'grant' });
}

describe('receipt', () => {
  it('sets the appointment in working days, the apology deadline one working day before, and the first step', async () => {
    app.clock.set(START);
    const d = await counter(w.procedures.standard.id); // 10 working days, lead review, fee
    expect(d).toMatchObject({
      state: 'inDepartment.review',
      receivedAt: START,
      dueAt: at('2026-03-16T09:00:00+07:00'),
      apologyBy: at('2026-03-13T09:00:00+07:00'),
      step: 'review',
      // 10 days − 1 (lead) − 1 (director) − 0.5 (hand-over) = 7.5 days for the specialist.
      stepDueAt: at('2026-03-11T15:00:00+07:00'),
    });
    // Intake (RECEIVE at creation) leaves the deadline jobs of the dossier's first step and of its appointment.
    const jobs = await jobsOf(d.id);
    expect(jobs.map((j) => [j.action, j.jobId])).toEqual([
      ['add', `dossier-${d.id}-step-reminder-20260311T080000000Z`],
      ['add', `dossier-${d.id}-step-deadline-20260311T080000000Z`],
      ['add', `dossier-${d.id}-apology-warning-20260316T020000000Z`],
      ['add', `dossier-${d.id}-appointment-deadline-20260316T020000000Z`],
    ]);
    const runAt = Object.fromEntries(jobs.map((j) => [j.action === 'add' ? j.name : '', j.action === 'add' ? j.runAt : null]));
    expect(runAt['appointment-deadline']).toBe(d.dueAt);
    expect(runAt['apology-warning']).toBe(d.apologyBy);
    expect(runAt['step-deadline']).toBe(d.stepDueAt);
    expect(runAt['step-reminder']).toBe(at('2026-03-10T15:00:00+07:00'));
  });

  it('replaces the jobs a transition makes stale, and leaves the others alone', async () => {
    app.clock.set(START);
    const d = await counter(w.procedures.standard.id);
    const before = (await jobsOf(d.id)).length;
    await fire(d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    // Assigning changes neither the step nor the appointment: no job.
    expect(await jobsOf(d.id)).toHaveLength(before);
    await fire(d, w.specialist, 'VERIFY');
    const after = (await jobsOf(d.id)).slice(before).map((j) => [j.action, j.jobId]);
    expect(after).toEqual([
      ['remove', `dossier-${d.id}-step-reminder-20260311T080000000Z`],
      ['remove', `dossier-${d.id}-step-deadline-20260311T080000000Z`],
      ['add', `dossier-${d.id}-step-reminder-20260303T020000000Z`],
      ['add', `dossier-${d.id}-step-deadline-20260303T020000000Z`],
    ]);
    await fire(d, w.lead, 'PROPOSE', { opinion: 'Đủ điều kiện', proposedResult: 'grant' });
    const approved = (await jobsOf(d.id)).length;
    await fire(d, w.director, 'APPROVE');
    // A result exists: the appointment no longer runs against the agency; the fee wait has no step.
    expect((await jobsOf(d.id)).slice(approved).map((j) => [j.action, j.jobId.replace(/-\d{8}T\d{9}Z$/, '')])).toEqual([
      ['remove', `dossier-${d.id}-step-reminder`],
      ['remove', `dossier-${d.id}-step-deadline`],
      ['remove', `dossier-${d.id}-apology-warning`],
      ['remove', `dossier-${d.id}-appointment-deadline`],
    ]);
  });

  it('gives an online dossier 8 working hours for the one-stop check', async () => {
    app.clock.set(START);
    const res = await w.http.post('/api/public/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT });
    const staff = await w.http.get(`/api/dossiers/${res.body.id}`, { token: w.onestop.token });
    expect(staff.body).toMatchObject({ step: 'intake', stepDueAt: at('2026-03-03T09:00:00+07:00'), dueAt: null });
  });
});

describe('the supplement clock', () => {
  it('restart: the full limit runs again from the complete resubmission', async () => {
    app.clock.set(START);
    const d = await counter(w.procedures.standard.id);
    await fire(d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    await fire(d, w.specialist, 'INVALID', { reason: 'Thiếu bản sao giấy phép kinh doanh' });
    const waiting = await fire(d, w.onestop, 'REQUEST_SUPPLEMENT', { guidance: '1. Bản sao giấy phép kinh doanh' });
    // The applicant has 15 working days; then the system stops the dossier.
    const expiry = (await jobsOf(d.id)).find((j) => j.action === 'add' && j.name === 'supplement-expiry');
    expect(expiry).toMatchObject({ jobId: `dossier-${d.id}-supplement-expiry-20260302T020000000Z`, runAt: at('2026-03-23T09:00:00+07:00') });
    expect(waiting.state).toBe('awaitingSupplement');
    app.clock.set(at('2026-03-09T14:00:00+07:00'));
    const back = await fire(d, w.onestop, 'SUPPLEMENT', { note: 'Nộp bổ sung tại quầy' });
    expect(back).toMatchObject({ state: 'inDepartment.review', dueAt: at('2026-03-23T14:00:00+07:00'), assigneeId: w.specialist.id });
  });

  it('pause: the waiting time is not counted', async () => {
    app.clock.set(START);
    const d = await counter(w.procedures.pause.id); // 12 working days → due Wed 18/3 09:00
    expect(d.dueAt).toBe(at('2026-03-18T09:00:00+07:00'));
    await fire(d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    await fire(d, w.specialist, 'INVALID', { reason: 'Thiếu hồ sơ' });
    app.clock.set(at('2026-03-03T09:00:00+07:00'));
    await fire(d, w.onestop, 'REQUEST_SUPPLEMENT', { guidance: '1. Sơ đồ mặt bằng' });
    app.clock.set(at('2026-03-05T13:30:00+07:00'));
    const back = await fire(d, w.onestop, 'SUPPLEMENT');
    // Waited 6.5 + 8 + 4 = 18.5 office hours; the appointment moves by as much.
    expect(back.dueAt).toBe(at('2026-03-20T11:30:00+07:00'));
  });
});

describe('an apology, then a supplement', () => {
  it('restart: the new time limit supersedes the appointment the apology promised', async () => {
    app.clock.set(START);
    const d = await counter(w.procedures.standard.id);
    await fire(d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    await fire(d, w.lead, 'ISSUE_APOLOGY', { reason: 'Cần xác minh', newDueAt: '2026-03-20T09:00:00+07:00' });
    await fire(d, w.specialist, 'INVALID', { reason: 'Thiếu hồ sơ' });
    await fire(d, w.onestop, 'REQUEST_SUPPLEMENT', { guidance: '1. Bản sao hợp đồng' });
    app.clock.set(at('2026-03-09T14:00:00+07:00'));
    const back = await fire(d, w.onestop, 'SUPPLEMENT');
    expect(back).toMatchObject({ dueAt: at('2026-03-23T14:00:00+07:00'), originalDueAt: at('2026-03-23T14:00:00+07:00') });
  });

  it('pause: the promised appointment moves by the wait as well', async () => {
    app.clock.set(START);
    const d = await counter(w.procedures.pause.id); // due Wed 18/3 09:00
    await fire(d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    await fire(d, w.lead, 'ISSUE_APOLOGY', { reason: 'Cần xác minh', newDueAt: '2026-03-25T09:00:00+07:00' });
    await fire(d, w.specialist, 'INVALID', { reason: 'Thiếu hồ sơ' });
    app.clock.set(at('2026-03-03T09:00:00+07:00'));
    await fire(d, w.onestop, 'REQUEST_SUPPLEMENT', { guidance: '1. Sơ đồ mặt bằng' });
    app.clock.set(at('2026-03-05T13:30:00+07:00'));
    // Waited 18.5 office hours: both appointments move by that much.
    const back = await fire(d, w.onestop, 'SUPPLEMENT');
    expect(back).toMatchObject({ originalDueAt: at('2026-03-20T11:30:00+07:00'), dueAt: at('2026-03-27T11:30:00+07:00') });
  });
});

describe('early, on time, late', () => {
  it('finished on an earlier day is early; the tracking sheet records each hand-over', async () => {
    app.clock.set(START);
    const d = await counter(w.procedures.noFee.id);
    await toApproval(d);
    app.clock.set(at('2026-03-04T10:00:00+07:00'));
    const approved = await fire(d, w.director, 'APPROVE');
    expect(approved).toMatchObject({ state: 'readyForReturn', result: 'grant', outcome: 'early', finishedAt: at('2026-03-04T10:00:00+07:00') });
    const detail = await w.http.get(`/api/dossiers/${d.id}`, { token: w.onestop.token });
    const handovers = detail.body.timeline.filter((e: { payload: { handover?: unknown } }) => e.payload.handover).map((e: { type: string; payload: { handover: Record<string, unknown> } }) => [e.type, e.payload.handover.fromStep, e.payload.handover.toStep, e.payload.handover.stepOutcome]);
    expect(handovers).toEqual([
      ['RECEIVE', null, 'review', null],
      ['VERIFY', 'review', 'leadReview', 'early'],
      ['PROPOSE', 'leadReview', 'leadershipApproval', 'early'],
      // The director's day ran out on Tuesday 09:00.
      ['APPROVE', 'leadershipApproval', 'readyForReturn', 'late'],
    ]);
  });

  it('finished on the appointment day before its hour is on time', async () => {
    app.clock.set(START);
    const d = await counter(w.procedures.noLead.id); // 5 days → Mon 9/3 09:00
    await fire(d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    await fire(d, w.specialist, 'VERIFY', { opinion: 'Đủ điều kiện', proposedResult: 'grant' });
    app.clock.set(at('2026-03-09T08:00:00+07:00'));
    expect(await fire(d, w.director, 'APPROVE')).toMatchObject({ outcome: 'onTime' });
  });

  it('finished after the original appointment is late, even with an apology', async () => {
    app.clock.set(START);
    const d = await counter(w.procedures.noLead.id); // due Mon 9/3 09:00, apology by Fri 6/3 09:00
    await fire(d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    app.clock.set(at('2026-03-06T08:00:00+07:00'));
    const apologised = await fire(d, w.lead, 'ISSUE_APOLOGY', { reason: 'Cần xác minh thêm', newDueAt: '2026-03-12T09:00:00+07:00' });
    expect(apologised).toMatchObject({ dueAt: at('2026-03-12T09:00:00+07:00'), originalDueAt: at('2026-03-09T09:00:00+07:00'), apologyBy: null });
    const jobs = (await jobsOf(d.id)).slice(-3).map((j) => [j.action, j.jobId]);
    // The warning is done with, and the deadline moves to the new appointment.
    expect(jobs).toEqual([
      ['remove', `dossier-${d.id}-apology-warning-20260309T020000000Z`],
      ['remove', `dossier-${d.id}-appointment-deadline-20260309T020000000Z`],
      ['add', `dossier-${d.id}-appointment-deadline-20260312T020000000Z`],
    ]);
    await fire(d, w.specialist, 'VERIFY');
    app.clock.set(at('2026-03-10T10:00:00+07:00'));
    expect(await fire(d, w.director, 'APPROVE')).toMatchObject({ outcome: 'late' });
  });

  it('an apology after its deadline is still issued once, recorded as not timely', async () => {
    app.clock.set(START);
    const d = await counter(w.procedures.noLead.id);
    app.clock.set(at('2026-03-06T09:00:01+07:00'));
    const late = await fire(d, w.director, 'ISSUE_APOLOGY', { reason: 'Chậm', newDueAt: '2026-03-12T09:00:00+07:00' });
    expect(late.dueAt).toBe(at('2026-03-12T09:00:00+07:00'));
    const row = await app.deps.db('dossiers').where({ id: d.id }).first('snapshot');
    expect(JSON.parse(typeof row.snapshot === 'string' ? row.snapshot : JSON.stringify(row.snapshot)).context.apologyTimely).toBe(false);
    const again = await w.http.post(`/api/dossiers/${d.id}/events`, { type: 'ISSUE_APOLOGY', version: d.version, reason: 'Chậm nữa', newDueAt: '2026-03-20T09:00:00+07:00' }, { token: w.director.token });
    expect(again.status).toBe(422);
  });
});

describe('rules in force', () => {
  it('a dossier keeps the rules it was received under; later dossiers get the new ones', async () => {
    app.clock.set(START);
    const procedure = await buildProcedure(app, w.departmentId, { workingDays: 10, hasFee: true });
    await addProcedureRules(app.deps.db, { kind: 'system' }, procedure.id, { workingDays: 5, hasFee: false, effectiveFrom: at('2026-03-03T00:00:00+07:00') }, app.clock.now());
    const before = await counter(procedure.id);
    expect(before.dueAt).toBe(at('2026-03-16T09:00:00+07:00'));
    app.clock.set(at('2026-03-03T09:00:00+07:00'));
    const after = await counter(procedure.id);
    expect(after.dueAt).toBe(at('2026-03-10T09:00:00+07:00'));
    await toApproval(before);
    expect((await fire(before, w.director, 'APPROVE')).state).toBe('awaitingPayment');
    await toApproval(after);
    expect((await fire(after, w.director, 'APPROVE')).state).toBe('readyForReturn');
  });
});

describe('listing and tracking', () => {
  it('filters by state (or parent state), assignee, overdue, and pages', async () => {
    app.clock.set(START);
    const a = await counter(w.procedures.standard.id);
    await fire(a, w.lead, 'ASSIGN', { assigneeId: w.specialist2.id });
    const mine = await w.http.get('/api/dossiers?assigneeId=me&state=inDepartment', { token: w.specialist2.token });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((d: { id: number }) => d.id)).toContain(a.id);
    expect(mine.body.items.every((d: { assigneeId: number; state: string }) => d.assigneeId === w.specialist2.id && d.state.startsWith('inDepartment.'))).toBe(true);

    const page = await w.http.get('/api/dossiers?pageSize=2&page=1', { token: w.onestop.token });
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBeGreaterThan(2);

    app.clock.set(at('2026-03-12T09:00:00+07:00')); // past the review step of a dossier received on 2/3
    const overdue = await w.http.get('/api/dossiers?overdue=true&pageSize=100', { token: w.director.token });
    expect(overdue.body.items.map((d: { id: number }) => d.id)).toContain(a.id);
    const notOverdue = await w.http.get('/api/dossiers?overdue=false&pageSize=100', { token: w.director.token });
    expect(notOverdue.body.items.map((d: { id: number }) => d.id)).not.toContain(a.id);
    expect(overdue.body.total + notOverdue.body.total).toBe((await w.http.get('/api/dossiers', { token: w.director.token })).body.total);
    app.clock.set(START);
  });

  it("department staff see only their department's dossiers", async () => {
    const other = await w.http.get('/api/dossiers?pageSize=100', { token: w.otherSpecialist.token });
    expect(other.status).toBe(200);
    expect(other.body.items.every((d: { departmentId: number }) => d.departmentId === w.otherDepartmentId)).toBe(true);
    expect((await w.http.get('/api/dossiers', { token: w.staff.token })).status).toBe(403);
  });

  it('the applicant follows the dossier with the tracking secret and sees what they were told, not internal opinions', async () => {
    app.clock.set(START);
    const sub = await w.http.post('/api/public/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT });
    const d = { id: sub.body.id, version: 1 };
    await fire(d, w.onestop, 'RECEIVE');
    await fire(d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    await fire(d, w.specialist, 'INVALID', { reason: 'Nội bộ: nghi ngờ giả mạo chữ ký' });
    await fire(d, w.onestop, 'REQUEST_SUPPLEMENT', { guidance: '1. Bản gốc hợp đồng thuê mặt bằng' });
    const seen = await w.http.get(`/api/public/dossiers/${sub.body.code}`, { headers: { 'x-tracking-secret': sub.body.trackingSecret } });
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ state: 'awaitingSupplement', nationalStatus: 5, allowedEvents: ['SUPPLEMENT', 'WITHDRAW'] });
    const text = JSON.stringify(seen.body);
    expect(text).toContain('Bản gốc hợp đồng thuê mặt bằng');
    expect(text).not.toContain('giả mạo');
    expect(text).not.toContain(w.specialist.username);
    const viaQuery = await w.http.get(`/api/public/dossiers/${sub.body.code}?secret=${encodeURIComponent(sub.body.trackingSecret)}`);
    expect(viaQuery.body).toEqual(seen.body);
    const supplemented = await w.http.post(`/api/public/dossiers/${sub.body.code}/events`, { type: 'SUPPLEMENT', version: d.version, note: 'Đã bổ sung' }, { headers: { 'x-tracking-secret': sub.body.trackingSecret } });
    expect(supplemented.body).toMatchObject({ state: 'inDepartment.review', version: d.version + 1 });
  });
});
