import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest } from '../../src/db/db.ts';
import { DEMO_PROCEDURES, seedDemo } from '../../src/cli/seed-demo.ts';
import { createTestDatabase, TEST_DB, type TestDatabase } from '../support/test-db.ts';

/** `npm run seed:demo` on a fresh database: every declared procedure exists with the rules it declares. */
let t: TestDatabase;
let seeded: Awaited<ReturnType<typeof seedDemo>>;
const NOW = new Date('2026-12-03T02:00:00.000Z');

beforeAll(async () => {
  t = await createTestDatabase();
  await migrateLatest(t.db);
  seeded = await seedDemo(t.db, 'Demo-2026-idesk', NOW, 2 ** 10);
});
afterAll(() => t.drop());

describe(`seed-demo on ${TEST_DB}`, () => {
  it('creates every declared procedure in its department, with its time limit, fee and supplement window', async () => {
    expect(seeded).not.toBeNull();
    const procedures = seeded!.procedures;
    expect(procedures.map((p) => p.code)).toEqual(DEMO_PROCEDURES.map((p) => p.code));
    const departments = new Map((await t.db('departments').select('id', 'code')).map((d) => [d.id as number, d.code as string]));
    for (const [i, declared] of DEMO_PROCEDURES.entries()) {
      const created = procedures[i]!;
      expect(created.name).toBe(declared.name);
      expect(departments.get(created.departmentId)).toBe(declared.department);
      expect(created.rules).toMatchObject({
        workingDays: declared.workingDays,
        fee: declared.fee ?? null,
        supplementWindowDays: declared.supplementWindowDays ?? null,
        leadReview: declared.leadReview ?? true,
        inspection: declared.inspection ?? false,
        // Only a fee collected with the result holds the result back.
        hasFee: declared.fee?.collectedAt === 'result',
        // The papers a dossier of the procedure must contain, checked off on the receipt.
        requiredPapers: declared.requiredPapers ?? [],
        // The basis of each figure and what of it was not checked are stored with the rules.
        timeLimitBasis: declared.timeLimitBasis,
        feeBasis: declared.feeBasis,
        unverified: declared.unverified,
      });
      expect(created).toMatchObject({ sector: declared.sector, legalBasis: declared.legalBasis, agency: declared.agency, level: declared.level });
      expect(created.rules.requiredPapers.length, declared.code).toBeGreaterThan(0);
    }
  });

  it('declares a legal basis for every procedure, its time limit and its fee', () => {
    for (const p of DEMO_PROCEDURES) {
      expect(p.legalBasis.trim(), p.code).not.toBe('');
      expect(p.timeLimitBasis.trim(), p.code).not.toBe('');
      expect(p.feeBasis.trim(), p.code).not.toBe('');
      for (const note of p.unverified) expect(note.trim(), p.code).not.toBe('');
    }
    expect(new Set(DEMO_PROCEDURES.map((p) => p.code)).size).toBe(DEMO_PROCEDURES.length);
  });

  it('carries a Sở Công Thương catalogue of at least 25 procedures across its sectors, the unchecked figures flagged', () => {
    expect(DEMO_PROCEDURES.length).toBeGreaterThanOrEqual(25);
    const sectors = new Set(DEMO_PROCEDURES.map((p) => p.sector));
    for (const s of ['Điện', 'Lưu thông hàng hóa trong nước', 'Kinh doanh khí', 'Vật liệu nổ công nghiệp, tiền chất thuốc nổ', 'Xúc tiến thương mại', 'Thương mại điện tử', 'An toàn thực phẩm']) expect(sectors, s).toContain(s);
    const names = DEMO_PROCEDURES.map((p) => p.name.toLowerCase()).join('\n');
    for (const word of ['rượu', 'thuốc lá', 'xăng dầu', 'lpg', 'tiền chất thuốc nổ', 'khuyến mại', 'hội chợ', 'thương mại điện tử', 'an toàn thực phẩm', 'điện']) expect(names, word).toContain(word);
    // A time limit the text read did not give is a placeholder, and says so.
    for (const p of DEMO_PROCEDURES.filter((d) => /placeholder|not read|from memory/i.test(d.timeLimitBasis))) {
      expect(p.unverified.some((u) => /time limit/i.test(u)), p.code).toBe(true);
    }
    expect(DEMO_PROCEDURES.filter((p) => p.unverified.length > 0).length).toBeGreaterThan(0);
  });

  it('keeps what the README walkthrough relies on: procedure 4 is bán buôn rượu, motcua works in MOTCUA', async () => {
    const procedure = await t.db('procedures').where({ id: 4 }).first('code');
    expect(procedure.code).toBe('SCT.RUOU.BB');
    const user = await t.db('users').join('departments', 'departments.id', 'users.department_id').where('users.username', 'motcua').first('departments.code');
    expect(user.code).toBe('MOTCUA');
  });

  it('does nothing the second time', async () => {
    expect(await seedDemo(t.db, 'Demo-2026-idesk', NOW, 2 ** 10)).toBeNull();
    const [row] = await t.db('procedures').count({ n: '*' });
    expect(Number(row?.n)).toBe(DEMO_PROCEDURES.length);
  });
});
