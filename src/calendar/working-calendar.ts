/**
 * Working-day calendar for legal deadlines of the one-stop dossier service.
 *
 * Deadlines are counted in WORKING DAYS in the Asia/Ho_Chi_Minh time zone. Vietnam has used a
 * fixed UTC+07:00 offset all year since 1975 (no daylight saving time), so a fixed offset is
 * correct for every date this system handles and no tz database is needed.
 *
 * Rules implemented here:
 * - A duration of d working days is walked over office hours of working days only
 *   (1 working day = one full day of office hours = 480 minutes with the default
 *   07:30–11:30 + 13:30–17:30 schedule); fractions are rounded to the nearest minute.
 * - A start outside office hours counts from the next opening; a walk that runs out exactly at
 *   the end of a period ends at that period's end (Mon 18:00 + 1 day = Tue 17:30).
 * - Non-working days: Saturdays, Sundays, public holidays (Labour Code 2019 Art. 112, taken from
 *   `date-holidays` 'VN' type 'public'), compensatory days off (nghỉ bù, Labour Code 2019
 *   Art. 111.3) and admin overrides, which win over every other rule.
 */
import Holidays from 'date-holidays';

/** Offset of Asia/Ho_Chi_Minh from UTC in minutes (fixed UTC+07:00, no DST since 1975). */
export const VN_UTC_OFFSET_MINUTES = 420;

/** One office-hours period of a working day, as local "HH:MM" times (end exclusive). */
export interface OfficePeriod {
  start: string;
  end: string;
}

/** An admin override that forces a local date to be a day off or a working day. */
export interface CalendarOverride {
  date: string;
  kind: 'holiday' | 'workday';
  name?: string | null;
}

/** Classification of one local date and the rule that decided it. */
export interface DayInfo {
  date: string;
  working: boolean;
  reason: 'workday' | 'weekend' | 'holiday' | 'compensatory' | 'override-holiday' | 'override-workday';
  name?: string;
}

/** Working-time arithmetic the rest of the application depends on (a test double can implement it). */
export interface WorkingTime {
  /** Adds a (possibly fractional, non-negative) number of working days to an instant. */
  addWorkingDays(start: Date, days: number): Date;
  /** Walks a number of working days backwards from an instant (an end outside office hours first moves back to the previous closing). */
  subtractWorkingDays(end: Date, days: number): Date;
  /** Counts whole office minutes in [from, to), 0 when to <= from. */
  workingMinutesBetween(from: Date, to: Date): number;
}

/** Construction options of a {@link WorkingCalendar}. */
export interface WorkingCalendarOptions {
  officeHours?: OfficePeriod[];
  overrides?: CalendarOverride[];
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const OFFSET_MS = VN_UTC_OFFSET_MINUTES * MINUTE_MS;
/** Walking more than ~20 years of calendar days means the configuration has no working time left. */
const MAX_WALK_DAYS = 20 * 366;

const DEFAULT_OFFICE_HOURS: readonly OfficePeriod[] = [
  { start: '07:30', end: '11:30' },
  { start: '13:30', end: '17:30' },
];

/** Office period in milliseconds since local midnight. */
interface PeriodMs {
  start: number;
  end: number;
}

type TableReason = 'holiday' | 'compensatory';
interface TableEntry {
  reason: TableReason;
  name: string;
}

// ---------------------------------------------------------------------------------------------
// Local-date helpers (a "day number" is the count of local days since 1970-01-01 in UTC+07:00).
// ---------------------------------------------------------------------------------------------

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDateString(date: string, what: string): number {
  const m = DATE_RE.exec(date);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    const ms = Date.UTC(y, mo - 1, d);
    const check = new Date(ms);
    if (check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 && check.getUTCDate() === d) {
      return ms / DAY_MS;
    }
  }
  throw new Error(`${what}: invalid date ${JSON.stringify(date)}, expected an existing 'YYYY-MM-DD' date`);
}

