import { DATE_PROBLEM } from '../../src/web/form-errors.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachDocFile, buildDocumentWorld, createDoc, fireDoc, INCOMING, OUTGOING, signedOutgoing, type DocumentWorld } from '../support/documents.ts';
import type { TestUser } from '../support/factories.ts';
import { pdfWith } from '../support/papers.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { FormClient } from './support/form-client.ts';

/**
 * The document detail page and its event forms over plain HTTP (issue 8 point 8), on both databases:
 * only the forms the viewer may fire, errors beside the fields, a stale version answered 409 with the
 * fresh state, a forged event refused with nothing changed, the files streamed to those who may see them.
 */
let app: TestApp;
let w: DocumentWorld;

beforeAll(async () => {
  app = await startTestApp();
  w = await buildDocumentWorld(app);
});
afterAll(async () => {
  await app?.close();
});

async function as(user: TestUser) {
  const c = new FormClient(app.url);
  await c.login(user.username, user.password);
  return c;
}

/** Every row the document flows write: compared before and after a refused request. */
async function documentRows() {
  const out: Record<string, string[]> = {};
  for (const table of ['documents', 'document_assignments', 'document_forwards', 'document_replies', 'document_recipients', 'document_files', 'stored_files']) {
    out[table] = (await app.deps.db(table).select('*')).map((r) => JSON.stringify(r)).sort();
  }
  // The documents' audit streams (logging in writes to the users' own).
  out.events = (await app.deps.db('events').whereIn('stream_type', ['document', 'document_files']).select('*')).map((r) => JSON.stringify(r)).sort();
  return out;
}

/** The page's form of one event, for its token and version. */
async function open(c: FormClient, id: number | string) {
  const page = await c.get(typeof id === 'number' ? `/van-ban/${id}` : id);
  expect(page.res.status).toBe(200);
  const version = /name="version" value="(\d+)"/.exec(page.text)?.[1] ?? '';
  return { ...page, version, token: page.token as string };
}

const errorOf = (html: string, id: string) => new RegExp(`id="${id}-error">([^<]*)<`).exec(html)?.[1];

async function incoming(extra: Record<string, unknown> = {}) {
  const d = await createDoc(w.http, w.clerk, { ...INCOMING, sourceSymbol: `${Math.floor(Math.random() * 1e6)}/UBND-KT`, ...extra });
  await attachDocFile(app, d.id, w.clerk, 'scan');
  return d as { id: number; version: number };
}

describe('the detail page', () => {
  it('shows the register fields, the scan and only the forms the viewer may fire now; hides the document from who may not see it', async () => {
    const d = await incoming();
    const director = await as(w.director);
    const page = await open(director, d.id);
    expect(page.text).toContain('Ủy ban nhân dân tỉnh Bình Định');
    expect(page.text).toContain('Chờ lãnh đạo Sở cho ý kiến chỉ đạo');
    expect(page.text).toContain('id="ev-direct"');
    expect(page.text).not.toContain('id="ev-distribute"');
    const file = /href="(\/van-ban\/\d+\/tep\/\d+)"/.exec(page.text)?.[1] as string;
    const bytes = await director.getBytes(file);
    expect(bytes.res.status).toBe(200);
    expect(bytes.res.headers.get('content-type')).toBe('application/pdf');
    expect(bytes.res.headers.get('content-disposition')).toMatch(/^inline; filename="scan.pdf"/);
    expect(bytes.res.headers.get('x-content-type-options')).toBe('nosniff');

    const clerk = await as(w.clerk);
    const clerkPage = await open(clerk, d.id);
    expect(clerkPage.text).not.toContain('id="ev-');
    expect(clerkPage.text).toContain('Bạn không có thao tác nào');

    // Not directed to them: the specialist sees neither the document nor its file.
    const outsider = await as(w.otherSpecialist);
    expect((await outsider.get(`/van-ban/${d.id}`)).res.status).toBe(404);
    expect((await outsider.getBytes(file)).res.status).toBe(404);
    expect((await outsider.get('/van-ban/999999')).res.status).toBe(404);
  });
});

