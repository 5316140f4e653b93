import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.ts';
import { authenticateToken } from '../../src/domain/accounts/sessions.service.ts';
import { pendingDocumentsFor } from '../../src/domain/documents/pending-documents.ts';
import { buildDocumentWorld, createDoc, fireDoc, INCOMING, OUTGOING, type DocumentWorld } from '../support/documents.ts';
import type { TestUser } from '../support/factories.ts';
import { listStore, pdfWith } from '../support/papers.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { FormClient } from './support/form-client.ts';
import { createHash } from 'node:crypto';
const sha256Hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * The documents' registers and forms over plain HTTP (no browser), and "Văn bản chờ xử lý" (the domain
 * function behind the workspace section), on the database IDESK_TEST_DB names.
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

const client = async (user: TestUser) => {
  const c = new FormClient(app.url);
  await c.login(user.username, user.password);
  return c;
};
const principalOf = async (user: TestUser) => (await authenticateToken(app.deps.db, user.token, app.deps.clock())) as Principal;
const inDays = (days: number) => new Date(app.clock.now().getTime() + days * 86_400_000).toISOString();
const documentCount = async () => Number((await app.deps.db('documents').count<{ n: number }[]>('* as n'))[0]?.n);

const FORM = {
  issuerName: 'Ủy ban nhân dân tỉnh Gia Lai',
  sourceSymbol: '77/UBND-KTTH',
  documentDate: '2026-02-26',
  typeCode: 'CV',
  urgency: 'urgent',
  secrecy: 'none',
  summary: 'Về việc báo cáo tình hình thị trường xăng dầu tháng 02',
  pageCount: '3',
  signerName: 'Trần Thị Bích',
};

