import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyEventLog } from '../../src/domain/audit/event-log.ts';
import type { ProcedureView } from '../../src/domain/procedures/procedures.service.ts';
import { APPLICANT, buildProcedure, buildWorld, fireAs, type World } from '../support/factories.ts';
import { listStore, pdfWith } from '../support/papers.ts';
import { refusedWithoutTrace } from '../support/assertions.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';

/**
 * The one-stop rules of Decree 118/2025/NĐ-CP and Circular 03/2025/TT-VPCP the counter and the online
 * check must enforce (issue 14 §1): a dossier lacking a required paper is never received — guided once
 * (Mẫu 02, no appointment) or refused (Mẫu 03); the department asks for the supplement itself; the
 * applicant's deadline is printed and shown; a dossier that ended without a result shows no appointment.
 */
let app: TestApp;
let w: World;
let procedure: ProcedureView;
let store: string;

const REQUIRED = [
  { code: 'don-de-nghi', name: 'Đơn đề nghị cấp Giấy phép bán buôn rượu', copies: 1, original: true },
  { code: 'giay-dkdn', name: 'Bản sao Giấy chứng nhận đăng ký doanh nghiệp' },
  { code: 'hop-dong', name: 'Bản sao hợp đồng nguyên tắc với nhà cung cấp' },
];

// Monday 2 March 2026, 09:00 in Hà Nội: 15 working days later is Monday 23 March, 09:00 (no holiday between).
const MONDAY = '2026-03-02T02:00:00.000Z';
const FIFTEEN_WORKING_DAYS_LATER = '2026-03-23T02:00:00.000Z';

beforeAll(async () => {
  app = await startTestApp();
  app.clock.set(MONDAY);
  w = await buildWorld(app);
  procedure = await buildProcedure(app, w.departmentId, { requiredPapers: REQUIRED, hasFee: false, workingDays: 10 });
  store = app.deps.config.filesDir;
});
afterAll(() => app.close());

const bearer = { authorization: '' };

/** A counter intake as multipart: the dossier as JSON, then `kind` and `file` for each scan. */
async function intake(dossier: Record<string, unknown>, papers: string[]) {
  const form = new FormData();
  form.append('dossier', JSON.stringify({ procedureId: procedure.id, applicant: APPLICANT, subject: 'Cấp Giấy phép bán buôn rượu cho kho Nhơn Bình', ...dossier }));
  for (const kind of papers) {
    form.append('kind', kind);
    form.append('file', new Blob([new Uint8Array(pdfWith(`${kind} ${Math.random()}`))], { type: 'application/pdf' }), `${kind}.pdf`);
  }
  const res = await fetch(`${app.url}/api/dossiers`, { method: 'POST', headers: { ...bearer, authorization: `Bearer ${w.onestop.token}` }, body: form });
  return { status: res.status, body: (await res.json()) as any };
}


