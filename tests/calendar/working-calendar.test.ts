import { describe, it, expect, vi } from 'vitest';
import Holidays from 'date-holidays';
import {
  VN_UTC_OFFSET_MINUTES,
  WorkingCalendar,
  parseOfficeHours,
  type WorkingTime,
} from '../../src/calendar/working-calendar.ts';

/** Instant from a local (+07:00) wall-clock time. */
const vn = (local: string): Date => new Date(`${local}+07:00`);
const iso = (d: Date): string => d.toISOString();

const cal = new WorkingCalendar();

describe('constants', () => {
  it('uses the fixed UTC+07:00 offset', () => {
    expect(VN_UTC_OFFSET_MINUTES).toBe(420);
  });
});

describe('design example (30/4, 1/5 and a weekend)', () => {
  it('3 working days from Wed 2026-04-29 09:00 end on Wed 2026-05-06 09:00', () => {
    expect(iso(cal.addWorkingDays(vn('2026-04-29T09:00:00'), 3))).toBe(iso(vn('2026-05-06T09:00:00')));
  });

  it('30/4 and 1/5 are public holidays, 29/4 and 4/5 are working days', () => {
    expect(cal.dayInfo('2026-04-30')).toMatchObject({ working: false, reason: 'holiday' });
    expect(cal.dayInfo('2026-05-01')).toMatchObject({ working: false, reason: 'holiday' });
    expect(cal.isWorkingDay('2026-04-29')).toBe(true);
    expect(cal.isWorkingDay('2026-05-04')).toBe(true);
    // Wed 17:00 + 2 office hours: 30 min on Wed, then 90 min on Mon 4/5.
    expect(iso(cal.addWorkingMinutes(vn('2026-04-29T17:00:00'), 120))).toBe(iso(vn('2026-05-04T09:00:00')));
  });

  it('does not depend on the process time zone offset (explicit +07:00 instants)', () => {
    expect(iso(cal.addWorkingDays(new Date('2026-04-29T02:00:00Z'), 3))).toBe('2026-05-06T02:00:00.000Z');
  });
});

