import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fts5Query, parseSearchQuery, rankHit } from '../../src/domain/documents/document-search.ts';
import { buildUser, buildWorld, type TestUser, type World } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fingerprint, TEST_DB } from '../support/test-db.ts';
import { insertDocument } from './support/insert-document.ts';

/**
 * GET /api/documents (issue 8 §6) on the database under test (SQLite FTS5, or PostgreSQL full-text search
 * with IDESK_TEST_DB=postgres). Documents are written by tests/documents/support/insert-document.ts (rows
 * as the migration defines them, `search_text` from documentSearchText) until the documents' service lands.
 * Every expectation below is a list of documents written out by hand.
 */
let app: TestApp;
let w: World;
let clerk: TestUser;
const ids = {} as { qd80: number; praise: number; notice: number; old: number; draft: number };

beforeAll(async () => {
  app = await startTestApp();
  w = await buildWorld(app);
  clerk = await buildUser(app, ['clerk']);
  const db = app.deps.db;
  ids.qd80 = await insertDocument(db, {
    direction: 'outgoing',
    typeCode: 'QD',
    registerNumber: 80,
    symbol: '80/QĐ-SCT',
    summary: 'Về việc ban hành Quy chế làm việc của Sở Công Thương',
    signerName: 'Nguyễn Văn Bình',
    documentDate: '2026-03-01',
    draftingDepartmentId: w.departmentId,
  });
  ids.praise = await insertDocument(db, {
    direction: 'incoming',
    typeCode: 'CV',
    registerNumber: 1,
    sourceSymbol: '123/UBND-KT',
    issuerName: 'Ủy ban nhân dân tỉnh Bình Định',
    summary: 'Về việc khen thưởng ông Trần Đức Anh',
    signerName: 'Lê Thị Hoa',
    urgency: 3,
    documentDate: '2026-02-20',
    leadDepartmentId: w.departmentId,
  });
  ids.notice = await insertDocument(db, {
    direction: 'incoming',
    typeCode: 'TB',
    registerNumber: 2,
    sourceSymbol: '45/TB-BCT',
    issuerName: 'Bộ Công Thương',
    summary: 'Lịch họp giao ban tháng 3',
    signerName: 'Trần Đức Anh',
    urgency: 1,
    documentDate: '2026-03-05',
    leadDepartmentId: w.otherDepartmentId,
  });
  ids.old = await insertDocument(db, {
    direction: 'incoming',
    typeCode: 'QD',
    registerYear: 2025,
    registerNumber: 700,
    sourceSymbol: '800/QĐ-UBND',
    issuerName: 'Ủy ban nhân dân tỉnh',
    summary: 'Về việc phê duyệt kế hoạch cải tạo đường điện',
    urgency: 2,
    documentDate: '2025-12-30',
  });
  ids.draft = await insertDocument(db, {
    direction: 'outgoing',
    typeCode: 'TTR',
    state: 'draft',
    registerYear: null,
    summary: 'Dự thảo tờ trình về đề án đầu tư chợ đầu mối',
    drafterId: w.specialist.id,
    draftingDepartmentId: w.departmentId,
  });
  // The notice went to the other department, whose lead forwarded it to a staff member of ours (Điều 6.3).
  const at = '2026-03-05T03:00:00.000Z';
  const [assignment] = await db('document_assignments').insert({ document_id: ids.notice, department_id: w.otherDepartmentId, role: 'lead', assigned_at: at }).returning('id');
  const assignmentId = typeof assignment === 'object' ? (assignment as { id: number }).id : (assignment as number);
  await db('document_forwards').insert({ document_id: ids.notice, assignment_id: assignmentId, user_id: w.staff.id, forwarded_by: w.otherLead.id, forwarded_at: at });
});
afterAll(() => app.close());

async function search(user: TestUser, query: string): Promise<{ status: number; body: any }> {
  return w.http.get(`/api/documents${query ? `?${query}` : ''}`, { token: user.token });
}

