/**
 * Builds the documents search benchmark's database (issue 8, "Done when": a search benchmark over 1M
 * document rows): `--domain` documents through the domain functions (createDocument, fireDocumentEvent,
 * attachDocumentFiles) with an injected clock over 2026, then copies of their rows up to `--size`, each
 * copy moved to an earlier register year (2017–2025) with its own register number, symbol, source symbol
 * and dates, and its `search_text` recomputed by documentSearchText — so the FTS5 table (kept by the
 * migration's triggers) and PostgreSQL's GIN index (rebuilt after the copies) index what the service
 * would have written. Copies have no timeline, assignments or forwards: the search and lists read only
 * `documents` (and assignments for the department filter, which copies do not reach).
 *
 *   npx tsx bench/documents/build.ts --db=sqlite|postgres [--size=1000000] [--domain=3000]
 *
 * The data go to /work/bench-data (outside the repository); a build starts from an empty database.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { bootstrap } from '../../src/bootstrap.ts';
import { documentDeps } from '../../src/deps.ts';
import { createDepartment } from '../../src/domain/accounts/departments.service.ts';
import { createUser, rolesOf, toPrincipal } from '../../src/domain/accounts/users.service.ts';
import { attachDocumentFiles } from '../../src/domain/documents/document-files.ts';
import { printedNumber } from '../../src/domain/documents/document-register.ts';
import { createDocument, duplicateKey, fireDocumentEvent } from '../../src/domain/documents/document.service.ts';
import { documentSearchText } from '../../src/domain/documents/search-text.ts';
import type { Knex } from 'knex';
import { fileStoreAt } from '../../src/files/file-store.ts';
import { createLogger } from '../../src/logger.ts';
import { benchConfig, benchDb, metaFile, option, PASSWORD, recreatePgDatabase, sqliteFile, type BenchMeta } from './setup.ts';

const db = benchDb();
const size = Number(option('size', '1000000'));
const domainCount = Math.min(size, Number(option('domain', '3000')));
const SYSTEM = { kind: 'system' } as const;
export const RARE_WORD = 'Plông';
/** One copy in RARE_EVERY carries the rare word in its summary. */
const RARE_EVERY = 100_000;

// Summaries of a Sở Công Thương's correspondence: a few topics, each with many variations.
const PREFIXES = ['Về việc', 'V/v', 'Báo cáo', 'Kế hoạch', 'Triển khai', 'Hướng dẫn', 'Đề nghị', 'Tăng cường', 'Góp ý dự thảo', 'Tổ chức'];
const TOPICS = [
  'tình hình thị trường xăng dầu',
  'kiểm tra an toàn thực phẩm',
  'phát triển cụm công nghiệp',
  'quản lý vật liệu nổ công nghiệp',
  'sử dụng năng lượng tiết kiệm và hiệu quả',
  'xúc tiến thương mại',
  'phòng chống buôn lậu, gian lận thương mại và hàng giả',
  'cấp giấy phép bán lẻ rượu',
  'an toàn điện mùa mưa bão',
  'chương trình khuyến công địa phương',
  'phát triển thương mại điện tử',
  'kế hoạch sản xuất công nghiệp',
  'điều chỉnh giá bán lẻ điện',
  'quản lý chợ truyền thống',
  'cuộc vận động người Việt Nam ưu tiên dùng hàng Việt Nam',
  'an toàn hóa chất trong sản xuất',
  'quy hoạch phát triển điện lực',
  'đào tạo nguồn nhân lực ngành công thương',
];
const SUFFIXES = [' năm 2026', ' quý I', ' quý II', ' quý III', ' 6 tháng đầu năm', ' trên địa bàn tỉnh', ' tại huyện Tuy Phước', ' tại thị xã An Nhơn', ' tháng 10', ''];
const ISSUERS = [
  ['Ủy ban nhân dân tỉnh Bình Định', 'UBND'],
  ['Bộ Công Thương', 'BCT'],
  ['Sở Tài chính tỉnh Bình Định', 'STC'],
  ['Cục Quản lý thị trường tỉnh Bình Định', 'QLTT'],
  ['Công ty Điện lực Bình Định', 'PCBĐ'],
  ['Ủy ban nhân dân thị xã An Nhơn', 'UBND'],
  ['Sở Kế hoạch và Đầu tư', 'SKHĐT'],
] as const;
const SIGNERS = ['Nguyễn Văn An', 'Trần Thị Bích', 'Lê Quang Hùng', 'Phạm Minh Tuấn', 'Võ Thị Hồng', 'Đặng Văn Dũng'];
const INCOMING_TYPES = ['CV', 'CV', 'CV', 'QD', 'TB', 'KH', 'BC', 'GM'];
const OUTGOING_TYPES = ['CV', 'CV', 'QD', 'TTR', 'BC', 'KH', 'TB'];
const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;
const summaryOf = (i: number) => `${pick(PREFIXES, i * 7)} ${pick(TOPICS, i * 13 + (i >> 4))}${pick(SUFFIXES, i * 3 + (i >> 2))}`;
const urgencyOf = (i: number) => (['normal', 'normal', 'normal', 'normal', 'normal', 'normal', 'normal', 'urgent', 'urgent', 'very_urgent', 'normal', 'normal', 'urgent', 'normal', 'flash'] as const)[i % 15]!;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

