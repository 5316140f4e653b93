import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcedure } from '../../src/domain/procedures/procedures.service.ts';
import { expectError } from '../support/assertions.ts';
import { buildDepartment, loginAs } from '../support/factories.ts';
import { Http, type Answer } from '../support/http.ts';
import { listStore, pdfWith } from '../support/papers.ts';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint, TEST_DB } from '../support/test-db.ts';

/** The catalogue's import and export (issue 14 §4): one transaction, a bad file refused by row, line and field. */
let app: TestApp;
let http: Http;
let admin: string;
const SYSTEM = { kind: 'system' } as const;

async function postFile(url: string, path: string, token: string, name: string, content: string | Buffer, type = 'application/octet-stream'): Promise<Answer> {
  const form = new FormData();
  form.append('file', new Blob([typeof content === 'string' ? content : new Uint8Array(content)], { type }), name);
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // a file
  }
  return { status: res.status, body, headers: res.headers };
}

const ROW = (code: string, extra: Record<string, unknown> = {}, rules: Record<string, unknown> = {}) => ({
  code,
  name: `Cấp Giấy phép kinh doanh ${code}`,
  department: 'QLTM',
  sector: 'Lưu thông hàng hóa trong nước',
  level: 'Cấp tỉnh',
  applicants: 'Doanh nghiệp',
  agency: 'Sở Công Thương',
  legalBasis: 'Nghị định 105/2017/NĐ-CP',
  result: 'Giấy phép',
  ...extra,
  rules: {
    workingDays: 15,
    timeLimitBasis: 'Nghị định 105/2017/NĐ-CP, Điều 25',
    fee: { collectedAt: 'intake', amount: 1200000 },
    feeBasis: 'Thông tư 168/2016/TT-BTC',
    requiredPapers: [{ code: 'don-de-nghi', name: 'Đơn đề nghị', copies: 1, original: true }],
    unverified: [],
    ...rules,
  },
});
const doc = (procedures: unknown[]) => JSON.stringify({ format: 'idesk-procedure-catalogue', version: 1, procedures }, null, 2);

beforeAll(async () => {
  app = await startTestApp();
  http = new Http(app.url);
  admin = (await loginAs(app, 'admin', ADMIN_PASSWORD)).token;
  const dept = await buildDepartment(app, { code: 'QLTM', name: 'Phòng Quản lý Thương mại' });
  await buildDepartment(app, { code: 'QLNL', name: 'Phòng Quản lý Năng lượng' });
  await createProcedure(app.deps.db, SYSTEM, { code: 'SCT.CO', name: 'Thủ tục có sẵn', departmentId: dept.id, workingDays: 5 }, app.deps.clock());
});
afterAll(() => app.close());