async function found(user: TestUser, query: string): Promise<number[]> {
  const res = await search(user, query);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items.map((d: { id: number }) => d.id);
}

const q = (text: string) => `q=${encodeURIComponent(text)}`;
const sorted = (list: number[]) => [...list].sort((a, b) => a - b);

describe(`document search on ${TEST_DB}`, () => {
  it('folds diacritics both ways: typed with or without them, composed or decomposed, đ as d', async () => {
    expect(await found(clerk, q('quyet dinh 80'))).toEqual([ids.qd80]);
    expect(await found(clerk, q('Quyết định 80'))).toEqual([ids.qd80]);
    expect(await found(clerk, q('Quyết định 80'.normalize('NFD')))).toEqual([ids.qd80]);
    expect(await found(clerk, q('QUYẾT ĐỊNH 80'))).toEqual([ids.qd80]);
    expect(await found(clerk, q('đường điện'))).toEqual([ids.old]);
    expect(await found(clerk, q('duong dien'))).toEqual([ids.old]);
    expect(await found(clerk, q('DUONG DIEN'.normalize('NFD')))).toEqual([ids.old]);
    expect(await found(clerk, q('Đề án đầu tư'.normalize('NFD')))).toEqual([ids.draft]);
  });

  it('finds a symbol by its pieces, in order, and not by a longer number', async () => {
    expect(await found(clerk, q('80/QĐ-SCT'))).toEqual([ids.qd80]);
    expect(await found(clerk, q('qd-sct'))).toEqual([ids.qd80]);
    expect(await found(clerk, q('80'))).toEqual([ids.qd80]);
    expect(await found(clerk, q('80/qd'))).toEqual([ids.qd80]);
    // The pieces of one word are a phrase: SCT then QĐ is nowhere.
    expect(await found(clerk, q('SCT-QĐ'))).toEqual([]);
    expect(await found(clerk, q('800/QĐ-UBND'))).toEqual([ids.old]);
    expect(await found(clerk, q('123/UBND-KT'))).toEqual([ids.praise]);
    // Over issuer, type name and signer too.
    expect(await found(clerk, q('bo cong thuong'))).toEqual([ids.notice]);
    expect(await found(clerk, q('thong bao'))).toEqual([ids.notice]);
    expect(await found(clerk, q('Nguyễn Văn Bình'))).toEqual([ids.qd80]);
  });

  it('ranks a summary match above a signer-only match, whatever their order of arrival', async () => {
    const res = await search(clerk, q('tran duc anh'));
    expect(res.status).toBe(200);
    // The praise names him in its summary (3 words × 4, and the whole query as a phrase, + 1); the notice
    // was only signed by him (3 × 1). The notice is newer: by age alone it would come first.
    expect(ids.notice).toBeGreaterThan(ids.praise);
    expect(res.body.items.map((d: { id: number; score: number }) => [d.id, d.score])).toEqual([
      [ids.praise, 13],
      [ids.notice, 3],
    ]);
  });

  it('lists without a query urgent first (hỏa tốc, thượng khẩn, khẩn, thường), then newest', async () => {
    const res = await search(clerk, '');
    expect(res.body.items.map((d: { id: number }) => d.id)).toEqual([ids.praise, ids.old, ids.notice, ids.draft, ids.qd80]);
    expect(res.body.items.map((d: { urgency: string }) => d.urgency)).toEqual(['flash', 'very_urgent', 'urgent', 'normal', 'normal']);
    expect(res.body).toMatchObject({ total: 5, totalIsLowerBound: false, nextAfter: null, page: 1, pageSize: 20 });
    expect(res.body.items[0]).toMatchObject({
      id: ids.praise,
      direction: 'incoming',
      state: 'registered',
      typeCode: 'CV',
      typeName: 'Công văn',
      sourceSymbol: '123/UBND-KT',
      issuerName: 'Ủy ban nhân dân tỉnh Bình Định',
      registerYear: 2026,
      number: 1,
      documentDate: '2026-02-20',
      leadDepartmentId: w.departmentId,
      score: null,
    });
  });

  it('combines the query and every filter', async () => {
    expect(sorted(await found(clerk, 'direction=incoming'))).toEqual(sorted([ids.praise, ids.notice, ids.old]));
    expect(sorted(await found(clerk, 'direction=outgoing'))).toEqual(sorted([ids.qd80, ids.draft]));
    expect(sorted(await found(clerk, 'year=2025'))).toEqual([ids.old]);
    expect(sorted(await found(clerk, 'year=2026'))).toEqual(sorted([ids.qd80, ids.praise, ids.notice]));
    expect(sorted(await found(clerk, 'typeCode=QD'))).toEqual(sorted([ids.qd80, ids.old]));
    expect(await found(clerk, 'urgency=flash')).toEqual([ids.praise]);
    expect(await found(clerk, 'urgency=very_urgent')).toEqual([ids.old]);
    expect(await found(clerk, 'state=draft')).toEqual([ids.draft]);
    expect(sorted(await found(clerk, `departmentId=${w.departmentId}`))).toEqual(sorted([ids.qd80, ids.praise, ids.draft]));
    expect(await found(clerk, `departmentId=${w.otherDepartmentId}`)).toEqual([ids.notice]);
    expect(sorted(await found(clerk, 'dateFrom=2026-03-01'))).toEqual(sorted([ids.qd80, ids.notice]));
    expect(sorted(await found(clerk, 'dateFrom=2026-01-01&dateTo=2026-03-01'))).toEqual(sorted([ids.qd80, ids.praise]));
    expect(await found(clerk, 'dateTo=2025-12-31')).toEqual([ids.old]);
    // With a query.
    expect(await found(clerk, `${q('quyet dinh')}&year=2025`)).toEqual([ids.old]);
    expect(await found(clerk, `${q('quyet dinh')}&direction=outgoing`)).toEqual([ids.qd80]);
    expect(await found(clerk, `${q('ve viec')}&urgency=flash`)).toEqual([ids.praise]);
    expect(await found(clerk, `${q('ve viec')}&typeCode=CV&departmentId=${w.departmentId}`)).toEqual([ids.praise]);
    expect(await found(clerk, `${q('ve viec')}&state=draft`)).toEqual([]);
  });

  it('shows each caller only what they may see', async () => {
    expect(await found(w.staff, '')).toEqual([ids.notice]);
    expect(await found(w.staff, q('thong bao'))).toEqual([ids.notice]);
    expect(await found(w.staff, q('quyet dinh'))).toEqual([]);
    expect(sorted(await found(w.lead, ''))).toEqual(sorted([ids.qd80, ids.praise, ids.draft]));
    expect(await found(w.lead, q('tran duc anh'))).toEqual([ids.praise]);
    expect(await found(w.otherLead, '')).toEqual([ids.notice]);
    expect(await found(w.specialist, '')).toEqual([ids.draft]);
    expect(sorted(await found(w.director, ''))).toEqual(sorted(Object.values(ids)));
    // The IT officer administers accounts, not documents.
    expect(await found(w.admin, '')).toEqual([]);
    expect((await w.http.get('/api/documents')).status).toBe(401);
  });

  it('searches hostile queries as words or refuses them with 400, never a 500, and changes nothing', async () => {
    const before = await fingerprint(app.deps.db);
    const hostile = ['"', '*', 'NEAR(', 'OR', '-', ':', '&', '!', 'a" OR "b', 'NEAR(quyet dinh, 2)', 'quyet* OR dinh', '-80', '80:qd', '!80 & qd', "'; DROP TABLE documents; --", '\\', '()', '{80}', 'quyet\u0000dinh'];
    for (const text of hostile) {
      const res = await search(clerk, q(text));
      expect([200, 400], `${text}: ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
      if (res.status === 400) expect(res.body.error.code, text).toMatch(/^(QUERY_WITHOUT_WORDS|VALIDATION_FAILED)$/);
    }
    // Words among the punctuation are searched as words.
    expect(sorted(await found(clerk, q('"quyet" * dinh!')))).toEqual(sorted([ids.qd80, ids.old]));
    expect(await found(clerk, q('NEAR(quyet dinh)'))).toEqual([]);
    expect(await found(clerk, q('quyet OR xyz'))).toEqual([]);
    expect((await search(clerk, q('*'))).body.error.code).toBe('QUERY_WITHOUT_WORDS');
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });

  it('refuses bad requests with a stable code and changes nothing', async () => {
    const before = await fingerprint(app.deps.db);
    const refused: Array<[string, string]> = [
      [q('a'.repeat(201)), 'VALIDATION_FAILED'],
      [q('mot hai ba bon nam sau bay tam chin muoi muoi-mot muoi-hai'), 'QUERY_TOO_MANY_TERMS'],
      [q('   '), 'QUERY_WITHOUT_WORDS'],
      ['typeCode=NOPE', 'UNKNOWN_DOCUMENT_TYPE'],
      ['dateFrom=2026-03-02&dateTo=2026-03-01', 'VALIDATION_FAILED'],
      ['dateFrom=2026-02-30', 'VALIDATION_FAILED'],
      ['dateFrom=1999-12-31', 'CALENDAR_OUT_OF_RANGE'],
      [`${q('quyet')}&after=${ids.qd80}`, 'INVALID_CURSOR'],
      [`after=${ids.qd80}&page=2`, 'INVALID_CURSOR'],
      ['after=999999', 'INVALID_CURSOR'],
      [`${q('quyet')}&page=11&pageSize=100`, 'PAGE_TOO_DEEP'],
      ['page=102&pageSize=100', 'PAGE_TOO_DEEP'],
      ['urgency=hoa_toc', 'VALIDATION_FAILED'],
      ['direction=sideways', 'VALIDATION_FAILED'],
      ['state=in%20progress', 'VALIDATION_FAILED'],
      ['year=1999', 'VALIDATION_FAILED'],
      ['pageSize=101', 'VALIDATION_FAILED'],
      ['sort=oldest', 'VALIDATION_FAILED'],
    ];
    for (const [query, code] of refused) {
      const res = await search(clerk, query);
      expect(res.status, `${query}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error.code, query).toBe(code);
    }
    expect(await fingerprint(app.deps.db)).toEqual(before);
  });

  it('keeps the index in step with the text the service writes', async () => {
    const id = await insertDocument(app.deps.db, { direction: 'incoming', registerNumber: 3, summary: 'Về việc kiểm tra an toàn thực phẩm' });
    expect(await found(clerk, q('an toan thuc pham'))).toEqual([id]);
    await app.deps.db('documents').where({ id }).update({ summary: 'Về việc kiểm tra vệ sinh môi trường', search_text: 'cong van ve viec kiem tra ve sinh moi truong' });
    expect(await found(clerk, q('an toan thuc pham'))).toEqual([]);
    expect(await found(clerk, q('vệ sinh môi trường'))).toEqual([id]);
    await app.deps.db('documents').where({ id }).delete();
    expect(await found(clerk, q('ve sinh moi truong'))).toEqual([]);
  });
});