describe('Tết', () => {
  it('the official 2026 schedule gives 16–20/2 (29 tháng Chạp to mùng 4 Tết) as public holidays', () => {
    for (const d of ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20']) {
      expect(cal.dayInfo(d)).toMatchObject({ date: d, working: false, reason: 'holiday' });
    }
    expect(cal.dayInfo('2026-02-17').name).toBe('Tết Âm lịch: mùng 1 Tết Bính Ngọ');
    expect(cal.isWorkingDay('2026-02-13')).toBe(true);
    expect(cal.dayInfo('2026-02-14').reason).toBe('weekend');
    expect(cal.dayInfo('2026-02-22').reason).toBe('weekend');
    // The span is Mon–Fri, so no compensatory day follows it.
    expect(cal.dayInfo('2026-02-23')).toMatchObject({ working: true, reason: 'workday' });
  });

  it('Fri 2026-02-13 10:00 + 1 working day ends Mon 2026-02-23 10:00', () => {
    expect(iso(cal.addWorkingDays(vn('2026-02-13T10:00:00'), 1))).toBe(iso(vn('2026-02-23T10:00:00')));
  });

  it('admin overrides for a PM schedule move the result', () => {
    // Hypothetical decision: Mon 23/2 off, made up on Sat 28/2.
    const pm = new WorkingCalendar({
      overrides: [
        { date: '2026-02-23', kind: 'holiday', name: 'Nghỉ Tết (QĐ Thủ tướng)' },
        { date: '2026-02-28', kind: 'workday', name: 'Làm bù' },
      ],
    });
    expect(pm.dayInfo('2026-02-23')).toEqual({
      date: '2026-02-23', working: false, reason: 'override-holiday', name: 'Nghỉ Tết (QĐ Thủ tướng)',
    });
    expect(iso(pm.addWorkingDays(vn('2026-02-13T10:00:00'), 1))).toBe(iso(vn('2026-02-24T10:00:00')));
    expect(iso(pm.addWorkingDays(vn('2026-02-27T10:00:00'), 1))).toBe(iso(vn('2026-02-28T10:00:00')));
    // Friday 13/2 declared off too: the start counts from Tue 24/2 07:30.
    const pm2 = new WorkingCalendar({
      overrides: [
        { date: '2026-02-13', kind: 'holiday' },
        { date: '2026-02-23', kind: 'holiday' },
      ],
    });
    expect(iso(pm2.addWorkingDays(vn('2026-02-13T10:00:00'), 1))).toBe(iso(vn('2026-02-24T17:30:00')));
  });

  it('a Tết span covering a weekend yields compensatory days after the span (2025), which overrides can replace', () => {
    // date-holidays: 2025-01-28 (Tue) .. 2025-02-01 (Sat); Sat 1/2 → compensatory Mon 3/2.
    expect(cal.dayInfo('2025-02-01').reason).toBe('holiday');
    expect(cal.dayInfo('2025-02-03')).toMatchObject({ working: false, reason: 'compensatory' });
    expect(cal.isWorkingDay('2025-01-27')).toBe(true);
    expect(iso(cal.addWorkingDays(vn('2025-01-27T10:00:00'), 1))).toBe(iso(vn('2025-02-04T10:00:00')));
    // The actual 2025 schedule (25/1–2/2): Mon 27/1 off instead, Mon 3/2 a working day.
    const actual = new WorkingCalendar({
      overrides: [
        { date: '2025-01-27', kind: 'holiday' },
        { date: '2025-02-03', kind: 'workday' },
      ],
    });
    expect(actual.dayInfo('2025-02-03').reason).toBe('override-workday');
    expect(iso(actual.addWorkingDays(vn('2025-01-24T10:00:00'), 1))).toBe(iso(vn('2025-02-03T10:00:00')));
  });

  it('Tết 2027 (Fri 5/2 .. Tue 9/2) gives compensatory Wed 10/2 and Thu 11/2', () => {
    expect(cal.dayInfo('2027-02-10').reason).toBe('compensatory');
    expect(cal.dayInfo('2027-02-11').reason).toBe('compensatory');
    expect(cal.dayInfo('2027-02-12').reason).toBe('workday');
  });
});

describe('Quốc khánh (Labour Code 2019 Art. 112: two days)', () => {
  it('2025: Mon 1/9 and Tue 2/9 off', () => {
    expect(cal.dayInfo('2025-09-01')).toMatchObject({ working: false, reason: 'holiday' });
    expect(cal.dayInfo('2025-09-02')).toMatchObject({ working: false, reason: 'holiday', name: 'Quốc khánh (2/9)' });
    expect(cal.isWorkingDay('2025-09-03')).toBe(true);
    expect(iso(cal.addWorkingDays(vn('2025-08-29T10:00:00'), 1))).toBe(iso(vn('2025-09-03T10:00:00')));
  });

  it('2026 (official schedule): Tue 1/9 and Wed 2/9 off, Mon 31/8 swapped with Saturday 22/8', () => {
    expect(cal.dayInfo('2026-09-01').reason).toBe('holiday');
    expect(cal.dayInfo('2026-09-02').reason).toBe('holiday');
    expect(cal.dayInfo('2026-08-31')).toMatchObject({ working: false, reason: 'swapped-off' });
    expect(cal.dayInfo('2026-08-22')).toMatchObject({ working: true, reason: 'swapped-workday' });
    expect(cal.isWorkingDay('2026-09-03')).toBe(true);
    expect(iso(cal.addWorkingDays(vn('2026-08-28T10:00:00'), 1))).toBe(iso(vn('2026-09-03T10:00:00')));
    expect(iso(cal.addWorkingDays(vn('2026-08-21T10:00:00'), 1))).toBe(iso(vn('2026-08-22T10:00:00')));
  });

  it('2024: 2/9 is a Monday, so the second day is Tue 3/9', () => {
    expect(cal.dayInfo('2024-09-03').reason).toBe('holiday');
    expect(cal.dayInfo('2024-09-01').reason).toBe('weekend');
    expect(cal.isWorkingDay('2024-09-04')).toBe(true);
  });

  it('overrides can move the second day', () => {
    const moved = new WorkingCalendar({
      overrides: [
        { date: '2026-09-01', kind: 'workday' },
        { date: '2026-09-03', kind: 'holiday', name: 'Quốc khánh (dời)' },
      ],
    });
    expect(moved.isWorkingDay('2026-09-01')).toBe(true);
    expect(moved.isWorkingDay('2026-09-03')).toBe(false);
    expect(iso(moved.addWorkingDays(vn('2026-08-28T10:00:00'), 1))).toBe(iso(vn('2026-09-01T10:00:00')));
    expect(iso(moved.addWorkingDays(vn('2026-09-01T10:00:00'), 1))).toBe(iso(vn('2026-09-04T10:00:00')));
  });
});

