import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLICANT, buildWorld, type World } from '../support/factories.ts';
import { pdfWith, PNG, postPapers } from '../support/papers.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Issue 14 §6: the stored name of a paper ends in the extension of the type its bytes were sniffed as
 * (src/files/file-name.ts), so a name that hid `.exe` behind a right-to-left override, or named
 * another type, or none, never reaches whoever downloads it.
 */
let app: TestApp;
let w: World;

beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
});
afterAll(() => app.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('the stored name of an upload', () => {
  it('ends in the sniffed type’s extension, in the database, the answer and the download', async () => {
    const created = await w.http.post('/api/dossiers', { procedureId: w.procedures.noFee.id, applicant: APPLICANT, subject: 'Cấp giấy phép' }, { token: w.onestop.token });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as number;
    const sent = [
      { name: 'invoice\u202Eexe.pdf', bytes: pdfWith('rlo-pdf'), stored: 'invoiceexe.pdf' },
      { name: 'invoice\u202Efdp.exe', bytes: pdfWith('rlo-exe'), stored: 'invoicefdp.exe.pdf' },
      { name: 'x.pdf.exe', bytes: pdfWith('double'), stored: 'x.pdf.exe.pdf' },
      { name: 'scan', bytes: pdfWith('bare'), stored: 'scan.pdf' },
      { name: 'ảnh.pdf', bytes: PNG, type: 'application/pdf', stored: 'ảnh.pdf.png' },
    ];
    const res = await postPapers(app.url, `/api/dossiers/${id}/papers`, sent.map((s) => ({ kind: 'other', name: s.name, bytes: s.bytes, ...(s.type ? { type: s.type } : {}) })), bearer(w.onestop.token));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const expected = sent.map((s) => s.stored);
    expect(res.body.items.map((p: { name: string }) => p.name)).toEqual(expected);
    expect((await app.deps.db('dossier_papers').where({ dossier_id: id }).orderBy('id')).map((r) => r.name)).toEqual(expected);
    const double = res.body.items[2] as { id: number };
    const download = await fetch(`${app.url}/api/dossiers/${id}/papers/${double.id}/content`, { headers: bearer(w.onestop.token) });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="x.pdf.exe.pdf"; filename*=UTF-8''x.pdf.exe.pdf`);
  });
});