async function main(): Promise<void> {
  const config = benchConfig(db, size);
  if (db === 'sqlite') for (const f of [sqliteFile(size), `${sqliteFile(size)}-wal`, `${sqliteFile(size)}-shm`]) fs.rmSync(f, { force: true });
  else await recreatePgDatabase(size);
  fs.rmSync(config.filesDir, { recursive: true, force: true });
  const start = Date.parse('2026-01-05T01:30:00.000Z');
  const span = Date.parse('2026-11-27T09:00:00.000Z') - start;
  let now = new Date(start);
  const deps = await bootstrap(config, createLogger('silent'), { clock: () => new Date(now) });
  const knex = deps.db;
  const docs = documentDeps(deps);

  // The people: the clerk, the director, and three departments with a lead and two specialists each.
  const dept = async (code: string, name: string) => (await createDepartment(knex, SYSTEM, { code, name }, now)).id;
  const user = async (username: string, departmentId: number, roles: string[]) =>
    (await createUser(knex, SYSTEM, { username, fullName: `Cán bộ ${username}`, departmentId, roles: [...roles, 'staff'] as never, password: PASSWORD }, now, { scryptCost: config.scryptCost, mustChangePassword: false })).user;
  const office = await dept('VP', 'Văn phòng Sở');
  const board = await dept('BGD', 'Ban Giám đốc Sở');
  const clerkUser = await user('vanthu', office, ['clerk']);
  const directorUser = await user('giamdoc', board, ['director']);
  const departments: Array<{ id: number; lead: number; specialists: number[] }> = [];
  for (const [code, name] of [['QLTM', 'Phòng Quản lý Thương mại'], ['QLCN', 'Phòng Quản lý Công nghiệp'], ['QLNL', 'Phòng Quản lý Năng lượng']] as const) {
    const id = await dept(code, name);
    const lead = await user(`truongphong-${code.toLowerCase()}`, id, ['dept_lead']);
    const s1 = await user(`chuyenvien-${code.toLowerCase()}-1`, id, ['specialist']);
    const s2 = await user(`chuyenvien-${code.toLowerCase()}-2`, id, ['specialist']);
    departments.push({ id, lead: lead.id, specialists: [s1.id, s2.id] });
  }
  const actorOf = async (id: number) => {
    const row = await knex('users').where({ id }).first();
    return { kind: 'user' as const, principal: toPrincipal(row, await rolesOf(knex, id), 'session') };
  };
  const clerk = await actorOf(clerkUser.id);
  const director = await actorOf(directorUser.id);
  const leads = new Map<number, Awaited<ReturnType<typeof actorOf>>>();
  for (const d of departments) leads.set(d.lead, await actorOf(d.lead));
  const specialists = new Map<number, Awaited<ReturnType<typeof actorOf>>>();
  for (const d of departments) for (const s of d.specialists) specialists.set(s, await actorOf(s));
  const store = fileStoreAt(config.filesDir);

  // 1. Through the domain: 70 % incoming (most directed, distributed and forwarded; a third of those
  //    completed), 30 % outgoing registered signed by the clerk (Điều 8) and issued with their number.
  const t0 = performance.now();
  let lastReport = t0;
  for (let i = 0; i < domainCount; i++) {
    now = new Date(start + Math.floor((span * i) / domainCount));
    const fire = async (actor: Awaited<ReturnType<typeof actorOf>>, d: { id: number; version: number }, body: Record<string, unknown>) => {
      now = new Date(now.getTime() + 60_000);
      const res = await fireDocumentEvent(docs, actor, d.id, { version: d.version, ...body } as never);
      d.version = res.body.version;
    };
    if (i % 10 < 7) {
      const [issuerName, issuerAbbr] = pick(ISSUERS, i * 5 + (i >> 3));
      const typeCode = pick(INCOMING_TYPES, i * 3 + (i >> 5));
      const { body } = await createDocument(docs, clerk.principal, {
        direction: 'incoming',
        typeCode,
        summary: summaryOf(i),
        secrecy: 'none',
        urgency: urgencyOf(i),
        issuerName,
        sourceSymbol: `${(i % 997) + 1}/${typeCode === 'CV' ? issuerAbbr : `${typeCode === 'QD' ? 'QĐ' : typeCode}-${issuerAbbr}`}`,
        documentDate: now.toISOString().slice(0, 10),
        pageCount: 1 + (i % 9),
        signerName: pick(SIGNERS, i * 11),
        replyRequired: i % 4 === 0,
      });
      const d = { id: body.id, version: body.version };
      if (i % 10 < 6) {
        const department = pick(departments, i);
        await fire(director, d, { type: 'DIRECT', lead: { departmentId: department.id, dueAt: new Date(now.getTime() + 10 * 86_400_000).toISOString() }, text: 'Giao phòng chủ trì, tham mưu xử lý' });
        await fire(clerk, d, { type: 'DISTRIBUTE' });
        const specialist = pick(department.specialists, i >> 1);
        await fire(leads.get(department.lead)!, d, { type: 'FORWARD', userId: specialist });
        if (i % 4 !== 0 && i % 3 === 0) await fire(specialists.get(specialist)!, d, { type: 'COMPLETE' });
      }
    } else {
      const typeCode = pick(OUTGOING_TYPES, i * 3 + (i >> 4));
      const { body } = await createDocument(docs, clerk.principal, {
        direction: 'outgoing',
        typeCode,
        summary: summaryOf(i),
        secrecy: 'none',
        urgency: urgencyOf(i),
        signerName: pick(SIGNERS, i * 11),
        alreadySigned: true,
        recipients: { external: [{ name: pick(ISSUERS, i)[0] }] },
      } as never);
      const d = { id: body.id, version: body.version };
      const temp = await store.writeTemp(Readable.from(PDF), 1_000_000);
      await attachDocumentFiles(docs, clerk, d.id, [{ kind: 'signed', name: 'signed.pdf', mediaType: 'application/pdf', temp }]);
      d.version = (await knex('documents').where({ id: d.id }).first('version')).version;
      await fire(clerk, d, { type: 'ISSUE' });
    }
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      process.stdout.write(`domain: ${i + 1}/${domainCount} (${((i + 1) / ((lastReport - t0) / 1000)).toFixed(0)}/s)\n`);
    }
  }
  const domainSeconds = (performance.now() - t0) / 1000;
  process.stdout.write(`domain: ${domainCount} documents in ${domainSeconds.toFixed(1)} s (${(domainCount / domainSeconds).toFixed(0)}/s)\n`);

  // 2. Copies up to `size`: copy c is of original c mod D, in round k = ⌊c / D⌋ + 1, moved back
  //    1 + k mod 9 years with the number + ⌊k / 9⌋ × D in that year's register.
  const t1 = performance.now();
  const originals: Array<Record<string, unknown>> = await knex('documents').orderBy('id');
  const copies = size - originals.length;
  const rareAt = Array.from({ length: Math.floor(copies / RARE_EVERY) + 1 }, (_, j) => RARE_EVERY / 2 + j * RARE_EVERY).filter((c) => c < copies);
  if (db === 'postgres') await copyInPostgres(knex, originals, copies);
  else await copyInNode(knex, originals, copies, new Set(rareAt));
  // The rare word, in the summary of a few copies spread over the id range (PostgreSQL: written now).
  const firstCopyId = Number(originals[originals.length - 1]?.id) + 1;
  if (db === 'postgres') {
    for (const c of rareAt) {
      const row = await knex('documents').where('id', '>=', firstCopyId).orderBy('id').offset(c).first();
      const summary = `${row.summary} tại xã ${RARE_WORD}`;
      await knex('documents').where({ id: row.id }).update({ summary, search_text: searchTextOf({ ...row, summary }) });
    }
  }
  const copySeconds = (performance.now() - t1) / 1000;
  process.stdout.write(`copies: ${copies} rows in ${copySeconds.toFixed(1)} s (${(copies / copySeconds).toFixed(0)}/s), ${rareAt.length} with the rare word\n`);
  // Every 997th row: its search text is what the service would write from its fields.
  const sample: Array<Record<string, unknown>> = await knex('documents').whereRaw('id % 997 = 0').orWhere('summary', 'like', `%${RARE_WORD}`);
  for (const row of sample) {
    if (row.search_text !== searchTextOf(row)) throw new Error(`document ${row.id}: search_text ${row.search_text} is not ${searchTextOf(row)}`);
    if (typeof row.symbol === 'string' && !row.symbol.startsWith(`${printedNumber(Number(row.register_number))}/`)) throw new Error(`document ${row.id}: symbol ${row.symbol} for number ${row.register_number}`);
  }
  process.stdout.write(`checked: ${sample.length} rows' search_text and symbol\n`);

  // 3. PostgreSQL: the GIN index the migration defines, built once over the whole table; statistics.
  const t2 = performance.now();
  if (db === 'postgres') {
    await knex.raw('SET maintenance_work_mem = \'256MB\'');
    await knex.raw('CREATE INDEX documents_search_vector_index ON documents USING GIN (search_vector)');
    await knex.raw('ANALYZE documents');
  } else {
    await knex.raw("INSERT INTO documents_fts(documents_fts) VALUES ('optimize')");
    await knex.raw('ANALYZE');
    await knex.raw('PRAGMA wal_checkpoint(TRUNCATE)');
  }
  const indexSeconds = (performance.now() - t2) / 1000;
  const total = Number((await knex('documents').count('* as n').first())?.n);
  process.stdout.write(`index/analyze: ${indexSeconds.toFixed(1)} s; ${total} documents\n`);

  const meta: BenchMeta = {
    db,
    size,
    domain: domainCount,
    users: {
      clerk: { id: clerkUser.id, username: 'vanthu' },
      director: { id: directorUser.id, username: 'giamdoc' },
      lead: { id: departments[0]!.lead, username: 'truongphong-qltm' },
      specialist: { id: departments[0]!.specialists[0]!, username: 'chuyenvien-qltm-1' },
    },
    rareWord: RARE_WORD,
    rareRows: rareAt.length,
    buildSeconds: { domain: domainSeconds, copies: copySeconds, index: indexSeconds },
  };
  fs.writeFileSync(metaFile(db, size), `${JSON.stringify(meta, null, 2)}\n`);
  await deps.listThreads?.close();
  await deps.databaseLock?.release();
  await knex.destroy();
}

