import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField } from '../../src/domain/documents/document-registers.ts';
import { buildUser, buildWorld, type TestUser, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint, TEST_DB } from '../support/test-db.ts';
import { insertDocument } from './support/insert-document.ts';

/**
 * GET /api/registers/:direction/:year (issue 8 §7): the registers of Decree 30/2020/NĐ-CP Phụ lục IV,
 * compared with registers written out by hand below. Documents are written by
 * tests/documents/support/insert-document.ts until the documents' service lands.
 */
let app: TestApp;
let w: World;
let clerk: TestUser;

const at = '2026-01-05T01:00:00.000Z';

beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
  clerk = await buildUser(app, ['clerk']);
  const db = app.deps.db;
  // Registered out of order on purpose: the register is in number order.
  await insertDocument(db, {
    direction: 'incoming',
    typeCode: 'TB',
    registerNumber: 2,
    // 01:30 on 1 January in Vietnam, still 2025 in UTC.
    arrivedAt: '2025-12-31T18:30:00.000Z',
    issuerName: '@Cục Thuế',
    sourceSymbol: '-05/BCT-KH',
    summary: 'Lịch họp',
    recipientsText: 'Văn phòng',
  });
  const first = await insertDocument(db, {
    direction: 'incoming',
    typeCode: 'CV',
    registerNumber: 1,
    arrivedAt: '2026-01-05T01:30:00.000Z',
    issuerName: 'Ủy ban nhân dân tỉnh Bình Định',
    sourceSymbol: '12/UBND-KT',
    documentDate: '2026-01-02',
    summary: 'Về việc triển khai kế hoạch, "năm 2026"',
    note: '=HYPERLINK("http://x")',
    deliveredAt: '2026-01-05T10:00:00.000Z',
    leadDepartmentId: w.departmentId,
  });
  // The coordinating department is assigned first: the lead one is still listed first.
  await db('document_assignments').insert({ document_id: first, department_id: w.otherDepartmentId, role: 'coordinating', assigned_at: at });
  await db('document_assignments').insert({ document_id: first, department_id: w.departmentId, role: 'lead', assigned_at: at });
  await insertDocument(db, { direction: 'incoming', registerYear: 2025, registerNumber: 1, summary: 'Năm trước', createdAt: '2025-06-10T03:00:00.000Z' });

  const decision = await insertDocument(db, {
    direction: 'outgoing',
    typeCode: 'QD',
    registerNumber: 5,
    symbol: '05/QĐ-SCT',
    documentDate: '2026-02-03',
    summary: 'Về việc ban hành Quy chế',
    signerName: 'Nguyễn Văn Bình',
    draftingDepartmentId: w.departmentId,
    copies: 3,
    deliveredAt: '2026-02-03T03:00:00.000Z',
  });
  await db('document_recipients').insert({ document_id: decision, kind: 'external', name: 'UBND tỉnh', sent_at: at });
  await db('document_recipients').insert({ document_id: decision, kind: 'internal', department_id: w.departmentId, name: 'Phòng Quản lý Thương mại', sent_at: at });
  await insertDocument(db, {
    direction: 'outgoing',
    typeCode: 'CV',
    registerNumber: 12,
    symbol: '12/SCT-QLTM',
    issuedAt: '2026-02-10T02:00:00.000Z',
    summary: 'Về việc báo cáo',
    signerName: 'Lê Thị Hoa',
    recipientsText: 'Như trên',
  });
  await insertDocument(db, { direction: 'outgoing', state: 'draft', registerYear: null, summary: 'Dự thảo chưa cấp số' });
});
afterAll(() => app.close());

