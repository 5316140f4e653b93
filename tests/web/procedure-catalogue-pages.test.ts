import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROCEDURES, seedDemo } from '../../src/cli/seed-demo.ts';
import { createProcedure } from '../../src/domain/procedures/procedures.service.ts';
import { pdfWith } from '../support/papers.ts';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint, TEST_DB } from '../support/test-db.ts';
import { FormClient } from './support/form-client.ts';

/**
 * The catalogue's pages over HTTP (issue 14 §4): the portal's list and the counter's chooser search with
 * diacritics folded, filter by sector and page 20 at a time; the admin sees the unchecked figures, exports
 * and imports; a procedure's form is downloaded from its page.
 */
let app: TestApp;
const PASSWORD = 'Demo-2026-idesk';
const SYSTEM = { kind: 'system' } as const;

/** The procedure names a list page shows, in order. */
const names = (html: string, path: string) => [...html.matchAll(new RegExp(`<a href="${path}/\\d+">([^<]+)</a>`, 'g'))].map((m) => m[1]);
const counterNames = (html: string) => [...html.matchAll(/<li class="panel"><h2>([^<]+)<\/h2>/g)].map((m) => m[1]);

beforeAll(async () => {
  app = await startTestApp();
  await seedDemo(app.deps.db, PASSWORD, app.clock.now(), 2 ** 10);
  // 30 more procedures of one sector, to page through.
  const dept = (await app.deps.db('departments').where({ code: 'QLTM' }).first('id')).id as number;
  for (let i = 1; i <= 30; i++) {
    await createProcedure(app.deps.db, SYSTEM, { code: `TEST.${String(i).padStart(2, '0')}`, name: `Thủ tục thử nghiệm số ${i}`, departmentId: dept, workingDays: 5, sector: 'Lĩnh vực thử nghiệm' }, app.clock.now());
  }
});
afterAll(() => app?.close());

