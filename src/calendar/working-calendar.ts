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
 *   07:30–11:30 + 13:30–17:30 schedule, `minutesPerWorkingDay` otherwise); fractions are rounded
 *   to the nearest minute.
 * - A start outside office hours counts from the next opening; a walk that runs out exactly at
 *   the end of a period ends at that period's end (Mon 18:00 + 1 day = Tue 17:30).
 * - Non-working days: Saturdays and Sundays, then per year either the official schedule shipped
 *   with the code (`schedules/`: the Prime Minister's Tết and National Day days and swapped working
 *   days, Labour Code 2019 Art. 112.3) or, for a year without one, the Labour Code's own rule
 *   (Art. 112.1 holidays and Art. 111.3 compensatory days); admin overrides win over both.
 * - Every date and instant must lie in years CALENDAR_MIN_YEAR..CALENDAR_MAX_YEAR and a duration is
 *   at most MAX_WORKING_DAYS: outside that, a ValidationError CALENDAR_OUT_OF_RANGE, so no input
 *   can make a walk (or the lunar computation behind it) run unbounded.
 */
import Holidays from 'date-holidays';
import { ValidationError } from '../domain/errors.ts';
import { OFFICIAL_SCHEDULES, type ScheduleDayKind, type ScheduleSource } from './schedules/index.ts';

/** Offset of Asia/Ho_Chi_Minh from UTC in minutes (fixed UTC+07:00, no DST since 1975). */
export const VN_UTC_OFFSET_MINUTES = 420;

/**
 * The years the calendar answers for. Dossiers are received today and due within months; 2000–2100
 * covers every record the service can hold with a century to spare, and keeps a walk (and the
 * per-year lunar computation behind it) to at most ~37,000 days and ~100 years.
 */
export const CALENDAR_MIN_YEAR = 2000;
export const CALENDAR_MAX_YEAR = 2100;
/** The longest duration accepted, in working days (ten years; statutory limits are weeks). */
export const MAX_WORKING_DAYS = 3650;
/** Code of the ValidationError raised for a date, instant, year or duration outside the range above. */
export const CALENDAR_OUT_OF_RANGE = 'CALENDAR_OUT_OF_RANGE';

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

/** Which rule decided a day. */
export type DayReason = 'workday' | 'weekend' | ScheduleDayKind | 'override-holiday' | 'override-workday';

/** Classification of one local date and the rule that decided it. */
export interface DayInfo {
  date: string;
  working: boolean;
  reason: DayReason;
  name?: string;
}

/** How the days off of a year were decided: its official schedule, or the Labour Code's rule for lack of one. */
export interface YearSchedule {
  year: number;
  basis: 'official' | 'labour-code';
  sources: ScheduleSource[];
  /** Holidays, compensatory days and swapped days of the year (before admin overrides), sorted. */
  days: { date: string; kind: ScheduleDayKind; name: string }[];
}