async function download(path: string, user: TestUser): Promise<Response> {
  return fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${user.token}` } });
}

const BOM = '\uFEFF';

describe(`register export on ${TEST_DB}`, () => {
  it('writes the incoming register as CSV: BOM, Vietnamese headings, number order, local dates, quoting, formulas neutralised', async () => {
    const res = await download('/api/registers/incoming/2026?format=csv', clerk);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="so-van-ban-den-2026.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text).toBe(
      BOM +
        'Ngày đến,Số đến,Tác giả,"Số, ký hiệu",Ngày tháng văn bản,Tên loại và trích yếu nội dung,Đơn vị hoặc người nhận,Ngày chuyển,Ký nhận,Ghi chú\r\n' +
        '05/01/2026,01,Ủy ban nhân dân tỉnh Bình Định,12/UBND-KT,02/01/2026,"Công văn: Về việc triển khai kế hoạch, ""năm 2026""",Phòng Quản lý Thương mại; Phòng Quản lý Năng lượng,05/01/2026,,"\'=HYPERLINK(""http://x"")"\r\n' +
        "01/01/2026,02,'@Cục Thuế,'-05/BCT-KH,,Thông báo: Lịch họp,Văn phòng,,,\r\n",
    );
  });

  it('writes the outgoing register as CSV with its own columns, the draft left out', async () => {
    const res = await download('/api/registers/outgoing/2026', clerk);
    expect(res.status).toBe(200);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text).toBe(
      BOM +
        '"Số, ký hiệu văn bản",Ngày tháng văn bản,Tên loại và trích yếu nội dung,Người ký,Nơi nhận,"Đơn vị, người nhận bản lưu",Số lượng bản,Ngày chuyển,Ký nhận,Ghi chú\r\n' +
        '05/QĐ-SCT,03/02/2026,Quyết định: Về việc ban hành Quy chế,Nguyễn Văn Bình,UBND tỉnh; Phòng Quản lý Thương mại,"VT, Phòng Quản lý Thương mại",3,03/02/2026,,\r\n' +
        '12/SCT-QLTM,10/02/2026,Công văn: Về việc báo cáo,Lê Thị Hoa,Như trên,VT,,,,\r\n',
    );
    // Another year's register holds only its own.
    const last = new TextDecoder().decode(await (await download('/api/registers/incoming/2025?format=csv', w.director)).arrayBuffer());
    // No arrival instant written: the day it was registered.
    expect(last.split('\r\n').slice(1)).toEqual(['10/06/2025,01,,,,Quyết định: Năm trước,,,,', '']);
  });

  it('writes the XLSX with a title, the headings repeated on every page, A4 landscape, wrapped text and the same rows', async () => {
    const res = await download('/api/registers/incoming/2026?format=xlsx', clerk);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new Error('no worksheet');
    expect(sheet.getRow(1).getCell(1).value).toBe('SỞ CÔNG THƯƠNG');
    expect(sheet.getRow(2).getCell(1).value).toBe('SỔ ĐĂNG KÝ VĂN BẢN ĐẾN NĂM 2026');
    expect((sheet.getRow(3).values as unknown[]).slice(1)).toEqual([
      'Ngày đến',
      'Số đến',
      'Tác giả',
      'Số, ký hiệu',
      'Ngày tháng văn bản',
      'Tên loại và trích yếu nội dung',
      'Đơn vị hoặc người nhận',
      'Ngày chuyển',
      'Ký nhận',
      'Ghi chú',
    ]);
    const cells = (n: number) => Array.from({ length: 10 }, (_, i) => sheet.getRow(n).getCell(i + 1).value ?? '');
    expect(cells(4)).toEqual([
      '05/01/2026',
      '01',
      'Ủy ban nhân dân tỉnh Bình Định',
      '12/UBND-KT',
      '02/01/2026',
      'Công văn: Về việc triển khai kế hoạch, "năm 2026"',
      'Phòng Quản lý Thương mại; Phòng Quản lý Năng lượng',
      '05/01/2026',
      '',
      // As written: a string cell, which no spreadsheet evaluates (the CSV, untyped, needs the apostrophe).
      '=HYPERLINK("http://x")',
    ]);
    expect(cells(5).slice(0, 4)).toEqual(['01/01/2026', '02', '@Cục Thuế', '-05/BCT-KH']);
    expect(sheet.getRow(4).getCell(10).type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getRow(4).getCell(10).formula).toBeUndefined();
    expect(sheet.getRow(5).getCell(3).type).toBe(ExcelJS.ValueType.String);
    expect(sheet.rowCount).toBe(5);
    expect(sheet.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '3:3' });
    expect(sheet.getRow(4).getCell(6).alignment).toMatchObject({ wrapText: true });
    expect(sheet.getRow(3).getCell(1).font).toMatchObject({ bold: true });
    // Printable widths: every column set, the summary the widest, all of them within an A4 landscape page.
    const widths = sheet.columns.map((c) => c.width ?? 0);
    expect(widths).toHaveLength(10);
    expect(Math.max(...widths)).toBe(widths[5]);
    expect(widths.every((width) => width >= 7)).toBe(true);
    expect(widths.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(170);
  });

  it('reads a large year in batches, in number order, every row once', async () => {
    const n = 1203;
    for (let i = n; i >= 1; i--) await insertDocument(app.deps.db, { direction: 'outgoing', registerYear: 2027, registerNumber: i, symbol: `${String(i).padStart(2, '0')}/QĐ-SCT`, summary: `Quyết định số ${i}` });
    const text = new TextDecoder().decode(await (await download('/api/registers/outgoing/2027?format=csv', clerk)).arrayBuffer());
    const lines = text.split('\r\n').slice(1, -1);
    expect(lines).toHaveLength(n);
    expect(lines.map((l) => l.split(',')[0])).toEqual(Array.from({ length: n }, (_, i) => `${String(i + 1).padStart(2, '0')}/QĐ-SCT`));
    const res = await download('/api/registers/outgoing/2027?format=xlsx', clerk);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    expect(workbook.worksheets[0]?.rowCount).toBe(n + 3);
    expect(workbook.worksheets[0]?.getRow(n + 3).getCell(1).value).toBe(`${n}/QĐ-SCT`);
  });

  it('lets the clerk and the director export; others get 403, bad requests 400; nothing changes', async () => {
    const before = await fingerprint(app.deps.db);
    expect((await download('/api/registers/incoming/2026?format=xlsx', w.director)).status).toBe(200);
    for (const user of [w.staff, w.specialist, w.lead, w.admin, w.onestop]) {
      const res = await w.http.get('/api/registers/incoming/2026?format=csv', { token: user.token });
      expect(res.status, user.username).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    expect((await w.http.get('/api/registers/incoming/2026')).status).toBe(401);
    const bad: Array<[string, string]> = [
      ['/api/registers/sideways/2026', 'VALIDATION_FAILED'],
      ['/api/registers/incoming/1999', 'VALIDATION_FAILED'],
      ['/api/registers/incoming/2101', 'VALIDATION_FAILED'],
      ['/api/registers/incoming/abc', 'VALIDATION_FAILED'],
      ['/api/registers/incoming/2026?format=pdf', 'VALIDATION_FAILED'],
      ['/api/registers/incoming/2026?format=csv&extra=1', 'VALIDATION_FAILED'],
    ];
    for (const [path, code] of bad) {
      const res = await w.http.get(path, { token: clerk.token });
      expect(res.status, path).toBe(400);
      expect(res.body.error.code, path).toBe(code);
    }
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });
});

describe('CSV fields', () => {
  it('quote as RFC 4180 asks and neutralise what a spreadsheet would run', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=1+2')).toBe("'=1+2");
    expect(csvField('+84 256')).toBe("'+84 256");
    expect(csvField('-5')).toBe("'-5");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('=A1,B1')).toBe('"\'=A1,B1"');
    expect(csvField('a=b')).toBe('a=b');
  });
});
