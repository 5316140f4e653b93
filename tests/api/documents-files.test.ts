import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/assertions.ts';
import { buildDocumentWorld, createDoc, INCOMING, OUTGOING, type DocumentWorld } from '../support/documents.ts';
import type { Answer } from '../support/http.ts';
import { listStore, pdfWith, postPapers } from '../support/papers.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint } from '../support/test-db.ts';

/**
 * Documents with their files: the incoming scan sent with the registration (multipart), files attached
 * later, and every refusal — Điều 4.2 content whatever the order of the parts, an executable dressed as a
 * PDF, a file over the limit — leaving no row and no file (the store's tmp folder included).
 */
let app: TestApp;
let w: DocumentWorld;
const LIMIT = 64 * 1024;

beforeAll(async () => {
  app = await startTestApp({ env: { IDESK_UPLOAD_MAX_BYTES: String(LIMIT) } });
  w = await buildDocumentWorld(app);
});
afterAll(() => app.close());

type Part = { field: 'document'; json: unknown } | { field: 'file'; name: string; bytes: Buffer };

async function postDocument(parts: Part[], token: string, key?: string): Promise<Answer> {
  const form = new FormData();
  for (const p of parts) {
    if (p.field === 'document') form.append('document', JSON.stringify(p.json));
    else form.append('file', new Blob([new Uint8Array(p.bytes)], { type: 'application/pdf' }), p.name);
  }
  const res = await fetch(`${app.url}/api/documents`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) }, body: form });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

const store = () => listStore(app.deps.config.filesDir);

describe('registering with the scan (multipart)', () => {
  it('stores the scan with the document, and serves it to who may see the document', async () => {
    const scan = pdfWith('cong-van-123');
    const res = await postDocument([{ field: 'document', json: INCOMING }, { field: 'file', name: 'Công văn 123.pdf', bytes: scan }], w.clerk.token);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ direction: 'incoming', state: 'registered', number: 1 });
    expect(res.body.files).toMatchObject([{ kind: 'scan', name: 'Công văn 123.pdf', mediaType: 'application/pdf', size: scan.length }]);
    const file = await fetch(`${app.url}/api/documents/${res.body.id}/files/${res.body.files[0].id}`, { headers: { authorization: `Bearer ${w.director.token}` } });
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(scan);
    const hidden = await fetch(`${app.url}/api/documents/${res.body.id}/files/${res.body.files[0].id}`, { headers: { authorization: `Bearer ${w.otherSpecialist.token}` } });
    expect(hidden.status).toBe(404);
  });

  it.each([
    ['the file before the fields', true],
    ['the fields before the file', false],
  ])('refuses a secret document with %s, storing no row and no file', async (_label, fileFirst) => {
    const before = await fingerprint(app.deps.db);
    const files = store();
    const doc: Part = { field: 'document', json: { ...INCOMING, secrecy: 'top_secret' } };
    const file: Part = { field: 'file', name: 'mat.pdf', bytes: pdfWith(`secret-${fileFirst}`) };
    const res = await postDocument(fileFirst ? [file, doc] : [doc, file], w.clerk.token);
    expectError(res, 422, 'SECRET_DOCUMENT_REFUSED');
    expect(await fingerprint(app.deps.db)).toEqual(before);
    expect(store()).toEqual(files);
  });

  it('refuses a complaint letter sent with its file first, storing nothing', async () => {
    const before = await fingerprint(app.deps.db);
    const files = store();
    const res = await postDocument([{ field: 'file', name: 'don.pdf', bytes: pdfWith('don-khieu-nai') }, { field: 'document', json: { ...INCOMING, typeCode: 'DON_KN' } }], w.clerk.token);
    expectError(res, 422, 'COMPLAINT_REFUSED');
    expect(await fingerprint(app.deps.db)).toEqual(before);
    expect(store()).toEqual(files);
  });

  it('refuses an executable disguised as a PDF and a file over the limit, storing nothing', async () => {
    const before = await fingerprint(app.deps.db);
    const files = store();
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(512, 1)]);
    expectError(await postDocument([{ field: 'document', json: INCOMING }, { field: 'file', name: 'scan.pdf', bytes: exe }], w.clerk.token), 422, 'UNSUPPORTED_FILE_TYPE');
    const big = Buffer.concat([pdfWith('big'), Buffer.alloc(LIMIT + 1, 0x20)]);
    expectError(await postDocument([{ field: 'document', json: INCOMING }, { field: 'file', name: 'scan.pdf', bytes: big }], w.clerk.token), 413, 'PAYLOAD_TOO_LARGE');
    expect(await fingerprint(app.deps.db)).toEqual(before);
    expect(store()).toEqual(files);
  });

  it('answers a retry with the same Idempotency-Key once: one document, one file; other contents under that key are refused', async () => {
    const parts: Part[] = [{ field: 'document', json: { ...INCOMING, sourceSymbol: '77/STC-retry' } }, { field: 'file', name: 'scan.pdf', bytes: pdfWith('retry-77') }];
    const first = await postDocument(parts, w.clerk.token, 'scan-retry-77');
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const before = await fingerprint(app.deps.db);
    const files = store();
    const again = await postDocument(parts, w.clerk.token, 'scan-retry-77');
    expect(again.status).toBe(201);
    expect(again.headers?.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    // Another file (or another document) under the same key is another request.
    const otherFile = await postDocument([parts[0] as Part, { field: 'file', name: 'scan.pdf', bytes: pdfWith('retry-78') }], w.clerk.token, 'scan-retry-77');
    expectError(otherFile, 409, 'IDEMPOTENCY_KEY_REUSED');
    expect(await fingerprint(app.deps.db)).toEqual(before);
    expect(store()).toEqual(files);
  });

  it('refuses an arrival in the future, and a draft sent to a department that does not exist, storing no file', async () => {
    const before = await fingerprint(app.deps.db);
    const files = store();
    const future = await postDocument([{ field: 'document', json: { ...INCOMING, arrivedAt: '2030-01-01T00:00:00.000Z' } }, { field: 'file', name: 'scan.pdf', bytes: pdfWith('future') }], w.clerk.token);
    expectError(future, 422, 'ARRIVAL_IN_FUTURE');
    const nowhere = await postDocument([{ field: 'document', json: { ...OUTGOING, recipients: { internal: [999999] } } }, { field: 'file', name: 'du-thao.pdf', bytes: pdfWith('nowhere') }], w.specialist.token);
    expectError(nowhere, 400, 'UNKNOWN_REFERENCE');
    expect(await fingerprint(app.deps.db)).toEqual(before);
    expect(store()).toEqual(files);
  });

  it('refuses a multipart body without the document, or with a field it does not know', async () => {
    expectError(await postDocument([{ field: 'file', name: 'scan.pdf', bytes: pdfWith('x') }], w.clerk.token), 400, 'VALIDATION_FAILED');
    expectError(await postDocument([{ field: 'document', json: { ...INCOMING, direction: 'sideways' } }], w.clerk.token), 400, 'VALIDATION_FAILED');
  });
});