function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function yearOfDay(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function isWeekendDay(day: number): boolean {
  const wd = weekdayOfDay(day);
  return wd === 0 || wd === 6;
}

function dayOf(year: number, month: number, date: number): number {
  return Date.UTC(year, month - 1, date) / DAY_MS;
}

function assertValidDate(d: Date, what: string): number {
  const t = d instanceof Date ? d.getTime() : NaN;
  if (!Number.isFinite(t)) throw new Error(`${what}: invalid Date`);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Public holidays and compensatory days, cached per year at module level (shared by instances,
// since they do not depend on office hours or overrides). date-holidays is only run on a miss.
// ---------------------------------------------------------------------------------------------

let holidaysLib: Holidays | undefined;
const publicHolidayCache = new Map<number, Map<number, string>>();
const yearTableCache = new Map<number, Map<number, TableEntry>>();

/** Public holiday days of a year (day number → name), including the default 2nd National Day. */
function publicHolidays(year: number): Map<number, string> {
  const cached = publicHolidayCache.get(year);
  if (cached) return cached;
  holidaysLib ??= new Holidays('VN');
  const result = new Map<number, string>();
  const spans = new Map<number, number>(); // day → span length of the entry that named it
  const list = holidaysLib.getHolidays(year) || [];
  for (const h of list) {
    if (h.type !== 'public') continue; // other types (observance…) are not days off
    // Use the library's local date string: converting `start` from UTC would shift the day.
    const first = parseDateString(h.date.slice(0, 10), 'date-holidays');
    // Entries may span several days (Tết is lunar New Year's eve + 4 days, "P5D").
    const length = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / DAY_MS));
    for (let i = 0; i < length; i++) {
      const day = first + i;
      // Overlapping entries (the 5-day Tết span and the separate "Tết Nguyên Đán" day):
      // keep one entry per day, named after the most specific (shortest) entry.
      const prev = spans.get(day);
      if (prev === undefined || length < prev) {
        result.set(day, h.name);
        spans.set(day, length);
      }
    }
  }
  // Labour Code 2019 Art. 112: Quốc khánh is 2 days (2/9 plus one adjacent day picked yearly by
  // the Prime Minister). date-holidays only has 2/9; default derived from recent decisions:
  // 3/9 when 2/9 is a Monday, otherwise 1/9 (2022 Thu 1/9, 2023 Fri 1/9, 2025 Mon 1/9).
  // Admin overrides can move it.
  const sep1 = dayOf(year, 9, 1);
  const sep2 = sep1 + 1;
  const sep3 = sep1 + 2;
  if (!result.has(sep1) && !result.has(sep3)) {
    const second = weekdayOfDay(sep2) === 1 ? sep3 : sep1;
    result.set(second, 'Quốc khánh (ngày thứ hai)');
  }
  publicHolidayCache.set(year, result);
  return result;
}

/**
 * Public holidays of a year plus the compensatory days they generate (Labour Code 2019
 * Art. 111.3): for each holiday day falling on a Saturday or Sunday, in date order, the next day
 * that is a weekday, not a public holiday and not already a compensatory day is off. The
 * compensatory days may spill into the next year. Override holidays never generate them.
 */
function yearTable(year: number): Map<number, TableEntry> {
  const cached = yearTableCache.get(year);
  if (cached) return cached;
  const holidays = publicHolidays(year);
  const nextYear = publicHolidays(year + 1);
  const table = new Map<number, TableEntry>();
  const days = [...holidays.keys()].sort((a, b) => a - b);
  for (const day of days) table.set(day, { reason: 'holiday', name: holidays.get(day) ?? '' });
  for (const day of days) {
    if (!isWeekendDay(day)) continue;
    let c = day + 1;
    while (isWeekendDay(c) || holidays.has(c) || nextYear.has(c) || table.has(c)) c++;
    table.set(c, { reason: 'compensatory', name: `Nghỉ bù ${holidays.get(day) ?? ''}`.trim() });
  }
  yearTableCache.set(year, table);
  return table;
}

function lookupTable(day: number): TableEntry | undefined {
  const year = yearOfDay(day);
  // A compensatory day generated by the previous year's holidays may land early in this year.
  return yearTable(year).get(day) ?? yearTable(year - 1).get(day);
}

// ---------------------------------------------------------------------------------------------
// Office hours.
// ---------------------------------------------------------------------------------------------

const TIME_RE = /^(\d{1,2}):(\d{2})$/;

function parseTime(value: string, context: string): number {
  const m = TIME_RE.exec(String(value).trim());
  if (!m) throw new Error(`Invalid office hours ${context}: ${JSON.stringify(value)} is not "HH:MM"`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) {
    throw new Error(`Invalid office hours ${context}: ${JSON.stringify(value)} is not a time of day`);
  }
  return h * 60 + min;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function formatTime(minutes: number): string {
  return `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

/** Validates periods (well-formed, start < end, ordered, non-overlapping) and returns them in minutes. */
function validatePeriods(periods: readonly OfficePeriod[]): { start: number; end: number }[] {
  if (!Array.isArray(periods) || periods.length === 0) {
    throw new Error('Invalid office hours: at least one period "HH:MM-HH:MM" is required');
  }
  const out: { start: number; end: number }[] = [];
  periods.forEach((p, i) => {
    const label = `period ${i + 1}`;
    if (!p || typeof p.start !== 'string' || typeof p.end !== 'string') {
      throw new Error(`Invalid office hours ${label}: expected { start: "HH:MM", end: "HH:MM" }`);
    }
    const start = parseTime(p.start, label);
    const end = parseTime(p.end, label);
    if (start >= 24 * 60) throw new Error(`Invalid office hours ${label}: start ${p.start} must be before 24:00`);
    if (end <= start) throw new Error(`Invalid office hours ${label}: end ${p.end} must be after start ${p.start}`);
    const prev = out[out.length - 1];
    if (prev) {
      if (start < prev.start) {
        throw new Error(`Invalid office hours: periods must be in chronological order (${label} starts at ${p.start}, before ${formatTime(prev.start)})`);
      }
      if (start < prev.end) {
        throw new Error(`Invalid office hours: ${label} (${p.start}-${p.end}) overlaps the previous period ending at ${formatTime(prev.end)}`);
      }
    }
    out.push({ start, end });
  });
  return out;
}

/** Parses an office-hours spec such as "07:30-11:30,13:30-17:30", throwing a descriptive Error on malformed, unordered or overlapping periods. */
export function parseOfficeHours(spec: string): OfficePeriod[] {
  if (typeof spec !== 'string' || spec.trim() === '') {
    throw new Error('Invalid office hours: empty spec, expected e.g. "07:30-11:30,13:30-17:30"');
  }
  const periods = spec.split(',').map((part, i) => {
    const m = /^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$/.exec(part);
    if (!m || m[1] === undefined || m[2] === undefined) {
      throw new Error(`Invalid office hours period ${i + 1}: ${JSON.stringify(part.trim())} is not "HH:MM-HH:MM"`);
    }
    return { start: m[1], end: m[2] };
  });
  return validatePeriods(periods).map((p) => ({ start: formatTime(p.start), end: formatTime(p.end) }));
}

// ---------------------------------------------------------------------------------------------
// Calendar.
// ---------------------------------------------------------------------------------------------

/** Vietnamese working-day calendar (Asia/Ho_Chi_Minh) with configurable office hours and admin overrides. */
export class WorkingCalendar implements WorkingTime {
  /** Office minutes in one full working day (480 with the default hours); the unit of `days` arguments. */
  readonly minutesPerWorkingDay: number;
  private readonly periods: readonly PeriodMs[];
  private readonly dayMs: number;
  private readonly overrides = new Map<number, CalendarOverride>();
  /** Per-instance cache of the working flag by day number (hot path of every walk). */
  private readonly workingCache = new Map<number, boolean>();

  /** Creates a calendar, validating office hours and overrides (a later override for the same date wins). */
  constructor(options: WorkingCalendarOptions = {}) {
    const periods = validatePeriods(options.officeHours ?? DEFAULT_OFFICE_HOURS);
    this.periods = periods.map((p) => ({ start: p.start * MINUTE_MS, end: p.end * MINUTE_MS }));
    this.minutesPerWorkingDay = periods.reduce((sum, p) => sum + (p.end - p.start), 0);
    this.dayMs = this.minutesPerWorkingDay * MINUTE_MS;
    for (const o of options.overrides ?? []) {
      if (!o || (o.kind !== 'holiday' && o.kind !== 'workday')) {
        throw new Error(`Invalid calendar override ${JSON.stringify(o)}: kind must be 'holiday' or 'workday'`);
      }
      this.overrides.set(parseDateString(o.date, 'Invalid calendar override'), o);
    }
  }

  /** Classifies a local 'YYYY-MM-DD' date and tells which rule decided it. */
  dayInfo(date: string): DayInfo {
    return this.infoOfDay(parseDateString(date, 'dayInfo'));
  }

  /** Tells whether a local 'YYYY-MM-DD' date is a working day. */
  isWorkingDay(date: string): boolean {
    return this.isWorkingDayNum(parseDateString(date, 'isWorkingDay'));
  }

  /** Lists the non-working days of a year other than plain weekends (holidays, compensatory days, override holidays), sorted by date. */
  daysOff(year: number): DayInfo[] {
    if (!Number.isInteger(year)) throw new Error(`daysOff: invalid year ${year}`);
    const out: DayInfo[] = [];
    for (let day = dayOf(year, 1, 1), last = dayOf(year, 12, 31); day <= last; day++) {
      const info = this.infoOfDay(day);
      if (!info.working && info.reason !== 'weekend') out.push(info);
    }
    return out;
  }

  /** Adds whole office minutes (rounded to the nearest minute) to an instant by walking office periods of working days. */
  addWorkingMinutes(start: Date, minutes: number): Date {
    const t = assertValidDate(start, 'addWorkingMinutes');
    if (!Number.isFinite(minutes) || minutes < 0) {
      throw new Error(`addWorkingMinutes: minutes must be a finite number >= 0, got ${minutes}`);
    }
    return new Date(this.walkForward(t, Math.round(minutes) * MINUTE_MS));
  }

  /** Adds a (possibly fractional, non-negative) number of working days, rounded to the nearest office minute. */
  addWorkingDays(start: Date, days: number): Date {
    if (!Number.isFinite(days) || days < 0) {
      throw new Error(`addWorkingDays: days must be a finite number >= 0, got ${days}`);
    }
    const t = assertValidDate(start, 'addWorkingDays');
    return new Date(this.walkForward(t, Math.round(days * this.minutesPerWorkingDay) * MINUTE_MS));
  }

  /** Walks a number of working days backwards; an end outside office hours is first moved back to the previous closing. */
  subtractWorkingDays(end: Date, days: number): Date {
    if (!Number.isFinite(days) || days < 0) {
      throw new Error(`subtractWorkingDays: days must be a finite number >= 0, got ${days}`);
    }
    const t = assertValidDate(end, 'subtractWorkingDays');
    return new Date(this.walkBackward(t, Math.round(days * this.minutesPerWorkingDay) * MINUTE_MS));
  }

  /** Counts whole office minutes (partial minutes dropped) within [from, to), 0 when to <= from. */
  workingMinutesBetween(from: Date, to: Date): number {
    const a = assertValidDate(from, 'workingMinutesBetween') + OFFSET_MS;
    const b = assertValidDate(to, 'workingMinutesBetween') + OFFSET_MS;
    if (b <= a) return 0;
    let total = 0;
    const lastDay = Math.floor((b - 1) / DAY_MS);
    for (let day = Math.floor(a / DAY_MS); day <= lastDay; day++) {
      if (!this.isWorkingDayNum(day)) continue;
      const base = day * DAY_MS;
      for (const p of this.periods) {
        const s = Math.max(a, base + p.start);
        const e = Math.min(b, base + p.end);
        if (e > s) total += e - s;
      }
    }
    return Math.floor(total / MINUTE_MS);
  }

  // -------------------------------------------------------------------------------------------

  private infoOfDay(day: number): DayInfo {
    const date = formatDay(day);
    const o = this.overrides.get(day);
    if (o) {
      const info: DayInfo = o.kind === 'workday'
        ? { date, working: true, reason: 'override-workday' }
        : { date, working: false, reason: 'override-holiday' };
      if (o.name != null && o.name !== '') info.name = o.name;
      return info;
    }
    const entry = lookupTable(day);
    if (entry) return { date, working: false, reason: entry.reason, name: entry.name };
    if (isWeekendDay(day)) return { date, working: false, reason: 'weekend' };
    return { date, working: true, reason: 'workday' };
  }

  private isWorkingDayNum(day: number): boolean {
    let working = this.workingCache.get(day);
    if (working === undefined) {
      const o = this.overrides.get(day);
      if (o) working = o.kind === 'workday';
      else working = !isWeekendDay(day) && lookupTable(day) === undefined;
      this.workingCache.set(day, working);
    }
    return working;
  }

  private tooFar(): never {
    throw new Error(`Working calendar walked more than ${MAX_WALK_DAYS} days without finding enough working time (are all days overridden to holidays?)`);
  }

  /** Walks forward period by period (and whole days at once when possible). */
  private walkForward(startMs: number, durationMs: number): number {
    const periods = this.periods;
    const last = periods.length - 1;
    const local = startMs + OFFSET_MS;
    let day = Math.floor(local / DAY_MS);
    const tod = local - day * DAY_MS;
    let walked = 0;
    let pi = -1;
    let cursor = 0;
    // Position: inside a period keeps the exact instant (seconds, ms); otherwise the next opening.
    if (this.isWorkingDayNum(day)) {
      pi = periods.findIndex((p) => p.end > tod);
      if (pi >= 0) cursor = Math.max(tod, periods[pi]!.start);
    }
    if (pi < 0) {
      do {
        day++;
        if (++walked > MAX_WALK_DAYS) this.tooFar();
      } while (!this.isWorkingDayNum(day));
      pi = 0;
      cursor = periods[0]!.start;
    }
    let remaining = durationMs;
    for (;;) {
      if (pi === 0 && cursor === periods[0]!.start && remaining > this.dayMs) {
        remaining -= this.dayMs; // skip a whole working day
      } else {
        const p = periods[pi]!;
        const available = p.end - cursor;
        // Running out exactly at a period end yields that end (Mon 18:00 + 1 day = Tue 17:30).
        if (remaining <= available) return day * DAY_MS + cursor + remaining - OFFSET_MS;
        remaining -= available;
        if (pi < last) {
          pi++;
          cursor = periods[pi]!.start;
          continue;
        }
      }
      do {
        day++;
        if (++walked > MAX_WALK_DAYS) this.tooFar();
      } while (!this.isWorkingDayNum(day));
      pi = 0;
      cursor = periods[0]!.start;
    }
  }

  /** Mirror of walkForward: an end outside office hours first moves back to the previous closing. */
  private walkBackward(endMs: number, durationMs: number): number {
    const periods = this.periods;
    const last = periods.length - 1;
    const local = endMs + OFFSET_MS;
    let day = Math.floor(local / DAY_MS);
    const tod = local - day * DAY_MS;
    let walked = 0;
    let pi = -1;
    let cursor = 0;
    if (this.isWorkingDayNum(day)) {
      for (let i = last; i >= 0; i--) {
        if (periods[i]!.start <= tod) {
          pi = i;
          break;
        }
      }
      if (pi >= 0) cursor = Math.min(tod, periods[pi]!.end);
    }
    if (pi < 0) {
      do {
        day--;
        if (++walked > MAX_WALK_DAYS) this.tooFar();
      } while (!this.isWorkingDayNum(day));
      pi = last;
      cursor = periods[last]!.end;
    }
    let remaining = durationMs;
    for (;;) {
      if (pi === last && cursor === periods[last]!.end && remaining > this.dayMs) {
        remaining -= this.dayMs;
      } else {
        const p = periods[pi]!;
        const available = cursor - p.start;
        if (remaining <= available) return day * DAY_MS + cursor - remaining - OFFSET_MS;
        remaining -= available;
        if (pi > 0) {
          pi--;
          cursor = periods[pi]!.end;
          continue;
        }
      }
      do {
        day--;
        if (++walked > MAX_WALK_DAYS) this.tooFar();
      } while (!this.isWorkingDayNum(day));
      pi = last;
      cursor = periods[last]!.end;
    }
  }
}
