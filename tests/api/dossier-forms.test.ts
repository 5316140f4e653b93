import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, buildDossier, buildProcedure, buildWorld, fireAs, type TestUser, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { attachResult, pdfWith, postCounterIntake, postPapers } from '../support/papers.ts';
import { expectError } from '../support/assertions.ts';
import { fingerprint } from '../support/test-db.ts';

/** The seven forms of the one-stop mechanism, produced from a dossier's data (Circular 03/2025/TT-VPCP). */
let app: TestApp;
let w: World;

beforeAll(async () => {
  // No IDESK_GOVERNING_BODY_NAME: the Centre's governing body is read from the province.
  app = await startTestApp({ env: { IDESK_AGENCY_NAME: 'Sở Công Thương tỉnh Gia Lai', IDESK_SERVICE_CENTRE_NAME: 'Bộ phận Một cửa', IDESK_PROVINCE: 'Gia Lai' } });
  w = await buildWorld(app);
});
afterAll(() => app.close());

const fire = (d: { id: number; version: number }, user: TestUser, type: string, extra: Record<string, unknown> = {}) => fireAs(w.http, d, user, type, extra);

/** A staff member's name as the forms print it (the factories name everyone "Cán bộ <username>"). */
const nameOf = (u: TestUser) => `Cán bộ ${u.username}`;

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
      header: { issuer: 'centre', governingBody: 'Ủy ban nhân dân tỉnh Gia Lai', unit: 'Bộ phận Một cửa' },
      proxy: null,
      fields: { request: 'Cấp phép bán buôn', workingDays: 14, receivedAt: res.body.receivedAt, appointmentAt: res.body.dueAt, logBookSequence: 1, resultPlace: 'Bộ phận Một cửa' },
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
    // The apology is the Sở's: its unit that let the time run out apologises (Mẫu 04).
    expect(apology.body.header).toEqual({ issuer: 'agency', governingBody: 'Sở Công Thương tỉnh Gia Lai', unit: 'Phòng Quản lý Thương mại' });
    expect(apology.body.fields).toMatchObject({ reason: 'Cần xác minh thực địa', newAppointmentAt: '2026-04-08T02:00:00.000Z', originalAppointmentAt: res.body.dueAt });

    const sheet = await form(d.id, 'tracking-sheet');
    expect(sheet.body.fields.processingUnit).toBe('Phòng Quản lý Thương mại');
    expect(sheet.body.fields.handovers.map((h: { givingUnit: string; receivingUnit: string | null; stepResult: string | null }) => [h.givingUnit, h.receivingUnit, h.stepResult])).toEqual([
      // Received at the counter: the one-stop had no step to finish.
      ['Bộ phận Một cửa', 'Phòng Quản lý Thương mại', null],
      ['Phòng Quản lý Thương mại', 'Phòng Quản lý Thương mại', 'early'],
      ['Phòng Quản lý Thương mại', 'Lãnh đạo Sở', 'early'],
      ['Lãnh đạo Sở', 'Bộ phận Một cửa', 'early'],
      // The hand-over step (half a day) was due the same day: on time. The applicant takes the result.
      ['Bộ phận Một cửa', 'Tổ chức, cá nhân', 'onTime'],
    ]);
    // Mẫu 06: the person on each side of every hand-over (người giao, người nhận). The lead takes the
    // dossier for the department (and assigns it); the apology the lead issued while holding it is no hand-over.
    expect(sheet.body.fields.handovers.map((h: { givenBy: string; receivedBy: string | null }) => [h.givenBy, h.receivedBy])).toEqual([
      [nameOf(w.onestop), nameOf(w.lead)],
      [nameOf(w.specialist), nameOf(w.lead)],
      [nameOf(w.lead), nameOf(w.director)],
      [nameOf(w.director), nameOf(w.onestop)],
      [nameOf(w.onestop), APPLICANT.name],
    ]);
    expect(sheet.body.fields.returnMethod).toBe('post');
    expect(sheet.body.header).toEqual({ issuer: 'centre', governingBody: 'Ủy ban nhân dân tỉnh Gia Lai', unit: 'Bộ phận Một cửa' });

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
    // Guided at intake: the Centre's form.
    expect(request.body.header.issuer).toBe('centre');
    const withdrawn = await w.http.post(`/api/public/dossiers/${online.body.code}/events`, { type: 'WITHDRAW', version: d.version, reason: 'Doanh nghiệp đổi địa điểm kinh doanh' }, { headers: { 'x-tracking-secret': online.body.trackingSecret } });
    expect(withdrawn.status).toBe(200);
    const notice = await form(d.id, 'stop-notice');
    expect(notice.body).toMatchObject({ template: 'Mẫu số 05', header: { issuer: 'centre', unit: 'Bộ phận Một cửa' }, fields: { grounds: 'applicant-request', requestedBy: 'applicant', reason: 'Doanh nghiệp đổi địa điểm kinh doanh', stateWhenStopped: 'awaitingSupplement' } });

    const other = await w.http.post('/api/public/dossiers', { procedureId: w.procedures.standard.id, applicant: APPLICANT });
    await fire({ id: other.body.id, version: 1 }, w.onestop, 'REFUSE', { reason: 'Không thuộc thẩm quyền giải quyết của Sở' });
    const refusal = await form(other.body.id, 'refusal');
    expect(refusal.body).toMatchObject({ template: 'Mẫu số 03', header: { issuer: 'centre', governingBody: 'Ủy ban nhân dân tỉnh Gia Lai' }, fields: { reason: 'Không thuộc thẩm quyền giải quyết của Sở' } });
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
      ['Bộ phận Một cửa', 'Tổ chức, cá nhân'],
    ]);
    // The applicant gives and takes on their side: the supplement they asked for, the supplement they
    // sent, and the result; the lead takes the dossier for the department.
    expect(sheet.handovers.map((h: { givenBy: string; receivedBy: string | null }) => [h.givenBy, h.receivedBy])).toEqual([
      [nameOf(w.onestop), APPLICANT.name],
      [APPLICANT.name, nameOf(w.onestop)],
      [nameOf(w.onestop), nameOf(w.lead)],
      [nameOf(w.specialist), nameOf(w.lead)],
      [nameOf(w.lead), nameOf(w.director)],
      [nameOf(w.director), nameOf(w.onestop)],
      [nameOf(w.onestop), APPLICANT.name],
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

describe('who issues each form (the header: the governing body over the issuing unit)', () => {
  it('the Sở asks for a supplement its unit found after receipt and signs a stop it decides; the Centre guides at intake and notes a withdrawal', async () => {
    const back = await buildDossier(w, { state: 'returnedToOneStop' });
    await fire(back, w.onestop, 'REQUEST_SUPPLEMENT', { guidance: '1. Bản vẽ mặt bằng kho' });
    const request = await form(back.id, 'supplement-request');
    expect(request.body.fields.afterReceipt).toBe(true);
    expect(request.body.header).toEqual({ issuer: 'agency', governingBody: 'Sở Công Thương tỉnh Gia Lai', unit: 'Phòng Quản lý Thương mại' });

    const received = await buildDossier(w, { state: 'inDepartment.review' });
    await fire(received, w.onestop, 'STOP', { reason: 'Cơ quan có thẩm quyền đề nghị dừng' });
    expect((await form(received.id, 'stop-notice')).body.header).toEqual({ issuer: 'agency', governingBody: 'Sở Công Thương tỉnh Gia Lai', unit: 'Phòng Quản lý Thương mại' });

    // Stopped before it was received: it never reached the Sở, the Centre writes the notice.
    const early = await buildDossier(w, { state: 'stopped' });
    expect((await form(early.id, 'stop-notice')).body.header.issuer).toBe('centre');
  });
});

describe('Mẫu 01: the form of each paper, the request, the person acting by proxy', () => {
  const PROXY = {
    name: 'Trần Thị Bích Ngọc',
    idNumber: '052190001234',
    phone: '0905 123 456',
    email: 'ngoc.tran@example.vn',
    address: '25 Trần Hưng Đạo, phường Quy Nhơn, tỉnh Gia Lai',
    authorisation: 'Giấy ủy quyền số 12/2026/GUQ ngày 01/12/2026 của Giám đốc Công ty',
  };

  it('every paper says bản chính, bản sao or bản sao chứng thực: copyType, the older `original` (true/false), or a copy when the rules say nothing', async () => {
    const procedure = await w.http.post(
      '/api/procedures',
      {
        code: '1.099001',
        name: 'Cấp Giấy phép bán buôn sản phẩm rượu',
        departmentId: w.departmentId,
        workingDays: 10,
        requiredPapers: [
          { code: 'don', name: 'Đơn đề nghị', original: true },
          { code: 'dkdn', name: 'Giấy chứng nhận đăng ký doanh nghiệp', original: false },
          { code: 'hop-dong', name: 'Hợp đồng thuê kho', copyType: 'certifiedCopy' },
          { code: 'so-do', name: 'Sơ đồ kho hàng' },
          { code: 'cam-ket', name: 'Bản cam kết', copyType: 'original', original: true },
        ],
      },
      { token: w.admin.token },
    );
    expect(procedure.status, JSON.stringify(procedure.body)).toBe(201);
    expect(procedure.body.rules.requiredPapers.map((p: { code: string; copyType: string }) => [p.code, p.copyType])).toEqual([
      ['don', 'original'],
      ['dkdn', 'copy'],
      ['hop-dong', 'certifiedCopy'],
      ['so-do', 'copy'],
      ['cam-ket', 'original'],
    ]);
    // Received with every required paper (Decree 118/2025), then one paper beyond the list.
    const res = await postCounterIntake(w.http.baseUrl, w.onestop.token, { procedureId: procedure.body.id, applicant: APPLICANT }, ['don', 'dkdn', 'hop-dong', 'so-do', 'cam-ket']);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const other = await postPapers(w.http.baseUrl, `/api/dossiers/${res.body.id}/papers`, [{ kind: 'other', name: 'Ảnh chụp kho.pdf', bytes: pdfWith('kho') }], { authorization: `Bearer ${w.onestop.token}` });
    expect(other.status).toBe(201);
    const receipt = (await form(res.body.id, 'receipt')).body.fields;
    expect(receipt.papers.map((p: { name: string; copyType: string }) => [p.name, p.copyType])).toEqual([
      ['Đơn đề nghị', 'original'],
      ['Giấy chứng nhận đăng ký doanh nghiệp', 'copy'],
      ['Hợp đồng thuê kho', 'certifiedCopy'],
      ['Sơ đồ kho hàng', 'copy'],
      ['Bản cam kết', 'original'],
      // A paper beyond the list: a copy.
      ['Ảnh chụp kho.pdf', 'copy'],
    ]);
    // No subject typed: the request reads what the procedure grants, asked for — not its name again.
    expect(receipt.request).toBe('Đề nghị cấp Giấy phép bán buôn sản phẩm rượu');
  });

  it('rules stored before copyType (only `original`, or nothing) read as bản chính / bản sao', async () => {
    const procedure = await buildProcedure(app, w.departmentId, { requiredPapers: [{ code: 'a', name: 'A' }] });
    // Written as the rules were stored before copyType existed.
    await app.deps.db('procedure_rules').where({ procedure_id: procedure.id }).update({ required_papers: JSON.stringify([{ code: 'a', name: 'A', original: true }, { code: 'b', name: 'B', original: false }, { code: 'c', name: 'C' }]) });
    const read = await w.http.get(`/api/procedures/${procedure.id}`, { token: w.admin.token });
    expect(read.status).toBe(200);
    expect(read.body.rules.requiredPapers).toEqual([
      { code: 'a', name: 'A', original: true, copyType: 'original' },
      { code: 'b', name: 'B', original: false, copyType: 'copy' },
      { code: 'c', name: 'C', copyType: 'copy' },
    ]);
  });

  it('a copyType that contradicts `original`, or an unknown one, is refused and changes nothing', async () => {
    const before = await fingerprint(app.deps.db);
    const body = (paper: Record<string, unknown>) => ({ code: '1.099002', name: 'Thủ tục thử', departmentId: w.departmentId, workingDays: 5, requiredPapers: [{ code: 'x', name: 'X', ...paper }] });
    expectError(await w.http.post('/api/procedures', body({ copyType: 'copy', original: true }), { token: w.admin.token }), 400, 'INVALID_REQUIRED_PAPERS');
    expectError(await w.http.post('/api/procedures', body({ copyType: 'photocopy' }), { token: w.admin.token }), 400, 'VALIDATION_FAILED');
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });

  it('the proxy is stored with the dossier, answered by the API and printed on the receipt and the tracking sheet', async () => {
    const res = await w.http.post('/api/dossiers', { procedureId: w.procedures.noFee.id, applicant: APPLICANT, proxy: PROXY, subject: 'Cấp giấy phép bán lẻ rượu tại 12 Lê Lợi' }, { token: w.onestop.token });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.proxy).toEqual(PROXY);
    const row = await app.deps.db('dossiers').where({ id: res.body.id }).first();
    expect([row.proxy_name, row.proxy_id_number, row.proxy_phone, row.proxy_email, row.proxy_address, row.proxy_authorisation]).toEqual([PROXY.name, PROXY.idNumber, PROXY.phone, PROXY.email, PROXY.address, PROXY.authorisation]);
    const receipt = (await form(res.body.id, 'receipt')).body;
    expect(receipt.proxy).toEqual(PROXY);
    expect(receipt.fields.request).toBe('Cấp giấy phép bán lẻ rượu tại 12 Lê Lợi');
    // Sent by post, the result reaches the applicant, not the proxy who handed the dossier in (at the
    // counter the proxy collects it: tests/web/forms-print.test.ts).
    const d = { id: res.body.id, version: res.body.version };
    await fire(d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    await fire(d, w.specialist, 'VERIFY');
    await fire(d, w.lead, 'PROPOSE', { opinion: 'Đủ điều kiện', proposedResult: 'grant' });
    await fire(d, w.director, 'APPROVE');
    await attachResult(w.http.baseUrl, d.id, w.onestop.token);
    await fire(d, w.onestop, 'RETURN_RESULT', { method: 'post' });
    const sheet = (await form(d.id, 'tracking-sheet')).body;
    expect(sheet.proxy).toEqual(PROXY);
    expect(sheet.fields.handovers.at(-1)).toMatchObject({ givenBy: nameOf(w.onestop), receivingUnit: 'Tổ chức, cá nhân', receivedBy: APPLICANT.name });
    // Only the name and the authorisation besides the identity are required; the rest may be left out.
    const short = await w.http.post('/api/dossiers', { procedureId: w.procedures.noFee.id, applicant: APPLICANT, proxy: { name: PROXY.name, idNumber: PROXY.idNumber, authorisation: PROXY.authorisation } }, { token: w.onestop.token });
    expect(short.status).toBe(201);
    expect(short.body.proxy).toEqual({ name: PROXY.name, idNumber: PROXY.idNumber, authorisation: PROXY.authorisation, phone: null, email: null, address: null });
    // Without a proxy: null, not an empty object.
    expect((await w.http.post('/api/dossiers', { procedureId: w.procedures.noFee.id, applicant: APPLICANT }, { token: w.onestop.token })).body.proxy).toBeNull();
  });

  it('a proxy without an identity number or an authorisation, or with a bad one, is refused and changes nothing', async () => {
    const before = await fingerprint(app.deps.db);
    for (const proxy of [
      { name: PROXY.name, authorisation: PROXY.authorisation },
      { name: PROXY.name, idNumber: PROXY.idNumber },
      { name: PROXY.name, idNumber: '12', authorisation: PROXY.authorisation },
      { ...PROXY, nickname: 'Ngọc' },
      { ...PROXY, authorisation: '   ' },
    ]) {
      expectError(await w.http.post('/api/dossiers', { procedureId: w.procedures.noFee.id, applicant: APPLICANT, proxy }, { token: w.onestop.token }), 400, 'VALIDATION_FAILED');
    }
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });
});