describe(`catalogue import on ${TEST_DB}`, () => {
  it('refuses a JSON file with a bad field, naming the row, its line and the field, and changes nothing', async () => {
    const before = await fingerprint(app.deps.db);
    // Row 1 is fine (and would be created); row 2's second paper has an upper-case code.
    const text = doc([ROW('IMP.1'), ROW('IMP.2', {}, { requiredPapers: [{ code: 'ok', name: 'A' }, { code: 'BAD CODE', name: 'B' }] })]);
    const res = await postFile(app.url, '/api/procedures/import', admin, 'danh-muc.json', text);
    expectError(res, 400, 'INVALID_CATALOGUE');
    expect(res.body.error.details).toMatchObject({ row: 2, field: 'rules.requiredPapers[1].code' });
    // The second element of "procedures" starts on the line of its opening brace.
    const line = text.split('\n').findIndex((l, i, all) => l.trim() === '{' && all[i + 1]?.includes('"code": "IMP.2"')) + 1;
    expect(res.body.error.details.line).toBe(line);
    expect(res.body.error.message).toContain(`line ${line}`);
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });

  it('refuses a JSON file whose late row breaks a domain rule (unknown department) after earlier rows were written: the transaction keeps none', async () => {
    const before = await fingerprint(app.deps.db);
    const res = await postFile(app.url, '/api/procedures/import', admin, 'danh-muc.json', doc([ROW('IMP.3'), ROW('IMP.4'), ROW('IMP.5', { department: 'KHONGCO' })]));
    expectError(res, 400, 'INVALID_CATALOGUE');
    expect(res.body.error.details).toMatchObject({ row: 3, field: 'department' });
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });

  it('refuses a CSV file with the line and the column, and changes nothing', async () => {
    const before = await fingerprint(app.deps.db);
    // A quoted cell with a line break: the bad record starts on line 4, not at row 3.
    const csv = ['code,name,department,workingDays,unverified', 'CSV.1,"Thủ tục một",QLTM,10,', 'CSV.2,Thủ tục hai,QLTM,12,"ghi chú 1', 'ghi chú 2"', 'CSV.3,Thủ tục ba,QLTM,mười,'].join('\r\n');
    const res = await postFile(app.url, '/api/procedures/import', admin, 'danh-muc.csv', csv);
    expectError(res, 400, 'INVALID_CATALOGUE');
    expect(res.body.error.details).toMatchObject({ row: 4, line: 5, field: 'workingDays' });
    expect(await fingerprint(app.deps.db)).toEqual(before);
    const unknownColumn = await postFile(app.url, '/api/procedures/import', admin, 'x.csv', 'code,name,department,workingDays,thoiHan\r\nA,B,QLTM,1,2\r\n');
    expectError(unknownColumn, 400, 'INVALID_CATALOGUE');
    expect(unknownColumn.body.error.details).toMatchObject({ line: 1, field: 'thoiHan' });
    const broken = await postFile(app.url, '/api/procedures/import', admin, 'x.json', '{"format": "idesk-procedure-catalogue",\n "version": 1,\n "procedures": [ {,] }');
    expectError(broken, 400, 'INVALID_CATALOGUE');
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });

  it('bounds the file: too many rows is 413 TOO_MANY_ROWS, and only admins import', async () => {
    const rows = Array.from({ length: 2001 }, (_, i) => `R.${i},Tên ${i},QLTM,1`);
    const res = await postFile(app.url, '/api/procedures/import', admin, 'big.csv', ['code,name,department,workingDays', ...rows].join('\n'));
    expectError(res, 413, 'TOO_MANY_ROWS');
    const big = await postFile(app.url, '/api/procedures/import', admin, 'big.json', 'x'.repeat(4 * 1024 * 1024 + 1));
    expectError(big, 413, 'PAYLOAD_TOO_LARGE');
    const staff = await http.post('/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
    expect(staff.status).toBe(200);
    const anonymous = await fetch(`${app.url}/api/procedures/import`, { method: 'POST', body: new FormData() });
    expect(anonymous.status).toBe(401);
  });

  it('imports a file in one step, and the export imports back into a fresh database as the same catalogue', async () => {
    const created = await postFile(app.url, '/api/procedures/import', admin, 'danh-muc.json', doc([ROW('IMP.10'), ROW('IMP.11', { active: false, sector: 'Điện' }, { fee: null, supplementWindowDays: 3 })]));
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toEqual({ created: ['IMP.10', 'IMP.11'], updated: [], rulesAdded: [], unchanged: [] });
    for (const format of ['json', 'csv'] as const) {
      const exported = await fetch(`${app.url}/api/procedures/export?format=${format}`, { headers: { authorization: `Bearer ${admin}` } });
      expect(exported.status).toBe(200);
      const text = await exported.text();
      // The same database: nothing changes.
      const before = await fingerprint(app.deps.db);
      const again = await postFile(app.url, '/api/procedures/import', admin, `danh-muc.${format}`, text);
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(again.body.unchanged.sort()).toEqual(['IMP.10', 'IMP.11', 'SCT.CO']);
      expect(await fingerprint(app.deps.db)).toEqual(before);
      // A fresh database with the same departments: the same catalogue.
      const other = await startTestApp();
      try {
        await buildDepartment(other, { code: 'QLTM', name: 'Phòng Quản lý Thương mại' });
        await buildDepartment(other, { code: 'QLNL', name: 'Phòng Quản lý Năng lượng' });
        const otherAdmin = (await loginAs(other, 'admin', ADMIN_PASSWORD)).token;
        const loaded = await postFile(other.url, '/api/procedures/import', otherAdmin, `danh-muc.${format}`, text);
        expect(loaded.status, JSON.stringify(loaded.body)).toBe(200);
        expect(loaded.body.created.sort()).toEqual(['IMP.10', 'IMP.11', 'SCT.CO']);
        const back = await fetch(`${other.url}/api/procedures/export?format=json`, { headers: { authorization: `Bearer ${otherAdmin}` } });
        const mine = await fetch(`${app.url}/api/procedures/export?format=json`, { headers: { authorization: `Bearer ${admin}` } });
        const strip = (t: string) => ({ ...JSON.parse(t), exportedAt: null });
        expect(strip(await back.text())).toEqual(strip(await mine.text()));
      } finally {
        await other.close();
      }
    }
  });

  it('changed rules in the file become new rules from now; the rules in force before are kept for the dossiers received under them', async () => {
    app.clock.advance(60_000);
    const res = await postFile(app.url, '/api/procedures/import', admin, 'danh-muc.json', doc([ROW('IMP.10', { name: 'Tên mới' }, { workingDays: 12 })]));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ updated: ['IMP.10'], rulesAdded: ['IMP.10'] });
    const id = (await app.deps.db('procedures').where({ code: 'IMP.10' }).first('id')).id;
    expect(await app.deps.db('procedure_rules').where({ procedure_id: id }).count({ n: '*' }).then((r) => Number(r[0]!.n))).toBe(2);
    const view = await http.get(`/api/procedures/${id}`, { token: admin });
    expect(view.body).toMatchObject({ name: 'Tên mới', sector: 'Lưu thông hàng hóa trong nước', rules: { workingDays: 12, timeLimitBasis: 'Nghị định 105/2017/NĐ-CP, Điều 25' } });
  });
});

