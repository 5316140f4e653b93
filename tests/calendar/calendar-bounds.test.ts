import { describe, expect, it, vi } from 'vitest';
import Holidays from 'date-holidays';
import {
  CALENDAR_MAX_YEAR,
  CALENDAR_MIN_YEAR,
  MAX_WORKING_DAYS,
  parseOfficeHours,
  WorkingCalendar,
} from '../../src/calendar/working-calendar.ts';
import { ValidationError } from '../../src/domain/errors.ts';

/**
 * Issue 6 §3.7: a start in year 0 walked (and computed lunar years) without end. Every calendar entry
 * point refuses what is outside 2000–2100 with a typed ValidationError, and no walk can run unbounded.
 */
const cal = new WorkingCalendar();
const vn = (local: string): Date => new Date(`${local}+07:00`);

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).code;
  }
  throw new Error('expected a ValidationError');
}

describe('the range 2000–2100', () => {
  it('is what the constants say', () => {
    expect([CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR, MAX_WORKING_DAYS]).toEqual([2000, 2100, 3650]);
  });

  it('refuses the starts of the outside test at once (year 0, year 1, year 9999), without computing a single lunar year', () => {
    const spy = vi.spyOn(Holidays.prototype, 'getHolidays');
    try {
      for (const start of ['0000-01-01T00:00:00Z', '0001-01-01T03:00:00Z', '9999-12-31T23:59:59Z', '1999-12-31T16:59:59Z', '2101-01-01T00:00:00+07:00']) {
        expect(codeOf(() => cal.addWorkingDays(new Date(start), 1)), start).toBe('CALENDAR_OUT_OF_RANGE');
        expect(codeOf(() => cal.subtractWorkingDays(new Date(start), 1)), start).toBe('CALENDAR_OUT_OF_RANGE');
        expect(codeOf(() => cal.workingMinutesBetween(new Date(start), vn('2026-05-05T09:00:00'))), start).toBe('CALENDAR_OUT_OF_RANGE');
        expect(codeOf(() => cal.workingDaysBetween(vn('2026-05-05T09:00:00'), new Date(start))), start).toBe('CALENDAR_OUT_OF_RANGE');
      }
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('accepts its first and last local days', () => {
    // Saturday 1/1/2000 is a holiday on a weekend: Monday 3/1 is its compensatory day, so Tuesday opens.
    expect(cal.addWorkingDays(new Date('1999-12-31T17:00:00Z'), 0).toISOString()).toBe(vn('2000-01-04T07:30:00').toISOString());
    expect(cal.subtractWorkingDays(vn('2100-12-31T23:59:00'), 0).toISOString()).toBe(vn('2100-12-31T17:30:00').toISOString());
  });

  it('refuses a walk that would leave it, in either direction', () => {
    expect(codeOf(() => cal.addWorkingDays(vn('2100-12-31T10:00:00'), 1))).toBe('CALENDAR_OUT_OF_RANGE');
    expect(codeOf(() => cal.subtractWorkingDays(vn('2000-01-04T10:00:00'), 5))).toBe('CALENDAR_OUT_OF_RANGE');
  });

  it('refuses durations above MAX_WORKING_DAYS, non-finite or negative ones', () => {
    expect(codeOf(() => cal.addWorkingDays(vn('2026-05-05T09:00:00'), MAX_WORKING_DAYS + 1))).toBe('CALENDAR_OUT_OF_RANGE');
    expect(codeOf(() => cal.subtractWorkingDays(vn('2026-05-05T09:00:00'), 1e300))).toBe('CALENDAR_OUT_OF_RANGE');
    expect(codeOf(() => cal.addWorkingMinutes(vn('2026-05-05T09:00:00'), (MAX_WORKING_DAYS + 1) * 480))).toBe('CALENDAR_OUT_OF_RANGE');
    expect(codeOf(() => cal.addWorkingDays(vn('2026-05-05T09:00:00'), Infinity))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => cal.addWorkingDays(vn('2026-05-05T09:00:00'), -1))).toBe('VALIDATION_FAILED');
  });

  it('refuses an invalid Date (a leap second parsed by Date) with its own code', () => {
    expect(codeOf(() => cal.addWorkingDays(new Date('2026-12-31T23:59:60Z'), 1))).toBe('INVALID_INSTANT');
  });

  it('refuses dates, years and overrides outside it', () => {
    expect(codeOf(() => cal.dayInfo('0026-04-30'))).toBe('CALENDAR_OUT_OF_RANGE');
    expect(codeOf(() => cal.isWorkingDay('2101-01-01'))).toBe('CALENDAR_OUT_OF_RANGE');
    expect(codeOf(() => cal.daysOff(1999))).toBe('CALENDAR_OUT_OF_RANGE');
    expect(codeOf(() => cal.daysOff(Infinity))).toBe('CALENDAR_OUT_OF_RANGE');
    expect(codeOf(() => new WorkingCalendar({ overrides: [{ date: '0026-04-30', kind: 'holiday' }] }))).toBe('CALENDAR_OUT_OF_RANGE');
    expect(codeOf(() => cal.dayInfo('2026-02-30'))).toBe('INVALID_DATE');
  });
});

describe('the worst walks are bounded', () => {
  it('the longest accepted duration from the range end stops at the range end, after at most three lunar years', () => {
    const spy = vi.spyOn(Holidays.prototype, 'getHolidays');
    try {
      expect(codeOf(() => new WorkingCalendar().addWorkingDays(vn('2100-06-01T09:00:00'), MAX_WORKING_DAYS))).toBe('CALENDAR_OUT_OF_RANGE');
      expect(spy.mock.calls.length).toBeLessThanOrEqual(3);
    } finally {
      spy.mockRestore();
    }
  });

  it('counting over the whole range ends, computing each lunar year once', () => {
    const spy = vi.spyOn(Holidays.prototype, 'getHolidays');
    try {
      const minutes = new WorkingCalendar().workingMinutesBetween(new Date('1999-12-31T17:00:00Z'), vn('2100-12-31T23:59:00'));
      // About 250 working days a year for 101 years.
      expect(minutes / 480).toBeGreaterThan(101 * 240);
      expect(minutes / 480).toBeLessThan(101 * 255);
      expect(spy.mock.calls.length).toBeLessThanOrEqual(CALENDAR_MAX_YEAR - CALENDAR_MIN_YEAR + 3);
    } finally {
      spy.mockRestore();
    }
  });

  it('a calendar with every day overridden off gives up with a typed error instead of looping', () => {
    const overrides = [];
    for (let t = Date.UTC(2080, 0, 1); t <= Date.UTC(2100, 11, 31); t += 86_400_000) {
      overrides.push({ date: new Date(t).toISOString().slice(0, 10), kind: 'holiday' as const });
    }
    const c = new WorkingCalendar({ overrides });
    // 21 years of holidays: the walk gives up after 20 years, or at the range end, whichever comes first.
    expect(['CALENDAR_NO_WORKING_TIME', 'CALENDAR_OUT_OF_RANGE']).toContain(codeOf(() => c.addWorkingDays(vn('2080-01-02T09:00:00'), 1)));
    expect(codeOf(() => c.addWorkingDays(vn('2100-01-02T09:00:00'), 1))).toBe('CALENDAR_OUT_OF_RANGE');
  });
});

describe('working days from the configured office hours (the paused supplement clock)', () => {
  it('workingDaysBetween counts in office days of the configured length, not 480 minutes', () => {
    const mornings = new WorkingCalendar({ officeHours: parseOfficeHours('08:00-12:00') });
    expect(mornings.minutesPerWorkingDay).toBe(240);
    expect(mornings.workingDaysBetween(vn('2026-05-04T08:00:00'), vn('2026-05-05T08:00:00'))).toBe(1);
    expect(mornings.workingDaysBetween(vn('2026-05-04T08:00:00'), vn('2026-05-04T10:00:00'))).toBe(0.5);
    expect(mornings.workingDaysBetween(vn('2026-05-05T10:00:00'), vn('2026-05-04T08:00:00'))).toBe(0);
    // Adding back what was counted lands on the same instant.
    const from = vn('2026-04-24T09:15:00');
    const to = vn('2026-05-06T10:45:00');
    expect(mornings.addWorkingDays(vn('2026-06-01T08:00:00'), mornings.workingDaysBetween(from, to)).toISOString())
      .toBe(mornings.addWorkingMinutes(vn('2026-06-01T08:00:00'), mornings.workingMinutesBetween(from, to)).toISOString());
    expect(cal.workingDaysBetween(vn('2026-05-04T07:30:00'), vn('2026-05-06T07:30:00'))).toBe(2);
  });
});