describe(`the portal's catalogue on ${TEST_DB}`, () => {
  it('finds a procedure with or without diacritics, in upper case or not', async () => {
    const client = new FormClient(app.url);
    const accented = await client.get(`/thu-tuc?q=${encodeURIComponent('bán buôn rượu')}`);
    const plain = await client.get('/thu-tuc?q=BAN+BUON+RUOU');
    expect(accented.res.status).toBe(200);
    const found = names(accented.text, '/thu-tuc');
    expect(found).toContain('Cấp Giấy phép bán buôn rượu');
    expect(found.every((n) => /bán buôn rượu/i.test(n!))).toBe(true);
    expect(names(plain.text, '/thu-tuc')).toEqual(found);
    // đ folds to d: "dien" finds "điện".
    const electricity = names((await client.get('/thu-tuc?q=ban+le+dien')).text, '/thu-tuc');
    expect(electricity).toContain('Cấp giấy phép hoạt động bán lẻ điện');
    expect(names((await client.get('/thu-tuc?q=khong+co+thu+tuc+nay')).text, '/thu-tuc')).toEqual([]);
  });

  it('filters by sector (lĩnh vực) and pages 20 at a time', async () => {
    const client = new FormClient(app.url);
    const lpg = await client.get(`/thu-tuc?linhVuc=${encodeURIComponent('Kinh doanh khí')}`);
    const lpgNames = names(lpg.text, '/thu-tuc');
    expect(lpgNames.length).toBe(DEMO_PROCEDURES.filter((p) => p.sector === 'Kinh doanh khí').length);
    expect(lpgNames.every((n) => /LPG/.test(n!))).toBe(true);
    expect(lpg.text).toContain('<option value="Kinh doanh khí" selected>Kinh doanh khí</option>');

    const sector = encodeURIComponent('Lĩnh vực thử nghiệm');
    const first = await client.get(`/thu-tuc?linhVuc=${sector}`);
    expect(names(first.text, '/thu-tuc')).toEqual(Array.from({ length: 20 }, (_, i) => `Thủ tục thử nghiệm số ${i + 1}`));
    expect(first.text).toContain('Tìm thấy 30 thủ tục — trang 1/2.');
    expect(first.text).toContain(`href="/thu-tuc?linhVuc=${sector.replace(/%20/g, '+')}&amp;page=2"`);
    const second = await client.get(`/thu-tuc?linhVuc=${sector}&page=2`);
    expect(names(second.text, '/thu-tuc')).toEqual(Array.from({ length: 10 }, (_, i) => `Thủ tục thử nghiệm số ${i + 21}`));
    // The whole list pages too: 26 + 30 procedures.
    const all = await client.get('/thu-tuc');
    expect(names(all.text, '/thu-tuc').length).toBe(20);
    expect(all.text).toContain(`Tìm thấy ${DEMO_PROCEDURES.length + 30} thủ tục`);
  });

  it('refuses a query over 100 characters with a message, not with no results', async () => {
    const client = new FormClient(app.url);
    const res = await client.get(`/thu-tuc?q=${'a'.repeat(101)}`);
    expect(res.res.status).toBe(400);
    expect(res.text).toContain('quá giới hạn 100 ký tự');
    expect(res.text).not.toContain('Không tìm thấy thủ tục nào');
    expect((await client.get(`/thu-tuc?q=${'a'.repeat(100)}`)).res.status).toBe(200);
  });

  it('shows a procedure as the national portal does, names the Centre, and its form downloads', async () => {
    app.clock.advance(60_000);
    const admin = new FormClient(app.url);
    await admin.login('admin', ADMIN_PASSWORD);
    const id = (await app.deps.db('procedures').where({ code: 'SCT.RUOU.BB' }).first('id')).id as number;
    const detail = await admin.get(`/admin/procedures/${id}`);
    const bytes = pdfWith('mau-don-ban-buon-ruou');
    const attached = await admin.postMultipart(`/admin/procedures/${id}/templates`, { _csrf: detail.token as string, paperCode: 'don-de-nghi' }, [{ field: 'file', name: 'Mẫu số 01 - Đơn đề nghị.pdf', bytes }]);
    expect(attached.res.status, attached.text.slice(0, 300)).toBe(303);

    const citizen = new FormClient(app.url);
    const page = await citizen.get(`/thu-tuc/${id}`);
    for (const label of ['Lĩnh vực', 'Cấp thực hiện', 'Đối tượng thực hiện', 'Cơ quan thực hiện', 'Điều kiện thực hiện', 'Kết quả thực hiện', 'Căn cứ pháp lý', 'Thời hạn giải quyết', 'Phí, lệ phí']) expect(page.text, label).toContain(`<dt>${label}</dt>`);
    expect(page.text).toContain('nộp khi nộp hồ sơ');
    expect(page.text).toContain(`trực tiếp tại ${app.deps.config.serviceCentreName}`);
    expect(page.text).not.toContain('Bộ phận Một cửa của Sở');
    const link = /href="(\/api\/public\/procedure-templates\/[0-9a-f]{64})"/.exec(page.text)?.[1];
    expect(link).toBeDefined();
    const file = await citizen.getBytes(link!);
    expect(file.res.status).toBe(200);
    expect(file.bytes.equals(bytes)).toBe(true);
    // The rules were not edited in place: the form came with new rules, the old ones kept.
    expect(Number((await app.deps.db('procedure_rules').where({ procedure_id: id }).count({ n: '*' }))[0]!.n)).toBe(2);
  });
});