describe('an incomplete dossier is not received', () => {
  it('the counter’s receipt is refused while a required paper is missing, JSON or with scans, and nothing changes', async () => {
    const json = await refusedWithoutTrace(app, 
      () => w.http.post('/api/dossiers', { procedureId: procedure.id, applicant: APPLICANT }, { token: w.onestop.token }),
      422,
      'PAPERS_INCOMPLETE',
    );
    expect(json.body.error.details.missing.map((p: { code: string }) => p.code)).toEqual(['don-de-nghi', 'giay-dkdn', 'hop-dong']);
    const partial = await refusedWithoutTrace(app, () => intake({ decision: 'receive' }, ['don-de-nghi', 'giay-dkdn']), 422, 'PAPERS_INCOMPLETE');
    expect(partial.body.error.details.missing).toEqual([{ code: 'hop-dong', name: REQUIRED[2]!.name }]);
  });

  it('a complete dossier is received with its appointment, its scans named by its code in the papers’ chain', async () => {
    const res = await intake({}, ['don-de-nghi', 'giay-dkdn', 'hop-dong', 'other']);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ state: 'inDepartment.review', nationalStatus: 4 });
    expect(res.body.dueAt).not.toBeNull();
    const detail = await w.http.get(`/api/dossiers/${res.body.id}`, { token: w.onestop.token });
    expect(detail.body.checklist.map((c: { received: boolean }) => c.received)).toEqual([true, true, true]);
    const events = await app.deps.db('events').where({ stream_type: 'dossier_papers', stream_id: String(res.body.id) }).orderBy('seq');
    expect(events.map((e) => (typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload).dossierCode)).toEqual([res.body.code, res.body.code, res.body.code, res.body.code]);
    expect((await verifyEventLog(app.deps.db)).ok).toBe(true);
  });

  it('guided once: Mẫu 02 lists the missing papers by name and the deadline, no appointment, no receipt', async () => {
    const res = await intake({ decision: 'guide', guidance: 'Đơn đề nghị phải có chữ ký của người đại diện theo pháp luật.' }, ['don-de-nghi']);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ state: 'awaitingSupplement', nationalStatus: 5, receivedAt: null, dueAt: null });
    const slip = await w.http.get(`/api/dossiers/${res.body.id}/forms/supplement-request`, { token: w.onestop.token });
    expect(slip.status).toBe(200);
    expect(slip.body.fields).toMatchObject({
      items: [`Bổ sung ${REQUIRED[1]!.name}.`, `Bổ sung ${REQUIRED[2]!.name}.`, 'Đơn đề nghị phải có chữ ký của người đại diện theo pháp luật.'],
      afterReceipt: false,
      appointmentAt: null,
      supplementDueAt: FIFTEEN_WORKING_DAYS_LATER,
      supplementWaitDays: 15,
    });
    expect((await w.http.get(`/api/dossiers/${res.body.id}/forms/receipt`, { token: w.onestop.token })).status).toBe(404);
    // Completed at the counter: the missing scans, the supplement, then the receipt (the clock stays put:
    // sessions would outlive a moved clock's day).
    const form = new FormData();
    for (const kind of ['giay-dkdn', 'hop-dong']) {
      form.append('kind', kind);
      form.append('file', new Blob([new Uint8Array(pdfWith(`${kind} next day`))], { type: 'application/pdf' }), `${kind}.pdf`);
    }
    const up = await fetch(`${app.url}/api/dossiers/${res.body.id}/papers`, { method: 'POST', headers: { authorization: `Bearer ${w.onestop.token}` }, body: form });
    expect(up.status).toBe(201);
    const d = { id: res.body.id as number, version: res.body.version as number };
    await fireAs(w.http, d, w.onestop, 'SUPPLEMENT');
    const received = await fireAs(w.http, d, w.onestop, 'RECEIVE');
    expect(received).toMatchObject({ state: 'inDepartment.review' });
    // 10 working days from receipt.
    expect(received.dueAt).toBe('2026-03-16T02:00:00.000Z');
  });

  it('refused with its reason (Mẫu 03); a refusal without one changes nothing; a refused dossier shows no appointment', async () => {
    await refusedWithoutTrace(app, () => intake({ decision: 'refuse' }, ['don-de-nghi']), 400, 'REASON_REQUIRED');
    await refusedWithoutTrace(app, () => intake({ decision: 'guide' }, ['don-de-nghi', 'giay-dkdn', 'hop-dong']), 400, 'GUIDANCE_REQUIRED');
    const res = await intake({ decision: 'refuse', reason: 'Thủ tục không thuộc thẩm quyền giải quyết của Sở Công Thương.' }, []);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ state: 'refused', dueAt: null });
    const slip = await w.http.get(`/api/dossiers/${res.body.id}/forms/refusal`, { token: w.onestop.token });
    expect(slip.body.fields.reason).toBe('Thủ tục không thuộc thẩm quyền giải quyết của Sở Công Thương.');
  });

  it('the online check cannot receive a submission lacking a paper (nothing changes); with every paper it can', async () => {
    const sub = await w.http.post('/api/public/dossiers', { procedureId: procedure.id, applicant: APPLICANT });
    expect(sub.status).toBe(201);
    const refused = await refusedWithoutTrace(app, 
      () => w.http.post(`/api/dossiers/${sub.body.id}/events`, { type: 'RECEIVE', version: sub.body.version }, { token: w.onestop.token }),
      422,
      'PAPERS_INCOMPLETE',
    );
    expect(refused.body.error.details.missing).toHaveLength(3);
    const form = new FormData();
    for (const kind of ['don-de-nghi', 'giay-dkdn', 'hop-dong']) {
      form.append('kind', kind);
      form.append('file', new Blob([new Uint8Array(pdfWith(`${kind} online`))], { type: 'application/pdf' }), `${kind}.pdf`);
    }
    const up = await fetch(`${app.url}/api/public/dossiers/${sub.body.code}/papers`, { method: 'POST', headers: { 'x-tracking-secret': sub.body.trackingSecret }, body: form });
    expect(up.status).toBe(201);
    const ok = await w.http.post(`/api/dossiers/${sub.body.id}/events`, { type: 'RECEIVE', version: sub.body.version }, { token: w.onestop.token });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });
});

