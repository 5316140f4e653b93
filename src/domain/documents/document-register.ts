import { VN_UTC_OFFSET_MINUTES } from '../../calendar/working-calendar.ts';
import type { Executor } from '../../db/db.ts';
import { CONG_VAN_CODE, type DocumentType } from './document-types.ts';

export type Direction = 'incoming' | 'outgoing';

/** The local (Asia/Ho_Chi_Minh) calendar date of an instant, YYYY-MM-DD. */
export function localDate(at: Date): string {
  return new Date(at.getTime() + VN_UTC_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10);
}

/**
 * The register year of an instant: its year in Asia/Ho_Chi_Minh. Registers run from 1 January to
 * 31 December (Decree 30/2020/NĐ-CP Art. 15.1 for outgoing numbers, Art. 22.2 for incoming ones), local
 * time: 31 December 23:59 in Hà Nội is 16:59 UTC, 1 January 00:00 is 17:00 UTC the day before.
 */
export function registerYear(at: Date): number {
  return Number(localDate(at).slice(0, 4));
}

/**
 * Takes the next number of a year's register. The counter row is bumped in the caller's transaction:
 * clerks registering at the same instant queue on that row (PostgreSQL's row lock; SQLite's one writer),
 * and a rolled-back registration gives its number back, so the register has no gap and no duplicate.
 * Call it last in the transaction: the row stays locked until commit.
 */
export async function nextRegisterNumber(trx: Executor, direction: Direction, year: number): Promise<number> {
  const [row] = await trx('document_register_counters')
    .insert({ direction, year, last_number: 1 })
    .onConflict(['direction', 'year'])
    .merge({ last_number: trx.raw('?? + 1', ['document_register_counters.last_number']) })
    .returning('last_number');
  return Number(typeof row === 'object' ? row.last_number : row);
}

/** A number as documents print it: with a leading zero below 10 (Decree 30/2020 Phụ lục I: `Số: 05/…`). */
export function printedNumber(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * The number and symbol of an issued document (Decree 30/2020/NĐ-CP Phụ lục I, II.3): `<number>/<type
 * abbreviation>-<agency abbreviation>` (`80/QĐ-SCT`); for a Công văn, which has no type abbreviation,
 * `<number>/<agency>-<drafting unit>` (`123/SCT-QLTM`). Thư công has no abbreviation either and is
 * written like a Công văn.
 */
export function outgoingSymbol(n: number, type: DocumentType, agency: string, unit: string | null): string {
  if (type.abbreviation !== null && type.code !== CONG_VAN_CODE) return `${printedNumber(n)}/${type.abbreviation}-${agency}`;
  return unit ? `${printedNumber(n)}/${agency}-${unit}` : `${printedNumber(n)}/${agency}`;
}