describe(`document search paging on ${TEST_DB}`, () => {
  it('pages the list (by page and by after) and the ranked search without a duplicate or a gap', async () => {
    const more: number[] = [];
    for (let i = 0; i < 23; i++) {
      more.push(
        await insertDocument(app.deps.db, {
          direction: 'incoming',
          registerNumber: 100 + i,
          urgency: (i % 4) as 0 | 1 | 2 | 3,
          summary: `Về việc báo cáo số liệu xuất nhập khẩu kỳ ${i}${i % 3 === 0 ? ' của Sở Công Thương' : ''}`,
        }),
      );
    }
    const all = await found(clerk, 'pageSize=100');
    expect(all).toHaveLength(28);
    expect(sorted(all)).toEqual(sorted([...Object.values(ids), ...more]));
    // By after.
    const byAfter: number[] = [];
    let after: number | null = null;
    for (let n = 0; n < 20; n++) {
      const res = await search(clerk, `pageSize=4${after === null ? '' : `&after=${after}`}`);
      byAfter.push(...res.body.items.map((d: { id: number }) => d.id));
      after = res.body.nextAfter;
      if (after === null) break;
    }
    expect(byAfter).toEqual(all);
    // By page.
    const byPage: number[] = [];
    for (let page = 1; page <= 6; page++) byPage.push(...(await found(clerk, `pageSize=5&page=${page}`)));
    expect(byPage).toEqual(all);
    // Ranked.
    const ranked = await found(clerk, `${q('bao cao')}&pageSize=100`);
    expect(sorted(ranked)).toEqual(sorted(more));
    const rankedPages: number[] = [];
    for (let page = 1; page <= 5; page++) {
      const res = await search(clerk, `${q('bao cao')}&pageSize=5&page=${page}`);
      expect(res.body.total).toBe(23);
      expect(res.body.nextAfter).toBeNull();
      rankedPages.push(...res.body.items.map((d: { id: number }) => d.id));
    }
    expect(rankedPages).toEqual(ranked);
    // Those naming the Sở in their summary first.
    const withSo = more.filter((_, i) => i % 3 === 0);
    expect(sorted(await found(clerk, `${q('bao cao so cong thuong')}&pageSize=100`))).toEqual(sorted([...withSo]));
    // All alike by text (báo cáo in the summary): urgent first, then newest.
    const byUrgency = more.map((id, i) => ({ id, urgency: i % 4 })).sort((a, b) => b.urgency - a.urgency || b.id - a.id);
    expect(ranked).toEqual(byUrgency.map((d) => d.id));
  });
});