describe('the department asks for the supplement', () => {
  async function received() {
    const res = await intake({}, ['don-de-nghi', 'giay-dkdn', 'hop-dong']);
    expect(res.status).toBe(201);
    return { id: res.body.id as number, code: res.body.code as string, version: res.body.version as number };
  }

  it('the assigned specialist asks with the list; the one-stop may not in the review; Mẫu 02 carries it without retyping; once in all', async () => {
    const d = await received();
    await fireAs(w.http, d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    const body = { type: 'REQUEST_SUPPLEMENT', guidance: 'Hợp đồng đã hết hiệu lực: nộp hợp đồng còn hiệu lực.', missingPapers: ['hop-dong'] };
    await refusedWithoutTrace(app, () => w.http.post(`/api/dossiers/${d.id}/events`, { ...body, version: d.version }, { token: w.onestop.token }), 403, 'FORBIDDEN');
    await refusedWithoutTrace(app, () => w.http.post(`/api/dossiers/${d.id}/events`, { ...body, version: d.version }, { token: w.otherSpecialist.token }), 404, 'NOT_FOUND');
    await refusedWithoutTrace(app, () => w.http.post(`/api/dossiers/${d.id}/events`, { ...body, missingPapers: ['khong-co'], version: d.version }, { token: w.specialist.token }), 400, 'UNKNOWN_PAPER_KIND');
    const asked = await fireAs(w.http, d, w.specialist, 'REQUEST_SUPPLEMENT', { guidance: body.guidance, missingPapers: body.missingPapers });
    expect(asked).toMatchObject({ state: 'awaitingSupplement', dueAt: null });
    const slip = await w.http.get(`/api/dossiers/${d.id}/forms/supplement-request`, { token: w.onestop.token });
    expect(slip.body.fields).toMatchObject({
      items: [`Bổ sung ${REQUIRED[2]!.name}.`, 'Hợp đồng đã hết hiệu lực: nộp hợp đồng còn hiệu lực.'],
      afterReceipt: true,
      supplementDueAt: FIFTEEN_WORKING_DAYS_LATER,
      requestedBy: { department: 'Phòng Quản lý Thương mại' },
    });
    // The applicant sees the deadline; the complete supplement sets a new appointment they see too.
    const secretless = await w.http.get(`/api/dossiers/${d.id}`, { token: w.onestop.token });
    expect(secretless.body.state).toBe('awaitingSupplement');
    const back = await fireAs(w.http, d, w.onestop, 'SUPPLEMENT');
    expect(back).toMatchObject({ state: 'inDepartment.review' });
    // The full limit again from the complete supplement (the default clock rule: restart).
    expect(back.dueAt).toBe('2026-03-16T02:00:00.000Z');
    const again = await w.http.post(`/api/dossiers/${d.id}/events`, { ...body, version: d.version }, { token: w.specialist.token });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('INVALID_TRANSITION');
  });

  it('the lead may ask too, before assigning; the tracking view shows the deadline, then no appointment once withdrawn', async () => {
    const sub = await w.http.post('/api/public/dossiers', { procedureId: w.procedures.noFee.id, applicant: APPLICANT });
    const d = { id: sub.body.id as number, version: sub.body.version as number };
    await fireAs(w.http, d, w.onestop, 'RECEIVE');
    await fireAs(w.http, d, w.lead, 'REQUEST_SUPPLEMENT', { guidance: 'Bổ sung bản vẽ mặt bằng kho.' });
    const secret = { headers: { 'x-tracking-secret': sub.body.trackingSecret as string } };
    const tracking = await w.http.get(`/api/public/dossiers/${sub.body.code}`, secret);
    expect(tracking.status).toBe(200);
    expect(tracking.body).toMatchObject({ state: 'awaitingSupplement', supplementDueAt: FIFTEEN_WORKING_DAYS_LATER });
    const withdrawn = await w.http.post(`/api/public/dossiers/${sub.body.code}/events`, { type: 'WITHDRAW', version: d.version, reason: 'Doanh nghiệp thay đổi kế hoạch' }, secret);
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    const after = await w.http.get(`/api/public/dossiers/${sub.body.code}`, secret);
    expect(after.body).toMatchObject({ state: 'withdrawn', dueAt: null, supplementDueAt: null });
    const staff = await w.http.get(`/api/dossiers/${d.id}`, { token: w.onestop.token });
    expect(staff.body.dueAt).toBeNull();
    expect(staff.body.originalDueAt).not.toBeNull();
  });
});