const searchTextOf = (row: Record<string, unknown>) =>
  documentSearchText({
    summary: row.summary as string,
    symbol: row.symbol as string | null,
    sourceSymbol: row.source_symbol as string | null,
    issuerName: row.issuer_name as string | null,
    typeName: row.type_name as string,
    signerName: row.signer_name as string | null,
  });

/** SQLite: rows made here and inserted in batches; the migration's triggers fill the FTS5 table. */
async function copyInNode(knex: Knex, originals: Array<Record<string, unknown>>, copies: number, rareAt: Set<number>): Promise<void> {
  const BATCH = 500;
  const iso = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));
  const back = (v: unknown, years: number): string | null => {
    const s = iso(v);
    return s === null ? null : `${Number(s.slice(0, 4)) - years}${s.slice(4)}`;
  };
  let batch: Array<Record<string, unknown>> = [];
  const started = performance.now();
  let lastReport = started;
  for (let c = 0; c < copies; c++) {
    const o = originals[c % originals.length] as Record<string, unknown>;
    const k = Math.floor(c / originals.length) + 1;
    const yearsBack = 1 + (k % 9);
    const round = Math.floor(k / 9);
    const row: Record<string, unknown> = { ...o };
    delete row.id;
    for (const col of SHIFTED) if (col in row) row[col] = back(row[col], yearsBack);
    if (row.register_year !== null) {
      row.register_year = Number(row.register_year) - yearsBack;
      row.register_number = Number(row.register_number) + round * originals.length;
    }
    if (typeof row.symbol === 'string') row.symbol = `${printedNumber(Number(row.register_number))}${row.symbol.slice(row.symbol.indexOf('/'))}`;
    if (typeof row.source_symbol === 'string') {
      const s = row.source_symbol;
      row.source_symbol = `${((Number(s.slice(0, s.indexOf('/'))) + k * 37) % 997) + 1}${s.slice(s.indexOf('/'))}`;
      if (typeof row.issuer_name === 'string') row.duplicate_key = duplicateKey(row.issuer_name, row.source_symbol as string);
    }
    if (rareAt.has(c)) row.summary = `${row.summary} tại xã ${RARE_WORD}`;
    row.search_text = searchTextOf(row);
    batch.push(row);
    if (batch.length >= BATCH * 25 || c === copies - 1) {
      await knex.batchInsert('documents', batch, BATCH);
      batch = [];
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        process.stdout.write(`copies: ${c + 1}/${copies} (${((c + 1) / ((lastReport - started) / 1000)).toFixed(0)}/s)\n`);
      }
    }
  }
}

