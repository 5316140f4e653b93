/**
 * The official working-day schedule of a year for state agencies, as decided by the Prime Minister
 * and announced by the Ministry of Home Affairs (Labour Code 2019 Art. 112.3: the Prime Minister
 * decides the actual Tết and National Day days each year; swaps of working days are approved with
 * them). One file per year in this folder, registered in `index.ts`; admin overrides still win.
 *
 * A year with a schedule is decided by its schedule alone (plus weekends and overrides): every
 * weekday off and every weekend day worked of that year is listed here. A year without one falls
 * back on the Labour Code's rule (see `working-calendar.ts`).
 */

/** How a listed day differs from an ordinary week. */
export type ScheduleDayKind =
  /** A public holiday of Labour Code 2019 Art. 112.1 (listed even when it falls on a weekend). */
  | 'holiday'
  /** The next working day off because a holiday fell on a weekly rest day (Art. 111.3, nghỉ bù). */
  | 'compensatory'
  /** A weekday off, swapped with a weekend day worked instead (hoán đổi ngày làm việc). */
  | 'swapped-off'
  /** A weekend day worked, in exchange for a swapped-off weekday (làm bù). */
  | 'swapped-workday';

export interface ScheduleDay {
  /** Local date, YYYY-MM-DD (Asia/Ho_Chi_Minh). */
  date: string;
  kind: ScheduleDayKind;
  /** How the day is named in the decision (Vietnamese, as shown to users). */
  name: string;
  /** Key of the entry of `sources` that decided this day. */
  source: string;
}

export interface ScheduleSource {
  /** The document: number, issuer and date. */
  document: string;
  /** What it decided, in one line. */
  decides: string;
  /** Where its text (or a faithful report of it) was read. */
  seenAt: string[];
}

export interface OfficialSchedule {
  year: number;
  sources: Record<string, ScheduleSource>;
  days: ScheduleDay[];
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 0 = Sunday … 6 = Saturday of a real YYYY-MM-DD date, or null when it is not one. */
function weekdayOf(date: string): number | null {
  const m = DATE_RE.exec(date);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.toISOString().slice(0, 10) !== date) return null;
  return d.getUTCDay();
}

/**
 * Checks a schedule's internal consistency: real dates of its own year, each once, named, with a known
 * source; swapped-off days are weekdays and swapped workdays weekend days, as many of one as of the other;
 * compensatory days are weekdays.
 * @returns the problems found (empty when the schedule is sound).
 */
export function scheduleProblems(schedule: OfficialSchedule): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  let off = 0;
  let worked = 0;
  for (const day of schedule.days) {
    const wd = weekdayOf(day.date);
    const where = `${schedule.year} ${day.date}`;
    if (wd === null) problems.push(`${where}: not a YYYY-MM-DD date`);
    else if (!day.date.startsWith(`${schedule.year}-`)) problems.push(`${where}: not in ${schedule.year}`);
    if (seen.has(day.date)) problems.push(`${where}: listed twice`);
    seen.add(day.date);
    if (!day.name.trim()) problems.push(`${where}: no name`);
    if (!schedule.sources[day.source]) problems.push(`${where}: unknown source ${day.source}`);
    const weekend = wd === 0 || wd === 6;
    if (day.kind === 'swapped-off') {
      off++;
      if (weekend) problems.push(`${where}: a swapped-off day must be a weekday`);
    } else if (day.kind === 'swapped-workday') {
      worked++;
      if (!weekend) problems.push(`${where}: a swapped workday must be a Saturday or Sunday`);
    } else if (day.kind === 'compensatory' && weekend) {
      problems.push(`${where}: a compensatory day must be a weekday`);
    }
  }
  if (off !== worked) problems.push(`${schedule.year}: ${off} swapped-off day(s) but ${worked} swapped workday(s)`);
  return problems;
}