describe('the incoming registration form', () => {
  it('is the clerk’s: a specialist or a department lead gets 403, and a forged post stores nothing', async () => {
    for (const user of [w.specialist, w.lead]) {
      const c = await client(user);
      expect((await c.get('/van-ban-den/moi')).res.status).toBe(403);
    }
    const before = await documentCount();
    const c = await client(w.specialist);
    const { token } = await c.get('/van-ban-den');
    const body = new FormData();
    body.append('_csrf', token ?? '');
    for (const [k, v] of Object.entries(FORM)) body.append(k, v);
    const res = await fetch(`${app.url}/van-ban-den/moi`, { method: 'POST', redirect: 'manual', headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }, body });
    expect(res.status).toBe(403);
    // The clerk's form with a wrong token: refused before anything is kept.
    const clerk = await client(w.clerk);
    const forged = await clerk.submit('/van-ban-den/moi', { ...FORM, _csrf: 'forged' }, [{ field: 'file', name: 'scan.pdf', bytes: pdfWith('forged') }]);
    expect(forged.res.status).toBe(403);
    expect(await documentCount()).toBe(before);
  });

  it('refuses a secret document and a complaint with the rule beside the field: no row, no file in the store', async () => {
    const clerk = await client(w.clerk);
    const before = await documentCount();
    const store = listStore(app.deps.config.filesDir);
    const secret = await clerk.submit('/van-ban-den/moi', { ...FORM, secrecy: 'secret' }, [{ field: 'file', name: 'mat.pdf', bytes: pdfWith('secret') }]);
    expect(secret.res.status).toBe(422);
    expect(secret.text).toMatch(/id="secrecy-error"[^>]*>[^<]*Điều 4\.2\.a/);
    // What was typed stays in the form.
    expect(secret.text).toContain('value="77/UBND-KTTH"');
    const complaint = await clerk.submit('/van-ban-den/moi', { ...FORM, isComplaint: 'on' }, [{ field: 'file', name: 'don.pdf', bytes: pdfWith('complaint') }]);
    expect(complaint.res.status).toBe(422);
    expect(complaint.text).toMatch(/id="isComplaint-error"[^>]*>[^<]*Điều 4\.2\.b/);
    expect(await documentCount()).toBe(before);
    expect(listStore(app.deps.config.filesDir)).toEqual(store);
  });

  it('shows what is missing or wrong beside its field, and registers nothing; the scans of the refused fields wait as pending uploads, a refused file is not kept', async () => {
    const clerk = await client(w.clerk);
    const before = await documentCount();
    const store = listStore(app.deps.config.filesDir);
    const r = await clerk.submit('/van-ban-den/moi', { ...FORM, issuerName: '  ', summary: '', dueDate: '2026-02-31', pageCount: 'ba' }, [{ field: 'file', name: 'scan.pdf', bytes: pdfWith('missing') }]);
    expect(r.res.status).toBe(400);
    for (const field of ['issuerName', 'summary', 'pageCount', 'dueDate']) expect(r.text, field).toContain(`id="${field}-error"`);
    const future = await clerk.submit('/van-ban-den/moi', { ...FORM, arrivedAt: '2027-01-01T08:00' }, [{ field: 'file', name: 'scan.pdf', bytes: pdfWith('future') }]);
    expect(future.res.status).toBe(422);
    expect(future.text).toMatch(/id="arrivedAt-error"[^>]*>Thời điểm đến không được sau/);
    const program = await clerk.submit('/van-ban-den/moi', FORM, [{ field: 'file', name: 'scan.pdf', bytes: Buffer.concat([Buffer.from('4d5a9000', 'hex'), Buffer.alloc(200, 0)]) }]);
    expect(program.res.status).toBe(422);
    expect(program.text).toContain('id="file-error"');
    expect(await documentCount()).toBe(before);
    // One round of validation (pending-uploads.ts): the two scans sent with fields to fix are kept for the
    // next submission, and nothing else — not the program.
    const pending = await app.deps.db('pending_uploads').whereIn('sha256', [sha256Hex(pdfWith('missing')), sha256Hex(pdfWith('future'))]).pluck('sha256');
    expect(pending).toHaveLength(2);
    expect(listStore(app.deps.config.filesDir).filter((f) => !store.includes(f)).sort()).toEqual(pending.map((d: string) => `${d.slice(0, 2)}/${d}`).sort());
  });

  it('registers with the scan and an automatic number, leads to the document’s page and warns about a duplicate', async () => {
    const clerk = await client(w.clerk);
    const first = await clerk.submit('/van-ban-den/moi', { ...FORM, replyRequired: 'on', dueDate: '2026-03-20' }, [{ field: 'file', name: 'Công văn 77.pdf', bytes: pdfWith('cv77') }]);
    expect(first.res.status, first.text).toBe(303);
    const location = first.res.headers.get('location') as string;
    const id = Number(/^\/van-ban\/(\d+)\?moi=1$/.exec(location)?.[1]);
    const row = await app.deps.db('documents').where({ id }).first();
    expect(row).toMatchObject({ direction: 'incoming', state: 'registered', issuer_name: FORM.issuerName, source_symbol: FORM.sourceSymbol, urgency: 1, page_count: 3, register_year: 2026 });
    expect(row.register_number).toBeGreaterThan(0);
    expect(new Date(row.due_at).toISOString()).toBe('2026-03-20T16:59:59.000Z');
    expect(await app.deps.db('document_files').where({ document_id: id }).select('kind', 'name')).toEqual([{ kind: 'scan', name: 'Công văn 77.pdf' }]);

    const again = await clerk.submit('/van-ban-den/moi', { ...FORM, sourceSymbol: '77/UBND - KTTH' }, [{ field: 'file', name: 'lai.pdf', bytes: pdfWith('cv77-again') }]);
    expect(again.res.status).toBe(303);
    expect(again.res.headers.get('location')).toMatch(new RegExp(`^/van-ban/\\d+\\?moi=1&trung=${id}$`));
    // What the document's page shows from that address: the earlier document, a link; nothing forged gets in.
    const shown = await clerk.get(again.res.headers.get('location') as string);
    expect(shown.res.status).toBe(200);
    expect(shown.text).toContain(`href="/van-ban/${id}"`);
    expect(shown.text).toContain('Có thể trùng với văn bản đã vào sổ');
    const forged = await clerk.get(`/van-ban/${id}?moi=1&trung=1,<script>,2`);
    expect(forged.text).not.toContain('<script>');
    expect(forged.text).toContain('Đã lưu văn bản');
  });
});

describe('a second press of the button', () => {
  it('registers the document once and leads to it again', async () => {
    const clerk = await client(w.clerk);
    const { token, text } = await clerk.get('/van-ban-den/moi');
    const formKey = /name="formKey" value="([^"]+)"/.exec(text)?.[1] as string;
    const press = async () => {
      const body = new FormData();
      body.append('_csrf', token as string);
      body.append('formKey', formKey);
      for (const [k, v] of Object.entries({ ...FORM, sourceSymbol: '88/UBND-VX' })) body.append(k, v);
      const res = await fetch(`${app.url}/van-ban-den/moi`, { method: 'POST', redirect: 'manual', headers: { cookie: [...clerk.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }, body });
      return res.headers.get('location');
    };
    const first = await press();
    expect(first).toMatch(/^\/van-ban\/\d+\?moi=1$/);
    expect(await press()).toBe(first);
    expect(await app.deps.db('documents').where({ source_symbol: '88/UBND-VX' }).pluck('id')).toHaveLength(1);
  });
});