describe('attaching files later', () => {
  it('the clerk attaches the scan; the signed scan only to a signed outgoing document; others may not see it', async () => {
    const d = await createDoc(w.http, w.clerk, { ...INCOMING, sourceSymbol: '8/STC' });
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    const ok = await postPapers(app.url, `/api/documents/${d.id}/files`, [{ kind: 'scan', name: 'scan.pdf', bytes: pdfWith('8-stc') }], auth(w.clerk.token));
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.items).toMatchObject([{ kind: 'scan', name: 'scan.pdf' }]);
    const before = await fingerprint(app.deps.db);
    expectError(await postPapers(app.url, `/api/documents/${d.id}/files`, [{ kind: 'signed', name: 's.pdf', bytes: pdfWith('s') }], auth(w.clerk.token)), 422, 'FILE_KIND_NOT_ACCEPTED');
    expectError(await postPapers(app.url, `/api/documents/${d.id}/files`, [{ kind: 'nonsense', name: 's.pdf', bytes: pdfWith('s') }], auth(w.clerk.token)), 400, 'UNKNOWN_FILE_KIND');
    expectError(await postPapers(app.url, `/api/documents/${d.id}/files`, [{ kind: 'scan', name: 's.pdf', bytes: pdfWith('s') }], auth(w.otherSpecialist.token)), 404, 'NOT_FOUND');
    const draft = await createDoc(w.http, w.specialist, OUTGOING);
    expectError(await postPapers(app.url, `/api/documents/${draft.id}/files`, [{ kind: 'signed', name: 's.pdf', bytes: pdfWith('s') }], auth(w.specialist.token)), 403, 'FORBIDDEN');
    const attached = await postPapers(app.url, `/api/documents/${draft.id}/files`, [{ kind: 'draft', name: 'Dự thảo.docx.pdf', bytes: pdfWith('du-thao') }], auth(w.specialist.token));
    expect(attached.status, JSON.stringify(attached.body)).toBe(201);
    const after = await fingerprint(app.deps.db);
    expect(after.document_files!.length).toBe(before.document_files!.length + 1);
  });
});