describe(`the counter's procedure search on ${TEST_DB}`, () => {
  it('searches like the portal and leads to the intake form with the procedure chosen', async () => {
    const clerk = new FormClient(app.url);
    await clerk.login('motcua', PASSWORD);
    const intake = await clerk.get('/counter/intake');
    expect(intake.text).toContain('href="/counter/thu-tuc"');
    const res = await clerk.get('/counter/thu-tuc?q=xang+dau');
    expect(res.res.status).toBe(200);
    expect(counterNames(res.text).sort()).toEqual(DEMO_PROCEDURES.filter((p) => /xăng dầu/.test(p.name)).map((p) => p.name).sort());
    const id = (await app.deps.db('procedures').where({ code: '2.000648' }).first('id')).id as number;
    expect(res.text).toContain(`href="/counter/intake?procedureId=${id}"`);
    const chosen = await clerk.get(`/counter/intake?procedureId=${id}`);
    expect(chosen.text).toContain('Cấp Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu');
    const paged = await clerk.get(`/counter/thu-tuc?linhVuc=${encodeURIComponent('Lĩnh vực thử nghiệm')}&page=2`);
    expect(counterNames(paged.text)).toHaveLength(10);
    expect((await clerk.get(`/counter/thu-tuc?q=${'x'.repeat(101)}`)).res.status).toBe(400);
  });
});

describe(`the admin's catalogue page on ${TEST_DB}`, () => {
  it('flags the procedures with unchecked figures, and shows the notes on the procedure', async () => {
    const admin = new FormClient(app.url);
    await admin.login('admin', ADMIN_PASSWORD);
    const list = await admin.get('/admin/procedures');
    const flagged = DEMO_PROCEDURES.filter((p) => p.unverified.length > 0);
    expect(list.text).toContain(`${flagged.length} thủ tục có số liệu chưa kiểm chứng`);
    expect((list.text.match(/Chưa kiểm chứng \(/g) ?? []).length).toBe(flagged.length);
    expect(list.text).toContain('href="/admin/procedures/export?format=json"');
    expect(list.text).toContain('href="/admin/procedures/export?format=csv"');
    const p = flagged.find((d) => d.code === '1.013416')!;
    const id = (await app.deps.db('procedures').where({ code: p.code }).first('id')).id as number;
    const detail = await admin.get(`/admin/procedures/${id}`);
    expect(detail.text).toContain('Chưa kiểm chứng với văn bản pháp luật');
    for (const note of p.unverified) expect(detail.text).toContain(note.replace(/’/g, '’'));
    expect(detail.text).toContain(`căn cứ: ${p.timeLimitBasis}`);
  });

  it('exports, and a bad import file is refused with its line and field and changes nothing', async () => {
    const admin = new FormClient(app.url);
    await admin.login('admin', ADMIN_PASSWORD);
    const csv = await admin.getBytes('/admin/procedures/export?format=csv');
    expect(csv.res.status).toBe(200);
    expect(csv.res.headers.get('content-type')).toContain('text/csv');
    const text = csv.bytes.toString('utf8');
    expect(text.startsWith('\uFEFFcode,name,department')).toBe(true);
    const list = await admin.get('/admin/procedures');
    const before = await fingerprint(app.deps.db);
    const bad = text.replace(/\r\nSCT\.RUOU\.BB,/, '\r\nSCT.RUOU.BB,,');
    const refused = await admin.postMultipart('/admin/procedures/import', { _csrf: list.token as string }, [{ field: 'file', name: 'danh-muc.csv', bytes: Buffer.from(bad), type: 'text/csv' }]);
    expect(refused.res.status).toBe(400);
    expect(refused.text).toContain('Tệp chưa được nhập; danh mục không thay đổi');
    expect(refused.text).toMatch(/Dòng \d+, thủ tục thứ \d+, trường “row”/);
    expect(await fingerprint(app.deps.db)).toEqual(before);
    // The export imported back changes nothing either.
    const same = await admin.postMultipart('/admin/procedures/import', { _csrf: list.token as string }, [{ field: 'file', name: 'danh-muc.csv', bytes: csv.bytes, type: 'text/csv' }]);
    expect(same.res.status, same.text.slice(0, 500)).toBe(200);
    expect(same.text).toContain(`không đổi ${DEMO_PROCEDURES.length + 30} thủ tục`);
    expect(await fingerprint(app.deps.db)).toEqual(before);
    // A forged form is refused before the file is read.
    const forged = await admin.postMultipart('/admin/procedures/import', { _csrf: 'forged' }, [{ field: 'file', name: 'danh-muc.csv', bytes: csv.bytes, type: 'text/csv' }]);
    expect(forged.res.status).toBe(403);
  });
});