describe('compensatory days (Labour Code 2019 Art. 111.3)', () => {
  it('Giỗ Tổ 2026-04-26 is a Sunday → Monday 2026-04-27 off', () => {
    expect(cal.dayInfo('2026-04-26')).toMatchObject({ working: false, reason: 'holiday' });
    expect(cal.dayInfo('2026-04-27')).toMatchObject({ working: false, reason: 'compensatory' });
    expect(cal.dayInfo('2026-04-27').name).toMatch(/Nghỉ bù/);
    expect(iso(cal.addWorkingDays(vn('2026-04-24T10:00:00'), 1))).toBe(iso(vn('2026-04-28T10:00:00')));
  });

  it('2023-09-02 Saturday → Monday 2023-09-04 off (with Fri 1/9 as second day)', () => {
    expect(cal.dayInfo('2023-09-01').reason).toBe('holiday');
    expect(cal.dayInfo('2023-09-02').reason).toBe('holiday');
    expect(cal.dayInfo('2023-09-04')).toMatchObject({ working: false, reason: 'compensatory' });
    expect(cal.isWorkingDay('2023-09-05')).toBe(true);
    expect(iso(cal.addWorkingDays(vn('2023-08-31T10:00:00'), 1))).toBe(iso(vn('2023-09-05T10:00:00')));
  });

  it('a compensatory day skips holidays and already-taken compensatory days (2023: Giỗ Tổ Sat 29/4, Sun 30/4, Mon 1/5)', () => {
    expect(cal.dayInfo('2023-05-01').reason).toBe('holiday');
    expect(cal.dayInfo('2023-05-02').reason).toBe('compensatory');
    expect(cal.dayInfo('2023-05-03').reason).toBe('compensatory');
    expect(cal.dayInfo('2023-05-04').reason).toBe('workday');
  });

  it('a workday override cancels a compensatory day', () => {
    const c = new WorkingCalendar({ overrides: [{ date: '2026-04-27', kind: 'workday' }] });
    expect(c.dayInfo('2026-04-27')).toMatchObject({ working: true, reason: 'override-workday' });
  });

  it('override holidays do not generate compensatory days', () => {
    const c = new WorkingCalendar({ overrides: [{ date: '2026-06-06', kind: 'holiday' }] }); // a Saturday
    expect(c.dayInfo('2026-06-06').reason).toBe('override-holiday');
    expect(c.isWorkingDay('2026-06-08')).toBe(true);
  });
});

describe('daysOff', () => {
  it('lists 2026 holidays, compensatory and swapped days off, sorted, without plain weekends or make-up Saturdays', () => {
    const days = cal.daysOff(2026);
    expect(days.map((d) => `${d.date}:${d.reason}`)).toEqual([
      '2026-01-01:holiday',
      '2026-01-02:swapped-off',
      '2026-02-16:holiday',
      '2026-02-17:holiday',
      '2026-02-18:holiday',
      '2026-02-19:holiday',
      '2026-02-20:holiday',
      '2026-04-26:holiday',
      '2026-04-27:compensatory',
      '2026-04-30:holiday',
      '2026-05-01:holiday',
      '2026-08-31:swapped-off',
      '2026-09-01:holiday',
      '2026-09-02:holiday',
    ]);
    expect(days.every((d) => !d.working)).toBe(true);
  });

  it('includes override holidays and drops days cancelled by workday overrides', () => {
    const c = new WorkingCalendar({
      overrides: [
        { date: '2026-12-31', kind: 'holiday', name: 'Tất niên' },
        { date: '2026-04-27', kind: 'workday' },
        { date: '2026-03-07', kind: 'workday' },
      ],
    });
    const dates = c.daysOff(2026).map((d) => d.date);
    expect(dates).not.toContain('2026-04-27');
    expect(dates).not.toContain('2026-03-07');
    expect(c.daysOff(2026).at(-1)).toEqual({ date: '2026-12-31', working: false, reason: 'override-holiday', name: 'Tất niên' });
  });
});