describe('the query parser', () => {
  it('folds, cuts into phrases of letters and digits, and quotes them for FTS5', () => {
    expect(parseSearchQuery('Quyết định 80/QĐ-SCT').phrases).toEqual([['quyet'], ['dinh'], ['80', 'qd', 'sct']]);
    expect(fts5Query(parseSearchQuery('a" OR NEAR(b*'))).toBe('"a" "or" "near b"');
    expect(() => parseSearchQuery('" * -')).toThrow(/no letter or digit/);
  });

  it('ranks a symbol above the summary, the summary above the type and the issuer, the signer last', () => {
    const none = { symbol: null, source_symbol: null, summary: 'x', type_name: 'Công văn', issuer_name: null, signer_name: null };
    const eighty = parseSearchQuery('80');
    expect(rankHit({ ...none, symbol: '80/QĐ-SCT' }, eighty)).toBe(8);
    expect(rankHit({ ...none, source_symbol: '80/QĐ-UBND' }, eighty)).toBe(8);
    expect(rankHit({ ...none, summary: 'Kỷ niệm 80 năm' }, eighty)).toBe(4);
    expect(rankHit({ ...none, issuer_name: 'Trường số 80' }, eighty)).toBe(2);
    expect(rankHit({ ...none, signer_name: 'Lê 80' }, eighty)).toBe(1);
    expect(rankHit({ ...none, summary: 'Kỷ niệm 800 năm' }, eighty)).toBe(0);
    expect(rankHit({ ...none, summary: 'Khen thưởng Trần Đức Anh' }, parseSearchQuery('tran duc anh'))).toBe(13);
    expect(rankHit({ ...none, summary: 'Anh Đức Trần' }, parseSearchQuery('tran duc anh'))).toBe(12);
  });
});
