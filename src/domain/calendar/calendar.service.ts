import type { Db, Executor } from '../../db/db.ts';
import {
  CALENDAR_MAX_YEAR,
  CALENDAR_MIN_YEAR,
  hasOfficialSchedule,
  overrideProblem,
  VN_UTC_OFFSET_MINUTES,
  WorkingCalendar,
  type CalendarOverride,
  type DayInfo,
  type OfficePeriod,
  type WorkingTime,
} from '../../calendar/working-calendar.ts';
import { appendEvent, type ActorRef } from '../audit/event-log.ts';
import { NotFoundError, ValidationError } from '../errors.ts';

/** Working-day arithmetic plus the list of days off, as the API shows it. */
export type Calendar = WorkingTime & { daysOff(year: number): DayInfo[] };

/** Something the admin must act on: a year running on the Labour Code's fallback, or a stored override that is skipped. */
export type CalendarWarning =
  | { code: 'SCHEDULE_MISSING'; year: number; message: string }
  | { code: 'OVERRIDE_SKIPPED'; date: string; message: string };

/** Where the app gets its working-day arithmetic; tests may provide a compressed calendar. */
export interface CalendarProvider {
  current(): Promise<Calendar>;
  /** Called after an admin edits the overrides. */
  invalidate(): void;
  /** What the admin must be told now (none from a provider without a schedule, such as a test double). */
  warnings?(): Promise<CalendarWarning[]>;
}

interface LoadedCalendar {
  calendar: WorkingCalendar;
  skipped: SkippedOverride[];
  loadedAt: number;
}

/** The part of a pino logger the provider uses. */
interface WarnLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * From this day of the year before (1 September), a year without an official schedule is warned about:
 * the Prime Minister's Tết and National Day schedule is usually announced in October (for 2026: Thông báo
 * 9441 of 16/10/2025), which leaves the admin a month of notice and the weeks until Tết to act.
 */
export const SCHEDULE_WARNING_FROM = { month: 9, day: 1 };

/**
 * The years, around `now`, that run (or will soon run) on the Labour Code's fallback rule: the current
 * year when it has no official schedule, and the next one from 1 September on.
 */
export function missingSchedules(now: Date): number[] {
  const local = new Date(now.getTime() + VN_UTC_OFFSET_MINUTES * 60_000);
  const year = local.getUTCFullYear();
  const years: number[] = [];
  if (year >= CALENDAR_MIN_YEAR && year <= CALENDAR_MAX_YEAR && !hasOfficialSchedule(year)) years.push(year);
  const warnFrom = Date.UTC(year, SCHEDULE_WARNING_FROM.month - 1, SCHEDULE_WARNING_FROM.day);
  if (local.getTime() >= warnFrom && year + 1 <= CALENDAR_MAX_YEAR && !hasOfficialSchedule(year + 1)) years.push(year + 1);
  return years;
}

/** A stored override the calendar cannot use, with the reason. */
export interface SkippedOverride {
  date: string;
  kind: string;
  name: string | null;
  problem: string;
}

/**
 * Reads every override and sorts the sound ones from those the calendar cannot use (a date outside
 * 2000–2100 or not a date at all, written before validation or by hand): one bad row must never stop
 * every deadline computation.
 */
export async function loadOverrides(db: Executor): Promise<{ overrides: CalendarOverride[]; skipped: SkippedOverride[] }> {
  const rows = await db('calendar_overrides').select('date', 'kind', 'name').orderBy('date');
  const overrides: CalendarOverride[] = [];
  const skipped: SkippedOverride[] = [];
  for (const r of rows) {
    const override = { date: String(r.date), kind: r.kind, name: r.name ?? null };
    const problem = overrideProblem(override);
    if (problem) skipped.push({ date: override.date, kind: String(r.kind), name: r.name == null ? null : String(r.name), problem: problem.message });
    else overrides.push(override);
  }
  return { overrides, skipped };
}

/**
 * The working-day calendar with the admin overrides from the database. The overrides are cached for a
 * short while: every API process picks up an admin's edit within `ttlMs`, the editing process at once.
 * Warnings (a missing schedule, a skipped override) go to the log when first seen and once a day after.
 */
