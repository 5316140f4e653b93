import type { Db, Executor } from '../../db/db.ts';
import { WorkingCalendar, type CalendarOverride, type DayInfo, type OfficePeriod, type WorkingTime } from '../../calendar/working-calendar.ts';
import { appendEvent, type ActorRef } from '../audit/event-log.ts';
import { NotFoundError } from '../errors.ts';

/** Working-day arithmetic plus the list of days off, as the API shows it. */
export type Calendar = WorkingTime & { daysOff(year: number): DayInfo[] };

/** Where the app gets its working-day arithmetic; tests may provide a compressed calendar. */
export interface CalendarProvider {
  current(): Promise<Calendar>;
  /** Called after an admin edits the overrides. */
  invalidate(): void;
}

/**
 * The working-day calendar with the admin overrides from the database. The overrides are cached for a
 * short while: every API process picks up an admin's edit within `ttlMs`, the editing process at once.
 */
export class DbCalendarProvider implements CalendarProvider {
  private cached: { calendar: WorkingCalendar; loadedAt: number } | null = null;
  private loading: Promise<WorkingCalendar> | null = null;

  constructor(
    private readonly db: Db,
    private readonly officeHours: OfficePeriod[],
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  async current(): Promise<WorkingCalendar> {
    if (this.cached && this.now() - this.cached.loadedAt < this.ttlMs) return this.cached.calendar;
    this.loading ??= listOverrides(this.db)
      .then((overrides) => {
        const calendar = new WorkingCalendar({ officeHours: this.officeHours, overrides });
        this.cached = { calendar, loadedAt: this.now() };
        return calendar;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }

  invalidate(): void {
    this.cached = null;
  }
}

export interface OverrideView {
  date: string;
  kind: 'holiday' | 'workday';
  name: string | null;
}

export async function listOverrides(db: Executor, year?: number): Promise<OverrideView[]> {
  const query = db('calendar_overrides').select('date', 'kind', 'name').orderBy('date');
  if (year !== undefined) query.where('date', 'like', `${year}-%`);
  return (await query).map((r) => ({ date: r.date, kind: r.kind, name: r.name ?? null }));
}

/** Sets (or replaces) the override of one day; audited on the day's calendar stream. */
export async function putOverride(db: Db, actor: ActorRef, override: CalendarOverride, now: Date): Promise<OverrideView> {
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