describe('starts outside office hours', () => {
  it('Mon 18:00 + 1 day is due Tue 17:30, not Wed 07:30', () => {
    expect(iso(cal.addWorkingDays(vn('2026-05-04T18:00:00'), 1))).toBe(iso(vn('2026-05-05T17:30:00')));
  });

  it('a start during lunch counts from 13:30', () => {
    expect(iso(cal.addWorkingDays(vn('2026-05-05T12:00:00'), 0.5))).toBe(iso(vn('2026-05-05T17:30:00')));
    expect(iso(cal.addWorkingMinutes(vn('2026-05-05T11:30:00'), 60))).toBe(iso(vn('2026-05-05T14:30:00')));
  });

  it('a start at 06:00 counts from 07:30 the same day', () => {
    expect(iso(cal.addWorkingDays(vn('2026-05-05T06:00:00'), 0.5))).toBe(iso(vn('2026-05-05T11:30:00')));
  });

  it('a start on a Saturday counts from Monday 07:30', () => {
    expect(iso(cal.addWorkingDays(vn('2026-05-09T10:00:00'), 1))).toBe(iso(vn('2026-05-11T17:30:00')));
    expect(iso(cal.addWorkingDays(vn('2026-05-09T10:00:00'), 1.25))).toBe(iso(vn('2026-05-12T09:30:00')));
  });

  it('keeps seconds inside office hours and starts at :00.000 outside', () => {
    expect(cal.addWorkingMinutes(new Date('2026-05-05T09:15:42.123+07:00'), 60).toISOString())
      .toBe(new Date('2026-05-05T10:15:42.123+07:00').toISOString());
    expect(cal.addWorkingMinutes(new Date('2026-05-05T06:59:42.123+07:00'), 60).toISOString())
      .toBe(new Date('2026-05-05T08:30:00.000+07:00').toISOString());
  });

  it('zero duration from outside office hours gives the next opening', () => {
    expect(iso(cal.addWorkingDays(vn('2026-05-08T18:00:00'), 0))).toBe(iso(vn('2026-05-11T07:30:00')));
    expect(iso(cal.addWorkingDays(vn('2026-05-08T10:00:00'), 0))).toBe(iso(vn('2026-05-08T10:00:00')));
  });
});

describe('fractional days and period ends', () => {
  it('0.5 day from 10:30 ends 16:30 the same day', () => {
    expect(iso(cal.addWorkingDays(vn('2026-05-05T10:30:00'), 0.5))).toBe(iso(vn('2026-05-05T16:30:00')));
  });

  it('1/8 day is one office hour and skips lunch', () => {
    expect(iso(cal.addWorkingDays(vn('2026-05-05T11:00:00'), 1 / 8))).toBe(iso(vn('2026-05-05T14:00:00')));
  });

  it('rounds to the nearest minute', () => {
    // 1/3 day = 160 minutes; 0.001 day = 0.48 min → 0; 0.002 day = 0.96 min → 1.
    expect(iso(cal.addWorkingDays(vn('2026-05-05T07:30:00'), 1 / 3))).toBe(iso(vn('2026-05-05T10:10:00')));
    expect(iso(cal.addWorkingDays(vn('2026-05-05T08:00:00'), 0.001))).toBe(iso(vn('2026-05-05T08:00:00')));
    expect(iso(cal.addWorkingDays(vn('2026-05-05T08:00:00'), 0.002))).toBe(iso(vn('2026-05-05T08:01:00')));
  });

  it('a result landing exactly at a period end is that end', () => {
    expect(iso(cal.addWorkingMinutes(vn('2026-05-05T10:00:00'), 90))).toBe(iso(vn('2026-05-05T11:30:00')));
    expect(iso(cal.addWorkingDays(vn('2026-05-05T07:30:00'), 1))).toBe(iso(vn('2026-05-05T17:30:00')));
    expect(iso(cal.addWorkingDays(vn('2026-05-05T07:30:00'), 0.5))).toBe(iso(vn('2026-05-05T11:30:00')));
    expect(iso(cal.addWorkingDays(vn('2026-05-04T07:30:00'), 5))).toBe(iso(vn('2026-05-08T17:30:00')));
  });

  it('long durations skip whole days correctly', () => {
    // 20 working days from Mon 2026-04-20 09:00: Mon 27/4 (compensatory), 30/4, 1/5 are off.
    expect(iso(cal.addWorkingDays(vn('2026-04-20T09:00:00'), 20))).toBe(iso(vn('2026-05-21T09:00:00')));
  });
});