describe('marks', () => {
  it('a deadline passed is marked Quá hạn; the register’s warnings passed on by the registration are shown with links', async () => {
    const d = await incoming({ dueAt: '2026-03-02T04:00:00Z' });
    const director = await as(w.director);
    expect((await open(director, d.id)).text).not.toContain('>Quá hạn<');
    const start = app.clock.now();
    app.clock.set('2026-03-02T05:00:00Z');
    try {
      expect((await open(director, d.id)).text).toContain('>Quá hạn<');
    } finally {
      app.clock.set(start);
    }
    const page = await open(director, `/van-ban/${d.id}?trung=1,abc,2&muon=1`);
    expect(page.text).toContain('Có thể trùng với văn bản đã vào sổ (mã 1, 2)');
    expect(page.text).toContain('href="/van-ban/2"');
    expect(page.text).toContain('vào sổ muộn');
  });
});

describe('DIRECT', () => {
  it('says what is wrong beside each field and changes nothing; then directs with deadlines', async () => {
    const d = await incoming();
    const director = await as(w.director);
    let page = await open(director, d.id);
    const before = await documentRows();

    let answer = await director.post(`/van-ban/${d.id}/su-kien`, { _csrf: page.token, type: 'DIRECT', version: page.version, lead: '', text: '', leadDueAt: '31/12/2026' });
    expect(answer.res.status).toBe(400);
    expect(errorOf(answer.text, 'ev-direct-leadDueAt')).toBe(DATE_PROBLEM);
    answer = await director.post(`/van-ban/${d.id}/su-kien`, { _csrf: page.token, type: 'DIRECT', version: page.version, lead: '', text: '' });
    expect(answer.res.status).toBe(400);
    expect(errorOf(answer.text, 'ev-direct-lead')).toBeTruthy();
    expect(errorOf(answer.text, 'ev-direct-text')).toBeTruthy();
    // The form comes back open with the error announced.
    expect(answer.text).toMatch(/<details class="panel" open="" id="ev-direct"|<details class="panel" open id="ev-direct"/);

    // A deadline already past: the rule's message beside the lead's deadline.
    answer = await director.post(`/van-ban/${d.id}/su-kien`, { _csrf: page.token, type: 'DIRECT', version: page.version, lead: String(w.trade.id), leadDueAt: '2020-01-01', text: 'Giao QLTM' });
    expect(answer.res.status).toBe(422);
    expect(errorOf(answer.text, 'ev-direct-leadDueAt')).toBe('Hạn xử lý phải sau thời điểm hiện tại.');
    // The same department as lead and coordinating.
    answer = await director.post(`/van-ban/${d.id}/su-kien`, { _csrf: page.token, type: 'DIRECT', version: page.version, lead: String(w.trade.id), [`coord-${w.trade.id}`]: 'on', text: 'Giao QLTM' });
    expect(answer.res.status).toBe(400);
    expect(errorOf(answer.text, 'ev-direct-coordinating')).toContain('vừa chủ trì vừa phối hợp');
    // A coordinating department's deadline in the past: beside that department's date.
    answer = await director.post(`/van-ban/${d.id}/su-kien`, {
      _csrf: page.token, type: 'DIRECT', version: page.version, lead: String(w.trade.id), [`coord-${w.energy.id}`]: 'on', [`due-${w.energy.id}`]: '2020-01-01', text: 'Giao QLTM',
    });
    expect(answer.res.status).toBe(422);
    expect(errorOf(answer.text, `ev-direct-due-${w.energy.id}`)).toBe('Hạn xử lý phải sau thời điểm hiện tại.');
    expect(await documentRows()).toEqual(before);

    answer = await director.post(`/van-ban/${d.id}/su-kien`, {
      _csrf: page.token, type: 'DIRECT', version: page.version, lead: String(w.trade.id), leadDueAt: '2099-03-10', [`coord-${w.energy.id}`]: 'on', [`due-${w.energy.id}`]: '2099-03-05', text: 'Giao QLTM chủ trì, QLNL phối hợp', replyRequired: 'on',
    });
    expect(answer.res.status, answer.text.slice(0, 300)).toBe(303);
    expect(answer.res.headers.get('location')).toBe(`/van-ban/${d.id}?done=DIRECT`);
    const row = await app.deps.db('documents').where({ id: d.id }).first();
    expect(row.state).toBe('directed');
    expect(Boolean(row.reply_required)).toBe(true);
    const parts = await app.deps.db('document_assignments').where({ document_id: d.id }).orderBy('id');
    expect(parts.map((p) => [p.department_id, p.role])).toEqual([[w.trade.id, 'lead'], [w.energy.id, 'coordinating']]);
    // The end of the chosen day in Vietnam.
    expect(new Date(parts[0].due_at).toISOString()).toBe('2099-03-10T16:59:59.000Z');
    page = await open(director, answer.res.headers.get('location') as string);
    expect(page.text).toContain('Đã thực hiện: Cho ý kiến chỉ đạo (bút phê).');
    expect(page.text).toContain('Giao QLTM chủ trì, QLNL phối hợp');
  });

  it('a forged DIRECT from someone who may not fire it is refused and changes nothing', async () => {
    const d = await incoming();
    const clerk = await as(w.clerk);
    const page = await open(clerk, d.id);
    const before = await documentRows();
    const answer = await clerk.post(`/van-ban/${d.id}/su-kien`, { _csrf: page.token, type: 'DIRECT', version: String(d.version), lead: String(w.trade.id), text: 'Giả mạo' });
    expect(answer.res.status).toBe(403);
    // Someone who may not even see it: 404, as for a document that does not exist.
    const outsider = await as(w.otherSpecialist);
    const token = (await outsider.get('/workspace')).token as string;
    const hidden = await outsider.post(`/van-ban/${d.id}/su-kien`, { _csrf: token, type: 'DIRECT', version: '1', lead: String(w.trade.id), text: 'Giả mạo' });
    expect(hidden.res.status).toBe(404);
    // Without the anti-forgery token: refused before anything is read.
    const director = await as(w.director);
    const noToken = await director.post(`/van-ban/${d.id}/su-kien`, { type: 'DIRECT', version: '1', lead: String(w.trade.id), text: 'Không có mã' });
    expect(noToken.res.status).toBe(403);
    expect(await documentRows()).toEqual(before);
  });
});