describe('the registers', () => {
  it('show each person only what they may see, find without diacritics, and filter', async () => {
    const mine = await createDoc(w.http, w.clerk, { ...INCOMING, summary: 'Về việc kiểm tra cửa hàng bán lẻ xăng dầu', sourceSymbol: '901/UBND-KT' });
    const clerk = await client(w.clerk);
    const list = await clerk.get('/van-ban-den');
    expect(list.res.status).toBe(200);
    expect(list.text).toContain(`href="/van-ban/${mine.id}"`);
    // Export of the year's register for the clerk, served by the API to the same session.
    expect(list.text).toContain('href="/api/registers/incoming/2026?format=xlsx"');
    const csv = await fetch(`${app.url}/api/registers/incoming/2026?format=csv`, { headers: { cookie: [...clerk.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain('901/UBND-KT');

    const found = await clerk.get(`/van-ban-den?q=${encodeURIComponent('kiem tra cua hang ban le')}`);
    expect(found.text).toContain(`href="/van-ban/${mine.id}"`);
    const typed = await clerk.get(`/van-ban-den?q=${encodeURIComponent('901/UBND-KT')}&urgency=urgent&year=2026`);
    expect(typed.text).toContain(`href="/van-ban/${mine.id}"`);
    const other = await clerk.get(`/van-ban-den?q=${encodeURIComponent('kiem tra')}&urgency=flash`);
    expect(other.text).not.toContain(`href="/van-ban/${mine.id}"`);
    // Outgoing register: no incoming document.
    expect((await clerk.get('/van-ban-di')).text).not.toContain(`href="/van-ban/${mine.id}"`);

    // Not directed yet: no department sees it; a specialist has no export link.
    const specialist = await client(w.specialist);
    const theirs = await specialist.get(`/van-ban-den?q=${encodeURIComponent('kiem tra')}`);
    expect(theirs.res.status).toBe(200);
    expect(theirs.text).not.toContain(`href="/van-ban/${mine.id}"`);
    expect(theirs.text).not.toContain('/api/registers/');
    const d = { id: mine.id, version: mine.version };
    await fireDoc(w.http, d, w.director, 'DIRECT', { lead: { departmentId: w.trade.id, dueAt: inDays(10) }, text: 'Giao Phòng QLTM' });
    await fireDoc(w.http, d, w.clerk, 'DISTRIBUTE');
    expect((await (await client(w.lead)).get('/van-ban-den')).text).toContain(`href="/van-ban/${mine.id}"`);
    expect((await (await client(w.otherLead)).get('/van-ban-den')).text).not.toContain(`href="/van-ban/${mine.id}"`);
    expect((await specialist.get('/van-ban-den')).text).not.toContain(`href="/van-ban/${mine.id}"`);
    await fireDoc(w.http, d, w.lead, 'FORWARD', { userId: w.specialist.id, dueAt: inDays(5) });
    expect((await specialist.get('/van-ban-den')).text).toContain(`href="/van-ban/${mine.id}"`);
    // The IT officer has no register.
    expect((await (await client(w.admin)).get('/van-ban-den')).res.status).toBe(403);
  });

  it('refuse wrong filters beside the field', async () => {
    const clerk = await client(w.clerk);
    const reversed = await clerk.get('/van-ban-den?dateFrom=2026-03-10&dateTo=2026-03-01');
    expect(reversed.res.status).toBe(400);
    expect(reversed.text).toContain('id="dateTo-error"');
    const empty = await clerk.get(`/van-ban-di?q=${encodeURIComponent('%%')}`);
    expect(empty.res.status).toBe(400);
    expect(empty.text).toContain('id="q-error"');
    expect((await clerk.get('/van-ban-den?typeCode=XYZ')).text).toContain('id="typeCode-error"');
  });
});

describe('the outgoing forms', () => {
  it('prefill a reply from ?traLoi, save a draft with its recipients, and keep the clerk’s signed registration to the clerk', async () => {
    const incoming = await createDoc(w.http, w.clerk, { ...INCOMING, sourceSymbol: '55/BCT-TTTN', issuerName: 'Bộ Công Thương' });
    const d = { id: incoming.id, version: incoming.version };
    await fireDoc(w.http, d, w.director, 'DIRECT', { lead: { departmentId: w.trade.id, dueAt: inDays(10) }, text: 'Giao Phòng QLTM' });
    await fireDoc(w.http, d, w.clerk, 'DISTRIBUTE');
    await fireDoc(w.http, d, w.lead, 'FORWARD', { userId: w.specialist.id, dueAt: inDays(5) });

    const specialist = await client(w.specialist);
    const form = await specialist.get(`/van-ban-di/moi?traLoi=${incoming.id}`);
    expect(form.res.status).toBe(200);
    expect(form.text).toContain('V/v trả lời văn bản số 55/BCT-TTTN ngày 27/02/2026 của Bộ Công Thương');
    expect(form.text).toContain(`href="/van-ban/${incoming.id}"`);
    // Someone who may not see the incoming document gets an empty form, nothing of it.
    expect((await (await client(w.otherSpecialist)).get(`/van-ban-di/moi?traLoi=${incoming.id}`)).text).not.toContain('55/BCT-TTTN');

    const saved = await specialist.submit(
      `/van-ban-di/moi?traLoi=${incoming.id}`,
      { typeCode: 'CV', urgency: 'normal', secrecy: 'none', summary: 'V/v trả lời văn bản số 55/BCT-TTTN của Bộ Công Thương', [`internal-${w.energy.id}`]: 'on', external: 'Bộ Công Thương\n\n  Sở Tài chính  \n', traLoi: String(incoming.id) },
      [{ field: 'file', name: 'Dự thảo.pdf', bytes: pdfWith('draft') }],
      '/van-ban-di/moi',
    );
    expect(saved.res.status, saved.text).toBe(303);
    const id = Number(/^\/van-ban\/(\d+)\?moi=1$/.exec(saved.res.headers.get('location') as string)?.[1]);
    const row = await app.deps.db('documents').where({ id }).first();
    expect(row).toMatchObject({ direction: 'outgoing', state: 'draft', drafter_id: w.specialist.id, drafting_department_id: w.trade.id });
    expect(row.note).toContain('55/BCT-TTTN');
    expect(await app.deps.db('document_recipients').where({ document_id: id }).orderBy('id').select('kind', 'name')).toEqual([
      { kind: 'internal', name: 'Phòng Quản lý Năng lượng' },
      { kind: 'external', name: 'Bộ Công Thương' },
      { kind: 'external', name: 'Sở Tài chính' },
    ]);
    expect(await app.deps.db('document_files').where({ document_id: id }).pluck('kind')).toEqual(['draft']);

    // A normative type is never issued by a Sở: refused beside the type, nothing stored.
    const before = await documentCount();
    const law = await specialist.submit('/van-ban-di/moi', { typeCode: 'LUAT', urgency: 'normal', secrecy: 'none', summary: 'Dự thảo' });
    expect(law.res.status).toBe(422);
    expect(law.text).toContain('id="typeCode-error"');

    // The signed registration: the clerk's; the signer's name is required.
    expect((await specialist.get('/van-ban-di/da-ky')).res.status).toBe(403);
    const clerk = await client(w.clerk);
    const noSigner = await clerk.submit('/van-ban-di/da-ky', { typeCode: 'QD', urgency: 'normal', secrecy: 'none', summary: 'Quyết định ký giấy' }, [{ field: 'file', name: 'ky.pdf', bytes: pdfWith('signed') }]);
    expect(noSigner.res.status).toBe(400);
    expect(noSigner.text).toContain('id="signerName-error"');
    expect(await documentCount()).toBe(before);
    const signed = await clerk.submit('/van-ban-di/da-ky', { typeCode: 'QD', urgency: 'normal', secrecy: 'none', summary: 'Quyết định ký giấy', signerName: 'Lê Văn Giám' }, [{ field: 'file', name: 'ky.pdf', bytes: pdfWith('signed') }]);
    expect(signed.res.status, signed.text).toBe(303);
    const signedId = Number(/^\/van-ban\/(\d+)/.exec(signed.res.headers.get('location') as string)?.[1]);
    expect(await app.deps.db('documents').where({ id: signedId }).first('state', 'signer_name')).toEqual({ state: 'awaitingIssue', signer_name: 'Lê Văn Giám' });
    expect(await app.deps.db('document_files').where({ document_id: signedId }).pluck('kind')).toEqual(['signed']);
  });
});

describe('Văn bản chờ xử lý', () => {
  it('is what waits for each person, urgent first, bounded', async () => {
    const world = await buildDocumentWorld(app);
    const pending = async (user: TestUser, limit = 20, now = app.deps.clock()) => pendingDocumentsFor(app.deps.db, await principalOf(user), limit, now);
    const ids = async (user: TestUser) => (await pending(user)).items.map((i) => [i.id, i.reason]);

    const normal = await createDoc(world.http, world.clerk, { ...INCOMING, urgency: 'normal', sourceSymbol: '1/A' });
    const flash = await createDoc(world.http, world.clerk, { ...INCOMING, urgency: 'flash', sourceSymbol: '2/A' });
    // The director: both await direction, the flash one first whatever the order of registration.
    expect((await ids(world.director)).filter(([id]) => id === normal.id || id === flash.id)).toEqual([
      [flash.id, 'direct'],
      [normal.id, 'direct'],
    ]);
    const bounded = await pending(world.director, 1);
    expect(bounded.items).toHaveLength(1);
    expect(bounded.truncated).toBe(true);

    const d = { id: normal.id, version: normal.version };
    await fireDoc(world.http, d, world.director, 'DIRECT', { lead: { departmentId: world.trade.id, dueAt: inDays(3) }, coordinating: [{ departmentId: world.energy.id, dueAt: inDays(2) }], text: 'Giao QLTM, QLNL phối hợp' });
    expect((await ids(world.director)).map(([id]) => id)).not.toContain(normal.id);
    expect(await ids(world.clerk)).toContainEqual([normal.id, 'distribute']);
    expect(await ids(world.lead)).not.toContainEqual([normal.id, 'forward']);
    await fireDoc(world.http, d, world.clerk, 'DISTRIBUTE');
    expect((await ids(world.clerk)).map(([id]) => id)).not.toContain(normal.id);
    expect(await ids(world.lead)).toContainEqual([normal.id, 'forward']);
    expect(await ids(world.otherLead)).toContainEqual([normal.id, 'forward']);
    await fireDoc(world.http, d, world.lead, 'FORWARD', { userId: world.specialist.id, dueAt: inDays(1) });
    // Forwarded by one department's lead: theirs is done, the other department's part still waits.
    expect((await ids(world.lead)).map(([id]) => id)).not.toContain(normal.id);
    expect(await ids(world.otherLead)).toContainEqual([normal.id, 'forward']);
    expect(await ids(world.specialist)).toContainEqual([normal.id, 'handle']);
    expect(await ids(world.otherSpecialist)).toEqual([]);
    // Overdue once the forward's deadline has passed (its own deadline, before the department's).
    expect((await pending(world.specialist)).items.find((i) => i.id === normal.id)).toMatchObject({ overdue: false, dueAt: expect.any(String) });
    const late = (await pending(world.specialist, 20, new Date(inDays(2)))).items.find((i) => i.id === normal.id);
    expect(late).toMatchObject({ overdue: true });
    await fireDoc(world.http, d, world.specialist, 'COMPLETE');
    expect(await ids(world.specialist)).toEqual([]);

    // Outgoing: the drafter's draft, the lead's review, back with a reason, the director's signature, the clerk's issue.
    const out = await createDoc(world.http, world.specialist, OUTGOING);
    const o = { id: out.id, version: out.version };
    expect(await ids(world.specialist)).toEqual([[out.id, 'redraft']]);
    await fireDoc(world.http, o, world.specialist, 'SUBMIT');
    expect(await ids(world.lead)).toContainEqual([out.id, 'review']);
    expect((await ids(world.otherLead)).map(([id]) => id)).not.toContain(out.id);
    await fireDoc(world.http, o, world.lead, 'REJECT', { reason: 'Sửa căn cứ pháp lý' });
    expect((await pending(world.specialist)).items).toMatchObject([{ id: out.id, reason: 'redraft', rejection: 'Sửa căn cứ pháp lý' }]);
    await fireDoc(world.http, o, world.specialist, 'SUBMIT');
    await fireDoc(world.http, o, world.lead, 'APPROVE');
    expect(await ids(world.director)).toContainEqual([out.id, 'sign']);
    await fireDoc(world.http, o, world.director, 'SIGN', { signerPosition: 'Giám đốc' });
    expect(await ids(world.clerk)).toContainEqual([out.id, 'issue']);
    // The IT officer (no document role) waits for nothing.
    expect(await ids(world.admin)).toEqual([]);

    // The workspace shows the section, also to the clerk (who has no dossiers).
    const page = await (await client(world.clerk)).get('/workspace');
    expect(page.res.status).toBe(200);
    expect(page.text).toContain('Văn bản chờ xử lý');
    expect(page.text).toContain(`href="/van-ban/${out.id}"`);
    expect(page.text).not.toContain('Hồ sơ ở bước của tôi');
  });
});
