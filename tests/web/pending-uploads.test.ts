import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectOrphanFiles, referencedDigests } from '../../src/files/orphan-files.ts';
import { fileStoreAt } from '../../src/files/file-store.ts';
import { buildDocumentWorld, type DocumentWorld } from '../support/documents.ts';
import type { TestUser } from '../support/factories.ts';
import { listStore, pdfWith } from '../support/papers.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { FormClient } from './support/form-client.ts';

/**
 * Issue 14 §5, one round of validation, on the incoming register over HTTP: a registration refused for a
 * field keeps its scan as a pending upload of this browser; the next submission sends it again without
 * the file being chosen; nobody else can use it; expired, the orphan sweep removes it and its file.
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
const FORM = { issuerName: 'Ủy ban nhân dân tỉnh Gia Lai', sourceSymbol: '90/UBND-KTTH', typeCode: 'CV', urgency: 'normal', secrecy: 'none' };
const count = async (table: string) => Number((await app.deps.db(table).count({ n: '*' }).first())?.n);
const pendingIdOf = (html: string) => /name="pendingUploads" value="([^"]+)"/.exec(html)?.[1];

describe('pending uploads of the incoming register', () => {
  it('keeps the scan of a registration refused for a field, and registers it with the next submission without choosing it again', async () => {
    const clerk = await client(w.clerk);
    const [documents, files] = [await count('documents'), await count('document_files')];
    const scan = pdfWith('pending-scan-90');
    // No summary: refused beside it, the scan kept.
    const refused = await clerk.submit('/van-ban-den/moi', { ...FORM, documentDate: '26/02/2026', '_date.documentDate': 'date' }, [{ field: 'file', name: 'CV 90.pdf', bytes: scan }]);
    expect(refused.posted.status).toBe(303);
    expect(refused.res.status).toBe(400);
    expect(refused.text).toMatch(/id="summary-error"/);
    expect(refused.text).toContain('Đã tải lên: <strong>CV 90.pdf</strong>');
    // The date typed dd/mm/yyyy comes back so.
    expect(refused.text).toContain('value="26/02/2026"');
    const id = pendingIdOf(refused.text);
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await count('documents')).toBe(documents);
    const row = await app.deps.db('pending_uploads').where({ id }).first('name', 'field', 'form', 'size');
    expect(row).toMatchObject({ name: 'CV 90.pdf', field: 'file', form: 'incoming-document', size: scan.length });

    // Someone else's browser names the id: it is not theirs, so nothing of it is registered.
    const other = await client(w.clerk);
    const stolen = await other.submit('/van-ban-den/moi', { ...FORM, sourceSymbol: '91/UBND-KTTH', summary: 'Về việc thử dùng tệp của người khác', pendingUploads: id as string });
    expect(stolen.res.status).toBe(303);
    const theirs = await app.deps.db('documents').where({ source_symbol: '91/UBND-KTTH' }).first('id');
    expect(await count('document_files')).toBe(files);
    expect(await app.deps.db('document_files').where({ document_id: theirs.id }).count({ n: '*' }).first()).toMatchObject({ n: 0 });

    // The same browser, the summary now typed, no file chosen: the kept scan is registered.
    const ok = await clerk.submit('/van-ban-den/moi', { ...FORM, documentDate: '26/02/2026', '_date.documentDate': 'date', summary: 'Về việc báo cáo thị trường', pendingUploads: id as string });
    expect(ok.res.status).toBe(303);
    const doc = await app.deps.db('documents').where({ source_symbol: '90/UBND-KTTH' }).first('id', 'document_date');
    expect(doc.document_date).toBe('2026-02-26');
    expect(await app.deps.db('document_files').where({ document_id: doc.id }).select('name', 'size', 'kind')).toEqual([{ name: 'CV 90.pdf', size: scan.length, kind: 'scan' }]);
    // Attached, the pending upload is over.
    expect(await app.deps.db('pending_uploads').where({ id }).first()).toBeUndefined();
  });

  it('a pending upload left to expire is removed by the orphan sweep with its file', async () => {
    const clerk = await client(w.clerk);
    const refused = await clerk.submit('/van-ban-den/moi', { ...FORM, sourceSymbol: '92/UBND-KTTH' }, [{ field: 'file', name: 'bo-quen.pdf', bytes: pdfWith('forgotten-92') }]);
    expect(refused.res.status).toBe(400);
    const id = pendingIdOf(refused.text) as string;
    const { sha256 } = await app.deps.db('pending_uploads').where({ id }).first('sha256');
    const store = fileStoreAt(app.deps.config.filesDir);
    expect(await store.has(sha256)).toBe(true);
    // Within its hour, the row references the file: the sweep leaves it.
    expect(await referencedDigests(app.deps.db, [sha256])).toEqual(new Set([sha256]));
    await collectOrphanFiles(app.deps.db, store, app.clock.now());
    expect(await app.deps.db('pending_uploads').where({ id }).first()).toBeDefined();
    // Past its hour (and the file past the sweep's age): row and file gone.
    const later = new Date(Math.max(Date.now(), app.clock.now().getTime()) + 3 * 3_600_000);
    await collectOrphanFiles(app.deps.db, store, later);
    expect(await app.deps.db('pending_uploads').where({ id }).first()).toBeUndefined();
    expect(await store.has(sha256)).toBe(false);
    expect(listStore(app.deps.config.filesDir).some((f) => f.includes(sha256))).toBe(false);
  });
});

describe('pending uploads of the outgoing draft', () => {
  it('keeps the draft’s file when the draft is refused for a field, and saves it with the next submission', async () => {
    const specialist = await client(w.specialist);
    const draft = pdfWith('pending-draft');
    // No summary: refused beside it, the file kept.
    const refused = await specialist.submit('/van-ban-di/moi', { typeCode: 'CV', urgency: 'normal', secrecy: 'none', external: 'Bộ Công Thương' }, [{ field: 'file', name: 'Dự thảo công văn.pdf', bytes: draft }]);
    expect(refused.posted.status).toBe(303);
    expect(refused.res.status).toBe(400);
    expect(refused.text).toContain('Đã tải lên: <strong>Dự thảo công văn.pdf</strong>');
    const id = pendingIdOf(refused.text) as string;
    expect(await app.deps.db('pending_uploads').where({ id }).first('form')).toEqual({ form: 'outgoing-draft' });
    const ok = await specialist.submit('/van-ban-di/moi', { typeCode: 'CV', urgency: 'normal', secrecy: 'none', external: 'Bộ Công Thương', summary: 'V/v báo cáo tình hình thị trường', pendingUploads: id });
    expect(ok.res.status).toBe(303);
    const doc = await app.deps.db('documents').where({ summary: 'V/v báo cáo tình hình thị trường' }).first('id');
    expect(await app.deps.db('document_files').where({ document_id: doc.id }).select('name', 'size', 'kind')).toEqual([{ name: 'Dự thảo công văn.pdf', size: draft.length, kind: 'draft' }]);
    expect(await app.deps.db('pending_uploads').where({ id }).first()).toBeUndefined();
  });
});