describe('a stale version', () => {
  it('answers 409, says someone else acted and shows the fresh state', async () => {
    const d = await incoming();
    const director = await as(w.director);
    const page = await open(director, d.id);
    await fireDoc(w.http, d, w.director, 'DIRECT', { lead: { departmentId: w.trade.id }, text: 'Qua API trước' });
    const before = await documentRows();
    const answer = await director.post(`/van-ban/${d.id}/su-kien`, { _csrf: page.token, type: 'DIRECT', version: page.version, lead: String(w.energy.id), text: 'Chậm chân' });
    expect(answer.res.status).toBe(409);
    expect(answer.text).toContain('Văn bản vừa được người khác xử lý trước bạn');
    expect(answer.text).toContain('Đã có ý kiến chỉ đạo, chờ văn thư chuyển');
    expect(answer.text).toContain('Qua API trước');
    expect(await documentRows()).toEqual(before);
  });
});

describe('DISTRIBUTE, FORWARD, ANSWER', () => {
  it('the clerk distributes; the lead forwards within the department’s deadline; the answer must be issued', async () => {
    const d = await incoming();
    await fireDoc(w.http, d, w.director, 'DIRECT', { lead: { departmentId: w.trade.id, dueAt: '2099-03-10T10:00:00Z' }, text: 'QLTM xử lý', replyRequired: true });
    const clerk = await as(w.clerk);
    let page = await open(clerk, d.id);
    expect(page.text).toContain('id="ev-distribute"');
    let answer = await clerk.post(`/van-ban/${d.id}/su-kien`, { _csrf: page.token, type: 'DISTRIBUTE', version: page.version, note: '' });
    expect(answer.res.status).toBe(303);

    // The other department's lead may not forward a document not sent to their department.
    const otherLead = await as(w.otherLead);
    const otherToken = (await otherLead.get('/workspace')).token as string;
    let before = await documentRows();
    answer = await otherLead.post(`/van-ban/${d.id}/su-kien`, { _csrf: otherToken, type: 'FORWARD', version: String(d.version + 1), userId: String(w.otherSpecialist.id) });
    expect(answer.res.status).toBe(404);
    expect(await documentRows()).toEqual(before);

    const lead = await as(w.lead);
    page = await open(lead, d.id);
    expect(page.text).toContain('id="ev-forward"');
    // The department's deadline is offered as the default.
    // Shown dd/mm/yyyy (dates.ts).
    expect(page.text).toContain('value="10/03/2099"');
    before = await documentRows();
    answer = await lead.post(`/van-ban/${d.id}/su-kien`, { _csrf: page.token, type: 'FORWARD', version: page.version, userId: String(w.specialist.id), dueAt: '2099-03-20' });
    expect(answer.res.status).toBe(422);
    expect(errorOf(answer.text, 'ev-forward-dueAt')).toContain('không được sau hạn của phòng');
    answer = await lead.post(`/van-ban/${d.id}/su-kien`, { _csrf: page.token, type: 'FORWARD', version: page.version, userId: String(w.otherSpecialist.id), dueAt: '2099-03-09' });
    expect(answer.res.status).toBe(400);
    expect(errorOf(answer.text, 'ev-forward-userId')).toContain('không phải cán bộ đang làm việc của phòng');
    expect(await documentRows()).toEqual(before);
    answer = await lead.post(`/van-ban/${d.id}/su-kien`, { _csrf: page.token, type: 'FORWARD', version: page.version, userId: String(w.specialist.id), dueAt: '2099-03-09', note: 'Em xử lý' });
    expect(answer.res.status).toBe(303);
    expect(await app.deps.db('document_forwards').where({ document_id: d.id, user_id: w.specialist.id }).first()).toBeTruthy();

    // The specialist: a reply is required, so no COMPLETE; ANSWER lists issued outgoing documents only.
    const draft = await createDoc(w.http, w.specialist, { ...OUTGOING, summary: 'Dự thảo chưa ban hành' });
    const issued = await signedOutgoing(app, w, { ...OUTGOING, typeCode: 'CV', summary: 'V/v trả lời về thị trường xăng dầu' });
    await fireDoc(w.http, issued, w.clerk, 'ISSUE');
    const specialist = await as(w.specialist);
    page = await open(specialist, d.id);
    expect(page.text).toContain('id="ev-answer"');
    expect(page.text).not.toContain('id="ev-complete"');
    expect(page.text).toContain(`href="/van-ban-di/moi?traLoi=${d.id}"`);
    expect(page.text).toContain(`<option value="${issued.id}"`);
    expect(page.text).not.toContain(`<option value="${draft.id}"`);
    before = await documentRows();
    // A forged choice of a draft: the rule beside the field.
    answer = await specialist.post(`/van-ban/${d.id}/su-kien`, { _csrf: page.token, type: 'ANSWER', version: page.version, outgoingId: String(draft.id) });
    expect(answer.res.status).toBe(422);
    expect(errorOf(answer.text, 'ev-answer-outgoingId')).toContain('đã phát hành');
    answer = await specialist.post(`/van-ban/${d.id}/su-kien`, { _csrf: page.token, type: 'ANSWER', version: page.version, outgoingId: '' });
    expect(answer.res.status).toBe(400);
    expect(errorOf(answer.text, 'ev-answer-outgoingId')).toBeTruthy();
    expect(await documentRows()).toEqual(before);
    answer = await specialist.post(`/van-ban/${d.id}/su-kien`, { _csrf: page.token, type: 'ANSWER', version: page.version, outgoingId: String(issued.id) });
    expect(answer.res.status).toBe(303);
    page = await open(specialist, d.id);
    expect(page.text).toContain('Đã trả lời bằng văn bản');
    expect(page.text).toContain(`href="/van-ban/${issued.id}"`);
  });
});