describe('subtractWorkingDays', () => {
  const starts = [
    '2026-04-29T09:00:00', '2026-04-29T07:30:00', '2026-04-29T13:30:00', '2026-04-29T11:29:00',
    '2026-02-13T10:00:00', '2026-05-08T17:00:00', '2023-09-05T08:00:00', '2026-04-28T16:59:30',
  ];
  const durations = [0.125, 0.5, 1, 1.5, 3, 7.25, 30];

  it('is the inverse of addWorkingDays for starts inside office hours', () => {
    for (const s of starts) {
      const start = vn(s);
      expect(cal.isWorkingDay(s.slice(0, 10))).toBe(true);
      for (const d of durations) {
        const end = cal.addWorkingDays(start, d);
        expect(iso(cal.subtractWorkingDays(end, d)), `${s} ± ${d}`).toBe(iso(start));
      }
    }
  });

  it('design example backwards: Wed 2026-05-06 09:00 − 3 days = Wed 2026-04-29 09:00', () => {
    expect(iso(cal.subtractWorkingDays(vn('2026-05-06T09:00:00'), 3))).toBe(iso(vn('2026-04-29T09:00:00')));
  });

  it('an end outside office hours first moves back to the previous closing', () => {
    expect(iso(cal.subtractWorkingDays(vn('2026-05-05T18:00:00'), 0.5))).toBe(iso(vn('2026-05-05T13:30:00')));
    expect(iso(cal.subtractWorkingDays(vn('2026-05-05T12:15:00'), 1 / 8))).toBe(iso(vn('2026-05-05T10:30:00')));
    expect(iso(cal.subtractWorkingDays(vn('2026-05-11T07:00:00'), 1))).toBe(iso(vn('2026-05-08T07:30:00')));
    expect(iso(cal.subtractWorkingDays(vn('2026-05-10T09:00:00'), 0))).toBe(iso(vn('2026-05-08T17:30:00')));
  });

  it('"at the latest 1 working day before the appointment" skips holidays', () => {
    expect(iso(cal.subtractWorkingDays(vn('2026-05-04T09:00:00'), 1))).toBe(iso(vn('2026-04-29T09:00:00')));
  });
});