describe(`procedure templates on ${TEST_DB}`, () => {
  it('an admin uploads a form; a paper names it; anyone downloads it; a paper naming a template not stored is refused', async () => {
    const bytes = pdfWith('mau-01');
    const up = await postFile(app.url, '/api/procedure-templates', admin, 'Mẫu 01 - Đơn đề nghị.pdf', bytes, 'application/pdf');
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body).toMatchObject({ name: 'Mẫu 01 - Đơn đề nghị.pdf', mediaType: 'application/pdf', size: bytes.length });
    const sha = up.body.sha256 as string;
    const download = await fetch(`${app.url}/api/public/procedure-templates/${sha}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toContain("filename*=UTF-8''M%E1%BA%ABu%2001");
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
    expectError(await http.get(`/api/public/procedure-templates/${'0'.repeat(64)}`), 404, 'TEMPLATE_NOT_FOUND');

    const before = await fingerprint(app.deps.db);
    const bad = await postFile(app.url, '/api/procedures/import', admin, 'x.json', doc([ROW('IMP.20', {}, { requiredPapers: [{ code: 'don', name: 'Đơn', templateSha256: 'a'.repeat(64) }] })]));
    expectError(bad, 400, 'INVALID_CATALOGUE');
    expect(bad.body.error.details).toMatchObject({ row: 1, field: 'rules.requiredPapers' });
    expect(bad.body.error.message).toContain('UNKNOWN_TEMPLATE');
    expect(await fingerprint(app.deps.db)).toEqual(before);

    const ok = await postFile(app.url, '/api/procedures/import', admin, 'x.json', doc([ROW('IMP.20', {}, { requiredPapers: [{ code: 'don', name: 'Đơn', templateSha256: sha }] })]));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    // A file the store holds for a template is never an orphan.
    expect(listStore(app.deps.config.filesDir).some((f) => f.endsWith(sha))).toBe(true);
    expect(await app.deps.db('stored_files').where({ sha256: sha }).first()).toBeTruthy();
  });
});
