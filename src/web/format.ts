/**
 * Dates as people in the Sở write them: `03/12/2026 14:30`, on the clock of Asia/Ho_Chi_Minh whatever
 * the server's own time zone. Vietnam keeps UTC+07:00 all year (no daylight saving), which is what lets
 * a `datetime-local` value be read back as `+07:00` without a time-zone database.
 */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
const OFFSET = '+07:00';

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function fields(instant: string | Date): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> | null {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) return null;
  const out: Record<string, string> = {};
  for (const p of parts.formatToParts(date)) out[p.type] = p.value;
  return out as Record<'year' | 'month' | 'day' | 'hour' | 'minute', string>;
}

/** `03/12/2026 14:30`; an empty string for no instant. */
export function formatDateTime(instant: string | Date | null | undefined): string {
  const f = instant == null ? null : fields(instant);
  return f ? `${f.day}/${f.month}/${f.year} ${f.hour}:${f.minute}` : '';
}

/** `03/12/2026`. */
export function formatDate(instant: string | Date | null | undefined): string {
  const f = instant == null ? null : fields(instant);
  return f ? `${f.day}/${f.month}/${f.year}` : '';
}

/** The value of an `<input type="datetime-local">` showing this instant on Vietnam's clock. */
export function toLocalInput(instant: string | null | undefined): string {
  const f = instant == null ? null : fields(instant);
  return f ? `${f.year}-${f.month}-${f.day}T${f.hour}:${f.minute}` : '';
}

/**
 * An instant from a `datetime-local` value typed on Vietnam's clock (`2026-03-10T14:30`), written with its
 * offset so the one date-time rule of the API checks it; anything else is returned as typed, for that
 * rule to refuse beside the field.
 */
export function fromLocalInput(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2}))?$/.exec(value);
  return m ? `${m[1]}T${m[2]}:${m[3] ?? '00'}${OFFSET}` : value;
}

/** The first instant of a local date (`YYYY-MM-DD`) in Vietnam. */
export function startOfLocalDay(date: string): string {
  return `${date}T00:00:00${OFFSET}`;
}

/** The last whole second of a local date in Vietnam. */
export function endOfLocalDay(date: string): string {
  return `${date}T23:59:59${OFFSET}`;
}
