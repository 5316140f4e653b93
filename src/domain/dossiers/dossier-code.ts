import type { Executor } from '../../db/db.ts';
import { VN_UTC_OFFSET_MINUTES } from '../../calendar/working-calendar.ts';

/** YYMMDD of an instant in Asia/Ho_Chi_Minh. */
export function localDayStamp(at: Date): string {
  const local = new Date(at.getTime() + VN_UTC_OFFSET_MINUTES * 60_000);
  return local.toISOString().slice(2, 10).replace(/-/g, '');
}

/**
 * Issues the next dossier code of the day: `<agency identifier>-<YYMMDD>-<sequence>` as provincial
 * systems issue it, the sequence at least 4 digits (DOMAIN §1.5). The two-digit system code of Circular
 * 04/2025/TT-VPCP (amending Circular 03/2025 Art. 13.3) is for nationally centralised solutions: it goes
 * before the sequence only when configured.
 * The counter row is bumped in the caller's transaction: concurrent receipts queue on that row, and a
 * rolled-back receipt gives its number back, so the day's sequence has no gaps and no duplicates.
 */
export async function nextDossierCode(trx: Executor, settings: { agencyId: string; systemCode: string }, at: Date): Promise<string> {
  const day = localDayStamp(at);
  const [row] = await trx('dossier_code_counters')
    .insert({ day, last_sequence: 1 })
    .onConflict('day')
    .merge({ last_sequence: trx.raw('?? + 1', ['dossier_code_counters.last_sequence']) })
    .returning('last_sequence');
  const sequence = typeof row === 'object' ? row.last_sequence : row;
  return `${settings.agencyId}-${day}-${settings.systemCode}${String(sequence).padStart(4, '0')}`;
}