export class DbCalendarProvider implements CalendarProvider {
  private cached: LoadedCalendar | null = null;
  private loading: Promise<LoadedCalendar> | null = null;
  private readonly ttlMs: number;
  /** Real time for the cache's age (a test clock may stand still or go back); the clock for what the warnings say. */
  private readonly elapsed: () => number;
  private readonly clock: () => Date;
  private readonly logger: WarnLogger | undefined;
  /** Warning key → when it was last logged. */
  private readonly logged = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly officeHours: OfficePeriod[],
    options: { ttlMs?: number; elapsed?: () => number; clock?: () => Date; logger?: WarnLogger } = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.elapsed = options.elapsed ?? Date.now;
    this.clock = options.clock ?? (() => new Date());
    this.logger = options.logger;
  }

  async current(): Promise<WorkingCalendar> {
    return (await this.state()).calendar;
  }

  async warnings(): Promise<CalendarWarning[]> {
    return this.warningsOf((await this.state()).skipped);
  }

  invalidate(): void {
    this.cached = null;
  }

  private async state(): Promise<LoadedCalendar> {
    if (this.cached && this.elapsed() - this.cached.loadedAt < this.ttlMs) return this.cached;
    this.loading ??= loadOverrides(this.db)
      .then(({ overrides, skipped }) => {
        // loadOverrides keeps only what overrideProblem accepts, so this constructor cannot throw on stored data.
        const loaded = { calendar: new WorkingCalendar({ officeHours: this.officeHours, overrides }), skipped, loadedAt: this.elapsed() };
        this.cached = loaded;
        this.logWarnings(this.warningsOf(skipped));
        return loaded;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }

  private warningsOf(skipped: SkippedOverride[]): CalendarWarning[] {
    return calendarWarnings(this.clock(), skipped);
  }

  private logWarnings(warnings: CalendarWarning[]): void {
    if (!this.logger) return;
    const now = this.clock().getTime();
    for (const w of warnings) {
      const key = w.code === 'SCHEDULE_MISSING' ? `${w.code}:${w.year}` : `${w.code}:${w.date}`;
      const last = this.logged.get(key);
      if (last !== undefined && now - last < 86_400_000) continue;
      this.logged.set(key, now);
      this.logger.warn({ calendar: w }, w.message);
    }
  }
}

/** The warnings of the calendar at `now`, given the overrides that were skipped. */
export function calendarWarnings(now: Date, skipped: SkippedOverride[]): CalendarWarning[] {
  const warnings: CalendarWarning[] = missingSchedules(now).map((year) => ({
    code: 'SCHEDULE_MISSING' as const,
    year,
    message:
      `No official working-day schedule for ${year} is loaded: deadlines in ${year} follow the Labour Code's rule (Art. 112: Tết from the last day ` +
      `of the lunar year to mùng 4, Quốc khánh 2/9 with an adjacent day) until a release ships the Prime Minister's schedule; ` +
      `enter the announced days off and make-up days as overrides (PUT /api/calendar/overrides/<date>) meanwhile.`,
  }));
  for (const s of skipped) {
    warnings.push({
      code: 'OVERRIDE_SKIPPED',
      date: s.date,
      message: `The calendar override stored for ${JSON.stringify(s.date)} is skipped (${s.problem}); delete it with DELETE /api/calendar/overrides/<date>.`,
    });
  }
  return warnings;
}

export interface OverrideView {
  date: string;
  kind: 'holiday' | 'workday';
  name: string | null;
}

/** The overrides the calendar uses (of one year, or all) and those it skips, for the admin to repair. */
export async function listOverrides(db: Executor, year?: number): Promise<{ items: OverrideView[]; skipped: SkippedOverride[] }> {
  const { overrides, skipped } = await loadOverrides(db);
  const inYear = (date: string) => year === undefined || date.startsWith(`${year}-`);
  return {
    items: overrides.filter((o) => inYear(o.date)).map((o) => ({ date: o.date, kind: o.kind, name: o.name ?? null })),
    skipped,
  };
}

/**
 * Sets (or replaces) the override of one day; audited on the day's calendar stream.
 * @throws ValidationError CALENDAR_OUT_OF_RANGE for a date outside 2000–2100, INVALID_DATE or INVALID_OVERRIDE otherwise.
 */
export async function putOverride(db: Db, actor: ActorRef, override: CalendarOverride, now: Date): Promise<OverrideView> {
  // Refused on the way in: a stored override is read by every deadline computation (DESIGN §7).
  const problem = overrideProblem(override);
  if (problem) throw new ValidationError(problem.code, `Invalid calendar override: ${problem.message}`, { date: override.date });
  const at = now.toISOString();
  const view: OverrideView = { date: override.date, kind: override.kind, name: override.name ?? null };
  await db.transaction(async (trx) => {
    const existing = await trx('calendar_overrides').where({ date: override.date }).first();
    if (existing) await trx('calendar_overrides').where({ date: override.date }).update({ kind: view.kind, name: view.name });
    else await trx('calendar_overrides').insert({ ...view, created_by: actor.kind === 'user' ? actor.id : null, created_at: at });
    await appendEvent(trx, { streamType: 'calendar', streamId: override.date, type: 'OVERRIDE_SET', actor, at, payload: { ...view } });
  });
  return view;
}

/**
 * Removes the override of one day (the default rules apply again).
 * @throws NotFoundError when the day has no override.
 */
export async function deleteOverride(db: Db, actor: ActorRef, date: string, now: Date): Promise<void> {
  await db.transaction(async (trx) => {
    const removed = await trx('calendar_overrides').where({ date }).delete();
    if (removed === 0) throw new NotFoundError('NOT_FOUND', `No calendar override on ${date}`);
    await appendEvent(trx, { streamType: 'calendar', streamId: date, type: 'OVERRIDE_REMOVED', actor, at: now.toISOString(), payload: { date } });
  });
}
