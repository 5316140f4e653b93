import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, buildProcedure, buildWorld, fireAs, type TestUser, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { attachResult } from '../support/papers.ts';

/** The seven forms of the one-stop mechanism, produced from a dossier's data (Circular 03/2025/TT-VPCP). */
let app: TestApp;
let w: World;

beforeAll(async () => {
  app = await startTestApp({ env: { IDESK_AGENCY_NAME: 'Sở Công Thương tỉnh Gia Lai', IDESK_SERVICE_CENTRE_NAME: 'Bộ phận Một cửa' } });
  w = await buildWorld(app);
});
afterAll(() => app.close());

const fire = (d: { id: number; version: number }, user: TestUser, type: string, extra: Record<string, unknown> = {}) => fireAs(w.http, d, user, type, extra);

const form = (id: number, name: string, user: TestUser = w.onestop) => w.http.get(`/api/dossiers/${id}/forms/${name}`, { token: user.token });

describe('forms of a dossier', () => {
  it('the receipt, the tracking sheet, and forms for acts that did not happen are not available', async () => {
    const res = await w.http.post('/api/dossiers', { procedureId: w.procedures.noFee.id, applicant: APPLICANT, subject: 'Cấp phép bán buôn' }, { token: w.onestop.token });
    const d = { id: res.body.id, version: res.body.version };
    const receipt = await form(d.id, 'receipt');
    expect(receipt.status).toBe(200);
    expect(receipt.body).toMatchObject({
      form: 'receipt',
      template: 'Mẫu số 01',
      title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
      agency: 'Sở Công Thương tỉnh Gia Lai',
      dossierCode: res.body.code,
      applicant: { name: APPLICANT.name, idNumber: APPLICANT.idNumber },
      fields: { workingDays: 14, receivedAt: res.body.receivedAt, appointmentAt: res.body.dueAt, logBookSequence: 1, resultPlace: 'Bộ phận Một cửa' },
    });
    expect(receipt.body.fields.receivedBy).toMatch(/^Cán bộ /);

    for (const name of ['refusal', 'apology', 'stop-notice', 'supplement-request']) {
      const none = await form(d.id, name);
      expect(none.status).toBe(404);
      expect(none.body.error.code).toBe('FORM_NOT_AVAILABLE');
    }

    await fire(d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    await fire(d, w.specialist, 'VERIFY');
    await fire(d, w.lead, 'ISSUE_APOLOGY', { reason: 'Cần xác minh thực địa', newDueAt: '2026-04-08T09:00:00+07:00' });
    await fire(d, w.lead, 'PROPOSE', { opinion: 'Đủ điều kiện', proposedResult: 'grant' });
    await fire(d, w.director, 'APPROVE');
    await attachResult(w.http.baseUrl, d.id, w.onestop.token);
    await fire(d, w.onestop, 'RETURN_RESULT', { method: 'post' });

    const apology = await form(d.id, 'apology', w.director);
    expect(apology.body.fields).toMatchObject({ reason: 'Cần xác minh thực địa', newAppointmentAt: '2026-04-08T02:00:00.000Z', originalAppointmentAt: res.body.dueAt });

    const sheet = await form(d.id, 'tracking-sheet');
    expect(sheet.body.fields.processingUnit).toBe('Phòng Quản lý Thương mại');
    expect(sheet.body.fields.handovers.map((h: { givingUnit: string; receivingUnit: string | null; stepResult: string | null }) => [h.givingUnit, h.receivingUnit, h.stepResult])).toEqual([
      // Received at the counter: the one-stop had no step to finish.
      ['Bộ phận Một cửa', 'Phòng Quản lý Thương mại', null],
      ['Phòng Quản lý Thương mại', 'Phòng Quản lý Thương mại', 'early'],
      ['Phòng Quản lý Thương mại', 'Lãnh đạo Sở', 'early'],
      ['Lãnh đạo Sở', 'Bộ phận Một cửa', 'early'],
      // The hand-over step (half a day) was due the same day: on time.
      ['Bộ phận Một cửa', null, 'onTime'],
    ]);

    const book = await w.http.get('/api/log-book?from=2026-03-02&to=2026-03-02', { token: w.onestop.token });
    expect(book.status).toBe(200);
    expect(book.body.items[0]).toMatchObject({ sequence: 1, dossierCode: res.body.code, applicant: APPLICANT.name, processingUnit: 'Phòng Quản lý Thương mại', returnMethod: 'post' });
    expect(book.body.items[0].returnedAt).toBe(app.clock.now().toISOString());
    expect((await w.http.get('/api/log-book?from=2026-03-03&to=2026-03-04', { token: w.onestop.token })).body.items).toEqual([]);
    expect((await w.http.get('/api/log-book?from=2026-03-02&to=2026-03-02', { token: w.specialist.token })).status).toBe(403);
  });

  it('the supplement request lists every item; the refusal and the stop notice carry their reasons', async () => {
    const online = await w.http.post('/api/public/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT });
    const d = { id: online.body.id, version: 1 };
    await fire(d, w.onestop, 'REQUEST_SUPPLEMENT', { guidance: '1. Bản sao giấy chứng nhận đăng ký doanh nghiệp\n2. Sơ đồ kho hàng\n\n3. Hợp đồng thuê kho' });
    const request = await form(d.id, 'supplement-request');
    expect(request.body.fields).toMatchObject({
      items: ['1. Bản sao giấy chứng nhận đăng ký doanh nghiệp', '2. Sơ đồ kho hàng', '3. Hợp đồng thuê kho'],
      afterReceipt: false,
    });
    const withdrawn = await w.http.post(`/api/public/dossiers/${online.body.code}/events`, { type: 'WITHDRAW', version: d.version, reason: 'Doanh nghiệp đổi địa điểm kinh doanh' }, { headers: { 'x-tracking-secret': online.body.trackingSecret } });
    expect(withdrawn.status).toBe(200);
    const notice = await form(d.id, 'stop-notice');
    expect(notice.body).toMatchObject({ template: 'Mẫu số 05', fields: { grounds: 'applicant-request', requestedBy: 'applicant', reason: 'Doanh nghiệp đổi địa điểm kinh doanh', stateWhenStopped: 'awaitingSupplement' } });

    const other = await w.http.post('/api/public/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT });
    await fire({ id: other.body.id, version: 1 }, w.onestop, 'REFUSE', { reason: 'Không thuộc thẩm quyền giải quyết của Sở' });
    const refusal = await form(other.body.id, 'refusal');
    expect(refusal.body).toMatchObject({ template: 'Mẫu số 03', fields: { reason: 'Không thuộc thẩm quyền giải quyết của Sở' } });
  });

  it('an unknown form → 400; a dossier the caller may not see → 404', async () => {
    expect((await form(1, 'horoscope')).status).toBe(400);
    const hidden = await form(1, 'receipt', w.otherSpecialist);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('NOT_FOUND');
  });
});

describe('the tracking sheet (issue 6 §3.17)', () => {
  it('names every holder or says null — never an empty string — and keeps the instants the result was decided and handed over apart', async () => {
    const online = await w.http.post('/api/public/dossiers', { procedureId: w.procedures.noFee.id, applicant: APPLICANT });
    const d = { id: online.body.id, version: 1 };
    await fire(d, w.onestop, 'REQUEST_SUPPLEMENT', { guidance: '1. Sơ đồ kho hàng' });
    const supplemented = await w.http.post(`/api/public/dossiers/${online.body.code}/events`, { type: 'SUPPLEMENT', version: d.version }, { headers: { 'x-tracking-secret': online.body.trackingSecret } });
    expect(supplemented.status).toBe(200);
    d.version = supplemented.body.version;
    await fire(d, w.onestop, 'RECEIVE');
    await fire(d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    await fire(d, w.specialist, 'VERIFY');
    await fire(d, w.lead, 'PROPOSE', { opinion: 'Đủ điều kiện', proposedResult: 'grant' });
    app.clock.advance(60 * 60_000);
    const approved = await fire(d, w.director, 'APPROVE');
    app.clock.advance(2 * 60 * 60_000);
    await attachResult(w.http.baseUrl, d.id, w.onestop.token);
    const returned = await fire(d, w.onestop, 'RETURN_RESULT', { method: 'counter' });

    const sheet = (await form(d.id, 'tracking-sheet')).body.fields;
    const units = sheet.handovers.map((h: { givingUnit: string | null; receivingUnit: string | null }) => [h.givingUnit, h.receivingUnit]);
    expect(units).toEqual([
      // Submitted online: the applicant handed it in; the one-stop asked for a supplement, so the applicant holds it.
      ['Bộ phận Một cửa', 'Tổ chức, cá nhân'],
      ['Tổ chức, cá nhân', 'Bộ phận Một cửa'],
      ['Bộ phận Một cửa', 'Phòng Quản lý Thương mại'],
      ['Phòng Quản lý Thương mại', 'Phòng Quản lý Thương mại'],
      ['Phòng Quản lý Thương mại', 'Lãnh đạo Sở'],
      ['Lãnh đạo Sở', 'Bộ phận Một cửa'],
      ['Bộ phận Một cửa', null],
    ]);
    expect(JSON.stringify(sheet)).not.toContain('""');
    expect(sheet.resultDecidedAt).toBe(approved.updatedAt);
    expect(sheet.resultReturnedAt).toBe(returned.updatedAt);
    expect(sheet.resultReturnedAt > sheet.resultDecidedAt).toBe(true);
  });
});

describe('the log book, a page at a time', () => {
  it('numbers entries across pages, says when more follow, and never answers more than a page', async () => {
    // One procedure of its own: the book is filtered by it, the day holds the other tests' dossiers too.
    const procedure = await buildProcedure(app, w.departmentId, { workingDays: 5 });
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await w.http.post('/api/dossiers', { procedureId: procedure.id, applicant: APPLICANT }, { token: w.onestop.token });
      expect(res.status).toBe(201);
      codes.push(res.body.code);
      app.clock.advance(60_000);
    }
    const day = new Date(app.clock.now().getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
    const page = (n: number) => w.http.get(`/api/log-book?from=${day}&to=${day}&procedureId=${procedure.id}&pageSize=2&page=${n}`, { token: w.onestop.token });
    const pages = [await page(1), await page(2), await page(3)];
    expect(pages.map((p) => p.body.items.map((e: { sequence: number; dossierCode: string }) => [e.sequence, e.dossierCode]))).toEqual([
      [[1, codes[0]], [2, codes[1]]],
      [[3, codes[2]], [4, codes[3]]],
      [[5, codes[4]]],
    ]);
    expect(pages.map((p) => p.body.hasMore)).toEqual([true, true, false]);
    expect((await w.http.get(`/api/log-book?from=${day}&to=${day}&pageSize=101`, { token: w.onestop.token })).status).toBe(400);
  });
});
