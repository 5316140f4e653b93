import { schedule2026 } from './2026.ts';
import { scheduleProblems, type OfficialSchedule } from './official-schedule.ts';

export type { OfficialSchedule, ScheduleDay, ScheduleDayKind, ScheduleSource } from './official-schedule.ts';

/**
 * Every official schedule shipped with the code, by year. To add a year: a `<year>.ts` beside this
 * file, checked against the published decision and citing it, and one line here.
 */
const SHIPPED: readonly OfficialSchedule[] = [schedule2026];

function register(schedules: readonly OfficialSchedule[]): ReadonlyMap<number, OfficialSchedule> {
  const map = new Map<number, OfficialSchedule>();
  for (const s of schedules) {
    const problems = scheduleProblems(s);
    // Shipped data: a broken file is a bug of the release, refused at start-up rather than miscounting deadlines.
    if (problems.length > 0) throw new Error(`Official schedule ${s.year} is inconsistent: ${problems.join('; ')}`);
    if (map.has(s.year)) throw new Error(`Official schedule ${s.year} is registered twice`);
    map.set(s.year, s);
  }
  return map;
}

/** The official schedules shipped with this release, by year. */
export const OFFICIAL_SCHEDULES: ReadonlyMap<number, OfficialSchedule> = register(SHIPPED);
