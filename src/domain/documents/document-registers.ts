import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Actor } from '../../auth/actor.ts';
import { hasRole } from '../../auth/principal.ts';
import type { Executor } from '../../db/db.ts';
import { iso } from '../../lib/rows.ts';
import { ForbiddenError } from '../errors.ts';
import { SEES_ALL_DOCUMENTS } from './document-visibility.ts';

/**
 * The registers of incoming and outgoing documents (sổ đăng ký văn bản đến / đi) of one year, as the
 * clerk prints and binds them: Decree 30/2020/NĐ-CP Art. 16.2, 22.2 (registered by the system, the
 * register is printed with all its fields) and Phụ lục IV (the columns), issue 8 §7. In register-number
 * order; dates as dd/mm/yyyy on Vietnam's clock; read from the database a batch at a time and streamed
 * out, never the whole year in memory.
 */

export type RegisterDirection = 'incoming' | 'outgoing';

/** One column of a register: its Vietnamese heading and its printed width (characters). */
interface RegisterColumn {
  header: string;
  width: number;
}

/** Sổ đăng ký văn bản đến, Decree 30/2020 Phụ lục IV (mẫu sổ đăng ký văn bản đến). */
const INCOMING_COLUMNS: readonly RegisterColumn[] = [
  { header: 'Ngày đến', width: 11 },
  { header: 'Số đến', width: 7 },
  { header: 'Tác giả', width: 22 },
  { header: 'Số, ký hiệu', width: 15 },
  { header: 'Ngày tháng văn bản', width: 11 },
  { header: 'Tên loại và trích yếu nội dung', width: 44 },
  { header: 'Đơn vị hoặc người nhận', width: 20 },
  { header: 'Ngày chuyển', width: 11 },
  { header: 'Ký nhận', width: 10 },
  { header: 'Ghi chú', width: 14 },
];

/** Sổ đăng ký văn bản đi, Decree 30/2020 Phụ lục IV (mẫu sổ đăng ký văn bản đi). */
const OUTGOING_COLUMNS: readonly RegisterColumn[] = [
  { header: 'Số, ký hiệu văn bản', width: 15 },
  { header: 'Ngày tháng văn bản', width: 11 },
  { header: 'Tên loại và trích yếu nội dung', width: 40 },
  { header: 'Người ký', width: 16 },
  { header: 'Nơi nhận', width: 22 },
  { header: 'Đơn vị, người nhận bản lưu', width: 15 },
  { header: 'Số lượng bản', width: 8 },
  { header: 'Ngày chuyển', width: 11 },
  { header: 'Ký nhận', width: 10 },
  { header: 'Ghi chú', width: 12 },
];

export const REGISTER_COLUMNS: Readonly<Record<RegisterDirection, readonly RegisterColumn[]>> = { incoming: INCOMING_COLUMNS, outgoing: OUTGOING_COLUMNS };

export const REGISTER_NAMES: Readonly<Record<RegisterDirection, string>> = {
  incoming: 'SỔ ĐĂNG KÝ VĂN BẢN ĐẾN',
  outgoing: 'SỔ ĐĂNG KÝ VĂN BẢN ĐI',
};

/** Rows read from the database at a time. */
export const REGISTER_BATCH = 500;

/** `dd/mm/yyyy` on Vietnam's clock (UTC+07:00 all year, no daylight saving) of an instant; '' for none. */
export function registerDate(instant: unknown): string {
  const at = iso(instant);
  if (at === null) return '';
  const t = Date.parse(at);
  if (Number.isNaN(t)) return '';
  const local = new Date(t + 7 * 3600_000);
  const dd = String(local.getUTCDate()).padStart(2, '0');
  const mm = String(local.getUTCMonth() + 1).padStart(2, '0');
  return `${dd}/${mm}/${local.getUTCFullYear()}`;
}

