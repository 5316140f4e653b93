import type { Calendar, CalendarProvider } from '../../src/domain/calendar/calendar.service.ts';

/**
 * A calendar where every moment is working time and one working day lasts `msPerDay` of real time:
 * deadline tests run against real Redis and real delayed jobs without waiting for real working days.
 */
export function compressedCalendar(msPerDay: number): CalendarProvider {
  const calendar: Calendar = {
    addWorkingDays: (start, days) => new Date(start.getTime() + Math.round(days * msPerDay)),
    subtractWorkingDays: (end, days) => new Date(end.getTime() - Math.round(days * msPerDay)),
    workingMinutesBetween: (from, to) => Math.max(0, ((to.getTime() - from.getTime()) / msPerDay) * 480),
    workingDaysBetween: (from, to) => Math.max(0, (to.getTime() - from.getTime()) / msPerDay),
    daysOff: () => [],
  };
  return { current: async () => calendar, invalidate: () => undefined };
}