describe('workingMinutesBetween', () => {
  it('counts office minutes across a weekend', () => {
    expect(cal.workingMinutesBetween(vn('2026-05-08T15:30:00'), vn('2026-05-11T09:30:00'))).toBe(240);
  });

  it('counts office minutes across holidays', () => {
    expect(cal.workingMinutesBetween(vn('2026-04-29T09:00:00'), vn('2026-05-06T09:00:00'))).toBe(3 * 480);
    expect(cal.workingMinutesBetween(vn('2026-02-13T10:00:00'), vn('2026-02-23T10:00:00'))).toBe(480);
  });

  it('is 0 when to <= from, and excludes lunch and nights', () => {
    expect(cal.workingMinutesBetween(vn('2026-05-06T09:00:00'), vn('2026-05-06T09:00:00'))).toBe(0);
    expect(cal.workingMinutesBetween(vn('2026-05-06T10:00:00'), vn('2026-05-06T09:00:00'))).toBe(0);
    expect(cal.workingMinutesBetween(vn('2026-05-06T11:30:00'), vn('2026-05-06T13:30:00'))).toBe(0);
    expect(cal.workingMinutesBetween(vn('2026-05-06T11:00:00'), vn('2026-05-06T14:00:00'))).toBe(60);
    expect(cal.workingMinutesBetween(vn('2026-05-06T00:00:00'), vn('2026-05-07T00:00:00'))).toBe(480);
  });

  it('agrees with addWorkingMinutes', () => {
    const start = vn('2026-04-24T16:45:00');
    for (const m of [1, 45, 240, 480, 1000, 5000]) {
      expect(cal.workingMinutesBetween(start, cal.addWorkingMinutes(start, m))).toBe(m);
    }
  });
});

describe('overrides', () => {
  it("'workday' on a Saturday makes it count", () => {
    const c = new WorkingCalendar({ overrides: [{ date: '2026-05-09', kind: 'workday', name: 'Làm bù' }] });
    expect(c.isWorkingDay('2026-05-09')).toBe(true);
    expect(c.dayInfo('2026-05-09')).toEqual({ date: '2026-05-09', working: true, reason: 'override-workday', name: 'Làm bù' });
    // Fri 13:30–17:30 is half a day, the other half is the next working day's morning.
    expect(iso(cal.addWorkingDays(vn('2026-05-08T13:30:00'), 1))).toBe(iso(vn('2026-05-11T11:30:00')));
    expect(iso(c.addWorkingDays(vn('2026-05-08T13:30:00'), 1))).toBe(iso(vn('2026-05-09T11:30:00')));
    expect(c.workingMinutesBetween(vn('2026-05-08T17:00:00'), vn('2026-05-11T08:00:00'))).toBe(30 + 480 + 30);
  });

  it("'workday' on a public holiday wins", () => {
    const c = new WorkingCalendar({ overrides: [{ date: '2026-04-30', kind: 'workday' }] });
    expect(c.isWorkingDay('2026-04-30')).toBe(true);
  });

  it('rejects malformed overrides', () => {
    expect(() => new WorkingCalendar({ overrides: [{ date: '2026-02-30', kind: 'holiday' }] })).toThrow(/invalid date/);
    expect(() => new WorkingCalendar({ overrides: [{ date: '2026/05/09', kind: 'workday' }] })).toThrow(/invalid date/);
    expect(() => new WorkingCalendar({ overrides: [{ date: '2026-05-09', kind: 'off' as 'holiday' }] })).toThrow(/kind/);
  });

  it('throws instead of looping forever when no working day is left', () => {
    const overrides = [];
    const first = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 21 * 366; i++) {
      overrides.push({ date: new Date(first + i * 86_400_000).toISOString().slice(0, 10), kind: 'holiday' as const });
    }
    const c = new WorkingCalendar({ overrides });
    expect(() => c.addWorkingDays(vn('2026-01-05T09:00:00'), 1)).toThrow(/walked more than/);
    expect(() => c.subtractWorkingDays(vn('2046-12-30T09:00:00'), 1)).toThrow(/walked more than/);
  });
});

describe('input validation', () => {
  it('rejects negative or non-finite durations and invalid dates', () => {
    expect(() => cal.addWorkingDays(vn('2026-05-05T09:00:00'), -1)).toThrow();
    expect(() => cal.addWorkingDays(vn('2026-05-05T09:00:00'), Number.NaN)).toThrow();
    expect(() => cal.subtractWorkingDays(vn('2026-05-05T09:00:00'), Infinity)).toThrow();
    expect(() => cal.addWorkingMinutes(new Date('nope'), 1)).toThrow(/invalid Date/);
    expect(() => cal.dayInfo('2026-13-01')).toThrow(/invalid date/);
  });
});