/** `dd/mm/yyyy` of a local date `YYYY-MM-DD` (Ngày tháng văn bản); '' for none. */
function localDate(date: unknown): string {
  const m = typeof date === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null;
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

/** A number as the register writes it: with a leading zero below 10 (Decree 30/2020 Phụ lục I: "Số: 05/…"). */
function registerNumber(n: unknown): string {
  return String(n).padStart(2, '0');
}

/** Tên loại và trích yếu nội dung: the type's name, then the summary. */
function typeAndSummary(r: Record<string, unknown>): string {
  return `${r.type_name as string}: ${r.summary as string}`;
}

const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/**
 * The year's register, a row of cells (strings) at a time, in register-number order. Batches of
 * REGISTER_BATCH rows, each read after the last number of the one before, with the departments and
 * recipients of that batch only.
 */
export async function* registerRows(db: Executor, direction: RegisterDirection, year: number): AsyncGenerator<string[]> {
  let last = 0;
  for (;;) {
    const rows: Array<Record<string, unknown>> = await db('documents as d')
      .leftJoin('departments as dd', 'dd.id', 'd.drafting_department_id')
      .where('d.direction', direction)
      .andWhere('d.register_year', year)
      .andWhere('d.register_number', '>', last)
      .orderBy('d.register_number')
      .limit(REGISTER_BATCH)
      .select('d.*', 'dd.name as drafting_department_name', 'dd.code as drafting_department_code');
    if (rows.length === 0) return;
    const ids = rows.map((r) => Number(r.id));
    if (direction === 'incoming') {
      // Đơn vị hoặc người nhận: the departments of the direction, the lead one first (Điều 6.2).
      const assigned: Array<Record<string, unknown>> = await db('document_assignments as a')
        .join('departments as p', 'p.id', 'a.department_id')
        .whereIn('a.document_id', ids)
        .orderByRaw("a.document_id, CASE a.role WHEN 'lead' THEN 0 ELSE 1 END, a.id")
        .select('a.document_id', 'p.name');
      const names = groupBy(assigned);
      for (const r of rows) {
        const receivers = names.get(Number(r.id))?.join('; ') || text(r.recipients_text);
        yield [
          registerDate(r.arrived_at ?? r.created_at),
          registerNumber(r.register_number),
          text(r.issuer_name),
          text(r.source_symbol),
          localDate(r.document_date),
          typeAndSummary(r),
          receivers,
          registerDate(r.delivered_at),
          '',
          text(r.note),
        ];
      }
    } else {
      // Nơi nhận: the recipients it was sent to, in the order they were listed.
      const recipients: Array<Record<string, unknown>> = await db('document_recipients').whereIn('document_id', ids).orderBy(['document_id', 'id']).select('document_id', 'name');
      const names = groupBy(recipients);
      for (const r of rows) {
        const symbol = text(r.symbol) || registerNumber(r.register_number);
        // Lưu: VT (the clerk keeps the original) and the drafting unit (Decree 30/2020 Phụ lục I, Nơi nhận).
        const kept = r.drafting_department_name ? `VT, ${text(r.drafting_department_name)}` : 'VT';
        yield [
          symbol,
          localDate(r.document_date) || registerDate(r.issued_at),
          typeAndSummary(r),
          text(r.signer_name),
          names.get(Number(r.id))?.join('; ') || text(r.recipients_text),
          kept,
          text(r.copies),
          registerDate(r.delivered_at),
          '',
          text(r.note),
        ];
      }
    }
    last = Number(rows[rows.length - 1]?.register_number);
    if (rows.length < REGISTER_BATCH) return;
  }
}

function groupBy(rows: Array<Record<string, unknown>>): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const r of rows) {
    const id = Number(r.document_id);
    const list = out.get(id) ?? [];
    list.push(String(r.name));
    out.set(id, list);
  }
  return out;
}

/**
 * Who may export a register: those who see every document — the clerk (văn thư), who keeps the registers
 * (Decree 30/2020 Art. 16, 22), and the director's board. The IT officer administers accounts, not
 * documents (src/domain/documents/document-visibility.ts): a register lists them all.
 * @throws ForbiddenError FORBIDDEN
 */
export function authorizeRegisterExport(actor: Actor): void {
  if (actor.kind === 'system') return;
  if (actor.kind === 'user' && hasRole(actor.principal, ...SEES_ALL_DOCUMENTS)) return;
  throw new ForbiddenError('FORBIDDEN', 'Only the clerk and the director’s board export the registers', { roles: SEES_ALL_DOCUMENTS });
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled. A field
 * a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a tab or carriage return before one) gets
 * a leading apostrophe, so that opening the register runs nothing (OWASP, CSV injection).
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

/** The register as CSV: UTF-8 with a byte-order mark (Excel then reads the Vietnamese right), CRLF lines. */
export function registerCsv(db: Executor, direction: RegisterDirection, year: number): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield `\uFEFF${csvLine(REGISTER_COLUMNS[direction].map((c) => c.header))}`;
    for await (const row of registerRows(db, direction, year)) yield csvLine(row);
  }
  return Readable.from(lines());
}

/** The heading of the printed register: the agency, the register's name and its year. */
export interface RegisterTitle {
  agency: string;
}

/**
 * The register as an XLSX workbook, written by exceljs's streaming writer as the rows are read: a title
 * (the agency, the register's name and year), the header row repeated on every printed page, A4
 * landscape fitted to the page's width, wrapped text and widths that print.
 */
export function registerXlsx(db: Executor, direction: RegisterDirection, year: number, title: RegisterTitle): Readable {
  const out = new PassThrough();
  const columns = REGISTER_COLUMNS[direction];
  const write = async () => {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    workbook.creator = title.agency;
    const sheet = workbook.addWorksheet(`${direction === 'incoming' ? 'Sổ đến' : 'Sổ đi'} ${year}`, {
      pageSetup: {
        paperSize: 9, // A4
        orientation: 'landscape',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        printTitlesRow: '3:3',
        margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
      },
      headerFooter: { oddFooter: 'Trang &P / &N' },
      views: [{ state: 'frozen', ySplit: 3 }],
    });
    sheet.columns = columns.map((c) => ({ width: c.width }));
    const wrap = { wrapText: true, vertical: 'top' as const };
    const border = { top: { style: 'thin' as const }, left: { style: 'thin' as const }, bottom: { style: 'thin' as const }, right: { style: 'thin' as const } };
    const agencyRow = sheet.addRow([title.agency.toUpperCase()]);
    agencyRow.font = { bold: true };
    agencyRow.commit();
    const nameRow = sheet.addRow([`${REGISTER_NAMES[direction]} NĂM ${year}`]);
    nameRow.font = { bold: true, size: 14 };
    nameRow.commit();
    const header = sheet.addRow(columns.map((c) => c.header));
    header.eachCell((cell) => {
      cell.font = { bold: true };
      cell.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
      cell.border = border;
    });
    header.commit();
    for await (const cells of registerRows(db, direction, year)) {
      const row = sheet.addRow(cells);
      row.eachCell({ includeEmpty: true }, (cell) => {
        cell.alignment = wrap;
        cell.border = border;
      });
      row.commit();
    }
    sheet.commit();
    await workbook.commit();
  };
  write().catch((err: unknown) => out.destroy(err as Error));
  return out;
}