describe('the outgoing forms', () => {
  it('REJECT needs a reason; the signed scan is the clerk’s; ISSUE without it says so beside the form', async () => {
    const d = (await createDoc(w.http, w.specialist, OUTGOING)) as { id: number; version: number };
    await fireDoc(w.http, d, w.specialist, 'SUBMIT');
    const lead = await as(w.lead);
    let page = await open(lead, d.id);
    expect(page.text).toContain('id="ev-approve"');
    expect(page.text).toContain('Phòng Quản lý Thương mại');
    expect(page.text).toContain('id="ev-reject"');
    let before = await documentRows();
    let answer = await lead.post(`/van-ban/${d.id}/su-kien`, { _csrf: page.token, type: 'REJECT', version: page.version, reason: '  ' });
    expect(answer.res.status).toBe(400);
    expect(errorOf(answer.text, 'ev-reject-reason')).toBeTruthy();
    expect(await documentRows()).toEqual(before);
    answer = await lead.post(`/van-ban/${d.id}/su-kien`, { _csrf: page.token, type: 'APPROVE', version: page.version });
    expect(answer.res.status).toBe(303);

    // The specialist may not sign: refused, nothing changes.
    const specialist = await as(w.specialist);
    page = await open(specialist, d.id);
    before = await documentRows();
    answer = await specialist.post(`/van-ban/${d.id}/su-kien`, { _csrf: page.token, type: 'SIGN', version: String(d.version + 1) });
    expect(answer.res.status).toBe(403);
    expect(await documentRows()).toEqual(before);
    await fireDoc(w.http, { id: d.id, version: d.version + 1 }, w.director, 'SIGN', { signerPosition: 'Giám đốc' });

    const clerk = await as(w.clerk);
    page = await open(clerk, d.id);
    expect(page.text).toContain('id="ev-issue"');
    expect(page.text).toContain('action="/van-ban/' + d.id + '/ban-ky"');
    before = await documentRows();
    answer = await clerk.post(`/van-ban/${d.id}/su-kien`, { _csrf: page.token, type: 'ISSUE', version: page.version });
    expect(answer.res.status).toBe(422);
    expect(answer.text).toContain('Chưa có bản quét văn bản đã ký');
    // The lead may not attach the signed scan: refused before a byte is kept.
    const leadToken = (await lead.get(`/van-ban/${d.id}`)).token as string;
    answer = await lead.postMultipart(`/van-ban/${d.id}/ban-ky`, { _csrf: leadToken }, [{ field: 'file', name: 'ky.pdf', bytes: pdfWith('forged') }]);
    expect(answer.res.status).toBe(403);
    // Not a PDF nor an image: beside the file input.
    answer = await clerk.postMultipart(`/van-ban/${d.id}/ban-ky`, { _csrf: page.token }, [{ field: 'file', name: 'ky.pdf', bytes: Buffer.from('#!/bin/sh\necho hi\n') }]);
    expect(answer.res.status).toBe(422);
    expect(errorOf(answer.text, 'signed-file')).toContain('không được chấp nhận');
    expect(await documentRows()).toEqual(before);

    answer = await clerk.postMultipart(`/van-ban/${d.id}/ban-ky`, { _csrf: page.token }, [{ field: 'file', name: 'Quyết định đã ký.pdf', bytes: pdfWith(`signed-${d.id}`) }]);
    expect(answer.res.status).toBe(303);
    page = await open(clerk, d.id);
    expect(page.text).toContain('Quyết định đã ký.pdf');
    answer = await clerk.post(`/van-ban/${d.id}/su-kien`, { _csrf: page.token, type: 'ISSUE', version: page.version });
    expect(answer.res.status).toBe(303);
    const row = await app.deps.db('documents').where({ id: d.id }).first();
    expect(row.state).toBe('issued');
    page = await open(clerk, d.id);
    expect(page.text).toContain(row.symbol);
    expect(page.text).not.toContain('action="/van-ban/' + d.id + '/ban-ky"');
  });
});