describe('parseOfficeHours', () => {
  it('parses the default spec', () => {
    expect(parseOfficeHours('07:30-11:30,13:30-17:30')).toEqual([
      { start: '07:30', end: '11:30' },
      { start: '13:30', end: '17:30' },
    ]);
    expect(parseOfficeHours(' 7:00 - 11:30 , 13:30-17:00 ')).toEqual([
      { start: '07:00', end: '11:30' },
      { start: '13:30', end: '17:00' },
    ]);
  });

  it('rejects bad specs with clear messages', () => {
    expect(() => parseOfficeHours('07:30-11:30,11:00-17:00')).toThrow(/overlaps/);
    expect(() => parseOfficeHours('13:30-17:30,07:30-11:30')).toThrow(/chronological order/);
    expect(() => parseOfficeHours('7h30-11h30')).toThrow(/HH:MM-HH:MM/);
    expect(() => parseOfficeHours('')).toThrow(/empty/);
    expect(() => parseOfficeHours('07:30-11:30,')).toThrow(/HH:MM-HH:MM/);
    expect(() => parseOfficeHours('11:30-07:30')).toThrow(/must be after start/);
    expect(() => parseOfficeHours('07:30-07:30')).toThrow(/must be after start/);
    expect(() => parseOfficeHours('25:00-26:00')).toThrow(/not a time of day/);
    expect(() => parseOfficeHours('07:61-11:30')).toThrow(/not a time of day/);
  });

  it('the constructor validates office hours the same way', () => {
    expect(() => new WorkingCalendar({ officeHours: [] })).toThrow(/at least one period/);
    expect(() => new WorkingCalendar({ officeHours: [{ start: '13:00', end: '12:00' }] })).toThrow(/must be after start/);
  });
});

describe('custom office hours 07:00-11:30,13:30-17:00', () => {
  const custom = new WorkingCalendar({ officeHours: parseOfficeHours('07:00-11:30,13:30-17:00') });

  it('a full working day is 480 minutes and runs 07:00 → 17:00', () => {
    expect(custom.minutesPerWorkingDay).toBe(480);
    expect(iso(custom.addWorkingDays(vn('2026-05-05T07:00:00'), 1))).toBe(iso(vn('2026-05-05T17:00:00')));
    expect(iso(custom.addWorkingDays(vn('2026-05-04T18:00:00'), 1))).toBe(iso(vn('2026-05-05T17:00:00')));
  });

  it('walks the custom periods', () => {
    // 09:00–11:30 = 150 min, then 90 min from 13:30.
    expect(iso(custom.addWorkingDays(vn('2026-05-05T09:00:00'), 0.5))).toBe(iso(vn('2026-05-05T15:00:00')));
    expect(iso(custom.addWorkingDays(vn('2026-05-05T06:00:00'), 1 / 8))).toBe(iso(vn('2026-05-05T08:00:00')));
    expect(iso(custom.addWorkingDays(vn('2026-04-29T09:00:00'), 3))).toBe(iso(vn('2026-05-06T09:00:00')));
    expect(custom.workingMinutesBetween(vn('2026-05-05T00:00:00'), vn('2026-05-06T00:00:00'))).toBe(480);
    expect(iso(custom.subtractWorkingDays(vn('2026-05-05T17:30:00'), 0.25))).toBe(iso(vn('2026-05-05T15:00:00')));
  });
});

describe('performance and caching', () => {
  it('does not re-run date-holidays on the hot path', () => {
    const spy = vi.spyOn(Holidays.prototype, 'getHolidays');
    try {
      const c = new WorkingCalendar();
      const start = vn('2031-03-03T09:00:00');
      for (let i = 0; i < 5000; i++) c.addWorkingDays(start, 1 + (i % 40));
      for (let i = 0; i < 500; i++) new WorkingCalendar().isWorkingDay('2031-06-02');
      // Years 2030..2032 at most, each computed once.
      expect(spy.mock.calls.length).toBeLessThanOrEqual(3);
    } finally {
      spy.mockRestore();
    }
  });

  it('can be used through the WorkingTime interface', () => {
    const wt: WorkingTime = cal;
    expect(iso(wt.addWorkingDays(vn('2026-04-29T09:00:00'), 3))).toBe(iso(vn('2026-05-06T09:00:00')));
  });
});