/** Working-time arithmetic the rest of the application depends on (a test double can implement it). */
export interface WorkingTime {
  /** Adds a (possibly fractional, non-negative) number of working days to an instant. */
  addWorkingDays(start: Date, days: number): Date;
  /** Walks a number of working days backwards from an instant (an end outside office hours first moves back to the previous closing). */
  subtractWorkingDays(end: Date, days: number): Date;
  /** Counts whole office minutes in [from, to), 0 when to <= from. */
  workingMinutesBetween(from: Date, to: Date): number;
  /** Counts working days (fractional, in units of the configured office day) in [from, to), 0 when to <= from. */
  workingDaysBetween(from: Date, to: Date): number;
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

interface TableEntry {
  kind: ScheduleDayKind;
  name: string;
}

// ---------------------------------------------------------------------------------------------
// Local-date helpers (a "day number" is the count of local days since 1970-01-01 in UTC+07:00).
// ---------------------------------------------------------------------------------------------

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a real 'YYYY-MM-DD' date, or null. */
function dayOfDateString(date: unknown): number | null {
  const m = typeof date === 'string' ? DATE_RE.exec(date) : null;
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const check = new Date(0);
  check.setUTCFullYear(y, mo - 1, d); // not Date.UTC: it reads years 0–99 as 1900–1999
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return Math.floor(check.getTime() / DAY_MS);
}

function parseDateString(date: string, what: string): number {
  const day = dayOfDateString(date);
  if (day === null) {
    throw new ValidationError('INVALID_DATE', `${what}: invalid date ${JSON.stringify(date)}, expected an existing 'YYYY-MM-DD' date`, { value: date });
  }
  return day;
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

const MIN_DAY = dayOf(CALENDAR_MIN_YEAR, 1, 1);
const MAX_DAY = dayOf(CALENDAR_MAX_YEAR, 12, 31);
const RANGE_TEXT = `${CALENDAR_MIN_YEAR}-01-01..${CALENDAR_MAX_YEAR}-12-31`;

function outOfRange(message: string, value: unknown): never {
  throw new ValidationError(CALENDAR_OUT_OF_RANGE, message, {
    value,
    from: `${CALENDAR_MIN_YEAR}-01-01`,
    to: `${CALENDAR_MAX_YEAR}-12-31`,
    maxWorkingDays: MAX_WORKING_DAYS,
  });
}

/** Tells whether a local 'YYYY-MM-DD' date is a real date within the calendar's range. */
export function isCalendarDate(date: string): boolean {
  const day = dayOfDateString(date);
  return day !== null && day >= MIN_DAY && day <= MAX_DAY;
}

/**
 * Checks that a year lies in the calendar's range.
 * @throws ValidationError CALENDAR_OUT_OF_RANGE otherwise.
 */
export function assertCalendarYear(year: number, what = 'year'): void {
  if (!Number.isInteger(year) || year < CALENDAR_MIN_YEAR || year > CALENDAR_MAX_YEAR) {
    outOfRange(`${what} ${year} is outside the working calendar's years ${CALENDAR_MIN_YEAR}–${CALENDAR_MAX_YEAR}`, year);
  }
}

function checkDay(day: number): void {
  if (day < MIN_DAY || day > MAX_DAY) {
    outOfRange(`${formatDay(day)} is outside the working calendar's range ${RANGE_TEXT}: the walk cannot go there`, formatDay(day));
  }
}

function assertValidDate(d: Date, what: string): number {
  const t = d instanceof Date ? d.getTime() : NaN;
  if (!Number.isFinite(t)) throw new ValidationError('INVALID_INSTANT', `${what}: invalid Date`);
  const day = Math.floor((t + OFFSET_MS) / DAY_MS);
  if (day < MIN_DAY || day > MAX_DAY) {
    outOfRange(`${what}: ${d.toISOString()} is outside the working calendar's range ${RANGE_TEXT} (Asia/Ho_Chi_Minh)`, d.toISOString());
  }
  return t;
}

/**
 * Checks that an instant is a real Date whose local day lies in the calendar's range.
 * @throws ValidationError INVALID_INSTANT or CALENDAR_OUT_OF_RANGE.
 */
export function assertCalendarInstant(d: Date, what = 'instant'): void {
  assertValidDate(d, what);
}

function assertDuration(days: number, what: string): void {
  if (!Number.isFinite(days) || days < 0) {
    throw new ValidationError('VALIDATION_FAILED', `${what}: days must be a finite number >= 0, got ${days}`);
  }
  if (days > MAX_WORKING_DAYS) outOfRange(`${what}: ${days} working days is more than the ${MAX_WORKING_DAYS} the calendar walks`, days);
}

/**
 * What is wrong with an override (a row as stored or as sent), or null when it is sound: a real date in
 * the calendar's range, a known kind, a name of at most 200 characters.
 */
export function overrideProblem(o: unknown): { code: string; message: string } | null {
  if (!o || typeof o !== 'object') return { code: 'INVALID_OVERRIDE', message: 'not an object' };
  const { date, kind, name } = o as Record<string, unknown>;
  const day = dayOfDateString(date);
  if (day === null) return { code: 'INVALID_DATE', message: `invalid date ${JSON.stringify(date)}, expected an existing 'YYYY-MM-DD' date` };
  if (day < MIN_DAY || day > MAX_DAY) return { code: CALENDAR_OUT_OF_RANGE, message: `date ${date} is outside the working calendar's range ${RANGE_TEXT}` };
  if (kind !== 'holiday' && kind !== 'workday') return { code: 'INVALID_OVERRIDE', message: `kind must be 'holiday' or 'workday', got ${JSON.stringify(kind)}` };
  if (name != null && (typeof name !== 'string' || name.length > 200)) return { code: 'INVALID_OVERRIDE', message: 'name must be a text of at most 200 characters' };
  return null;
}

// ---------------------------------------------------------------------------------------------
// The days off of each year, cached per year at module level (shared by instances, since they do
// not depend on office hours or overrides). Only years CALENDAR_MIN_YEAR − 1 .. CALENDAR_MAX_YEAR + 1
// are ever computed (the neighbours for compensatory days crossing New Year).
// ---------------------------------------------------------------------------------------------

const LABOUR_CODE_SOURCE: ScheduleSource = {
  document: 'Bộ luật Lao động số 45/2019/QH14, Điều 112.1 (ngày lễ, tết) và Điều 111.3 (nghỉ bù); chưa có lịch nghỉ chính thức của năm',
  decides:
    'Tết Dương lịch 01/01; Tết Âm lịch 5 ngày (ngày cuối năm Âm lịch và mùng 1–4); Giỗ Tổ Hùng Vương 10/3 Âm lịch; 30/4; 01/5; ' +
    'Quốc khánh 02/9 và 01/9 (03/9 khi 02/9 là thứ Hai); nghỉ bù vào ngày làm việc kế tiếp khi ngày lễ trùng ngày nghỉ hằng tuần',
  seenAt: ['Bộ luật Lao động 2019, Điều 111–112'],
};

let lunarLib: Holidays | undefined;
const statutoryCache = new Map<number, Map<number, string>>();
const yearTableCache = new Map<number, Map<number, TableEntry>>();

/** Day numbers of lunar New Year (1/1 Âm lịch) and of Giỗ Tổ (10/3 Âm lịch) in a solar year. */
function lunarDays(year: number): { newYear: number; hungKings: number } {
  if (!lunarLib) {
    // date-holidays only as the Vietnamese lunar calendar: the statutory list itself is built below
    // (its VN data lacks the second National Day and compensatory days, and names every Tết day "Giao thừa").
    lunarLib = new Holidays();
    lunarLib.setTimezone('Asia/Ho_Chi_Minh');
    lunarLib.setHoliday('vietnamese 1-0-1', { name: 'newYear', type: 'public' });
    lunarLib.setHoliday('vietnamese 3-0-10', { name: 'hungKings', type: 'public' });
  }
  const found: Partial<Record<'newYear' | 'hungKings', number>> = {};
  for (const h of lunarLib.getHolidays(year) || []) {
    const day = dayOfDateString(h.date.slice(0, 10));
    if (day !== null && (h.name === 'newYear' || h.name === 'hungKings')) found[h.name] = day;
  }
  if (found.newYear === undefined || found.hungKings === undefined) throw new Error(`date-holidays gave no lunar dates for ${year}`);
  return { newYear: found.newYear, hungKings: found.hungKings };
}

/**
 * The public holidays of Labour Code 2019 Art. 112.1 in a year without an official schedule (day → name).
 * Tết is the last day of the lunar year and mùng 1–4, the placement the Prime Minister chose for 2026
 * ("1 ngày trước Tết và 4 ngày sau Tết"). Quốc khánh is 2/9 plus "01 ngày liền kề trước hoặc sau":
 * 1/9, or 3/9 when 2/9 is a Monday (1/9 would be a Sunday) — the choice of 2022–2026 that joins the
 * two days to a weekend.
 */
function statutoryHolidays(year: number): Map<number, string> {
  const cached = statutoryCache.get(year);
  if (cached) return cached;
  if (year < CALENDAR_MIN_YEAR - 1 || year > CALENDAR_MAX_YEAR + 1) throw new Error(`statutory holidays of ${year} are never needed`);
  const result = new Map<number, string>();
  const add = (day: number, name: string) => {
    const prev = result.get(day);
    result.set(day, prev ? `${prev}; ${name}` : name);
  };
  const { newYear, hungKings } = lunarDays(year);
  add(dayOf(year, 1, 1), 'Tết Dương lịch');
  add(newYear - 1, 'Tết Âm lịch: ngày cuối năm Âm lịch (Giao thừa)');
  for (let i = 0; i < 4; i++) add(newYear + i, `Tết Âm lịch: mùng ${i + 1} Tết`);
  add(hungKings, 'Giỗ Tổ Hùng Vương (10/3 Âm lịch)');
  add(dayOf(year, 4, 30), 'Ngày Chiến thắng (30/4)');
  add(dayOf(year, 5, 1), 'Ngày Quốc tế Lao động (1/5)');
  const sep2 = dayOf(year, 9, 2);
  add(sep2, 'Quốc khánh (2/9)');
  if (weekdayOfDay(sep2) === 1) add(sep2 + 1, 'Quốc khánh (ngày liền kề sau 2/9)');
  else add(sep2 - 1, 'Quốc khánh (ngày liền kề trước 2/9)');
  statutoryCache.set(year, result);
  return result;
}

/**
 * The Labour Code's table of a year: its holidays plus the compensatory days they generate (Art. 111.3):
 * for each holiday falling on a Saturday or Sunday, in date order, the next day that is a weekday, not
 * a holiday and not already a compensatory day is off. Compensatory days may spill into the next year.
 */
function statutoryTable(year: number): Map<number, TableEntry> {
  const holidays = statutoryHolidays(year);
  const nextYear = statutoryHolidays(year + 1);
  const table = new Map<number, TableEntry>();
  const days = [...holidays.keys()].sort((a, b) => a - b);
  for (const day of days) table.set(day, { kind: 'holiday', name: holidays.get(day) ?? '' });
  for (const day of days) {
    if (!isWeekendDay(day)) continue;
    let c = day + 1;
    while (isWeekendDay(c) || holidays.has(c) || nextYear.has(c) || table.has(c)) c++;
    table.set(c, { kind: 'compensatory', name: `Nghỉ bù ${holidays.get(day) ?? ''}`.trim() });
  }
  return table;
}

function yearTable(year: number): Map<number, TableEntry> {
  const cached = yearTableCache.get(year);
  if (cached) return cached;
  const official = OFFICIAL_SCHEDULES.get(year);
  let table: Map<number, TableEntry>;
  if (official) {
    table = new Map();
    for (const d of official.days) table.set(parseDateString(d.date, 'official schedule'), { kind: d.kind, name: d.name });
  } else {
    table = statutoryTable(year);
  }
  yearTableCache.set(year, table);
  return table;
}

function lookupTable(day: number): TableEntry | undefined {
  const year = yearOfDay(day);
  const own = yearTable(year).get(day);
  // An official schedule decides its whole year; otherwise a compensatory day generated by the
  // previous year's (statutory) holidays may land early in this year.
  if (own || OFFICIAL_SCHEDULES.has(year) || OFFICIAL_SCHEDULES.has(year - 1)) return own;
  return yearTable(year - 1).get(day);
}

/** Whether a year has an official schedule shipped with the code. */
export function hasOfficialSchedule(year: number): boolean {
  return OFFICIAL_SCHEDULES.has(year);
}

/**
 * The holidays, compensatory and swapped days of a year before admin overrides, and what decided them.
 * @throws ValidationError CALENDAR_OUT_OF_RANGE for a year outside the calendar's range.
 */
export function yearSchedule(year: number): YearSchedule {
  assertCalendarYear(year);
  const official = OFFICIAL_SCHEDULES.get(year);
  const days = [...yearTable(year).entries()]
    .filter(([day]) => yearOfDay(day) === year)
    .sort(([a], [b]) => a - b)
    .map(([day, e]) => ({ date: formatDay(day), kind: e.kind, name: e.name }));
  if (!official && year > CALENDAR_MIN_YEAR && !OFFICIAL_SCHEDULES.has(year - 1)) {
    for (const [day, e] of yearTable(year - 1)) if (yearOfDay(day) === year) days.push({ date: formatDay(day), kind: e.kind, name: e.name });
    days.sort((a, b) => a.date.localeCompare(b.date));
  }
  return {
    year,
    basis: official ? 'official' : 'labour-code',
    sources: official ? Object.values(official.sources) : [LABOUR_CODE_SOURCE],
    days,
  };
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

  /**
   * Creates a calendar, validating office hours and overrides (a later override for the same date wins).
   * @throws ValidationError for an override that {@link overrideProblem} refuses.
   */
  constructor(options: WorkingCalendarOptions = {}) {
    const periods = validatePeriods(options.officeHours ?? DEFAULT_OFFICE_HOURS);
    this.periods = periods.map((p) => ({ start: p.start * MINUTE_MS, end: p.end * MINUTE_MS }));
    this.minutesPerWorkingDay = periods.reduce((sum, p) => sum + (p.end - p.start), 0);
    this.dayMs = this.minutesPerWorkingDay * MINUTE_MS;
    for (const o of options.overrides ?? []) {
      const problem = overrideProblem(o);
      if (problem) throw new ValidationError(problem.code, `Invalid calendar override ${JSON.stringify(o)}: ${problem.message}`);
      this.overrides.set(parseDateString(o.date, 'Invalid calendar override'), o);
    }
  }

  /**
   * Classifies a local 'YYYY-MM-DD' date and tells which rule decided it.
   * @throws ValidationError INVALID_DATE or CALENDAR_OUT_OF_RANGE.
   */
  dayInfo(date: string): DayInfo {
    return this.infoOfDay(parseDateString(date, 'dayInfo'));
  }

  /**
   * Tells whether a local 'YYYY-MM-DD' date is a working day.
   * @throws ValidationError INVALID_DATE or CALENDAR_OUT_OF_RANGE.
   */
  isWorkingDay(date: string): boolean {
    return this.isWorkingDayNum(parseDateString(date, 'isWorkingDay'));
  }

  /**
   * Lists the non-working days of a year other than plain weekends (holidays, compensatory and swapped days, override holidays), sorted by date.
   * @throws ValidationError CALENDAR_OUT_OF_RANGE for a year outside the calendar's range.
   */
  daysOff(year: number): DayInfo[] {
    assertCalendarYear(year, 'daysOff: year');
    const out: DayInfo[] = [];
    for (let day = dayOf(year, 1, 1), last = dayOf(year, 12, 31); day <= last; day++) {
      const info = this.infoOfDay(day);
      if (!info.working && info.reason !== 'weekend') out.push(info);
    }
    return out;
  }

  /**
   * Adds whole office minutes (rounded to the nearest minute) to an instant by walking office periods of working days.
   * @throws ValidationError CALENDAR_OUT_OF_RANGE when the start, the duration or the result is outside the calendar's range.
   */
  addWorkingMinutes(start: Date, minutes: number): Date {
    assertDuration(minutes / this.minutesPerWorkingDay, 'addWorkingMinutes');
    const t = assertValidDate(start, 'addWorkingMinutes');
    return new Date(this.walkForward(t, Math.round(minutes) * MINUTE_MS));
  }

  /**
   * Adds a (possibly fractional, non-negative) number of working days, rounded to the nearest office minute.
   * @throws ValidationError CALENDAR_OUT_OF_RANGE when the start, the duration or the result is outside the calendar's range.
   */
  addWorkingDays(start: Date, days: number): Date {
    assertDuration(days, 'addWorkingDays');
    const t = assertValidDate(start, 'addWorkingDays');
    return new Date(this.walkForward(t, Math.round(days * this.minutesPerWorkingDay) * MINUTE_MS));
  }

  /**
   * Walks a number of working days backwards; an end outside office hours is first moved back to the previous closing.
   * @throws ValidationError CALENDAR_OUT_OF_RANGE when the end, the duration or the result is outside the calendar's range.
   */
  subtractWorkingDays(end: Date, days: number): Date {
    assertDuration(days, 'subtractWorkingDays');
    const t = assertValidDate(end, 'subtractWorkingDays');
    return new Date(this.walkBackward(t, Math.round(days * this.minutesPerWorkingDay) * MINUTE_MS));
  }

  /**
   * Counts working days in [from, to) in units of this calendar's office day (fractional), 0 when to <= from.
   * @throws ValidationError CALENDAR_OUT_OF_RANGE when an instant is outside the calendar's range.
   */
  workingDaysBetween(from: Date, to: Date): number {
    return this.workingMinutesBetween(from, to) / this.minutesPerWorkingDay;
  }

  /**
   * Counts whole office minutes (partial minutes dropped) within [from, to), 0 when to <= from.
   * @throws ValidationError CALENDAR_OUT_OF_RANGE when an instant is outside the calendar's range.
   */
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
    checkDay(day);
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
    if (entry) return { date, working: entry.kind === 'swapped-workday', reason: entry.kind, name: entry.name };
    if (isWeekendDay(day)) return { date, working: false, reason: 'weekend' };
    return { date, working: true, reason: 'workday' };
  }

  /** The working flag of a day; every walk asks it for each day it visits, so the range check here bounds them all. */
  private isWorkingDayNum(day: number): boolean {
    let working = this.workingCache.get(day);
    if (working === undefined) {
      checkDay(day);
      const o = this.overrides.get(day);
      if (o) working = o.kind === 'workday';
      else {
        const entry = lookupTable(day);
        working = entry ? entry.kind === 'swapped-workday' : !isWeekendDay(day);
      }
      this.workingCache.set(day, working);
    }
    return working;
  }

  private tooFar(): never {
    throw new ValidationError('CALENDAR_NO_WORKING_TIME', `Working calendar walked more than ${MAX_WALK_DAYS} days without finding enough working time (are all days overridden to holidays?)`);
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