/** The columns whose instants or dates a copy moves back by its years. */
const SHIFTED = ['created_at', 'updated_at', 'arrived_at', 'issued_at', 'document_date', 'due_at', 'overdue_at', 'delivered_at'];

/**
 * PostgreSQL: the same copies made by the server (INSERT … SELECT over generate_series), the GIN index
 * dropped first and built once after (step 3). The symbol's and the source symbol's number are the only
 * digits-and-slash in a search text (summaries, issuers, signers and type names have none), so the new
 * search text is the original with that number replaced — the same text documentSearchText gives, which
 * the check after the copies verifies on a sample.
 */
async function copyInPostgres(knex: Knex, originals: Array<Record<string, unknown>>, copies: number): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS documents_search_vector_index');
  const D = originals.length;
  const columns = (await knex('information_schema.columns').where({ table_name: 'documents', table_schema: 'public' }).orderBy('ordinal_position').pluck('column_name')).filter((c: string) => c !== 'id') as string[];
  const newNumber = 'o.register_number + (k / 9) * ' + D;
  // printedNumber: a leading zero below 10 (lpad alone would cut 455 to 45).
  const printed = `(CASE WHEN ${newNumber} < 10 THEN '0' ELSE '' END || (${newNumber})::text)`;
  const newSource = "(((split_part(o.source_symbol, '/', 1)::int + k * 37) % 997) + 1)::text";
  const expr: Record<string, string> = {
    register_year: 'o.register_year - (1 + k % 9)',
    register_number: `CASE WHEN o.register_year IS NULL THEN o.register_number ELSE ${newNumber} END`,
    symbol: `CASE WHEN o.symbol IS NULL THEN NULL ELSE ${printed} || substr(o.symbol, strpos(o.symbol, '/')) END`,
    source_symbol: `CASE WHEN o.source_symbol IS NULL THEN NULL ELSE ${newSource} || substr(o.source_symbol, strpos(o.source_symbol, '/')) END`,
    duplicate_key: `CASE WHEN o.duplicate_key IS NULL OR o.source_symbol IS NULL THEN o.duplicate_key ELSE regexp_replace(o.duplicate_key, '\\|[0-9]+/', '|' || ${newSource} || '/') END`,
    search_text: `CASE WHEN o.symbol IS NOT NULL THEN regexp_replace(o.search_text, '(^| )[0-9]+/', '\\1' || ${printed} || '/')
      WHEN o.source_symbol IS NOT NULL THEN regexp_replace(o.search_text, '(^| )[0-9]+/', '\\1' || ${newSource} || '/') ELSE o.search_text END`,
    document_date: "CASE WHEN o.document_date IS NULL THEN NULL ELSE to_char(o.document_date::date - make_interval(years => 1 + k % 9), 'YYYY-MM-DD') END",
  };
  for (const col of SHIFTED) if (!(col in expr)) expr[col] = `o.${col} - make_interval(years => 1 + k % 9)`;
  const select = columns.map((c) => expr[c] ?? `o.${c}`).join(', ');
  const fullRounds = Math.floor(copies / D);
  const rest = copies - fullRounds * D;
  const lastOriginal = (n: number) => Number(originals[n - 1]?.id);
  const started = performance.now();
  const ROUNDS_PER_STATEMENT = Math.max(1, Math.floor(50_000 / D));
  for (let a = 1; a <= fullRounds; a += ROUNDS_PER_STATEMENT) {
    const b = Math.min(fullRounds, a + ROUNDS_PER_STATEMENT - 1);
    await knex.raw(`INSERT INTO documents (${columns.join(', ')}) SELECT ${select} FROM documents o CROSS JOIN generate_series(?::int, ?::int) AS k WHERE o.id <= ? ORDER BY k, o.id`, [a, b, lastOriginal(D)]);
    process.stdout.write(`copies: ${b * D}/${copies} (${((b * D) / ((performance.now() - started) / 1000)).toFixed(0)}/s)\n`);
  }
  if (rest > 0) {
    await knex.raw(`INSERT INTO documents (${columns.join(', ')}) SELECT ${select} FROM documents o CROSS JOIN generate_series(?::int, ?::int) AS k WHERE o.id <= ? ORDER BY k, o.id`, [fullRounds + 1, fullRounds + 1, lastOriginal(rest)]);
  }
}

main().catch((err) => {
  process.stderr.write(`bench/documents build failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
